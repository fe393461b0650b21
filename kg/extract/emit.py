"""Records and facts of one merged event, each citing its sentence and the source that sentence names.

The role names (perpetrator/target, actor/recipient) are the spec's, which are the ontology's. What
is said here holds for every event type: per role the surest reading of each entity wins; a state's
ministry, army or official attacks for the state; a diplomatic step has no recipient of its own
state; the most specific place is kept (a State only when nothing inside it is known); a count is
the largest the article gives for the event, with its own confidence.
"""

from __future__ import annotations

from spacy.tokens import Token

from kg.extract.context import EntityView
from kg.extract.evidence import sentence_evidence
from kg.extract.fills import affiliated_group
from kg.extract.merge import Event, final_types
from kg.extract.roles import Role
from kg.records import Document, DocumentExtraction, EventRecord, Fact, RelativeDate

ORGANS = ("GovernmentBody", "Official")


class _Emitter:
    def __init__(self, extraction: DocumentExtraction, document: Document, event: Event, view: EntityView,
                 attributions: dict):
        self.extraction, self.document, self.event, self.view = extraction, document, event, view
        self.attributions = attributions
        spec = next((m.spec for m in event.mentions if m.spec is not None), None)
        self.agent_name = spec.agent if spec is not None else "perpetrator"
        self.patient_name = spec.patient if spec is not None else "target"
        self.symmetric = any(m.flag("symmetric") for m in event.mentions)

    def evidence(self, token: Token, confidence: float, note: str | None = None):
        attribution = self.attributions.get(token.sent.start)
        attributed = attribution.key if attribution is not None else None
        if attribution is not None and attribution.hedged:
            confidence *= 0.85
        return sentence_evidence(self.document, token, confidence, attributed_to=attributed, note=note)

    def fact(self, predicate: str, obj, token: Token, confidence: float, is_key: bool = True,
             note: str | None = None) -> None:
        self.extraction.facts.append(Fact(self.event.key, predicate, obj, self.evidence(token, confidence, note),
                                          object_is_key=is_key))

    def state(self, key: str) -> str:
        return self.view.state_of(key) or key


def best_roles(roles: list[Role]) -> dict[str, Role]:
    best: dict[str, Role] = {}
    for role in roles:
        if role.key not in best or role.confidence > best[role.key].confidence:
            best[role.key] = role
    return best


def _own_side_only(key: str, event: Event, view: EntityView) -> bool:
    """A state does not attack itself or its own forces: read so, it is no perpetrator."""
    if view.type_of(key) != "State":
        return False
    targets = {r.key for m in event.mentions for r in m.patients}
    return bool(targets) and all(t == key or (view.type_of(t) in ORGANS and view.state_of(t) == key) for t in targets)


def _attackers(agents: dict[str, Role], event: Event, view: EntityView) -> dict[str, Role]:
    """A state's body or official attacks for the state; a group's spokesman for the group."""
    kept: dict[str, Role] = {}
    for key, role in agents.items():
        state = view.state_of(key) if view.type_of(key) in ORGANS else None
        actor = state or affiliated_group(key, view) or key
        if _own_side_only(actor, event, view):
            continue
        if actor not in kept or role.confidence > kept[actor].confidence:
            kept[actor] = Role(actor, role.token, role.confidence)
    return kept


def _two_sides(em: _Emitter, head, agents: dict[str, Role]) -> tuple[dict[str, Role], list[Role]]:
    """One call told from both sides: the first report's caller acts, the other side is a party."""
    first = {em.state(r.key) for r in head.agents} or {em.state(k) for k in list(agents)[:1]}
    other = [r for r in agents.values() if em.state(r.key) not in first]
    return {k: r for k, r in agents.items() if em.state(k) in first}, other


def _emit_agents(em: _Emitter, head) -> tuple[dict[str, Role], list[Role]]:
    event = em.event
    agents = best_roles([r for m in event.mentions for r in m.agents])
    if event.only_agents is not None:
        agents = {k: r for k, r in agents.items() if k in event.only_agents}
    other_side: list[Role] = []
    if event.category == "DiplomaticAction" and em.symmetric and agents:
        agents, other_side = _two_sides(em, head, agents)
    if event.category == "Attack":
        agents = _attackers(agents, event, em.view)
    for role in agents.values():
        em.fact(em.agent_name, role.key, role.token, role.confidence)
    return agents, other_side


def _emit_patients(em: _Emitter, agents: dict[str, Role], other_side: list[Role]) -> dict[str, Role]:
    event = em.event
    agent_states = {em.state(k) for k in agents}
    patients = best_roles([r for m in event.mentions for r in m.patients] + other_side)
    if event.only_patients is not None:
        patients = {k: r for k, r in patients.items() if k in event.only_patients}
    kept: dict[str, Role] = {}
    for role in patients.values():
        if role.key in agents or (event.category == "DiplomaticAction" and em.state(role.key) in agent_states):
            continue
        kept[role.key] = role
        em.fact(em.patient_name, role.key, role.token, role.confidence)
    return kept


def _chosen_places(em: _Emitter, patients: dict[str, Role]) -> dict[str, Role]:
    view = em.view
    places = best_roles([r for m in em.event.mentions for r in m.locations])
    if not places and em.event.category == "Attack":
        # an attack on a state's forces or officials, with no place named, is taken to be in that state
        for role in patients.values():
            if view.type_of(role.key) in ORGANS and (state := view.state_of(role.key)):
                places[state] = Role(state, role.token, 0.4)
                break
    specific = {k: r for k, r in places.items() if view.type_of(k) != "State"}
    chosen = dict(specific)
    known_states = {view.state_of(k) for k in specific}
    for key, role in places.items():
        if view.type_of(key) == "State" and (not specific or None in known_states) and key not in known_states:
            chosen[key] = role
    return chosen


def _emit_places(em: _Emitter, patients: dict[str, Role]) -> None:
    if em.event.category != "Attack":
        return  # where a diplomat spoke is rarely told reliably: diplomatic steps keep no location
    for role in _chosen_places(em, patients).values():
        em.fact("location", role.key, role.token, role.confidence)


def _emit_date(em: _Emitter) -> None:
    event = em.event
    if event.date is None or event.date_token is None:
        return
    if event.date.full is not None:
        em.fact("date", event.date.full, event.date_token, event.date_confidence, is_key=False)
    elif event.date.relative:
        # no publication date: the weekday is kept for resolution to anchor on other articles' events
        relative = RelativeDate(event.date.text, event.date.weekday, event.date.pub_offset or 0)
        em.fact("date", relative, event.date_token, event.date_confidence, is_key=False)


def _emit_counts(em: _Emitter) -> None:
    for name, counts in (("killed", em.event.killed), ("injured", em.event.injured)):
        if counts:
            count, token, confidence, note = max(counts, key=lambda c: (c[0], c[2]))
            em.fact(name, int(count), token, confidence, is_key=False, note=note)


def emit_event(extraction: DocumentExtraction, document: Document, event: Event, view: EntityView,
               attributions: dict) -> None:
    """Append the record of ``event`` and its facts to ``extraction``."""
    em = _Emitter(extraction, document, event, view, attributions)
    strong = [m for m in event.mentions if not m.weak] or event.mentions
    head = min(strong, key=lambda m: m.head.i)
    extraction.events.append(EventRecord(
        key=event.key, category=event.category, types=final_types(event, view), trigger=head.trigger,
        evidence=em.evidence(head.head, 0.6 if head.weak else 0.8),
    ))
    agents, other_side = _emit_agents(em, head)
    patients = _emit_patients(em, agents, other_side)
    _emit_places(em, patients)
    _emit_date(em)
    _emit_counts(em)
    for cause, confidence, token in event.responds_to:
        em.fact("inResponseTo", cause.key, token, confidence)
