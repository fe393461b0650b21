"""Document passes: the named, ordered steps that turn one article's parse into events and facts.

:data:`PASSES` is the order; each pass reads and changes one :class:`Work` and has its own tests
(``tests/test_passes.py``). In short:

``mentions``      every sentence through the engine (:mod:`kg.extract.events`), with its casualty
                  counts and attribution
``boilerplate``   mentions inside link lists ("Most Read", "Related", ...) are dropped
``background``    recap events ("last year's war", "in 2019") stay events of their own (merged only
                  with other recaps) and lend the main event neither day nor toll
``merge``         mentions of one event become one :class:`~kg.extract.merge.Event`; the title's
                  event is joined by the lead's; "the strikes" joins the latest fitting event
``casualties``    counts go to the attack their verb is said of (killed and injured apart)
``responses``     ``inResponseTo`` where the text says one event answers another
``blame``         an attack with no known attacker takes the party blamed or claiming it
``relative_dates`` "the day before" another event, once that event's date is known
``reactions``     a diplomatic action about an attack reacts to it and, with no one named, aims at
                  its perpetrator
``list_recipients`` "withdrew its staff from those countries": the states of the actor's step
                  aimed at several states
``context_recipients`` a condemnation with no one named aims at whoever attacked the actor's state
``reaction_dates`` an undated reaction takes the day of the attack it answers
``neighbour_dates`` an undated step right after a dated one by the same state takes its day
``parties``       one step per acting state and per recipient state where the class says so
``emit``          records and facts, each citing its sentence and its source (attribution)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from spacy.tokens import Doc, Span, Token

from kg.extract.attribution import Attribution, attribution_of
from kg.extract.casualties import Casualty, find_casualties
from kg.extract.context import EntityView
from kg.extract.dates import PartialDate, parse_expression, shift
from kg.extract.events import EventMention, sentence_mentions
from kg.extract.evidence import sentence_evidence
from kg.extract.merge import Event, final_types, merge_mentions
from kg.extract.relations import link_casualties, link_responses
from kg.extract.roles import Role, Salience, agent_of_verb, dates_under, entity_of_phrase, prep_objects
from kg.extract.spec import words
from kg.records import Document, DocumentExtraction, EventRecord, Fact, RelativeDate


@dataclass
class Sentence:
    span: Span
    mentions: list[EventMention]
    casualties: list[Casualty]
    attribution: Attribution


@dataclass
class Work:
    """One article on its way through the passes."""

    document: Document
    doc: Doc
    view: EntityView
    salience: Salience
    pub: date | None
    extraction: DocumentExtraction
    sentences: list[Sentence] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @property
    def mentions(self) -> list[EventMention]:
        return [m for s in self.sentences for m in s.mentions]

    def sentence_no(self, token: Token) -> int:
        return next((n for n, s in enumerate(self.sentences) if s.span.start <= token.i < s.span.end), 0)


W = words  # the shared word lists (specs/_words.json)


def _word(name: str) -> frozenset[str]:
    return W().get(name, frozenset())


# ---------------------------------------------------------------- mentions


def read_mentions(work: Work) -> None:
    for sent in work.doc.sents:
        found = sentence_mentions(sent, work.view, work.salience, work.pub)
        work.sentences.append(Sentence(sent, found, find_casualties(sent), attribution_of(sent, work.view)))


# ---------------------------------------------------------------- boilerplate


def _is_item(line: str) -> bool:
    """A line of a link list: a title (no final punctuation) or a short line."""
    stripped = line.strip()
    return not stripped.endswith((".", "!", "?", '"', "\u201d")) or len(stripped.split()) < 12


def link_list_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of link lists: the lines after a heading such as "Most Read" or "Related"."""
    headings = _word("boilerplate_headings")
    ranges: list[tuple[int, int]] = []
    offset, start = 0, None
    for line in text.splitlines(keepends=True):
        stripped = line.strip().rstrip(":").strip().lower()
        if stripped in headings:
            start = offset + len(line)
        elif start is not None and stripped and not _is_item(line):
            ranges.append((start, offset))
            start = None
        offset += len(line)
    if start is not None:
        ranges.append((start, offset))
    return ranges


def drop_boilerplate(work: Work) -> None:
    ranges = link_list_ranges(work.document.text)
    if not ranges:
        return
    for sentence in work.sentences:
        begin = sentence.span.start_char
        if any(a <= begin < b for a, b in ranges):
            sentence.mentions = []
            sentence.casualties = []


# ---------------------------------------------------------------- background


def _recap_sentence(sent: Span, pub: date | None) -> bool:
    """A sentence dated only by a year or month (not this report's days): a recap of the past."""
    for ent in sent.ents:
        if ent.label_ != "DATE":
            continue
        parsed = parse_expression(ent.text, pub)
        if parsed is not None and parsed.year and not parsed.day and (pub is None or parsed.year < pub.year or (
                parsed.month is not None and (parsed.year, parsed.month) < (pub.year, pub.month - 1))):
            return True
        if any(t.lower_ in ("ago", "since") for t in ent) or ent.text.lower().startswith("last year"):
            return True
    return False


def mark_background(work: Work) -> None:
    """Recap events stay apart (their mentions are marked past by their spec's cues and dates); the
    tolls of a recap sentence that tells no current attack go only to an attack their verb is said
    of, never to the attack told before ("the war has killed 6,500 since 2019")."""
    for sentence in work.sentences:
        current = [m for m in sentence.mentions if m.category == "Attack" and not m.past and not m.habitual]
        if current or not sentence.casualties or not _recap_sentence(sentence.span, work.pub):
            continue
        sentence.casualties = [replace(c, background=True) for c in sentence.casualties]


# ---------------------------------------------------------------- merge and links


def merge(work: Work) -> None:
    work.events = merge_mentions(work.mentions, work.view)


def casualties(work: Work) -> None:
    previous: EventMention | None = None
    for sentence in work.sentences:
        scale = 0.85 if sentence.attribution.hedged else 1.0
        if sentence.casualties:
            link_casualties(sentence.span, sentence.casualties, sentence.mentions, previous, scale)
        attacks = [m for m in sentence.mentions if m.category == "Attack" and m.event is not None and not m.past]
        if attacks:
            previous = attacks[-1]


def responses(work: Work) -> None:
    for sentence in work.sentences:
        link_responses(sentence.span, sentence.mentions, work.events)


# ---------------------------------------------------------------- blame


def _identified(token: Token, view: EntityView) -> list[tuple[str, Token]]:
    """"the attackers were identified as members of X": X."""
    if not any(c.dep_ == "nsubjpass" and c.lemma_.lower() in _word("attacker_nouns") for c in token.children):
        return []
    found = [entity_of_phrase(p, view, {"ArmedGroup", "State"}) for _, p in prep_objects(token, {"as"})]
    return [(key, tok) for key, tok in found if key is not None]


def _claimed(token: Token, work: Work) -> list[tuple[str, Token]]:
    """"X claimed responsibility in a statement" (the attack itself told elsewhere): X."""
    objects = [c for c in token.children if c.dep_ == "dobj" and c.lemma_.lower() in _word("claimed_objects")]
    if not objects or any(c.dep_ == "prep" and c.lower_ == "for" for o in objects for c in o.children):
        return []  # a claim naming its attack is read with that attack
    role = agent_of_verb(token, work.view, work.salience)
    if role is None or work.view.type_of(role.key) not in ("ArmedGroup", "State"):
        return []
    return [(role.key, role.token)]


def _blamed(token: Token, view: EntityView) -> list[tuple[str, Token]]:
    """"The army blamed X": X (a blame naming its attack is read with that attack)."""
    if any(c.dep_ == "prep" and c.lower_ in ("for", "of") for c in token.children):
        return []
    found = [entity_of_phrase(c, view, {"ArmedGroup", "State"}) for c in token.children if c.dep_ == "dobj"]
    return [(key, tok) for key, tok in found if key is not None]


def _blame_found(token: Token, work: Work) -> tuple[list[tuple[str, Token]], float]:
    lemma = token.lemma_.lower()
    if lemma in _word("identify_verbs"):
        return _identified(token, work.view), 0.6
    if lemma == "claim":
        return _claimed(token, work), 0.65
    if lemma in _word("blaming_verbs"):
        return _blamed(token, work.view), 0.5
    return [], 0.0


def blamed_attackers(work: Work) -> None:
    """An attack with no known attacker, told in this or the four sentences before, was carried out by
    the party blamed (as alleged: 0.5), claiming it (0.65) or identified as the attackers (0.6)."""
    for number, sentence in enumerate(work.sentences):
        for token in (t for t in sentence.span if t.pos_ == "VERB"):
            found, confidence = _blame_found(token, work)
            if not found:
                continue
            start = work.sentences[max(0, number - 4)].span.start
            open_attacks = [e for e in work.events if e.category == "Attack" and not e.agents() and any(
                start <= m.head.i < sentence.span.end for m in e.mentions)]
            if open_attacks:
                attack = max(open_attacks, key=lambda e: e.last)
                key, tok = found[0]
                first = min(attack.mentions, key=lambda m: m.head.i)
                first.agents.append(Role(key, tok, confidence))


# ---------------------------------------------------------------- dates and reactions


def _reactions_of(event: Event, mentions: list[EventMention]) -> list[Event]:
    return [m.event for m in mentions if m.event is not None and any(c is event for c, _, _ in m.event.responds_to)]


def _shift_from(event: Event, mention: EventMention, anchors: list[Event]) -> bool:
    for anchor in anchors:
        if anchor.date is not None and anchor.date.full:
            day = shift(anchor.date.full, mention.date.offset)
            event.date = PartialDate(day.year, day.month, day.day)
            event.date_token, event.date_confidence = mention.head, 0.65
            return True
    return False


def relative_dates(work: Work) -> None:
    """"the day before" another event: shift that event's date once it is known (two rounds, so a
    chain of such days settles)."""
    for _ in range(2):
        for sentence in work.sentences:
            for mention in sentence.mentions:
                event = mention.event
                if event is None or mention.date is None or not mention.date.relative_to_event:
                    continue
                if event.date is not None and event.date.full:
                    continue
                anchors = [c for c, _, _ in event.responds_to] + [
                    m.event for m in sentence.mentions if m.event is not None and m.event is not event]
                _shift_from(event, mention, anchors + _reactions_of(event, sentence.mentions))


def _principal(key: str, view: EntityView) -> str:
    return view.state_of(key) or key


def reactions(work: Work) -> None:
    """A diplomatic action about an attack (its object is the attack) reacts to it; with no named
    recipient, the attack's perpetrator is the recipient."""
    for event in (e for e in work.events if e.category == "DiplomaticAction"):
        for mention in event.mentions:
            attack = mention.about_attack
            if attack is None or attack.event is None:
                continue
            if all(c is not attack.event for c, _, _ in event.responds_to):
                event.responds_to.append((attack.event, 0.7, mention.head))
            if event.patients():
                continue
            actor_states = {_principal(k, work.view) for k in event.agents()}
            for role in (r for m in attack.event.mentions for r in m.agents):
                if _principal(role.key, work.view) not in actor_states and all(
                        p.key != role.key for p in mention.patients):
                    mention.patients.append(Role(role.key, mention.head, 0.65))


def _attacker_of(event: Event, actor_states: set[str], work: Work) -> Role | None:
    """The perpetrator of the latest attack before ``event`` on one of ``actor_states``."""
    start = min(m.head.i for m in event.mentions)
    for attack in sorted((e for e in work.events if e.category == "Attack"), key=lambda e: -e.last):
        if min(m.head.i for m in attack.mentions) > start or attack.past:
            continue
        land = {work.view.state_of(k) for k in attack.places() | attack.patients()}
        if not land & actor_states:
            continue
        perpetrators = [r for m in attack.mentions for r in m.agents
                        if _principal(r.key, work.view) not in actor_states]
        if perpetrators:
            return perpetrators[0]
    return None


def _points_to_states(token: Token) -> bool:
    """A plural word for states that refers to ones already named: "those countries", "the seven
    nations" (a demonstrative, article or number before a plural state word), or "their" owning an
    envoy ("expelling their diplomats")."""
    if token.lower_ == "their" and token.dep_ == "poss":
        return token.head.lemma_.lower() in W()["envoy_words"] or token.head.lower_ in W()["envoy_words"]
    if token.tag_ not in ("NNS", "NNPS") or token.lemma_.lower() not in W()["state_anaphors"]:
        return False
    return any(c.dep_ == "nummod" or (c.dep_ == "det" and c.lower_ in W()["definite"]) for c in token.children)


def _own_phrase(head: Token) -> list[Token]:
    """The words a trigger governs, not those of clauses joined to it (another step's)."""
    out: list[Token] = []
    for child in head.children:
        if child.dep_ not in ("conj", "advcl", "ccomp", "relcl", "parataxis", "xcomp"):
            out.extend(child.subtree)
    return out


def _state_patients(event: Event, view: EntityView) -> set[str]:
    return {k for k in event.patients() if view.type_of(k) == "State"}


def _listed_step(event: Event, at: int, listed: list[Event], view: EntityView) -> Event | None:
    """The same actor's step naming several states: the nearest before ``at``, else the first after."""
    actors = {_principal(k, view) for k in event.agents()}
    same = [e for e in listed if {_principal(k, view) for k in e.agents()} & actors]
    before = [e for e in same if e.first < at]
    if before:
        return max(before, key=lambda e: e.first)
    return min(same, key=lambda e: e.first, default=None)


def list_recipients(work: Work) -> None:
    """A step with no named recipient that is aimed at "those countries" is aimed at the states of the
    same actor's step that named several (:func:`_listed_step`), each with a lower confidence (0.5);
    steps are split by recipient later where their class says so."""
    view = work.view
    steps = [e for e in work.events if e.category == "DiplomaticAction" and e.agents()]
    listed = [e for e in steps if len(_state_patients(e, view)) >= 2]
    for event in (e for e in steps if listed and not e.patients()):
        pointer = next((t for m in event.mentions for t in _own_phrase(m.head) if _points_to_states(t)), None)
        source = _listed_step(event, pointer.i, listed, view) if pointer is not None else None
        if pointer is None or source is None:
            continue
        actors = {_principal(k, view) for k in event.agents()}
        first = min(event.mentions, key=lambda m: m.head.i)
        for key in sorted(_state_patients(source, view), key=lambda k: _first_token(source, k, "patients", view)):
            if key not in actors:
                first.patients.append(Role(key, pointer, 0.5))


def context_recipients(work: Work) -> None:
    """A reaction with no named recipient is aimed at whoever last attacked the actor's state in this
    article (a weak guess, 0.45); which classes do so is their spec's ``recipient_from_context``."""
    for event in work.events:
        if event.category != "DiplomaticAction" or event.patients() or not event.agents():
            continue
        if not any(m.flag("recipient_from_context") for m in event.mentions):
            continue
        role = _attacker_of(event, {_principal(k, work.view) for k in event.agents()}, work)
        if role is not None:
            first = min(event.mentions, key=lambda m: m.head.i)
            first.patients.append(Role(role.key, first.head, 0.45))


def _dated(event: Event | None) -> bool:
    return event is not None and event.date is not None and event.date.full is not None


def _latest_attack_before(event: Event, work: Work) -> Event | None:
    start = min(m.head.i for m in event.mentions)
    before = [e for e in work.events if e.category == "Attack" and _dated(e) and not e.past
              and min(m.head.i for m in e.mentions) < start]
    if not before:
        return None
    return max(before, key=lambda e: max(m.head.i for m in e.mentions if m.head.i < start))


def reaction_dates(work: Work) -> None:
    """A reaction that gives no day of its own is dated like the attack it answers (0.4), or a
    condemnation or denial answering nothing named like the attack just told (0.35)."""
    for event in work.events:
        if event.category != "DiplomaticAction" or _dated(event):
            continue
        if not any(m.flag("reaction") for m in event.mentions):
            continue
        for cause, _, token in event.responds_to:
            if cause.category == "Attack" and _dated(cause):
                event.date, event.date_token, event.date_confidence = cause.date, token, 0.4
                break
        if event.date is None and not event.responds_to and event.types & {"Condemnation", "Denial"}:
            cause = _latest_attack_before(event, work)
            if cause is not None:
                first = min(event.mentions, key=lambda m: m.head.i)
                event.date, event.date_token, event.date_confidence = cause.date, first.head, 0.35


def _date_from_answer(event: Event, states: set[str], previous: Span, work: Work) -> None:
    """"X answered on Monday. Its ministry said it would recall ...": a dated sentence saying that the
    same state answered dates the step the next sentence tells (0.45)."""
    root = previous.root
    if root.lemma_.lower() not in _word("answer_verbs"):
        return
    subjects = [entity_of_phrase(c, work.view)[0] for c in root.children if c.dep_ == "nsubj"]
    if not {_principal(k, work.view) for k in subjects if k} & states:
        return
    for span in dates_under(root, set()):
        parsed = parse_expression(span.text, work.pub)
        if parsed is not None and (parsed.full or parsed.relative):
            event.date, event.date_token, event.date_confidence = parsed, span.root, 0.45
            return


def _same_day_step(event: Event, dated: list[tuple[EventMention, Event]], work: Work):
    states = {_principal(k, work.view) for k in event.agents()}
    first = min(event.mentions, key=lambda m: m.head.i)
    here = work.sentence_no(first.head)
    best = None
    for mention, other in dated:
        gap = here - work.sentence_no(mention.head)
        same_actor = states & {_principal(k, work.view) for k in other.agents()}
        closer = best is None or mention.head.i > best[0].head.i
        if 0 <= gap <= 2 and mention.head.i < first.head.i and same_actor and closer:
            best = (mention, other)
    return best, first


def neighbour_dates(work: Work) -> None:
    """An undated diplomatic step right after a dated one by the same state (within two sentences) is
    taken as the same day (0.4)."""
    undated = [e for e in work.events if e.category == "DiplomaticAction" and not _dated(e)]
    for event in undated:
        here = work.sentence_no(min(event.mentions, key=lambda m: m.head.i).head)
        if here > 0:
            states = {_principal(k, work.view) for k in event.agents()}
            _date_from_answer(event, states, work.sentences[here - 1].span, work)
    dated = [(m, e) for e in work.events if e.category == "DiplomaticAction" and _dated(e) for m in e.mentions]
    for event in (e for e in undated if not _dated(e)):
        best, first = _same_day_step(event, dated, work)
        if best is not None:
            event.date, event.date_token, event.date_confidence = best[1].date, first.head, 0.4


# ---------------------------------------------------------------- parties


def _first_token(event: Event, key_state: str, roles: str, view: EntityView) -> int:
    return min(r.token.i for m in event.mentions for r in getattr(m, roles) if view.state_of(r.key) == key_state)


def split_by_actor(events: list[Event], view: EntityView) -> list[Event]:
    """Several acting states ("X, Y and Z condemned ...", a counted "the four states"):
    one step each. A call between two states (a symmetric class) stays one event."""
    out: list[Event] = []
    for event in events:
        states = {view.state_of(k) for k in event.agents()} - {None}
        if event.category != "DiplomaticAction" or len(states) < 2 or any(m.flag("symmetric") for m in event.mentions):
            out.append(event)
            continue
        for state in sorted(states, key=lambda k: _first_token(event, k, "agents", view)):
            others = {k for k in event.agents() if view.state_of(k) != state}
            out.append(replace(event, only_agents=frozenset(event.agents() - others)))
    return out


def split_by_recipient(events: list[Event], view: EntityView) -> list[Event]:
    """A step aimed at several states, for classes whose spec says ``per_party`` (envoys recalled to
    two capitals are two recalls): one step per recipient state."""
    out: list[Event] = []
    for event in events:
        states = {view.state_of(k) for k in event.patients() if view.type_of(k) == "State"} - {None}
        if event.category != "DiplomaticAction" or len(states) < 2 or not any(
                m.flag("per_party") for m in event.mentions):
            out.append(event)
            continue
        for state in sorted(states, key=lambda k: _first_token(event, k, "patients", view)):
            others = {k for k in event.patients() if view.state_of(k) not in (None, state)}
            out.append(replace(event, only_patients=frozenset(event.patients() - others)))
    return out


def parties(work: Work) -> None:
    work.events = split_by_recipient(split_by_actor(work.events, work.view), work.view)


# ---------------------------------------------------------------- emit


def emit(work: Work) -> None:
    from kg.extract.emit import emit_event

    attributions = {s.span.start: s.attribution for s in work.sentences}
    for number, event in enumerate(work.events, start=1):
        event.key = f"event-{number}"
    for event in work.events:
        emit_event(work.extraction, work.document, event, work.view, attributions)
    used = {f.object for f in work.extraction.facts if f.object_is_key} | {f.subject for f in work.extraction.facts}
    index = work.view.index
    work.extraction.entities = [r for r in index.records if r.key not in work.view.described or r.key in used]


PASSES: list[tuple[str, Callable[[Work], None]]] = [
    ("mentions", read_mentions),
    ("boilerplate", drop_boilerplate),
    ("background", mark_background),
    ("merge", merge),
    ("casualties", casualties),
    ("responses", responses),
    ("blame", blamed_attackers),
    ("relative_dates", relative_dates),
    ("reactions", reactions),
    ("list_recipients", list_recipients),
    ("context_recipients", context_recipients),
    ("reaction_dates", reaction_dates),
    ("neighbour_dates", neighbour_dates),
    ("parties", parties),
    ("emit", emit),
]


def run(work: Work, upto: str | None = None) -> Work:
    """Run the passes in order (all, or up to and including ``upto``, for tests)."""
    for name, step in PASSES:
        step(work)
        if name == upto:
            break
    return work


__all__ = ["PASSES", "Work", "run", "final_types", "EventRecord", "Fact", "RelativeDate", "sentence_evidence"]
