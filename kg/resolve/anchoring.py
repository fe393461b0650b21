"""Cross-document date anchoring: weekdays in an article with no publication date.

An article with no date ("Iranian Foreign Minister X phoned his Pakistani counterpart on Wednesday")
cannot resolve "on Wednesday" by itself; the extractor keeps such expressions as
:class:`~kg.records.RelativeDate` facts. Here, before any event IRI of the document is minted, the
document's events are matched (without those dates) against the events already known; an article is
not published before the latest event it reports, so the latest date among the matched events is
the anchor, and each relative date becomes the latest such weekday on or before it (or the anchor
plus its day offset), with lower confidence and an explanation. What cannot be anchored is dropped:
RDF never sees a RelativeDate.

:func:`dated_first` orders a build so that documents needing an anchor are resolved after the
dated ones of the same build, which are the anchors they need.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date

from kg.records import DocumentExtraction, Fact, RelativeDate
from kg.resolve.events import CATEGORIES, Mention, principals_of

PRINCIPAL = {"Attack": "perpetrator", "DiplomaticAction": "actor"}
OTHER = {"Attack": "target", "DiplomaticAction": "recipient"}
CONFIDENCE_SCALE = 0.7  # a date inferred through other articles is less sure than one the text gives
REACTIONS = {"Condemnation", "Warning", "Denial", "Demand", "Statement"}
REACTION_CONFIDENCE = 0.35


def needs_anchor(extraction: DocumentExtraction) -> bool:
    """Whether the document has relative dates and no publication date to resolve them."""
    return any(isinstance(f.object, RelativeDate) for f in extraction.facts)


def dated_first(items: Iterable[tuple], held=None) -> Iterator[tuple]:
    """(document, extraction, words) items with the ones that need an anchor held back to the end,
    in their original order; everything else streams through unchanged. ``held`` (append, iterate;
    a list by default) keeps them: ``kg.pipeline`` passes one that spills to disk."""
    held = [] if held is None else held
    for item in items:
        extraction = item[1]
        if isinstance(extraction, DocumentExtraction) and needs_anchor(extraction):
            held.append(item)
        else:
            yield item
    yield from held


def anchor_relative_dates(resolver, extraction: DocumentExtraction, facts: dict[str, list[Fact]],
                          iris: dict[str, str], explanations: list[str]) -> None:
    """Replace the document's RelativeDate facts by dates (or drop them), in ``extraction.facts`` and in
    ``facts`` (subject -> facts); date undated reactions by the known date of the attack they answer.
    Entity IRIs (``iris``) must already be resolved."""
    _reactions_dated_by_known_attacks(resolver, extraction, facts, iris, explanations)
    if not needs_anchor(extraction):
        return
    anchor, why = extraction.publication_date, "the publication date"
    if anchor is None:
        anchor, why = _anchor_from_matches(resolver, extraction, facts, iris)
    replaced: list[Fact] = []
    for fact in extraction.facts:
        if not isinstance(fact.object, RelativeDate):
            replaced.append(fact)
            continue
        relative = fact.object
        if anchor is None:
            explanations.append(f"event {fact.subject}: {relative.text!r} dropped (no publication date and no "
                                f"dated event in common with other articles)")
            continue
        day = relative.resolve(anchor)
        evidence = replace(fact.evidence, confidence=round(fact.evidence.confidence * CONFIDENCE_SCALE, 3))
        replaced.append(Fact(fact.subject, fact.predicate, day, evidence, object_is_key=False))
        explanations.append(f"event {fact.subject}: {relative.text!r} read as {day.isoformat()}, anchored on "
                            f"{anchor.isoformat()} ({why})")
    extraction.facts = replaced
    for subject in list(facts):
        facts[subject] = [f for f in replaced if f.subject == subject]


def _reactions_dated_by_known_attacks(resolver, extraction: DocumentExtraction, facts: dict[str, list[Fact]],
                                     iris: dict[str, str], explanations: list[str]) -> None:
    """"Kabul condemned the Pakistani air attacks" in an article that does not date them: when the attack
    matches a known node with one date, the reaction is dated like it (reactions come the same day; low
    confidence), as the extractor does within one article."""
    events = {e.key: e for e in extraction.events}
    added: list[Fact] = []
    for event in extraction.events:
        own = facts.get(event.key, [])
        if event.category != "DiplomaticAction" or not set(event.types) & REACTIONS or any(
                f.predicate == "date" for f in own):
            continue
        causes = [events[f.object] for f in own if f.predicate == "inResponseTo" and f.object in events]
        for cause in causes:
            cause_facts = facts.get(cause.key, [])
            if cause.category != "Attack" or any(f.predicate == "date" for f in cause_facts):
                continue  # dated in the article: the extractor already dated the reaction
            iri, _ = resolver.events.match(_mention(resolver, cause, cause_facts, iris), set())
            days = resolver.events.nodes[iri].dates if iri else set()
            if len(days) == 1:
                day = next(iter(days))
                link = next(f for f in own if f.predicate == "inResponseTo" and f.object == cause.key)
                evidence = replace(link.evidence, confidence=REACTION_CONFIDENCE)
                added.append(Fact(event.key, "date", day, evidence, object_is_key=False))
                explanations.append(f"event {event.key}: dated {day.isoformat()} like the attack it answers "
                                    f"(<{iri}>, dated by other articles)")
                break
    if added:
        extraction.facts = extraction.facts + added
        for fact in added:
            facts.setdefault(fact.subject, []).append(fact)


def _anchor_from_matches(resolver, extraction: DocumentExtraction, facts: dict[str, list[Fact]],
                         iris: dict[str, str]) -> tuple[date | None, str]:
    """The latest date of the known events this document's events match (their own dates left out)."""
    best: tuple[date, str] | None = None
    taken: set[str] = set()
    for event in extraction.events:
        if event.category not in CATEGORIES:
            continue
        mention = _mention(resolver, event, facts.get(event.key, []), iris)
        iri, _ = resolver.events.match(mention, taken)
        if iri is None:
            continue
        taken.add(iri)
        node = resolver.events.nodes[iri]
        for day in node.dates:
            if best is None or day > best[0]:
                best = (day, f"latest date of the matched event <{iri}>")
    return (best[0], best[1]) if best else (None, "")


def _mention(resolver, event, facts: list[Fact], iris: dict[str, str]) -> Mention:
    """The event as the coreference index sees it, with only the dates the text gives in full."""
    def objects(predicate: str) -> set[str]:
        return {iris[f.object] for f in facts if f.predicate == predicate and f.object_is_key and f.object in iris}

    direct = objects(PRINCIPAL[event.category])
    states = resolver.events.states
    principals = principals_of(direct, resolver.entities.nodes, states)
    targets, locations = objects(OTHER[event.category]), objects("location")
    dates = {f.object for f in facts if f.predicate == "date" and isinstance(f.object, date)}
    return Mention(key=event.key, category=event.category, types=set(event.types) | {event.category},
                   principals=principals, targets=targets, target_states=targets & states, locations=locations,
                   territories=resolver._territories(locations, targets, event.category), dates=dates)
