"""Fills: how a token a spec's path reached becomes a role filler.

A spec pattern names its fill (``"fill": "subject"``); each fill here is one general reading of the
grammar, shared by every event type: the entity a noun phrase names (through pronouns and
anaphors), the doer of a verb (through control, coordination and relative clauses), a target that
may be a place, the state an envoy serves, the most specific place under a word, the day a word is
dated by. A fill returns ``(slot, value)`` pairs: the slot is ``agent``, ``patient``, ``location``
or ``date``; a role's own slot is the default, and a target that turns out to be a place goes to
``location``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Span, Token

from kg.extract.context import EntityView
from kg.extract.dates import parse_expression
from kg.extract.paths import walk
from kg.extract.roles import (
    Role,
    Salience,
    agent_of_verb,
    capital_named,
    dates_under,
    distributive_subject,
    entity_of_phrase,
    hits_in,
    most_specific_place,
    phrase_tokens,
    places_under,
    prep_objects,
)
from kg.extract.spec import Pattern, RoleSpec, Spec

Value = tuple[str, object]


@dataclass
class FillContext:
    """What a fill may read: the entities, the salience of earlier subjects, the publication date,
    the tokens of the sentence's other triggers (never crossed) and the mention being filled."""

    view: EntityView
    salience: Salience
    pub: date | None
    spec: Spec
    role: RoleSpec
    pattern: Pattern
    head: Token
    slot: str
    stop: set[int] = field(default_factory=set)
    attack_heads: dict[int, object] = field(default_factory=dict)
    agents: list[Role] = field(default_factory=list)
    roots: list[Token] = field(default_factory=list)
    slot_filled: bool = False  # the role already has a filler (fallback fills then do nothing)
    about_attack: bool = False  # the mention reacts to an attack named in its phrase

    def words(self, name: str) -> frozenset[str]:
        return self.spec.words.get(name, frozenset())

    @property
    def types(self) -> frozenset[str]:
        """What may fill the role through this pattern."""
        return self.pattern.types or self.role.types

    def allowed(self, key: str | None) -> bool:
        """Whether an entity may fill the role: of the right type, and for a doer not a headline's
        phrase about the event itself (a title's "Deadly Drone Assault" read as a name)."""
        if key is None or (self.types and self.view.type_of(key) not in self.types):
            return False
        return self.slot != "agent" or not named_like_event(key, self.view)

    def scaled(self, role: Role) -> Role:
        """A role read at a fill's own confidence, lowered by how much surer a direct subject is."""
        return Role(role.key, role.token, round(role.confidence - (0.85 - self.pattern.confidence), 3))


def _entity(token: Token, ctx: FillContext) -> list[Value]:
    """What a noun phrase names; a pronoun, or an anaphor ("the country") naming nothing itself, is the
    latest fitting subject."""
    base = ctx.pattern.confidence
    pronoun = token.lower_ in ctx.words("pronouns")
    if not pronoun:
        key, tok = entity_of_phrase(token, ctx.view, set(ctx.types) or None)
        if key is not None:
            return [(ctx.slot, Role(key, tok, base))] if ctx.allowed(key) else []
    if pronoun or token.lower_ in ctx.words("anaphor_heads"):
        key = ctx.salience.resolve(token)
        if ctx.allowed(key):
            return [(ctx.slot, Role(key, token, min(base, 0.6 if pronoun else 0.55)))]
    return []


def _subject(token: Token, ctx: FillContext) -> list[Value]:
    role = agent_of_verb(token, ctx.view, ctx.salience)
    if role is None or not ctx.allowed(role.key):
        return []
    out = [(ctx.slot, ctx.scaled(role))]
    for conj in role.token.conjuncts:  # "X, Y and Z condemned ...": every party named acts
        key, tok = entity_of_phrase(conj, ctx.view, set(ctx.types) or None)
        if ctx.allowed(key) and all(v[1].key != key for v in out):
            out.append((ctx.slot, Role(key, tok, out[0][1].confidence)))
    return out


def _named(token: Token, ctx: FillContext) -> list[Value]:
    """The entity a modifier itself names ("Russian strikes"), never a capital used as a place."""
    hit = ctx.view.at(token)
    if hit is None or hit.type == "Place" or capital_named(token):
        return []
    key = ctx.view.as_actor(hit)
    if not ctx.allowed(key):
        return []
    return [(ctx.slot, Role(key, token, ctx.pattern.confidence))]


def named_like_event(key: str, view: EntityView) -> bool:
    """Whether an entity's name is made of event words ("Fatal Drone Assault", "Hospital Struck"):
    a headline's noun phrase the recogniser took for a name, never a doer."""
    from kg.extract.events import trigger_words

    hit = next((h for h in view.hits if h.key == key), None)
    if hit is None or view.type_of(key) == "State":
        return False
    words = trigger_words()
    return any(t.lemma_.lower() in words or t.lower_ in words for t in view.doc[hit.start:hit.end])


def _owner_of(obj: Token, ctx: FillContext) -> Token:
    """The entity a target phrase is about: "members of X", "positions linked to X"."""
    node = obj
    for child in obj.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in child.children:
                if pobj.dep_ != "pobj":
                    continue
                named = [a for a in pobj.children if a.dep_ == "appos" and ctx.view.at(a) is not None]
                if ctx.view.at(pobj) is not None:
                    node = pobj
                elif named:
                    node = named[0]  # "positions of the militant group X": X
                elif ctx.view.describe_group(pobj):
                    node = pobj
    for child in obj.children:
        if child.dep_ == "acl" and child.lemma_.lower() in ctx.words("link_verbs"):
            for _, pobj in prep_objects(child, {"to", "with", "by"}):
                if ctx.view.at(pobj) is not None:
                    node = pobj
    return node


def _target(token: Token, ctx: FillContext, state_is_target: bool = True) -> list[Value]:
    """A target, or where the attack was when the object is a place (a State is both)."""
    conf = ctx.pattern.confidence
    node = _owner_of(token, ctx)
    hit = ctx.view.at(node)
    if hit is None and ctx.view.describe_group(node) is not None:
        hit = ctx.view.at(node)
    if hit is not None:
        if hit.type == "State":
            out: list[Value] = [("location", Role(hit.key, node, conf))]
            return out + ([(ctx.slot, Role(hit.key, node, conf - 0.1))] if state_is_target else [])
        if hit.type == "Place":
            return [("location", Role(hit.key, node, conf))]
        if hit.type in ctx.types:
            return [(ctx.slot, Role(hit.key, node, conf))]
    return _target_modifier(node, ctx)


def _target_modifier(node: Token, ctx: FillContext) -> list[Value]:
    """A target named inside its phrase: a group's base, a state's soldiers (but an "X-operated
    base" is X's, so X is the target, never the attacker)."""
    conf = ctx.pattern.confidence
    for tok in phrase_tokens(node):
        sub = ctx.view.at(tok)
        if sub is None or tok.i == node.i:
            continue
        if sub.type in ("ArmedGroup", "GovernmentBody", "Organization") and tok.dep_ in ("compound", "nmod", "poss"):
            return [(ctx.slot, Role(sub.key, tok, conf - 0.1))]
        if sub.type == "State" and node.lemma_.lower() in ctx.words("generic_target_heads"):
            return [(ctx.slot, Role(sub.key, tok, conf - 0.25))]
    return []


def _target_place(token: Token, ctx: FillContext) -> list[Value]:
    return _target(token, ctx, state_is_target=False)


def _envoy(token: Token, ctx: FillContext) -> list[Value]:
    """An envoy or a visit stands for the state it comes from; anything else for what it names."""
    conf = ctx.pattern.confidence
    if token.i in ctx.attack_heads:  # "condemned the X strikes": X, never the place the strikes hit
        key, tok = entity_of_phrase(token, ctx.view, place_as_state=False)
        return [(ctx.slot, Role(key, tok, conf))] if key else []
    words = ctx.words("envoy_words") | ctx.words("visit_words")
    from kg.extract.paths import in_phrase

    if in_phrase(token, words):
        for tok in phrase_tokens(token):
            hit = ctx.view.at(tok)
            if hit is not None and tok.dep_ in ("amod", "poss", "compound", "nmod", "pobj"):
                return _envoy_states(tok, ctx)
        return []
    return _entity(token, ctx)


def _envoy_states(token: Token, ctx: FillContext) -> list[Value]:
    """The states of an envoy phrase, every conjunct of the first ("the diplomats of A, B and C")."""
    values: list[Value] = []
    for tok in (token, *token.conjuncts):
        hit = ctx.view.at(tok)
        key = (ctx.view.state_of(hit.key) or ctx.view.as_actor(hit)) if hit is not None else None
        if key and all(v[1].key != key for v in values):
            values.append((ctx.slot, Role(key, tok, ctx.pattern.confidence)))
    return values


def _envoy_state(token: Token, ctx: FillContext) -> list[Value]:
    hit = ctx.view.at(token)
    key = ctx.view.state_of(hit.key) if hit is not None else None
    return [(ctx.slot, Role(key, token, ctx.pattern.confidence))] if key else []


def _party(token: Token, ctx: FillContext) -> list[Value]:
    """The party a measure aims at: a named official, body or firm stands for its state, or for the
    armed group it serves ("a group's spokesman" -> the group)."""
    key, tok = entity_of_phrase(token, ctx.view, place_as_state=True)
    if key is None:
        return []
    if ctx.view.type_of(key) in ("Official", "Person", "GovernmentBody", "Organization", "MediaOrganization"):
        key = affiliated_group(key, ctx.view) or ctx.view.state_of(key) or key
    return [(ctx.slot, Role(key, tok or token, ctx.pattern.confidence))]


def affiliated_group(key: str, view: EntityView) -> str | None:
    """The armed group an official or person speaks for (their affiliation), if any."""
    if view.type_of(key) not in ("Official", "Person"):
        return None
    for fact in getattr(view.index, "facts", ()):
        if fact.subject == key and fact.predicate == "affiliation" and view.type_of(fact.object) == "ArmedGroup":
            return fact.object
    return None


def _state_or_place(token: Token, ctx: FillContext) -> list[Value]:
    key, tok = entity_of_phrase(token, ctx.view, place_as_state=True)
    return [(ctx.slot, Role(key, tok or token, ctx.pattern.confidence))] if key else []


def _places(token: Token, ctx: FillContext) -> list[Value]:
    """The most specific place under the trigger and its roots, the State it lies in, and places in
    other states named in a coordinated phrase (kept so one trigger can be split by state)."""
    starts = ctx.roots if ctx.pattern.from_roots else [token]
    if ctx.pattern.from_roots and token.i != starts[0].i:
        return []  # read once, over every root together
    found = [f for start in starts for f in places_under(start, ctx.view, ctx.stop)]
    best = most_specific_place(found, ctx.view)
    if best is None:
        return []
    out: list[Value] = [("location", Role(best[0], best[1], ctx.pattern.confidence))]
    for hit, tok, _ in found:
        if hit.type == "State" and hit.key != best[0]:
            out.append(("location", Role(hit.key, tok, 0.7)))
            break
    seen = {ctx.view.state_of(best[0])}
    for hit, tok, _ in found:
        state = ctx.view.state_of(hit.key)
        if state not in seen and (tok.dep_ == "conj" or any(a.dep_ == "conj" for a in tok.ancestors
                                                             if ctx.head in a.ancestors)):
            out.append(("location", Role(hit.key, tok, 0.7)))
            seen.add(state)
    return out


def _territory(token: Token, ctx: FillContext) -> list[Value]:
    """A territory noun with a possessive pronoun: the state the pronoun stands for."""
    state = ctx.salience.resolve(token)
    if state and ctx.view.type_of(state) == "State":
        return [("location", Role(state, token.head, ctx.pattern.confidence))]
    return []


def _place_name(token: Token, ctx: FillContext) -> list[Value]:
    """A place before the trigger noun ("the market bombing" of a named town): where, not who."""
    hit = ctx.view.at(token)
    if hit is not None and (hit.type == "Place" or capital_named(token)):
        return [("location", Role(hit.key, token, ctx.pattern.confidence))]
    return []


def _date_of(text: str, ctx: FillContext):
    return parse_expression(text, ctx.pub)


_RELATIVE_AFTER = frozenset({"before", "earlier", "later", "after", "prior", "ago"})


def _date_phrases(token: Token, ctx: FillContext):
    """Candidate (text, token, confidence drop) date phrases of a root, surest first."""
    for child in token.children:
        if child.dep_ == "poss" and child.ent_type_ == "DATE":
            yield child.text, child, 0.0  # a possessive date: the day's strikes
    for span in dates_under(token, ctx.stop):
        after = span.doc[span.end] if span.end < len(span.doc) else None
        text = f"{span.text} {after.text}" if after is not None and after.lower_ in _RELATIVE_AFTER else span.text
        yield text, span.root, 0.0
    if token.dep_ in ("relcl", "advcl", "acl") and token.head.ent_type_ == "DATE" and any(
            c.lower_ in ("when", "as") for c in token.children):
        span = next((e for e in token.doc.ents if e.start <= token.head.i < e.end), None)
        if span is not None:
            yield span.text, token.head, 0.05  # the day a "when" clause describes
    if token.i == ctx.head.i:
        for child in token.children:
            if child.ent_type_ == "DATE" and child.dep_ in ("compound", "amod", "nmod", "npadvmod"):
                yield child.text, child, 0.05  # a date modifying the trigger noun itself


def _date(token: Token, ctx: FillContext) -> list[Value]:
    """The first date phrase of a root that parses as a date."""
    for text, where, drop in _date_phrases(token, ctx):
        parsed = _date_of(text, ctx)
        if parsed is not None:
            return [("date", (parsed, where, ctx.pattern.confidence - drop))]
    return []


def _announcement_date(token: Token, ctx: FillContext) -> list[Value]:
    """An action told in what someone said is dated by the saying ("X said on Monday it had ...")."""
    node = token
    while node.dep_ not in ("ccomp", "ROOT") and node.head.i != node.i:
        node = node.head
    if node.dep_ != "ccomp" or node.head.lemma_.lower() not in ctx.words("reporting_verbs"):
        return []
    found = _date(node.head, FillContext(**{**ctx.__dict__, "stop": {node.i}}))
    return [(slot, (v[0], v[1], min(v[2], ctx.pattern.confidence))) for slot, v in found]


def _claimant(token: Token, ctx: FillContext) -> list[Value]:
    """A claim of responsibility earlier in the sentence names the attacker even where the parse lost
    the link between the claim and the attack."""
    for tok in token.sent:
        if tok.i >= token.i:
            break
        if tok.lemma_.lower() not in ctx.words("claim_nouns"):
            continue
        claim = tok.head if tok.head.lemma_.lower() in ctx.words("claim_verbs") else None
        if claim is None and tok.dep_ == "pobj" and tok.head.head.lemma_.lower() == "claim":
            claim = tok.head.head
        if claim is None:
            continue
        if claim.pos_ == "NOUN":
            found = [c for c in claim.children if c.dep_ == "poss"]
            values = [v for c in found for v in _entity(c, ctx)]
        else:
            values = _subject(claim, ctx)
        if values:
            return values
    return []


NOMINAL_LINKS = frozenset({"dobj", "pobj", "prep", "conj", "compound", "appos", "nmod"})


def _verb_above(token: Token, ctx: FillContext) -> list[Value]:
    """Where the parse lost the link: the first verb above the trigger, through nominal links only, is
    a light verb ("launched a wave of ... strikes"); its subject did it."""
    node = token
    for _ in range(5):
        if node.dep_ not in NOMINAL_LINKS or node.head.i == node.i:
            return []
        node = node.head
        if node.lemma_.lower() in ctx.words("response_nouns"):
            return []  # what a verb answers ("in response to the blast, X fired") is not what X did
        if node.pos_ == "VERB":
            if node.lemma_.lower() in ctx.words("doing_verbs"):
                return _subject(node, ctx)
            return []
    return []


def _counted_states(token: Token, ctx: FillContext) -> list[Value]:
    """"the diplomats of seven countries" with the seven States listed in this sentence or the next
    (or the one before): each is a recipient of its own step."""
    from kg.extract.roles import counted_noun, states_before

    count = next((n for t in phrase_tokens(token) if (n := counted_noun(t)) is not None), None)
    if count is None:
        return []
    actor_states = {ctx.view.state_of(r.key) for r in ctx.agents}
    sents = list(token.doc.sents)
    here = next(i for i, s in enumerate(sents) if s.start <= token.i < s.end)
    windows = [(token.i + 1, sents[here].end)]
    if here + 1 < len(sents):
        windows.append((sents[here + 1].start, sents[here + 1].end))
    if here > 0:
        windows.append((sents[here - 1].start, sents[here - 1].end))
    for start, end in windows:
        states = [(k, t) for k, t in states_before(token.doc, start, end, ctx.view) if k not in actor_states]
        if len(states) == count:
            return [(ctx.slot, Role(key, tok, ctx.pattern.confidence)) for key, tok in states]
    return []


def _distributive(token: Token, ctx: FillContext) -> list[Value]:
    """A counted plural subject ("both governments", "the four states") acts for each state named before it."""
    return [(ctx.slot, role) for role in distributive_subject(token, ctx.view)]


def _crosses_clause(tok: Token, head: Token) -> bool:
    return any(a.dep_ in ("conj", "ccomp", "advcl", "relcl") and a.pos_ in ("VERB", "AUX")
               for a in tok.ancestors if a.i != head.i and head in a.ancestors)


def _deep_prep(token: Token, ctx: FillContext) -> list[Value]:
    """With no recipient found: a "for"/"against"/"to" object deeper in the trigger's own clause,
    the ones after the trigger first (a step's recipient follows it; a visit's place before it
    is no recipient)."""
    if ctx.slot_filled:
        return []
    inside_attacks = {t.i for i in ctx.attack_heads for t in token.doc[i].subtree}
    candidates = sorted(token.subtree, key=lambda t: (t.i < token.i, abs(t.i - token.i)))
    for tok in candidates:
        if tok.i == token.i or tok.i in inside_attacks or _crosses_clause(tok, token):
            continue
        if tok.dep_ == "pobj" and tok.head.lower_ in ("for", "against", "to"):
            key, hit_tok = entity_of_phrase(tok, ctx.view)
            if key is not None:
                return [(ctx.slot, Role(key, hit_tok or tok, ctx.pattern.confidence))]
    return []


def _only_other_state(token: Token, ctx: FillContext) -> list[Value]:
    """With no recipient found and no attack reacted to: the one other state the sentence names."""
    if ctx.slot_filled or ctx.about_attack:
        return []
    actor_states = {ctx.view.state_of(r.key) for r in ctx.agents}
    states = [h for h in hits_in(token.sent, ctx.view) if h.type in ("State", "Place")]
    others = {ctx.view.state_of(h.key) for h in states} - actor_states - {None}
    if len(others) != 1:
        return []
    key = others.pop()
    tok = next(token.doc[h.start] for h in states if ctx.view.state_of(h.key) == key)
    return [(ctx.slot, Role(key, tok, ctx.pattern.confidence))]


def _accuser(token: Token, ctx: FillContext) -> list[Value]:
    """A denial with no one named answers whoever accuses in the sentence."""
    for verb in (t for t in token.sent if t.lemma_.lower() in ctx.words("accuse_verbs") and t.i != token.i):
        role = agent_of_verb(verb, ctx.view, ctx.salience)
        if role is not None:
            return [(ctx.slot, Role(role.key, role.token, min(role.confidence, ctx.pattern.confidence)))]
    return []


FILLS: dict[str, Callable[[Token, FillContext], list[Value]]] = {
    "entity": _entity, "subject": _subject, "named": _named, "target": _target, "target_place": _target_place,
    "envoy": _envoy, "envoy_state": _envoy_state, "state_or_place": _state_or_place, "places": _places,
    "territory": _territory, "place_name": _place_name, "date": _date, "announcement_date": _announcement_date,
    "distributive": _distributive, "deep_prep": _deep_prep, "only_other_state": _only_other_state,
    "accuser": _accuser, "claimant": _claimant, "verb_above": _verb_above, "party": _party,
    "counted_states": _counted_states,
}


def _own_side(value: Value, slot: str, ctx: FillContext) -> bool:
    """A diplomatic step is not aimed at its own doer's state: such a reading is no recipient."""
    if slot != "patient" or ctx.spec.category != "DiplomaticAction" or not ctx.agents:
        return False
    states = {ctx.view.state_of(r.key) or r.key for r in ctx.agents}
    return (ctx.view.state_of(value[1].key) or value[1].key) in states


def _inside_attack(token: Token, ctx: FillContext) -> bool:
    """A diplomatic step's recipient is never read inside an attack it names (the place hit)."""
    if not ctx.attack_heads or ctx.spec.category != "DiplomaticAction":
        return False
    for node in token.ancestors:
        if node.i == ctx.head.i:
            return False
        if node.i in ctx.attack_heads:
            return True
    return False


def fill_role(role: RoleSpec, slot: str, starts: dict[str, list[Token]], ctx_args: dict) -> list[Value]:
    """Walk a role's patterns in order; the first that finds something wins unless the role collects."""
    values: list[Value] = []
    kind = ctx_args["kind"]
    for pattern in role.patterns:
        if pattern.on not in ("any", kind):
            continue
        own = [v for v in values if v[0] == slot]
        if pattern.fallback and own:
            continue
        ctx = FillContext(view=ctx_args["view"], salience=ctx_args["salience"], pub=ctx_args["pub"],
                          spec=ctx_args["spec"], role=role, pattern=pattern, head=ctx_args["head"], slot=slot,
                          stop=ctx_args["stop"], attack_heads=ctx_args["attack_heads"],
                          agents=ctx_args["agents"], roots=starts["roots"], slot_filled=bool(own),
                          about_attack=ctx_args.get("about_attack") is not None)
        found: list[Value] = []
        for start in (starts["roots"] if pattern.from_roots else starts["head"]):
            for token in walk(start, pattern.path, ctx.spec.words):
                if slot == "patient" and _inside_attack(token, ctx):
                    continue
                found.extend(v for v in FILLS[pattern.fill](token, ctx) if not _own_side(v, slot, ctx))
        values.extend(found)
        if any(v[0] == slot for v in found) and (pattern.final or not role.collect):
            break
    return values


def sentence_of(token: Token) -> Span:
    return token.sent
