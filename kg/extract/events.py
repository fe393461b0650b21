"""The extraction engine: event mentions read from one sentence by the event-type specs.

Every spec (:mod:`kg.extract.spec`, files in ``specs/``) is run the same way:

1. **Triggers.** A token is a trigger of a spec when its lemma or form (or the two-word phrase it
   ends) is one of a trigger's words, in the right use (``NOUN`` is any nominal use, a gerund or an
   adjective standing in a noun's place included; ``VERB`` a verb not used as a modifier), every
   ``requires`` path matches and no ``unless`` path does. A token gives at most one mention per
   category: the first spec (by name) whose trigger passes.
2. **Types.** The trigger's own classes, plus those ``type_words`` reached by ``type_paths``.
3. **Roots.** The trigger and the words its roles are also read under (``roots``: the light verb
   of "carried out strikes", the verb an attack noun is the subject of).
4. **Roles.** Each role's patterns, in order, walked from the trigger (or from every root) and read
   by their fill (:mod:`kg.extract.fills`); the first pattern that fills the role wins, unless the
   role collects. What may fill a role is the role's ``types``.
5. **Cues.** Paths whose match drops the mention (negation, modality, a series, a denial) or marks
   it (past, definite, a denied doer).
6. **Sentence rules** shared by all specs: coordinated triggers share a doer, a purpose clause of
   another trigger is no event of its own, a diplomatic step aims at no one of its own state, and a
   trigger whose targets lie in several states is one attack per state.

Mentions are then merged and linked by the document passes (:mod:`kg.extract.passes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from spacy.tokens import Span, Token

from kg.extract.context import EntityView
from kg.extract.dates import PartialDate, parse_expression
from kg.extract.fills import fill_role
from kg.extract.paths import matches, walk
from kg.extract.roles import Role, Salience, dates_under, entity_of_phrase
from kg.extract.spec import Spec, Trigger, load_specs

NOMINAL_DEPS = frozenset({"pobj", "dobj", "nsubj", "nsubjpass", "acomp"})


@dataclass
class EventMention:
    """One mention of an event in one sentence, with the roles read around its trigger."""

    category: str  # "Attack" or "DiplomaticAction"
    types: set[str]
    head: Token  # the trigger's head word
    trigger: str  # the trigger words as written
    sent: Span
    spec: Spec | None = None
    agents: list[Role] = field(default_factory=list)  # perpetrator / actor
    patients: list[Role] = field(default_factory=list)  # target / recipient
    locations: list[Role] = field(default_factory=list)
    date: PartialDate | None = None
    date_token: Token | None = None
    date_confidence: float = 0.0
    killed: list[tuple[int, Token, float]] = field(default_factory=list)
    injured: list[tuple[int, Token, float]] = field(default_factory=list)
    definite: bool = False  # "the strikes": may refer to an event already mentioned
    anaphoric_only: bool = False  # never a new event by itself
    past: bool = False  # a background event, not the one reported
    headline: bool = False  # in a title line: a summary of the lead's event
    habitual: bool = False  # no single event (negated, modal, a series): dropped when merging
    weak: bool = False  # the effect of an attack ("explosions"), typed only by context
    light_verb: Token | None = None
    roots: list[Token] = field(default_factory=list)  # the words its roles were read under
    about_attack: EventMention | None = None  # the attack a diplomatic action reacts to
    event: object | None = None  # the merged event it belongs to (set by merge)
    cues: set[str] = field(default_factory=set)  # names of the cues that matched

    @property
    def tokens(self) -> set[int]:
        ids = {self.head.i} | {r.i for r in self.roots}
        if self.light_verb is not None:
            ids.add(self.light_verb.i)
        return ids

    @property
    def verbal(self) -> bool:
        return self.head.pos_ in ("VERB", "AUX") and not nominal_use(self.head)

    def has_arguments(self) -> bool:
        return bool(self.agents or self.patients or self.locations)

    def flag(self, name: str):
        return self.spec.flag(name) if self.spec is not None else None


# ---------------------------------------------------------------- triggers


def nominal_use(token: Token) -> bool:
    """A noun, or a gerund or adjective standing in a noun's place ("the shelling", "an offensive")."""
    if token.pos_ in ("NOUN", "PROPN"):
        return True
    return token.pos_ in ("VERB", "ADJ") and token.dep_ in NOMINAL_DEPS and (token.tag_ == "VBG" or token.pos_ == "ADJ")


def verbal_use(token: Token) -> bool:
    return token.pos_ in ("VERB", "AUX") and token.dep_ not in ("amod", "compound")


@cache
def _index() -> dict[str, dict[str, list[tuple[Spec, Trigger]]]]:
    index: dict[str, dict[str, list[tuple[Spec, Trigger]]]] = {"NOUN": {}, "VERB": {}}
    for spec in load_specs():
        for trigger in spec.triggers:
            for kind in trigger.pos:
                for word in trigger.words:
                    index[kind].setdefault(word, []).append((spec, trigger))
    return index


@cache
def trigger_words() -> frozenset[str]:
    """Every single-word attack trigger (words an actor's name is never made of)."""
    return frozenset(w for spec in load_specs() if spec.category == "Attack" for t in spec.triggers
                     if not t.requires for w in t.words if " " not in w)


def _keys(token: Token, kind: str) -> list[tuple[str, str]]:
    """(lookup key, text as written), longest first."""
    lemma, lower = token.lemma_.lower(), token.lower_
    keys: list[tuple[str, str]] = []
    if kind == "NOUN" and token.i > 0:
        prev = token.doc[token.i - 1]
        text = f"{prev.text} {token.text}"
        keys += [(f"{prev.lemma_.lower()} {lemma}", text), (f"{prev.lower_} {lower}", text),
                 (f"{prev.lower_} {lemma}", text)]
    keys += [(lemma, token.text), (lower, token.text)]
    if kind == "NOUN" and lower.endswith("s"):
        keys.append((lower[:-1], token.text))  # a capitalised plural heading a line keeps its plural as lemma
    return keys


def _passes(token: Token, spec: Spec, trigger: Trigger) -> bool:
    if token.dep_ in trigger.deps_not:
        return False
    if any(not any(matches(token, p, spec.words) for p in item) for item in trigger.requires):
        return False
    return not any(matches(token, p, spec.words) for p in trigger.unless)


def triggers_at(token: Token, category: str) -> tuple[Spec, Trigger, str, str] | None:
    """(spec, trigger, text, kind) of the first trigger of a category the token is, else None."""
    for kind, usable in (("VERB", verbal_use(token)), ("NOUN", nominal_use(token))):
        if not usable:
            continue
        for key, text in _keys(token, kind):
            for spec, trigger in _index()[kind].get(key, ()):
                if spec.category == category and _passes(token, spec, trigger):
                    return spec, trigger, text, kind
    return None


def _types(token: Token, spec: Spec, trigger: Trigger) -> set[str]:
    types = set(trigger.types)
    for path in spec.type_paths:
        for word in walk(token, path, spec.words):
            for key in (word.lemma_.lower(), word.lower_):
                types |= spec.type_words.get(key, frozenset())
    return types - ({spec.cls} if spec.cls == spec.category else set())


# ---------------------------------------------------------------- roles


def _roots(head: Token, spec: Spec, kind: str) -> list[Token]:
    found = [head]
    for pattern in spec.roots:
        if pattern.on in ("any", kind):
            for token in walk(head, pattern.path, spec.words):
                if all(token.i != t.i for t in found):
                    found.append(token)
    return found


def _fill(mention: EventMention, ctx: dict) -> None:
    spec = mention.spec
    kind = "noun" if not mention.verbal else "verb"
    roots = _roots(mention.head, spec, kind)
    mention.roots = roots[1:]
    light = [r for r in roots[1:] if r.lemma_.lower() in spec.words.get("light_verbs", ())]
    mention.light_verb = light[0] if light else None
    starts = {"head": [mention.head], "roots": roots}
    args = {**ctx, "spec": spec, "head": mention.head, "kind": kind, "agents": mention.agents,
            "about_attack": mention.about_attack}
    for slot, name in (("agent", spec.agent), ("patient", spec.patient), ("location", "location"),
                       ("date", "date")):
        role = spec.roles.get(name)
        if role is not None:
            _store(mention, fill_role(role, slot, starts, args))


def _store(mention: EventMention, values: list) -> None:
    for slot, value in values:
        if slot == "date":
            if mention.date is None:
                mention.date, mention.date_token, mention.date_confidence = value
            continue
        target = {"agent": mention.agents, "patient": mention.patients, "location": mention.locations}[slot]
        if value.key is not None and all(r.key != value.key for r in target):
            target.append(value)


def _apply_cues(mention: EventMention) -> None:
    spec = mention.spec
    kind = "verb" if mention.verbal else "noun"
    for cue in spec.cues:
        if cue.on not in ("any", kind) or not matches(mention.head, cue.path, spec.words):
            continue
        mention.cues.add(cue.name or cue.effect)
        if cue.effect == "drop":
            mention.habitual = True
        elif cue.effect == "past":
            mention.past = True
        elif cue.effect == "definite":
            mention.definite = True
        elif cue.effect == "deny_agent":
            mention.agents = []
        elif cue.effect == "aside":
            mention.anaphoric_only, mention.definite, mention.agents = True, True, []


def _date_rules(mention: EventMention, pub: date | None) -> None:
    """A month without a day marks a background event; a year alone, a campaign (no single event)."""
    if mention.flag("year_only_is_series") and mention.date is None and not mention.verbal:
        verbs = [a for a in list(mention.head.ancestors)[:5] if a.pos_ == "VERB"]
        for span in [s for verb in verbs for s in dates_under(verb, set())][:1]:
            parsed = parse_expression(span.text, pub)
            if parsed is not None and parsed.year and not parsed.month:
                mention.habitual = True
    if mention.date is None:
        return
    if mention.flag("month_only_is_past") and mention.date.month and not mention.date.day:
        mention.past = mention.past or not mention.date.relative_to_event
    if mention.flag("year_only_is_series") and mention.date.year and not mention.date.month:
        mention.habitual = True


def _needs_met(mention: EventMention, trigger: Trigger, view: EntityView) -> bool:
    spec = mention.spec
    for need in trigger.needs:
        roles = mention.agents if need.role == spec.agent else mention.patients
        if not any((not need.types or view.type_of(r.key) in need.types) and r.confidence >= need.confidence
                   for r in roles):
            return False
    return True


def is_headline(sent: Span) -> bool:
    """A title line: the document's first sentence, with no final punctuation."""
    words = [t for t in sent if not t.is_space]
    return sent.start == 0 and bool(words) and words[-1].text not in (".", "!", "?", '"', "\u201d", ":")


# ---------------------------------------------------------------- sentence rules


def _share_doers(mentions: list[EventMention]) -> None:
    """Coordinated triggers ("recalled X and warned Y", "rocket and mortar fire") share the
    first one's doer; a later step with none takes the sentence's earlier doer (weakly)."""
    by_head = {m.head.i: m for m in mentions}
    shared: Role | None = None
    for mention in mentions:
        first = by_head.get(mention.head.head.i) if mention.head.dep_ in ("conj", "appos") else None
        coordinated = first is not None and first is not mention and first.category == mention.category
        if coordinated and first.agents and (mention.category == "DiplomaticAction" or not mention.agents):
            mention.agents = [Role(r.key, r.token, r.confidence - 0.05) for r in first.agents]
        if mention.agents:
            shared = mention.agents[0]
        elif shared is not None and mention.category == "DiplomaticAction":
            mention.agents.append(Role(shared.key, shared.token, 0.5))


def _purpose_of_other(mention: EventMention, heads: set[int]) -> bool:
    """"summoned the envoy to protest ...": the purpose of another step, no step of its own."""
    head = mention.head
    return head.dep_ in ("xcomp", "advcl") and head.head.i in heads and any(c.lower_ == "to" for c in head.children)


def _own_side(mention: EventMention, view: EntityView) -> None:
    """A diplomatic step is never aimed at its own state."""
    actor_states = {view.state_of(r.key) or r.key for r in mention.agents}
    mention.patients = [r for r in mention.patients if (view.state_of(r.key) or r.key) not in actor_states]


def _about_attack(mention: EventMention, attacks: list[EventMention]) -> None:
    """The attack a diplomatic trigger's phrase names (a condemnation whose object is an attack)."""
    heads = {a.head.i: a for a in attacks}
    head = mention.head
    scope = [t for t in head.subtree if t.i != head.i] if mention.verbal else list(head.subtree)
    for tok in scope:
        if tok.i in heads and (tok.dep_ in ("dobj", "pobj", "nsubjpass") or (
                tok.dep_ == "nsubj" and tok.head.dep_ == "ccomp")):
            mention.about_attack = heads[tok.i]
            return


def _conjunct_root(token: Token, head: Token) -> Token:
    node = token
    while node.head.i != node.i and node.i != head.i:
        if node.dep_ == "conj":
            return node
        node = node.head
    return token


def _split_by_state(mention: EventMention, view: EntityView) -> list[EventMention]:
    """One trigger whose targets lie in several states joined by "and" / "as well as": one attack per
    state, each with the places and targets of its own conjunct (one target in two places stays one)."""
    if not mention.agents or not mention.locations:
        return []
    first_state = view.state_of(mention.locations[0].key)
    extra: list[EventMention] = []
    for role in list(mention.locations[1:]):
        conj = _conjunct_root(role.token, mention.head)
        state = view.state_of(role.key)
        if state is None or state == first_state or (conj.i == role.token.i and role.token.dep_ != "conj"):
            continue
        clone = _clone_in(mention, {t.i for t in conj.subtree}, conj, view)
        if clone is not None:
            extra.append(clone)
    return extra


def _clone_in(mention: EventMention, inside: set[int], conj: Token, view: EntityView) -> EventMention | None:
    clone = EventMention(mention.category, set(mention.types), mention.head, mention.trigger, mention.sent,
                         spec=mention.spec, agents=list(mention.agents), light_verb=mention.light_verb)
    clone.locations = [r for r in mention.locations if r.token.i in inside]
    clone.patients = [r for r in mention.patients if r.token.i in inside]
    for tok in conj.subtree:
        hit = view.at(tok)
        if hit is not None and hit.type in ("ArmedGroup", "GovernmentBody", "Organization") and all(
                r.key != hit.key for r in clone.patients):
            clone.patients.append(Role(hit.key, tok, 0.6))
    clone.date, clone.date_token, clone.date_confidence = mention.date, mention.date_token, mention.date_confidence
    if not clone.patients or {r.key for r in clone.patients} <= {r.key for r in mention.patients}:
        return None
    mention.locations = [r for r in mention.locations if r.token.i not in inside]
    mention.patients = [r for r in mention.patients if r.token.i not in inside and all(
        r.key != p.key for p in clone.patients)]
    return clone


# ---------------------------------------------------------------- per sentence


def _category_mentions(sent: Span, category: str, ctx: dict, attacks: list[EventMention]) -> list[EventMention]:
    found: list[tuple[EventMention, Trigger]] = []
    for token in sent:
        match = triggers_at(token, category)
        if match is None:
            continue
        spec, trigger, text, _kind = match
        mention = EventMention(category, _types(token, spec, trigger), token, text, sent, spec=spec,
                               anaphoric_only=trigger.anaphoric, weak=trigger.weak and " " not in text)
        found.append((mention, trigger))
    heads = {m.head.i for m, _ in found}
    out: list[EventMention] = []
    for mention, trigger in found:
        if category == "DiplomaticAction":
            _about_attack(mention, attacks)
        stop = heads - {mention.head.i} if category == "Attack" else set()
        _fill(mention, {**ctx, "stop": stop})
        _apply_cues(mention)
        _date_rules(mention, ctx["pub"])
        if not _needs_met(mention, trigger, ctx["view"]):
            continue
        if category == "DiplomaticAction" and _purpose_of_other(mention, heads):
            continue
        out.append(mention)
    return out


def sentence_mentions(sent: Span, view: EntityView, salience: Salience, pub: date | None) -> list[EventMention]:
    """Every attack and diplomatic action a sentence tells, with its roles."""
    ctx = {"view": view, "salience": salience, "pub": pub, "stop": set(), "attack_heads": {}}
    attacks = _category_mentions(sent, "Attack", ctx, [])
    _share_doers(attacks)
    headline = is_headline(sent)
    for mention in list(attacks):
        attacks.extend(_split_by_state(mention, view))
    ctx["attack_heads"] = {a.head.i: a for a in attacks}
    diplomatic = _category_mentions(sent, "DiplomaticAction", ctx, attacks)
    _share_doers(diplomatic)
    for mention in diplomatic:
        _own_side(mention, view)
    for mention in attacks + diplomatic:
        mention.headline = headline
        agent_keys = {r.key for r in mention.agents}
        mention.patients = [r for r in mention.patients if r.key not in agent_keys]
    return attacks + diplomatic


def actor_of_phrase(token: Token, view: EntityView) -> str | None:
    """The actor a noun phrase names (for passes that read a phrase outside any trigger)."""
    return entity_of_phrase(token, view)[0]
