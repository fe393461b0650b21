"""Extraction: a spaCy Doc of one article -> a :class:`DocumentExtraction` of entities, events and facts.

The order matters and is kept here: the publication date first (relative dates need it), then the
entity index (the entity engineer's :func:`kg.extract.entities.collect_entities`), then per
sentence the attribution, attack and diplomatic mentions and casualty counts; then the mentions of
one event are merged, casualties and reactions linked, and everything is turned into records and
facts that cite their sentence.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import spacy
from spacy.tokens import Doc, Token

from kg.config import Settings
from kg.extract.attribution import attribution_of
from kg.extract.casualties import find_casualties
from kg.extract.context import EntityView
from kg.extract.dates import PartialDate, infer_publication_date, parse_expression, shift
from kg.extract.events import EventMention, sentence_mentions
from kg.extract.evidence import sentence_evidence
from kg.extract.merge import (
    SYMMETRIC,
    Event,
    final_types,
    merge_mentions,
    split_by_actor,
    split_by_recipient,
)
from kg.extract.relations import link_casualties, link_responses
from kg.extract.roles import Role, Salience, agent_of_verb, dates_under, entity_of_phrase, prep_objects
from kg.records import Document, DocumentExtraction, EventRecord, Fact, RelativeDate

__all__ = ["extract", "publication_date"]


def publication_date(document: Document) -> tuple[date | None, str]:
    """The document's date and where it came from: "input" (metadata), "text" (inferred) or "unknown"."""
    if document.meta.date is not None:
        return document.meta.date, "input"
    inferred = infer_publication_date(document.clean_text) or infer_publication_date(document.text)
    if inferred is not None:
        return inferred, "text"
    return None, "unknown"


@cache
def _lemmatizer(model: str):
    """The model's own rule lemmatizer, loaded alone (the NLP stage drops it for speed)."""
    keep = spacy.load(model, exclude=["tok2vec", "tagger", "parser", "ner", "senter", "attribute_ruler"])
    return keep.get_pipe("lemmatizer") if "lemmatizer" in keep.pipe_names else None


def _ensure_lemmas(doc: Doc) -> None:
    """Triggers are matched on lemmas ("struck" -> strike); fill them in if the pipeline did not."""
    if len(doc) == 0 or all(t.lemma_ for t in doc[:200] if t.is_alpha):
        return
    lemmatizer = _lemmatizer(Settings().spacy_model)
    if lemmatizer is not None:
        lemmatizer(doc)


def extract(document: Document, doc: Doc, index=None) -> DocumentExtraction:
    """Read entities, attacks, diplomatic actions and their facts out of one document.

    ``index`` is an already built entity index (tests pass a small one); by default it is made by
    :func:`kg.extract.entities.collect_entities`.
    """
    pub, source = publication_date(document)
    _ensure_lemmas(doc)
    if index is None:
        from kg.extract.entities import collect_entities

        index = collect_entities(document, doc)
    extraction = DocumentExtraction(document, pub, source, entities=list(index.records), facts=list(index.facts))
    view = EntityView(index, doc, document)
    salience = Salience(view)

    per_sentence: list[tuple[object, list[EventMention], list, object]] = []
    mentions: list[EventMention] = []
    for sent in doc.sents:
        found = sentence_mentions(sent, view, salience, pub)
        attribution = attribution_of(sent, view)
        per_sentence.append((sent, found, find_casualties(sent), attribution))
        mentions.extend(found)

    events = merge_mentions(mentions, view)
    previous: EventMention | None = None
    for sent, sent_mentions, casualties, attribution in per_sentence:
        scale = 0.85 if attribution.hedged else 1.0
        if casualties:
            link_casualties(sent, casualties, sent_mentions, previous, scale)
        link_responses(sent, sent_mentions, events)
        attacks_here = [m for m in sent_mentions if m.category == "Attack" and m.event is not None]
        if attacks_here:
            previous = attacks_here[-1]
    _blamed_attackers(doc, events, view)
    _resolve_relative_dates(per_sentence)
    _reactions_to_attacks(events, view)
    _recipients_from_context(events, view)
    _reaction_dates(events)
    _dates_from_neighbours(events, view, doc, pub)

    attributions = {sent.start: attribution for sent, _, _, attribution in per_sentence}
    events = split_by_recipient(split_by_actor(events, view), view)
    for number, event in enumerate(events, start=1):
        event.key = f"event-{number}"
    for event in events:
        _emit(extraction, document, event, view, attributions)
    # groups known only by a description are kept when an event speaks of them
    used = {f.object for f in extraction.facts if f.object_is_key} | {f.subject for f in extraction.facts}
    extraction.entities = [r for r in index.records if r.key not in view.described or r.key in used]
    return extraction


def _resolve_relative_dates(per_sentence) -> None:
    """"the day before" another event: shift that event's date once it is known."""
    for _ in range(2):
        for _, sent_mentions, _, _ in per_sentence:
            for mention in sent_mentions:
                event = mention.event
                if event is None or mention.date is None or not mention.date.relative_to_event:
                    continue
                if event.date is not None and event.date.full:
                    continue
                anchors = [c for c, _, _ in event.responds_to] + [
                    m.event for m in sent_mentions if m.event is not None and m.event is not event]
                anchors += [e for e in _reactions_of(event, sent_mentions)]
                for anchor in anchors:
                    if anchor.date is not None and anchor.date.full:
                        day = shift(anchor.date.full, mention.date.offset)
                        event.date = PartialDate(day.year, day.month, day.day)
                        event.date_token, event.date_confidence = mention.head, 0.65
                        break


ATTACKERS = {"attacker", "assailant", "gunman", "bomber", "perpetrator", "militant", "fighter", "suspect"}


def _blamed_attackers(doc: Doc, events: list[Event], view: EntityView) -> None:
    """"Drones hit the port on Tuesday. The army blamed the RSF." / "X claimed responsibility in a
    statement": an attack with no known attacker, told in this or the four sentences before, was carried
    out by the party blamed (as alleged: 0.5) or claiming it (0.65)."""
    sents = list(doc.sents)
    claimed = ("responsibility", "credit", "operation", "attack", "attacks", "assault", "raid", "bombing")
    for number, sent in enumerate(sents):
        for token in sent:
            lemma = token.lemma_.lower()
            if token.pos_ != "VERB" or lemma not in ("blame", "accuse", "claim", "identify"):
                continue
            confidence = 0.5
            if lemma == "identify":
                # "the attackers had been identified as members of the PKK"
                subjects = [c for c in token.children if c.dep_ == "nsubjpass" and c.lemma_.lower() in ATTACKERS]
                found = [entity_of_phrase(p, view, {"ArmedGroup", "State"}) for _, p in prep_objects(token, {"as"})]
                found = [(key, tok) for key, tok in found if key is not None] if subjects else []
                confidence = 0.6
            elif lemma == "claim":
                # "JNIM claimed responsibility in a statement", "claimed the operation within hours"
                objects = [c for c in token.children if c.dep_ == "dobj" and c.lemma_.lower() in claimed]
                if not objects or any(c.dep_ == "prep" and c.lower_ == "for" for o in objects for c in o.children):
                    continue  # "claimed responsibility for the bombing" is read with the bombing
                role = agent_of_verb(token, view, Salience(view))
                found = [(role.key, role.token)] if role is not None and view.type_of(role.key) in (
                    "ArmedGroup", "State") else []
                confidence = 0.65
            elif any(c.dep_ == "prep" and c.lower_ in ("for", "of") for c in token.children):
                continue  # "blamed X for the bombing" is read with the bombing; "accused X of arming" is no attack
            else:
                found = [entity_of_phrase(c, view, {"ArmedGroup", "State"}) for c in token.children
                         if c.dep_ == "dobj"]
                found = [(key, tok) for key, tok in found if key is not None]
            if not found:
                continue
            start = sents[max(0, number - 4)].start
            open_attacks = [e for e in events if e.category == "Attack" and not e.agents() and any(
                start <= m.head.i < sent.end for m in e.mentions)]
            if open_attacks:
                attack = max(open_attacks, key=lambda e: e.last)
                key, tok = found[0]
                first = min(attack.mentions, key=lambda m: m.head.i)
                first.agents.append(Role(key, tok, confidence))


def _reactions_of(event: Event, sent_mentions: list[EventMention]) -> list[Event]:
    return [m.event for m in sent_mentions if m.event is not None and any(
        c is event for c, _, _ in m.event.responds_to)]


def _reactions_to_attacks(events: list[Event], view: EntityView) -> None:
    """A diplomatic action about an attack ("condemned the strikes") reacts to it; with no named
    recipient, the attack's perpetrator is the recipient."""
    for event in events:
        if event.category != "DiplomaticAction":
            continue
        for mention in event.mentions:
            attack = mention.about_attack
            if attack is None or attack.event is None:
                continue
            if all(c is not attack.event for c, _, _ in event.responds_to):
                event.responds_to.append((attack.event, 0.7, mention.head))
            if not event.patients():
                actor_states = {view.state_of(k) or k for k in event.agents()}
                for role in (r for m in attack.event.mentions for r in m.agents):
                    if (view.state_of(role.key) or role.key) not in actor_states and all(
                            p.key != role.key for p in mention.patients):
                        mention.patients.append(Role(role.key, mention.head, 0.65))


def _recipients_from_context(events: list[Event], view: EntityView) -> None:
    """A condemnation or warning with no named recipient is aimed at whoever last attacked the
    actor's state in this article (a weak guess, confidence 0.45)."""
    for event in events:
        if event.category != "DiplomaticAction" or event.patients() or not event.agents():
            continue
        if not event.types & {"Condemnation", "Warning", "Demand", "EnvoyRecall", "EnvoyExpulsion", "EnvoySummons",
                              "RelationsSevered", "VisitSuspension"}:
            continue
        actor_states = {view.state_of(k) or k for k in event.agents()}
        start = min(m.head.i for m in event.mentions)
        for attack in sorted((e for e in events if e.category == "Attack"), key=lambda e: -e.last):
            if min(m.head.i for m in attack.mentions) > start:
                continue
            land = {view.state_of(k) for k in attack.places() | attack.patients()}
            if not land & actor_states:
                continue
            perpetrators = [r for m in attack.mentions for r in m.agents
                            if (view.state_of(r.key) or r.key) not in actor_states]
            if perpetrators:
                first = min(event.mentions, key=lambda m: m.head.i)
                first.patients.append(Role(perpetrators[0].key, first.head, 0.45))
                break


def _reaction_dates(events: list[Event]) -> None:
    """A reaction to an attack that gives no day of its own is dated like the attack (low confidence):
    news reports condemnations, denials and warnings on the day of the attack they answer."""
    reactions = {"Condemnation", "Warning", "Denial", "Demand", "Statement"}
    for event in events:
        if event.category != "DiplomaticAction" or (event.date is not None and event.date.full):
            continue
        if not event.types & reactions:
            continue
        for cause, _, token in event.responds_to:
            if cause.category == "Attack" and cause.date is not None and cause.date.full:
                event.date, event.date_token, event.date_confidence = cause.date, token, 0.4
                break
        if event.date is None and not event.responds_to and event.types & {"Condemnation", "Denial"}:
            # "Hezbollah issued a categorical denial": said of the attack just told, on its day (weak)
            start = min(m.head.i for m in event.mentions)
            before = [e for e in events if e.category == "Attack" and e.date is not None and e.date.full
                      and min(m.head.i for m in e.mentions) < start]
            if before:
                cause = max(before, key=lambda e: max(m.head.i for m in e.mentions if m.head.i < start))
                first = min(event.mentions, key=lambda m: m.head.i)
                event.date, event.date_token, event.date_confidence = cause.date, first.head, 0.35


def _dates_from_neighbours(events: list[Event], view: EntityView, doc: Doc, pub: date | None) -> None:
    """An undated diplomatic step right after a dated one by the same state is taken as the same day
    (low confidence): "X recalled its envoy on Wednesday. Its ministry said the ambassador should not
    return." Only within the next two sentences."""
    sentences = list(doc.sents)
    sentence_of = {sent.start: number for number, sent in enumerate(sentences)}

    def sentence_no(token: Token) -> int:
        return sentence_of.get(token.sent.start, 0)

    for event in events:  # "Algeria answered on Monday. Its ministry said it would recall ..."
        if event.category == "DiplomaticAction" and (event.date is None or not event.date.full):
            here = sentence_no(min(event.mentions, key=lambda m: m.head.i).head)
            if here > 0:
                states = {view.state_of(k) or k for k in event.agents()}
                _date_from_answer(event, states, sentences[here - 1], view, pub)
    dated = [(m, e) for e in events if e.category == "DiplomaticAction" and e.date is not None and e.date.full
             for m in e.mentions]
    for event in events:
        if event.category != "DiplomaticAction" or (event.date is not None and event.date.full):
            continue
        states = {view.state_of(k) or k for k in event.agents()}
        first = min(event.mentions, key=lambda m: m.head.i)
        here = sentence_no(first.head)
        best = None
        for mention, other in dated:
            gap = here - sentence_no(mention.head)
            same_actor = states & {view.state_of(k) or k for k in other.agents()}
            closer = best is None or mention.head.i > best[0].head.i
            if 0 <= gap <= 2 and mention.head.i < first.head.i and same_actor and closer:
                best = (mention, other)
        if best is not None:
            event.date, event.date_token, event.date_confidence = best[1].date, first.head, 0.4


ANSWER_VERBS = {"answer", "respond", "react", "reply", "retaliate", "hit", "strike", "move", "act", "announce",
                "declare"}


def _date_from_answer(event: Event, states: set[str], previous, view: EntityView, pub: date | None) -> None:
    """"Algeria answered on Monday. Its Foreign Ministry said it would recall ...": a dated sentence saying
    that the same state answered dates the step the next sentence tells (0.45)."""
    root = previous.root
    if root.lemma_.lower() not in ANSWER_VERBS:
        return
    subjects = [entity_of_phrase(c, view)[0] for c in root.children if c.dep_ == "nsubj"]
    if not {view.state_of(k) or k for k in subjects if k} & states:
        return
    for span in dates_under(root, set()):
        parsed = parse_expression(span.text, pub)
        if parsed is not None and (parsed.full or parsed.relative):
            event.date, event.date_token, event.date_confidence = parsed, span.root, 0.45
            return


def _group_of(key: str, view: EntityView) -> str | None:
    """The armed group an official or person speaks for (their affiliation), if any."""
    if view.type_of(key) not in ("Official", "Person"):
        return None
    for fact in getattr(view.index, "facts", ()):
        if fact.subject == key and fact.predicate == "affiliation" and view.type_of(fact.object) == "ArmedGroup":
            return fact.object
    return None


def _emit(extraction: DocumentExtraction, document: Document, event: Event, view: EntityView,
          attributions: dict) -> None:
    key = event.key

    def evidence(token: Token, confidence: float):
        attribution = attributions.get(token.sent.start)
        attributed = attribution.key if attribution is not None else None
        if attribution is not None and attribution.hedged:
            confidence *= 0.85
        return sentence_evidence(document, token, confidence, attributed_to=attributed)

    strong = [m for m in event.mentions if not m.weak] or event.mentions
    head = min(strong, key=lambda m: m.head.i)
    extraction.events.append(EventRecord(
        key=key, category=event.category, types=final_types(event, view), trigger=head.trigger,
        evidence=evidence(head.head, 0.6 if head.weak else 0.8),
    ))
    facts = extraction.facts
    agent_name, patient_name = ("perpetrator", "target") if event.category == "Attack" else ("actor", "recipient")

    def best_roles(roles: list[Role]) -> dict[str, Role]:
        best: dict[str, Role] = {}
        for role in roles:
            if role.key not in best or role.confidence > best[role.key].confidence:
                best[role.key] = role
        return best

    agents = best_roles([r for m in event.mentions for r in m.agents])
    if event.only_agents is not None:
        agents = {k: r for k, r in agents.items() if k in event.only_agents}
    other_side: list[Role] = []
    if event.category == "DiplomaticAction" and event.types & SYMMETRIC and agents:
        # one call told from both sides: the first report's caller acts, the other side's speaker is a party
        first_states = {view.state_of(r.key) or r.key for r in head.agents} or {
            view.state_of(k) or k for k in list(agents)[:1]}
        other_side = [r for r in agents.values() if (view.state_of(r.key) or r.key) not in first_states]
        agents = {k: r for k, r in agents.items() if (view.state_of(k) or k) in first_states}
    if event.category == "Attack":
        # a state's ministry, army or official carries out an attack for the state: the state is the
        # perpetrator (armed groups and unaffiliated actors stay as they are)
        kept: dict[str, Role] = {}
        for k, r in agents.items():
            state = view.state_of(k) if view.type_of(k) in ("GovernmentBody", "Official") else None
            actor = state or _group_of(k, view) or k  # "the group's spokesman claimed the attack": the group
            if actor not in kept or r.confidence > kept[actor].confidence:
                kept[actor] = Role(actor, r.token, r.confidence)
        agents = kept
    for role in agents.values():
        facts.append(Fact(key, agent_name, role.key, evidence(role.token, role.confidence)))
    agent_states = {view.state_of(k) or k for k in agents}
    patients = best_roles([r for m in event.mentions for r in m.patients] + other_side)
    if event.only_patients is not None:
        patients = {k: r for k, r in patients.items() if k in event.only_patients}
    for role in patients.values():
        if role.key in agents or (event.category == "DiplomaticAction" and (
                view.state_of(role.key) or role.key) in agent_states):
            continue
        facts.append(Fact(key, patient_name, role.key, evidence(role.token, role.confidence)))
    if event.category == "Attack" or any(m.locations for m in event.mentions):
        places = best_roles([r for m in event.mentions for r in m.locations])
        if not places and event.category == "Attack":
            # an attack on a state's forces or officials, with no place named, is taken to be in that
            # state (low confidence): "an assault on a police station" of "Iranian security forces"
            for role in patients.values():
                if view.type_of(role.key) in ("GovernmentBody", "Official") and (state := view.state_of(role.key)):
                    places[state] = Role(state, role.token, 0.4)
                    break
        specific = {k: r for k, r in places.items() if view.type_of(k) != "State"}
        chosen = dict(specific)
        known_states = {view.state_of(k) for k in specific}
        for k, r in places.items():
            if view.type_of(k) == "State" and (not specific or None in known_states) and k not in known_states:
                chosen[k] = r
        if event.category == "DiplomaticAction":
            chosen = {}  # where a diplomat spoke is rarely said reliably; keep diplomatic locations out
        for role in chosen.values():
            facts.append(Fact(key, "location", role.key, evidence(role.token, role.confidence)))
    if event.date is not None and event.date.full is not None and event.date_token is not None:
        facts.append(Fact(key, "date", event.date.full, evidence(event.date_token, event.date_confidence),
                          object_is_key=False))
    elif event.date is not None and event.date.relative and event.date_token is not None:
        # no publication date: the weekday is kept for resolution to anchor on other articles' events
        relative = RelativeDate(event.date.text, event.date.weekday, event.date.pub_offset or 0)
        facts.append(Fact(key, "date", relative, evidence(event.date_token, event.date_confidence),
                          object_is_key=False))
    for name, counts in (("killed", event.killed), ("injured", event.injured)):
        if counts:
            count, token, confidence = max(counts, key=lambda c: (c[0], c[2]))
            facts.append(Fact(key, name, int(count), evidence(token, confidence), object_is_key=False))
    for cause, confidence, token in event.responds_to:
        facts.append(Fact(key, "inResponseTo", cause.key, evidence(token, confidence)))
