"""Compare a built graph with a gold facts file (the design is written up in kg/eval/README.md).

Entities are matched by name and type; events by a score over their identifying arguments,
assigned one-to-one greedily; other facts by looking the triple up (locatedIn transitively).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.eval.facts import GoldEntity, GoldEvent, GoldFacts, GoldTriple
from kg.eval.graph import GraphView, short_sources
from kg.eval.names import norm, source_matches
from kg.eval.results import Counts, Duplicate, EvalReport, EventMatch, Miss, SectionResult

# Arguments that identify an event (used to decide whether a node is that event), by category.
IDENTIFYING = {
    "Attack": ("types", "perpetrator", "target", "territory", "date", "killed"),
    "DiplomaticAction": ("types", "actor", "recipient", "date"),
}
# Arguments that, when both sides know them and disagree, mean "another event".
BLOCKING = {"Attack": ("perpetrator", "territory"), "DiplomaticAction": ("actor", "recipient")}
MIN_AGREEMENTS = 2
SECTION = {"Attack": "attacks", "DiplomaticAction": "diplomatic_actions"}


def score_store(store, facts: GoldFacts) -> EvalReport:
    """Score a KGStore against gold facts."""
    return score_view(GraphView(store), facts)


def score_view(view: GraphView, facts: GoldFacts) -> EvalReport:
    report = EvalReport(facts=facts.path)
    _score_entities(view, facts, report)
    _score_events(view, facts, facts.attacks, "Attack", report.attacks, report)
    _score_events(view, facts, facts.diplomatic_actions, "DiplomaticAction", report.diplomatic_actions,
                  report)
    _score_other(view, facts, report)
    return report


# -- entities ------------------------------------------------------------------------------------
def _entity_candidates(view: GraphView, entity: GoldEntity) -> list[str]:
    """Nodes of the gold type (or a subtype) named by one of its names; the best first."""
    names = {norm(n) for n in entity.all_names}
    found = [n for n in view.names if view.named(n, names) and entity.type in view.type_closure(n)]
    label = norm(entity.label)
    return sorted(found, key=lambda n: (norm(view.label.get(n, "")) != label,
                                        -len(view.names[n] & names), n))


def _category(view: GraphView, node: str, scored: set[str]) -> str | None:
    """The most specific scored type of a node (an Official counts as Official, not Person)."""
    kinds = view.type_closure(node) & scored
    return max(kinds, key=lambda t: (len(view.ancestors_of_class(t)), t)) if kinds else None


def _score_entities(view: GraphView, facts: GoldFacts, report: EvalReport) -> None:
    section = report.entities
    scored = {e.type for e in facts.entities}
    primary: dict[str, GoldEntity] = {}  # node -> the gold entity it stands for
    duplicate_of_required: set[str] = set()
    matched_optional: set[str] = set()
    order = sorted(facts.entities, key=lambda e: not e.required)
    for entity in order:
        candidates = _entity_candidates(view, entity)
        free = [n for n in candidates if n not in primary]
        counts = section.by_type.setdefault(entity.type, Counts())
        if not free:
            if entity.required:
                counts.fn += 1
                section.counts.fn += 1
                report.missed.append(Miss("entities", entity.label, _entity_absent_reason(view, entity)))
            continue
        primary[free[0]] = entity
        extra = free[1:]
        if extra:
            report.duplicates.append(Duplicate("entities", entity.label, [view.show(n) for n in free]))
        if entity.required:
            counts.tp += 1
            section.counts.tp += 1
            duplicate_of_required.update(extra)
            _check_entity_attributes(view, facts, entity, candidates, section, report)
        else:
            matched_optional.update(free)
    for node in view.types:
        category = _category(view, node, scored)
        if category is None or node in matched_optional:
            continue
        if node in primary:
            continue  # stands for a required gold entity (optional ones were skipped above)
        if node not in duplicate_of_required and _matches_any(view, node, facts):
            continue  # named like an optional entity (under another type): not an error either way
        section.by_type.setdefault(category, Counts()).fp += 1
        section.counts.fp += 1
        if node not in duplicate_of_required:
            report.false_positives.setdefault("entities", []).append(f"{view.show(node)} {category}")


def _matches_any(view: GraphView, node: str, facts: GoldFacts) -> bool:
    """An unassigned node named like an optional gold entity is not counted either way."""
    return any(not e.required and view.named(node, {norm(n) for n in e.all_names}) for e in facts.entities)


def _entity_absent_reason(view: GraphView, entity: GoldEntity) -> str:
    names = {norm(n) for n in entity.all_names}
    other = [n for n in view.names if view.named(n, names)]
    if other:
        shown = ", ".join(f"{view.show(n)} typed {'/'.join(sorted(view.types.get(n, ())) or ['nothing'])}"
                          for n in other[:3])
        return f"no {entity.type} named {entity.label!r}; found {shown}"
    return f"no node is named any of {list(dict.fromkeys(entity.all_names))}"


def _check_entity_attributes(view, facts, entity, nodes, section, report) -> None:
    """position, affiliation, "in" (locatedIn, transitive) and the Wikidata link of a found entity."""
    checks = []
    if entity.position:
        want = norm(entity.position)
        have = [v for n in nodes for v in view.values(n, "position")]
        checks.append(("position", any(want == norm(v) or want in norm(v) for v in have),
                       f"position {entity.position!r}", [repr(v) for v in have]))
    if entity.affiliation:
        names = facts.names_of(entity.affiliation)
        have = [v for n in nodes for v in view.values(n, "affiliation")]
        checks.append(("affiliation", any(view.named(v, names) for v in have),
                       f"affiliation {entity.affiliation!r}", [view.show(v) for v in have]))
    if entity.located_in:
        names = facts.names_of(entity.located_in)
        have = [a for n in nodes for a in view.ancestors(n) - {n}]
        checks.append(("in", any(view.named(a, names) for a in have),
                       f"locatedIn {entity.located_in!r}", [view.show(a) for a in have]))
    if entity.wikidata:
        have = sorted({s for n in nodes for s in view.same_as.get(n, ())})
        checks.append(("wikidata", any(s.rstrip("/").endswith("/" + entity.wikidata) for s in have),
                       f"owl:sameAs wikidata {entity.wikidata}", have))
    for name, ok, what, have in checks:
        section.argument(name).add(ok)
        if not ok:
            report.missed.append(Miss("entities", entity.label,
                                      f"found {view.show(nodes[0])} but {what} is missing"
                                      + (f" (has: {', '.join(have[:4])})" if have else "")))


# -- events --------------------------------------------------------------------------------------
@dataclass
class Pairing:
    """How one predicted node compares with one gold event."""

    node: str
    checks: dict[str, bool | None] = field(default_factory=dict)  # None: the graph has no value
    detail: dict[str, str] = field(default_factory=dict)
    score: float = 0.0
    eligible: bool = True
    why_not: str = ""


def _entity_arg(view, facts, node, prop, gold_value, pairing, name=None) -> None:
    name = name or prop
    values = view.values(node, prop)
    if not values:
        pairing.checks[name] = None
        return
    pairing.checks[name] = any(view.refers_to(v, facts.names_of(gold_value)) for v in values)
    pairing.detail[name] = ", ".join(view.show_value(v) for v in values)


def _compare(view: GraphView, facts: GoldFacts, gold: GoldEvent, node: str) -> Pairing:
    p = Pairing(node)
    root = gold.category
    specific = view.specific_types(node, root)
    if gold.types:
        overlap = bool(set(gold.types) & specific)
        p.checks["types"] = set(gold.types) <= view.type_closure(node) if specific else None
        p.detail["types"] = "/".join(sorted(specific)) or root
        if specific and not overlap and root == "DiplomaticAction":
            p.eligible, p.why_not = False, f"its type is {p.detail['types']}"
        type_agrees = overlap
    else:
        type_agrees = False
    roles = ("perpetrator", "target") if root == "Attack" else ("actor", "recipient")
    for role in roles:
        if getattr(gold, role):
            _entity_arg(view, facts, node, role, getattr(gold, role), p)
    locations = view.values(node, "location")
    area = {a for loc in locations for a in view.ancestors(loc)}
    if gold.territory:
        names = facts.names_of(gold.territory) | {n for loc in gold.location for n in facts.names_of(loc)}
        if any(view.named(a, names) for a in area):
            p.checks["territory"] = True
        elif any("State" in view.type_closure(a) for a in area):
            p.checks["territory"] = False
        else:
            p.checks["territory"] = None
        if locations:
            p.detail["territory"] = ", ".join(view.show(a) for a in sorted(area))
    if gold.location:
        names = {n for loc in gold.location for n in facts.names_of(loc)}
        p.checks["location"] = any(view.named(a, names) for a in area) if locations else None
        p.detail["location"] = ", ".join(view.show(v) for v in locations)
    if gold.date:
        dates = view.values(node, "date")
        p.checks["date"] = any(d[:10] == gold.date[:10] for d in dates) if dates else None
        p.detail["date"] = ", ".join(dates)
    for count in ("killed", "injured"):
        wanted = getattr(gold, count)
        if wanted:
            have = [int(v) for v in view.values(node, count) if str(v).lstrip("-").isdigit()]
            p.checks[count] = any(v in wanted for v in have) if have else None
            p.detail[count] = ", ".join(map(str, have))
    sources = view.sources(node)
    found = [s for s in gold.sources if any(source_matches(s, have) for have in sources)]
    if gold.sources:
        p.checks["sources"] = len(found) == len(gold.sources)
        p.detail["sources"] = ", ".join(short_sources(sources)) or "none"
        if sources and not found:
            p.eligible, p.why_not = False, f"it is reported by other documents ({p.detail['sources']})"
    for role in BLOCKING[root]:
        if p.checks.get(role) is False and p.eligible:
            p.eligible, p.why_not = False, f"its {role} is {p.detail.get(role)}"
    identifying = [a for a in IDENTIFYING[root] if a in p.checks or (a == "types" and gold.types)]
    agreements = sum(1 for a in identifying if (type_agrees if a == "types" else p.checks.get(a) is True))
    needed = min(MIN_AGREEMENTS, len(identifying))
    if p.eligible and agreements < needed:
        p.eligible, p.why_not = False, f"only {agreements} of its identifying arguments agree"
    p.score = (sum({True: 1, False: -1, None: 0}[p.checks[a]] for a in identifying if a in p.checks)
               + (1.0 if type_agrees else 0.5 if not specific else 0.0)
               + (len(found) / len(gold.sources) if gold.sources else 0.0))
    return p


def _score_events(view, facts, golds: list[GoldEvent], root: str, section: SectionResult, report) -> None:
    name = SECTION[root]
    nodes = view.nodes_of(root)
    pairings = {(g.id, n): _compare(view, facts, g, n) for g in golds for n in nodes}
    # Greedy one-to-one: best score first; ties go to required facts, then to file order.
    ranked = sorted((-p.score, not g.required, index, p.node, g.id) for index, g in enumerate(golds)
                    for n in nodes if (p := pairings[(g.id, n)]).eligible)
    assigned: dict[str, str] = {}  # gold id -> node
    taken: dict[str, str] = {}  # node -> gold id
    for *_rank, node, gid in ranked:
        if gid not in assigned and node not in taken:
            assigned[gid], taken[node] = node, gid
    by_id = {g.id: g for g in golds}
    duplicates: dict[str, list[str]] = {}
    for node in nodes:
        if node in taken:
            continue
        twins = [g.id for g in golds if g.id in assigned and pairings[(g.id, node)].eligible]
        if twins:
            duplicates.setdefault(twins[0], []).append(node)
    for gid, extra in duplicates.items():
        report.duplicates.append(Duplicate(name, gid, [view.show(n) for n in [assigned[gid], *extra]]))
    for gold in golds:
        counts = section.by_type.setdefault("/".join(gold.types) or root, Counts())
        node = assigned.get(gold.id)
        if node is None:
            if gold.required:
                counts.fn += 1
                section.counts.fn += 1
                reason = _event_absent_reason(view, gold, nodes, pairings, taken)
                report.missed.append(Miss(name, gold.id, reason))
            continue
        pairing = pairings[(gold.id, node)]
        if gold.in_response_to:
            earlier = assigned.get(gold.in_response_to)
            responds_to = view.values(node, "inResponseTo")
            pairing.checks["in_response_to"] = (earlier is not None and earlier in responds_to
                                                if responds_to else None)
            pairing.detail["in_response_to"] = ", ".join(view.show(v) for v in responds_to)
        if not gold.required:
            continue
        counts.tp += 1
        section.counts.tp += 1
        match = EventMatch(gold.id, view.show(node), round(pairing.score, 2))
        for arg, ok in pairing.checks.items():
            match.arguments[arg] = ok is True
            section.argument(arg).add(ok is True)
            if ok is not True:
                what = "missing" if ok is None else f"wrong (has {pairing.detail.get(arg) or 'other values'})"
                report.missed.append(Miss(name, gold.id, f"matched {view.show(node)} but {arg} is {what}"
                                          + _wanted(gold, arg)))
        section.matches.append(match)
    optional_nodes = {assigned[g.id] for g in golds if not g.required and g.id in assigned}
    for node in nodes:
        if node in taken and (node in optional_nodes or by_id[taken[node]].required):
            continue
        section.counts.fp += 1
        kinds = "/".join(sorted(view.specific_types(node, root))) or root
        section.by_type.setdefault(kinds, Counts()).fp += 1
        if not any(node in extra for extra in duplicates.values()):
            report.false_positives.setdefault(name, []).append(f"{view.show(node)} {kinds}")


def _wanted(gold: GoldEvent, arg: str) -> str:
    value = {"types": "/".join(gold.types), "location": " or ".join(gold.location),
             "killed": " or ".join(map(str, gold.killed)), "injured": " or ".join(map(str, gold.injured)),
             "sources": ", ".join(gold.sources)}.get(arg)
    if value is None:
        value = getattr(gold, arg, None)
    return f"; expected {value}" if value else ""


def _event_absent_reason(view, gold: GoldEvent, nodes, pairings, taken) -> str:
    kind = "attack" if gold.category == "Attack" else "diplomatic action"
    if not nodes:
        return f"the graph has no {kind} at all"
    candidates = sorted((pairings[(gold.id, n)] for n in nodes), key=lambda p: -p.score)
    taken_best = [p for p in candidates if p.eligible]
    if taken_best:
        p = taken_best[0]
        return f"the best fitting node {view.show(p.node)} went to {taken[p.node]}"
    reported = [p for p in candidates if not gold.sources or p.checks.get("sources") is not None
                and p.detail.get("sources") != "none"
                and any(source_matches(s, src) for s in gold.sources for src in view.sources(p.node))]
    if gold.sources and not reported:
        return f"no {kind} node is reported by {', '.join(gold.sources)}"
    if gold.category == "DiplomaticAction" and gold.types and not any(
            set(gold.types) & view.specific_types(p.node, gold.category) for p in reported):
        return f"no {'/'.join(gold.types)} node is reported by {', '.join(gold.sources) or 'any document'}"
    best = (reported or candidates)[0]
    known = "; ".join(f"{a}={'ok' if v else ('none' if v is None else best.detail.get(a, '?'))}"
                      for a, v in best.checks.items())
    return f"closest {kind} {view.show(best.node)} does not fit: {best.why_not} [{known}]"


# -- other facts ---------------------------------------------------------------------------------
def _score_other(view: GraphView, facts: GoldFacts, report: EvalReport) -> None:
    section = report.other_facts
    for fact in facts.other_facts:
        ok, reason = _check_triple(view, facts, fact)
        counts = section.by_type.setdefault(fact.property, Counts())
        if not fact.required:
            continue
        section.argument(fact.property).add(ok)
        if ok:
            counts.tp += 1
            section.counts.tp += 1
        else:
            counts.fn += 1
            section.counts.fn += 1
            report.missed.append(Miss("other_facts", f"{fact.subject} {fact.property} {fact.object}", reason))


def _check_triple(view: GraphView, facts: GoldFacts, fact: GoldTriple) -> tuple[bool, str]:
    """Is ``subject property object`` in the graph? Objects may be reached through locatedIn."""
    subjects = [n for n in view.names if view.named(n, facts.names_of(fact.subject))]
    if not subjects:
        return False, f"no node is named {fact.subject!r}"
    wanted = facts.names_of(fact.object)
    direct = [(s, v) for s in subjects for v in view.values(s, fact.property)]
    if fact.property == "locatedIn":
        hits = [(s, a) for s in subjects for a in view.ancestors(s) - {s} if view.named(a, wanted)]
    else:
        hits = [(s, v) for s, v in direct if any(view.named(a, wanted) for a in view.ancestors(v))]
    if not hits:
        have = ", ".join(f"{view.show(s)} -> {view.show_value(v)}" for s, v in direct[:4])
        return False, f"no {fact.property} link to {fact.object!r}" + (f" (has: {have})" if have else "")
    if fact.sources:
        sources = set()
        for s, v in hits:
            sources |= view.triple_sources(s, fact.property, v)
        missing = [g for g in fact.sources if not any(source_matches(g, s) for s in sources)]
        if missing:
            return False, (f"found, but not stated by {', '.join(missing)} "
                           f"(stated by: {', '.join(short_sources(sources)) or 'no document graph'})")
    return True, ""
