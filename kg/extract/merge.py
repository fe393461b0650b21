"""Merging the mentions of one real event within a document.

An article names the same strike several times ("Turkey's strikes on the PKK", "the attack by
Iran inside Pakistani territory on January 16", "Tuesday's missile and drone attacks"). Mentions
are merged in text order into :class:`Event` clusters when they are of the same category and
nothing conflicts (perpetrator/actor state, target/recipient, territory, date, type family, past vs
current) and something agrees; a bare definite mention ("the strikes") joins the latest compatible
event; a bare indefinite mention with no argument is dropped (it names no particular event).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from kg.extract.context import EntityView
from kg.extract.dates import PartialDate
from kg.extract.events import EventMention

AERIAL = {"Airstrike", "MissileStrike", "DroneStrike"}
GROUND = {"Bombing", "ArmedAssault"}
SYMMETRIC = {"Communication"}  # two parties, no direction: a call, a meeting, talks


@dataclass
class Event:
    """A cluster of mentions of one event in one document."""

    category: str
    key: str = ""
    mentions: list[EventMention] = field(default_factory=list)
    types: set[str] = field(default_factory=set)
    past: bool = False
    responds_to: list[tuple[Event, float, object]] = field(default_factory=list)  # (cause, confidence, token)
    killed: list[tuple[int, object, float]] = field(default_factory=list)
    injured: list[tuple[int, object, float]] = field(default_factory=list)
    date: PartialDate | None = None
    date_token: object | None = None
    date_confidence: float = 0.0
    only_patients: frozenset[str] | None = None  # one of several per-recipient copies (see split_by_recipient)
    only_agents: frozenset[str] | None = None  # one of several per-actor copies (see split_by_actor)

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


def _score(event: Event, mention: EventMention, view: EntityView) -> int | None:
    """How well a mention fits an event; None when something conflicts."""
    if event.category != mention.category or not _types_compatible(event.types, mention.types, event.category):
        return None
    if event.past != mention.past:
        return None
    if event.category == "DiplomaticAction" and mention.types & event.types & SYMMETRIC:
        return _pair_score(event, mention, view)
    score = 0
    mine_agents = _principals({r.key for r in mention.agents}, view)
    theirs_agents = _principals(event.agents(), view)
    if mine_agents and theirs_agents:
        if not mine_agents & theirs_agents:
            return None
        score += 2
    terror = any(c.lower_ in ("terrorist", "terror", "suicide") for c in mention.head.children
                 if c.dep_ in ("amod", "compound"))
    if mention.category == "Attack" and terror and theirs_agents and all(
            view.type_of(k) == "State" for k in theirs_agents):
        return None  # "the heinous terrorist attack" is not a state's airstrike
    if mention.category == "Attack":
        # a state does not attack its own forces: "drones hit the army's academy" and "government forces
        # pounded Idlib" are two attacks
        organs = ("GovernmentBody", "Official")
        own = {view.state_of(k) for k in event.patients() if view.type_of(k) in organs} - {None}
        mine = {view.state_of(r.key) for r in mention.patients if view.type_of(r.key) in organs} - {None}
        if mine_agents & own or theirs_agents & mine:
            return None
    mine_targets = {r.key for r in mention.patients}
    theirs_targets = event.patients()
    if mention.category == "DiplomaticAction":
        mine_targets, theirs_targets = _principals(mine_targets, view), _principals(theirs_targets, view)
    if mine_targets and theirs_targets:
        if not mine_targets & theirs_targets and (mention.category == "DiplomaticAction" or not (
                _principals(mine_targets, view) & _principals(theirs_targets, view))):
            return None
        score += 1
    mine_land = _principals({r.key for r in mention.locations}, view)
    theirs_land = _principals(event.places(), view)
    if mine_land and theirs_land:
        if not mine_land & theirs_land:
            return None
        score += 1
    if mention.date is not None and event.date is not None and not mention.date.relative_to_event:
        if not event.date.compatible(mention.date):
            return None
        if mention.date.full and event.date.full:
            score += 1
    return score


def _pair_score(event: Event, mention: EventMention, view: EntityView) -> int | None:
    """A call or meeting told from either side ("X phoned his Y counterpart" / "Y's minister told his X
    counterpart"): actor and recipient are compared as an unordered pair of parties (their States)."""
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


def merge_mentions(mentions: list[EventMention], view: EntityView) -> list[Event]:
    """Cluster the mentions of a document (in text order) into events."""
    events: list[Event] = []
    bare: list[EventMention] = []
    for mention in sorted(mentions, key=lambda m: m.head.i):
        if mention.habitual:
            continue
        fits = [(score, event) for event in events if (score := _score(event, mention, view)) is not None]
        if _answered(mention):
            # "... destroyed 32 targets in response to the attack": the attack answered is not this sentence's
            fits = [(s, e) for s, e in fits if all(m.sent.start != mention.sent.start for m in e.mentions)]
        chosen = None
        headline = [(s, e) for s, e in fits if all(m.headline for m in e.mentions) and not mention.headline]
        if headline and mention.category == "Attack" and not _lead_taken(events, headline[0][1]):
            chosen = headline[0][1]  # the title summarises the lead's attack: "Rocket kills 12" + "A rocket ..."
        elif mention.has_arguments() or (mention.date is not None and mention.date.full):
            scored = [(s, e) for s, e in fits if s >= 1]
            if scored:
                best = max(s for s, _ in scored)
                chosen = max((e for s, e in scored if s == best), key=lambda e: (e.last, events.index(e)))
            elif (not mention.has_arguments() or (mention.definite and not mention.agents)) and fits:
                chosen = max((e for _, e in fits), key=lambda e: (e.last, events.index(e)))
        elif (mention.definite or mention.anaphoric_only or mention.weak) and fits:
            chosen = max((e for _, e in fits), key=lambda e: (e.last, events.index(e)))
        if chosen is None and mention.headline and mention.category == "Attack" and not mention.anaphoric_only:
            chosen = Event(mention.category, past=mention.past)  # kept only if the lead joins it (see below)
            events.append(chosen)
        if chosen is None:
            if (mention.anaphoric_only and not mention.agents) or (
                    not mention.has_arguments() and not (mention.category == "Attack" and _substantial(mention))):
                bare.append(mention)
                continue
            if mention.category == "DiplomaticAction" and not mention.agents:
                continue
            if mention.category == "Attack" and not mention.agents and not _substantial(mention):
                continue  # "explosions in the city" alone: too little to stand as an event of its own
            chosen = Event(mention.category, past=mention.past)
            events.append(chosen)
        chosen.mentions.append(mention)
        chosen.types |= mention.types
        mention.event = chosen
        better = mention.date is not None and (chosen.date is None or (mention.date.full and not chosen.date.full))
        if better and not mention.date.relative_to_event:
            chosen.date, chosen.date_token = mention.date, mention.date_token
            chosen.date_confidence = mention.date_confidence
    # a title's attack that no later mention joined stands only on what a lone mention needs
    for event in [e for e in events if all(m.headline for m in e.mentions)]:
        if not event.agents() and not any(_substantial(m) for m in event.mentions):
            events.remove(event)
            for m in event.mentions:
                m.event = None
    # "an attack two days earlier, when a suicide bomber rammed ...": a bare mention whose own phrase
    # describes another mention is that mention's event
    for mention in bare:
        inner = {t.i for t in mention.head.subtree}
        for event in events:
            if event.category == mention.category and any(
                    m.head.i in inner and m.head.i != mention.head.i for m in event.mentions):
                event.mentions.append(mention)
                mention.event = event
                break
    return events


RESPONSE_NOUNS = {"response", "retaliation", "reprisal", "revenge", "answer", "reaction"}


def _answered(mention: EventMention) -> bool:
    """Whether a mention is what something answers: "in response to the attack", "retaliation for it"."""
    return any(node.lemma_.lower() in RESPONSE_NOUNS for node in list(mention.head.ancestors)[:3])


def _lead_taken(events: list[Event], title: Event) -> bool:
    """Whether an attack told after the title already exists (the title then summarised that one)."""
    return any(e is not title and e.category == "Attack" and any(not m.headline for m in e.mentions) for e in events)


def _substantial(mention: EventMention) -> bool:
    """An attack with no known attacker stands alone only with a place or target and a day or a
    casualty word in its sentence, or with both a day and casualties."""
    if mention.weak:
        return False
    dated = mention.date is not None and mention.date.full is not None
    casualty_words = {"kill", "die", "wound", "injure", "dead", "killed", "wounded", "injured", "death", "toll"}
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


PER_RECIPIENT = {"EnvoyRecall", "EnvoyExpulsion", "EnvoySummons", "RelationsSevered", "VisitSuspension"}


def split_by_actor(events: list[Event], view: EntityView) -> list[Event]:
    """"All three countries recalled their ambassadors": one step per acting State (a joint condemnation
    or a call between two states stays one event)."""
    out: list[Event] = []
    for event in events:
        states = {view.state_of(k) for k in event.agents()} - {None}
        if event.category != "DiplomaticAction" or not event.types & PER_RECIPIENT or len(states) < 2:
            out.append(event)
            continue
        for state in sorted(states, key=lambda k: min(r.token.i for m in event.mentions for r in m.agents
                                                       if view.state_of(r.key) == k)):
            others = {k for k in event.agents() if view.state_of(k) != state}
            out.append(replace(event, only_agents=frozenset(event.agents() - others)))
    return out


def split_by_recipient(events: list[Event], view: EntityView) -> list[Event]:
    """"Recalled its ambassadors to Mali and Niger": one recall per recipient State (each envoy is a step
    of its own); other events, and steps aimed at one State, are left as they are."""
    out: list[Event] = []
    for event in events:
        states = {view.state_of(k) for k in event.patients() if view.type_of(k) == "State"} - {None}
        if event.category != "DiplomaticAction" or not event.types & PER_RECIPIENT or len(states) < 2:
            out.append(event)
            continue
        for state in sorted(states, key=lambda k: min(r.token.i for m in event.mentions for r in m.patients
                                                       if view.state_of(r.key) == k)):
            others = {k for k in event.patients() if view.state_of(k) not in (None, state)}
            copy = replace(event, only_patients=frozenset(event.patients() - others))
            out.append(copy)
    return out
