"""Merging the mentions of one real event within a document.

An article names the same strike several times (by its doer, by its place and day, by a bare
"the raids"). Mentions
are merged in text order into :class:`Event` clusters when they are of the same category and
nothing conflicts (perpetrator/actor state, target/recipient, territory, date, type family, past vs
current) and something agrees; a bare definite mention ("the strikes") joins the latest compatible
event; a bare indefinite mention with no argument is dropped (it names no particular event).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.extract.context import EntityView
from kg.extract.dates import PartialDate
from kg.extract.events import EventMention
from kg.extract.spec import words

AERIAL = frozenset({"Airstrike", "MissileStrike", "DroneStrike"})  # ontology classes, told apart from the air
GROUND = frozenset({"Bombing", "ArmedAssault"})  # and on the ground: a suicide bombing with gunmen is either


@dataclass
class Event:
    """A cluster of mentions of one event in one document."""

    category: str
    key: str = ""
    mentions: list[EventMention] = field(default_factory=list)
    types: set[str] = field(default_factory=set)
    past: bool = False
    responds_to: list[tuple[Event, float, object]] = field(default_factory=list)  # (cause, confidence, token)
    killed: list[tuple[int, object, float, str | None]] = field(default_factory=list)  # (count, token, conf, note)
    injured: list[tuple[int, object, float, str | None]] = field(default_factory=list)
    date: PartialDate | None = None
    date_token: object | None = None
    date_confidence: float = 0.0
    only_patients: frozenset[str] | None = None  # one of several per-recipient copies (see split_by_recipient)
    only_agents: frozenset[str] | None = None  # one of several per-actor copies (see split_by_actor)

    @property
    def first(self) -> int:
        return min(m.head.i for m in self.mentions)

    @property
    def last(self) -> int:
        return max(m.head.i for m in self.mentions)

    def agents(self) -> set[str]:
        return {r.key for m in self.mentions for r in m.agents}

    def patients(self) -> set[str]:
        return {r.key for m in self.mentions for r in m.patients}

    def places(self) -> set[str]:
        return {r.key for m in self.mentions for r in m.locations}


def _principals(keys: set[str], view: EntityView) -> set[str]:
    out = set()
    for key in keys:
        out.add(view.state_of(key) or key)
    return out


def _types_compatible(a: set[str], b: set[str], category: str) -> bool:
    if category == "DiplomaticAction":
        return bool(a & b)
    specific_a, specific_b = a - {"Attack"}, b - {"Attack"}
    if not specific_a or not specific_b:
        return True
    if specific_a & specific_b:
        return True
    if specific_a | specific_b <= GROUND:
        return True  # a suicide bombing with gunmen is told as either
    return bool(specific_a <= AERIAL and specific_b <= AERIAL)


def _weight(mention: EventMention, name: str, default: int) -> int:
    value = mention.flag(name)
    return default if value is None else int(value)


def _agent_score(event: Event, mention: EventMention, view: EntityView) -> int | None:
    mine, theirs = _principals({r.key for r in mention.agents}, view), _principals(event.agents(), view)
    if not (mine and theirs):
        return 0
    return _weight(mention, "agent", 2) if mine & theirs else None


def _terror_and_state(event: Event, mention: EventMention, view: EntityView) -> bool:
    """An attack called terrorist is not a state's strike: the two are not one event."""
    terror = any(c.lower_ in words()["terror_words"] for c in mention.head.children if c.dep_ in ("amod", "compound"))
    theirs = _principals(event.agents(), view)
    return terror and bool(theirs) and all(view.type_of(k) == "State" for k in theirs)


def _own_forces(event: Event, mention: EventMention, view: EntityView) -> bool:
    """A state does not attack its own forces: such mentions are two attacks."""
    organs = ("GovernmentBody", "Official")
    own = {view.state_of(k) for k in event.patients() if view.type_of(k) in organs} - {None}
    mine = {view.state_of(r.key) for r in mention.patients if view.type_of(r.key) in organs} - {None}
    mine_agents = _principals({r.key for r in mention.agents}, view)
    return bool(mine_agents & own or _principals(event.agents(), view) & mine)


def _patient_score(event: Event, mention: EventMention, view: EntityView) -> int | None:
    mine, theirs = {r.key for r in mention.patients}, event.patients()
    if mention.category == "DiplomaticAction":
        mine, theirs = _principals(mine, view), _principals(theirs, view)
    if not (mine and theirs):
        return 0
    if not mine & theirs and (mention.category == "DiplomaticAction" or not (
            _principals(mine, view) & _principals(theirs, view))):
        return None
    return _weight(mention, "patient", 1)


def _nested(a: set[str], b: set[str], view: EntityView) -> bool:
    """Some place of one lies in (or is) a place of the other."""
    around_a = a.union(*(view.containers_of(k) for k in a))
    around_b = b.union(*(view.containers_of(k) for k in b))
    return bool(a & around_b or b & around_a)


def _place_score(event: Event, mention: EventMention, view: EntityView) -> int | None:
    places = {r.key for r in mention.locations}
    mine, theirs = _principals(places, view), _principals(event.places(), view)
    if not (mine and theirs):
        return 0
    return _weight(mention, "place", 1) if mine & theirs or _nested(places, event.places(), view) else None


def _date_score(event: Event, mention: EventMention) -> int | None:
    if mention.date is None or event.date is None or mention.date.relative_to_event:
        return 0
    if not event.date.compatible(mention.date):
        return None
    return _weight(mention, "date", 1) if mention.date.full and event.date.full else 0


def _score(event: Event, mention: EventMention, view: EntityView) -> int | None:
    """How well a mention fits an event; None when something conflicts."""
    if event.category != mention.category or not _types_compatible(event.types, mention.types, event.category):
        return None
    if event.past != mention.past or _told_as_distinct(mention):
        return None
    if mention.flag("symmetric") and mention.types & event.types:
        return _pair_score(event, mention, view)
    if mention.category == "Attack" and (_terror_and_state(event, mention, view) or _own_forces(event, mention, view)):
        return None
    parts = [_agent_score(event, mention, view), _patient_score(event, mention, view),
             _place_score(event, mention, view), _date_score(event, mention)]
    return None if None in parts else sum(parts)


def _told_as_distinct(mention: EventMention) -> bool:
    """ "a separate attack", "another strike": an event of its own, whatever it shares with the others."""
    return any(c.dep_ in ("amod", "det") and c.lower_ in words()["distinct_words"] for c in mention.head.children)


def _pair_score(event: Event, mention: EventMention, view: EntityView) -> int | None:
    """A call or meeting told from either side: actor and recipient are compared as an unordered pair
    of parties (their States)."""
    mine_agents = _principals({r.key for r in mention.agents}, view)
    mine_others = _principals({r.key for r in mention.patients}, view)
    theirs_agents, theirs_others = _principals(event.agents(), view), _principals(event.patients(), view)
    mine, theirs = mine_agents | mine_others, theirs_agents | theirs_others
    score = 0
    for own, other in ((mine_agents, theirs), (mine_others, theirs), (theirs_agents, mine), (theirs_others, mine)):
        if own and other:
            if not own & other:
                return None
            score += 1
    dated = mention.date is not None and event.date is not None and not mention.date.relative_to_event
    if dated and not event.date.compatible(mention.date):
        return None
    return min(score, 3)


def _latest(events: list[Event], fits: list[tuple[int, Event]]) -> Event:
    return max((e for _, e in fits), key=lambda e: (e.last, events.index(e)))


def _title_event(events: list[Event], mention: EventMention, fits: list[tuple[int, Event]]) -> Event | None:
    """The title's attack, for the lead's first attack that fits it."""
    if mention.category != "Attack" or mention.headline:
        return None
    headline = [e for _, e in fits if all(m.headline for m in e.mentions)]
    return headline[0] if headline and not _lead_taken(events, headline[0]) else None


def _best_fit(events: list[Event], mention: EventMention, fits: list[tuple[int, Event]]) -> Event | None:
    """A mention with arguments or a day joins the best scoring fit (the latest among equals); one
    that agrees on nothing joins the latest fit only when it names no one of its own."""
    scored = [(s, e) for s, e in fits if s >= 1]
    if scored:
        best = max(s for s, _ in scored)
        return _latest(events, [(s, e) for s, e in scored if s == best])
    if fits and (not mention.has_arguments() or (mention.definite and not mention.agents)):
        return _latest(events, fits)
    return None


def _choose(events: list[Event], mention: EventMention, fits: list[tuple[int, Event]]) -> Event | None:
    """The event a mention joins, if any (a bare definite mention joins the latest fit)."""
    title = _title_event(events, mention, fits)
    if title is not None:
        return title
    if mention.has_arguments() or (mention.date is not None and mention.date.full):
        return _best_fit(events, mention, fits)
    if (mention.definite or mention.anaphoric_only or mention.weak) and fits:
        return _latest(events, fits)
    return None


def _stands_alone(mention: EventMention) -> bool:
    """Whether a mention that joins nothing is an event of its own."""
    if mention.anaphoric_only and not mention.agents:
        return False
    if not mention.has_arguments() and not (mention.category == "Attack" and _substantial(mention)):
        return False
    if mention.category == "DiplomaticAction":
        return bool(mention.agents)
    return bool(mention.agents) or _substantial(mention)


def _join(event: Event, mention: EventMention) -> None:
    event.mentions.append(mention)
    event.types |= mention.types
    mention.event = event
    better = mention.date is not None and (event.date is None or (mention.date.full and not event.date.full))
    if better and not mention.date.relative_to_event:
        event.date, event.date_token, event.date_confidence = mention.date, mention.date_token, mention.date_confidence


def _fits(events: list[Event], mention: EventMention, view: EntityView) -> list[tuple[int, Event]]:
    fits = [(score, event) for event in events if (score := _score(event, mention, view)) is not None]
    if _answered(mention):
        # what an attack answers is not told in the same sentence as that attack
        fits = [(s, e) for s, e in fits if all(m.sent.start != mention.sent.start for m in e.mentions)]
    return fits


def _drop_lone_titles(events: list[Event]) -> None:
    """A title's attack that no later mention joined stands only on what a lone mention needs."""
    for event in [e for e in events if all(m.headline for m in e.mentions)]:
        if not event.agents() and not any(_substantial(m) for m in event.mentions):
            events.remove(event)
            for mention in event.mentions:
                mention.event = None


def _attach_bare(events: list[Event], bare: list[EventMention]) -> None:
    """A bare mention whose own phrase describes another mention is that mention's event."""
    for mention in bare:
        inner = {t.i for t in mention.head.subtree}
        for event in events:
            if event.category == mention.category and any(
                    m.head.i in inner and m.head.i != mention.head.i for m in event.mentions):
                event.mentions.append(mention)
                mention.event = event
                break


def merge_mentions(mentions: list[EventMention], view: EntityView) -> list[Event]:
    """Cluster the mentions of a document (in text order) into events."""
    events: list[Event] = []
    bare: list[EventMention] = []
    for mention in sorted(mentions, key=lambda m: m.head.i):
        if mention.habitual:
            continue
        chosen = _choose(events, mention, _fits(events, mention, view))
        if chosen is None and mention.headline and mention.category == "Attack" and not mention.anaphoric_only:
            chosen = Event(mention.category, past=mention.past)  # kept only if the lead joins it
            events.append(chosen)
        if chosen is None:
            if not _stands_alone(mention):
                if not mention.has_arguments() or mention.anaphoric_only:
                    bare.append(mention)
                continue
            chosen = Event(mention.category, past=mention.past)
            events.append(chosen)
        _join(chosen, mention)
    _drop_lone_titles(events)
    _attach_bare(events, bare)
    return consolidate(events, view)


def _strength(event: Event) -> tuple:
    """How much a document says of an event: who did it, how often it is told, to whom, when."""
    dated = event.date is not None and event.date.full is not None
    return bool(event.agents()), len(event.mentions), bool(event.patients()), dated, -event.last


def _separate_places(a: Event, b: Event, view: EntityView) -> bool:
    """Each told at its own place below the State, and neither place lies in the other: two attacks.

    A neighbourhood told in one sentence and its city in another (a district of the capital, then the
    capital) are one place at two scales, not two places.
    """
    own_a = {k for k in a.places() if view.type_of(k) != "State"}
    own_b = {k for k in b.places() if view.type_of(k) != "State"}
    return bool(own_a and own_b) and not _nested(own_a, own_b, view)


def consolidate(events: list[Event], view: EntityView) -> list[Event]:
    """The attacks of one article that nothing tells apart are one attack.

    Mention by mention merging keeps apart what it cannot join at the time (the lead's "an attack
    on the town", a later "JNIM claimed the assault", "200 soldiers were killed in the attack"), so a
    short report would say one strike three times, each with part of its arguments. Here an attack
    told with less joins the attack told with most when every one of its mentions fits it (same
    category, compatible type, doer, target, date, past), and the two are not told at two places of
    their own. Diplomatic actions are left as they are: one article often reports several steps of
    one state.
    """
    attacks = sorted((e for e in events if e.category == "Attack"),
                     key=_strength, reverse=True)
    gone: set[int] = set()
    for i, strong in enumerate(attacks):
        if id(strong) in gone:
            continue
        for weak in attacks[i + 1:]:
            if id(weak) in gone or weak.past != strong.past or _separate_places(strong, weak, view):
                continue
            if not _types_compatible(strong.types, weak.types, "Attack"):
                continue
            if all(_score(strong, m, view) is not None for m in weak.mentions):
                for mention in weak.mentions:
                    _join(strong, mention)
                gone.add(id(weak))
    return [e for e in events if id(e) not in gone]


def _answered(mention: EventMention) -> bool:
    """Whether a mention is what something answers ("in response to the attack")."""
    return any(node.lemma_.lower() in words()["response_nouns"] for node in list(mention.head.ancestors)[:3])


def _lead_taken(events: list[Event], title: Event) -> bool:
    """Whether an attack told after the title already exists (the title then summarised that one)."""
    return any(e is not title and e.category == "Attack" and any(not m.headline for m in e.mentions) for e in events)


def _substantial(mention: EventMention) -> bool:
    """An attack with no known attacker stands alone only with a place or target and a day or a
    casualty word in its sentence, or with both a day and casualties."""
    if mention.weak:
        return False
    dated = mention.date is not None and mention.date.full is not None
    casualty_words = words()["casualty_words"]
    casualties = any(t.lemma_.lower() in casualty_words or t.lower_ in casualty_words for t in mention.sent)
    if mention.locations or mention.patients:
        return dated or casualties
    return dated and casualties


def final_types(event: Event, view: EntityView) -> tuple[str, ...]:
    """The event's classes: its subtypes, or the generic class, or a subtype inferred from the actor.

    A plain "attack" by an armed group with no weapon word is taken as an armed assault (the
    usual meaning in conflict reporting); a state's plain "strike" stays a generic Attack.
    """
    specific = sorted(event.types - {"Attack"})
    if event.category == "DiplomaticAction":
        return tuple(specific)
    if specific:
        return tuple(specific)
    if any(view.type_of(k) == "ArmedGroup" for k in event.agents()):
        return ("ArmedAssault",)
    return ("Attack",)
