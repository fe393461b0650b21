"""Entity candidates in ``doc.spans``: how the signal components write them and the arbiter reads them.

Every signal component writes its candidates to its own span group (``doc.spans[GROUP]``), each span
labelled with an ontology type; what the signal knows about it is ``doc._.kg_cands[span.id]`` (a dict:
the keys of :func:`span_info`, plus ``rule``, the pattern or list that proposed it, and optionally
``priority`` when a rule is as certain as a gazetteer entry; spaCy keys span extensions by offsets
alone, so two candidates on the same words need the span id to keep their own). Spans of one group may overlap; only the
arbiter (``kg_entities``) settles overlaps into ``doc.ents``.

Inside a component the candidates are plain :class:`Candidate` records (token offsets, label,
priority, info), so rules can compare and adjust them before they are written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

#: The span groups, in pipeline order, and the priority of their candidates in the arbiter (higher wins
#: an overlap; then the longer span; then the earlier). A list entry outranks a pattern, a pattern the
#: statistical NER's own reading.
GROUPS = {
    "kg_gazetteer": 3,  # gazetteer phrases: states, demonyms, capitals, groups, bodies, media, places
    "kg_sites": 3,  # named sites and features ('the X air base', 'Y Shoal')
    "kg_officials": 2,  # names next to titles of office
    "kg_patterns": 2,  # group and place patterns (data/patterns.json)
    "kg_groups": 2,  # groups introduced the way news introduces them ('Name Words (ACR)')
    "kg_ner": 1,  # the statistical NER's spans, retyped and linked
}
PRIORITY_GAZ, PRIORITY_PATTERN, PRIORITY_NER = 3, 2, 1
BLOCKED = "kg_blocked"  # text that yields no entity: boilerplate lines, bylines, headline nouns


@dataclass
class Candidate:
    start: int  # token offsets
    end: int
    label: str
    priority: int
    info: dict = field(default_factory=dict)


def register_extensions() -> None:
    if not Doc.has_extension("kg_info"):
        Doc.set_extension("kg_info", default=None)
    if not Doc.has_extension("kg_context"):
        Doc.set_extension("kg_context", default=None)
    if not Doc.has_extension("kg_cands"):
        Doc.set_extension("kg_cands", default=None)
    if not Span.has_extension("kg"):
        Span.set_extension("kg", getter=span_info)
        Span.set_extension("kg_canonical", getter=lambda s: span_info(s).get("canonical"))
        Span.set_extension("kg_state", getter=lambda s: span_info(s).get("state"))
        Span.set_extension("kg_position", getter=lambda s: span_info(s).get("position"))


def span_info(span: Span) -> dict:
    """What the entity components know about an entity span of ``doc.ents`` (empty for spans they did not make).

    Keys (all optional): ``canonical`` (gazetteer label), ``ids`` (wikidata/geonames/iso3166),
    ``state`` (ISO alpha-2 of the State the entity is/belongs to), ``how`` (for States: "name",
    "demonym" or "capital"), ``kind`` (place: "city"/"subdivision"/"region"/"site"), ``lat``/``long``,
    ``parent`` (id of the subdivision a place lies in), ``position`` and ``affiliation``
    (Officials: office literal and ISO alpha-2 of their state, "span:<start>:<end>" for another entity
    of the text, or "@province"/"@country" when the text says "the province's"), ``written`` (a body or
    place as the text names it: "China Coast Guard", "Idlib province"), ``confidence``, ``source``
    ("gazetteer", "pattern", "ner"), ``signal`` (the span group the winning candidate came from) and
    ``rule`` (the list or pattern inside it).
    """
    table = span.doc._.kg_info or {}
    return table.get((span.start_char, span.end_char), {})


def write(doc: Doc, group: str, cands: list[Candidate]) -> None:
    """Put ``cands`` into ``doc.spans[group]``; ``doc._.kg_cands[span.id]`` holds each one's info and priority.

    The span id numbers the candidate within its group, so two candidates on the same words (a name two
    lists know) keep their own info."""
    base = list(GROUPS).index(group) * 1_000_000 if group in GROUPS else 9_000_000
    if doc._.kg_cands is None:
        doc._.kg_cands = {}
    store = doc._.kg_cands
    spans = []
    for i, cand in enumerate(cands):
        span = Span(doc, cand.start, cand.end, label=cand.label, span_id=base + i + 1)
        info = cand.info
        if cand.priority != GROUPS.get(group, cand.priority):
            info = {**info, "priority": cand.priority}
        store[span.id] = info
        spans.append(span)
    doc.spans[group] = spans


def read(doc: Doc, group: str) -> list[Candidate]:
    """The candidates of one group as :class:`Candidate` records (info copied: the reader may change it)."""
    if group not in doc.spans:
        return []
    default = GROUPS.get(group, PRIORITY_NER)
    store = doc._.kg_cands or {}
    out = []
    for span in doc.spans[group]:
        info = dict(store.get(span.id) or {})
        priority = info.pop("priority", default)
        out.append(Candidate(span.start, span.end, span.label_, priority, info))
    return out


def accepted(cands: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates: higher priority first, then longer, then earlier."""
    taken: set[int] = set()
    out = []
    for cand in sorted(cands, key=lambda c: (-c.priority, -(c.end - c.start), c.start)):
        if cand.end <= cand.start or taken.intersection(range(cand.start, cand.end)):
            continue
        taken.update(range(cand.start, cand.end))
        out.append(cand)
    return sorted(out, key=lambda c: c.start)


def gazetteer_covered(doc: Doc) -> list[Candidate]:
    """The gazetteer candidates that would win among themselves: the words patterns keep off."""
    return accepted(read(doc, "kg_gazetteer"))


def taken_tokens(cands: list[Candidate]) -> set[int]:
    return {i for c in cands for i in range(c.start, c.end)}


def blocked_tokens(doc: Doc) -> set[int]:
    """Tokens of text that names nothing (``kg_blocked``): no candidate may touch them."""
    if BLOCKED not in doc.spans:
        return set()
    return {i for span in doc.spans[BLOCKED] for i in range(span.start, span.end)}


def state_context(doc: Doc) -> dict[str, float]:
    """How much the document speaks of each State (ISO alpha-2 -> weight), set by ``kg_gazetteer``."""
    return doc._.kg_context or {}


def span_ref(doc: Doc, cand: Candidate) -> str:
    """An affiliation that is another entity of the text: 'span:<start char>:<end char>'."""
    return f"span:{doc[cand.start].idx}:{doc[cand.end - 1].idx + len(doc[cand.end - 1])}"
