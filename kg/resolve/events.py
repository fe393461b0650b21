"""Event coreference: the reports of one strike in several articles become one event node.

The rule (weights and thresholds in ``data/coref.json``):

* **Blocking.** A mention is compared only with nodes of the same category (Attack or
  DiplomaticAction) that share a principal: its perpetrator (attacks) or actor (diplomatic
  actions), or the State that principal is affiliated with (a state's army -> the state).
  Within a block, nodes are found by date (+/- the tolerance), by territory, target and place, so the
  work per mention stays constant however many events the graph holds.
* **Conflicts rule a node out**: dates further apart than the tolerance (1 day for attacks,
  0 for diplomatic actions); different territories (the states where the event happened: a
  location that is a State, or the State a location lies in, or for an attack with no location a
  State it targeted); disjoint non-state targets (attacks) or disjoint recipients (diplomatic
  actions); for diplomatic actions, no specific type in common (a recall is not an expulsion).
* **Score** of the agreeing evidence: same date 3 (or near date 2), same territory 2, same
  target/recipient 2, the same death toll 2, same specific location 1 (and 2 more when neither side knows the territory:
  a village missing from the gazetteer), a specific type in common 1. The best node wins
  if it reaches the threshold: 3 when both are dated, else 2 - so an undated mention ("on Thursday"
  in an article with no date) joins the dated node when perpetrator plus territory or target agree.
* **Unattributed**: a report naming no perpetrator meets an attributed node only on the same day
  with strong agreement (``threshold.unattributed``); two reports that both name none and are not
  both dated are looked up by territory (or by place, for a region no State is known for) and merge
  only with the same territory, target, toll and type or place (``threshold.unattributed_undated``).
* **Ambiguity**: if an undated mention fits several nodes equally well, it is not merged (a new
  node is made) rather than guessing. Within one document each node takes at most one mention,
  because the extractor has already merged the mentions of one document.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from kg.resolve.known import KnownEvent
from kg.resolve.names import DATA_DIR, camel_words, claim_iri, event_slug, slug

CATEGORIES = ("Attack", "DiplomaticAction")


@lru_cache(maxsize=1)
def coref_rules() -> dict:
    return json.loads((DATA_DIR / "coref.json").read_text(encoding="utf-8"))


@dataclass
class Mention:
    """One document's event, with its arguments already resolved to IRIs."""

    key: str
    category: str
    types: set[str]
    principals: set[str]  # perpetrators/actors and their States
    targets: set[str]
    target_states: set[str]
    locations: set[str]
    territories: set[str]
    dates: set[date]
    window: tuple[date, date] | None = None  # when the event can have happened (publication date)
    killed: set[int] = field(default_factory=set)  # death tolls this report gives
    reasons: list[str] = field(default_factory=list)


class EventIndex:
    def __init__(self, base: str, entities: dict | None = None):
        self.base = base
        self.entities = entities if entities is not None else {}  # IRI -> KnownEntity (for locatedIn)
        self.nodes: dict[str, KnownEvent] = {}
        self.territories: dict[str, set[str]] = defaultdict(set)  # node IRI -> territories
        self.by_date: dict[tuple, set[str]] = defaultdict(set)
        self.by_territory: dict[tuple, set[str]] = defaultdict(set)
        self.by_target: dict[tuple, set[str]] = defaultdict(set)
        self.by_location: dict[tuple, set[str]] = defaultdict(set)
        self.by_day: dict[tuple, set[str]] = defaultdict(set)  # (category, date), whoever the principal
        self.used_iris: set[str] = set()
        self.states: set[str] = set()  # IRIs of State nodes, kept up to date by the resolver

    def add(self, node: KnownEvent, territories: set[str]) -> None:
        self.nodes[node.iri] = node
        self.used_iris.add(node.iri)
        self.territories[node.iri] |= territories
        for d in node.dates:
            self.by_day[(node.category, d)].add(node.iri)
        for p in node.principals or {""}:
            block = (node.category, p)
            for d in node.dates:
                self.by_date[(*block, d)].add(node.iri)
            for t in self.territories[node.iri]:
                self.by_territory[(*block, t)].add(node.iri)
            for t in node.targets:
                self.by_target[(*block, t)].add(node.iri)
            for place in node.locations:
                self.by_location[(*block, place)].add(node.iri)

    # -- matching ----------------------------------------------------------------------------
    def candidates(self, m: Mention) -> set[str]:
        rules = coref_rules()
        tolerance = rules["date_tolerance_days"].get(m.category, 0)
        found: set[str] = set()
        # a call or meeting may be reported from either side: its recipient is a principal of the node too
        pair = symmetric(m.types, m.category)
        parties = m.principals | m.targets if pair else m.principals
        others = parties if pair else m.targets
        for p in parties or {""}:
            block = (m.category, p)
            for d in m.dates:
                for delta in range(-tolerance, tolerance + 1):
                    found |= self.by_date.get((*block, d + timedelta(days=delta)), set())
            if not p and m.dates:
                continue  # a dated report naming no attacker meets others by its day (below)
            if not p:
                # an undated report naming no attacker: only other such reports of the same territory or
                # place (a disputed region has no territory), scored strictly (match)
                for t in m.territories:
                    found |= self._bounded(self.by_territory.get((*block, t), set()), m)
                for place in m.locations - m.territories:
                    found |= self._bounded(self.by_location.get((*block, place), set()), m)
                continue
            for t in m.territories:
                found |= self._bounded(self.by_territory.get((*block, t), set()), m)
            for t in others:
                found |= self._bounded(self.by_target.get((*block, t), set()), m)
            for place in m.locations - m.territories:
                found |= self._bounded(self.by_location.get((*block, place), set()), m)
        if m.category == "Attack":
            # one report names the attacker, another does not: the same day's nodes, scored strictly (match)
            for d in m.dates:
                for delta in range(-tolerance, tolerance + 1):
                    day = d + timedelta(days=delta)
                    found |= self.by_day.get((m.category, day), set()) if not m.principals else self.by_date.get(
                        (m.category, "", day), set())
        return found

    def _bounded(self, iris: set[str], m: Mention) -> set[str]:
        """Nodes of a block that could match; the dated ones only if their date fits the mention."""
        limit = coref_rules()["max_candidates"]
        if m.dates:
            return {i for i in iris if not self.nodes[i].dates} if len(iris) <= limit else set()
        if len(iris) > limit:
            return set()
        if m.window:
            low, high = m.window
            return {i for i in iris if not self.nodes[i].dates or any(low <= d <= high for d in self.nodes[i].dates)}
        return set(iris)

    def _date_score(self, m: Mention, node: KnownEvent) -> tuple[int | None, str]:
        rules = coref_rules()
        if not (m.dates and node.dates):
            return 0, ""
        tolerance = rules["date_tolerance_days"].get(m.category, 0)
        gap = min(abs((a - b).days) for a in m.dates for b in node.dates)
        if gap > tolerance:
            return None, f"dates {gap} days apart"
        weights = rules["weights"]
        return (weights["same_date"], "same date") if gap == 0 else (weights["near_date"], f"dates {gap} day apart")

    def _party_score(self, m: Mention, node: KnownEvent) -> tuple[int | None, str]:
        """Targets or recipients: a conflict rules the node out; a shared one scores."""
        weight = coref_rules()["weights"]["same_target"]
        if symmetric(m.types & node.types, m.category):
            # one call seen from both sides: actor and recipient as an unordered pair of parties
            mine, theirs = m.principals | m.targets, node.principals | node.targets
            for own, other in ((m.principals, theirs), (m.targets, theirs), (node.principals, mine),
                               (node.targets, mine)):
                if own and other and not own & other:
                    return None, "different parties"
            return (weight, "same parties") if m.targets & theirs else (0, "")
        if m.category == "DiplomaticAction":
            if m.targets and node.targets and not m.targets & node.targets:
                return None, "different recipient"
        else:
            own, other = m.targets - m.target_states, node.targets - self.states
            if own and other and not own & other:
                return None, "different target"
        if m.targets & node.targets:
            return weight, "same target" if m.category == "Attack" else "same recipient"
        return 0, ""

    def _type_score(self, m: Mention, node: KnownEvent) -> tuple[int | None, str]:
        rules = coref_rules()
        specific_m, specific_n = m.types - set(CATEGORIES), node.types - set(CATEGORIES)
        if rules["require_type_overlap"].get(m.category) and specific_m and specific_n and not specific_m & specific_n:
            return None, "different type"
        return (rules["weights"]["same_type"], "same type") if specific_m & specific_n else (0, "")

    def score(self, m: Mention, iri: str) -> tuple[int | None, list[str]]:
        """Score of node ``iri`` for mention ``m``, or None when they conflict; with the reasons."""
        weights = coref_rules()["weights"]
        node = self.nodes[iri]
        if node.category != m.category:
            return None, ["different category"]
        territories = self.territories[iri]
        parts = [self._date_score(m, node)]
        if m.territories and territories:
            parts.append((weights["same_territory"], "same territory") if m.territories & territories
                         else (None, "different territory"))
        parts += [self._party_score(m, node), self._type_score(m, node)]
        if m.killed & node.killed:  # the same toll (tolls that differ are no conflict: reports revise them)
            parts.append((weights["same_toll"], "same toll"))
        if self._places(m.locations - m.territories) & self._places(node.locations - territories):
            parts.append((weights["same_location"], "same location"))  # the same place, or one inside the other
            if not (m.territories and territories):
                # a village the gazetteer does not know, a disputed region (one side, or neither, knows its
                # State): the same place is the same territory, whichever it is
                parts.append((weights["same_territory"], "same place of unknown territory"))
        score, why = 0, []
        for value, reason in parts:
            if value is None:
                return None, [reason]
            score += value
            if reason:
                why.append(reason)
        return score, why

    def match(self, m: Mention, taken: set[str]) -> tuple[str | None, str]:
        rules = coref_rules()
        scored = []
        for iri in sorted(self.candidates(m) - taken):
            value, why = self.score(m, iri)
            if value is None:
                continue
            dated = bool(m.dates and self.nodes[iri].dates)
            threshold = rules["threshold"]["dated" if dated else "undated"]
            if not dated and not m.principals and not self.nodes[iri].principals:
                threshold = rules["threshold"]["unattributed_undated"]
            if m.category == "Attack" and bool(m.principals) != bool(self.nodes[iri].principals):
                threshold = rules["threshold"].get("unattributed", threshold)  # one side names no attacker
                if not (m.territories and self.territories[iri]):
                    continue
            if value >= threshold:
                scored.append((value, iri, why))
        if not scored:
            return None, ""
        scored.sort(key=lambda s: (-s[0], s[1]))
        best = scored[0]
        rivals = [s for s in scored[1:] if s[0] == best[0]]
        if rivals and not m.dates:
            return None, f"ambiguous: {len(rivals) + 1} events fit equally well"
        return best[1], f"score {best[0]} ({', '.join(best[2])})"

    def _places(self, locations: set[str]) -> set[str]:
        """Locations with the places they lie in, short of States (a district -> its city)."""
        found, frontier = set(locations), list(locations)
        for _ in range(4):
            nxt = []
            for place in frontier:
                node = self.entities.get(place)
                for up in node.containers if node is not None else ():
                    if up not in found and up not in self.states:
                        found.add(up)
                        nxt.append(up)
            frontier = nxt
        return found

    # -- minting -----------------------------------------------------------------------------
    def mint(self, m: Mention, principal: str | None, other: str | None, doc_id: str) -> str:
        when = min(m.dates).isoformat() if m.dates else None
        name = event_slug(when, principal, slug(camel_words(primary_type(m.types, m.category))), other)
        return claim_iri(self.used_iris, f"{self.base}event/{name}", f"{doc_id}|{m.key}")


def principals_of(direct: set[str], entities: dict, states: set[str]) -> set[str]:
    """The actors an event is blocked and matched by: the named ones, the bodies or groups they serve
    ("a Taliban spokesman" -> the Taliban) and the States those serve ("the ministry" -> its State)."""
    principals = set(direct)
    for p in direct:
        node = entities.get(p)
        if node is None or p in states:
            continue
        principals |= node.affiliations
        for up in node.affiliations - states:
            above = entities.get(up)
            if above is not None:
                principals |= above.affiliations & states
    return principals


def symmetric(types: set[str], category: str) -> bool:
    """Whether an event of these types has two parties and no direction (a call, a meeting, talks)."""
    return category == "DiplomaticAction" and bool(types & set(coref_rules().get("symmetric_types", ())))


def primary_type(types: set[str], category: str) -> str:
    specific = sorted(types - set(CATEGORIES))
    return specific[0] if specific else category


def type_phrase(types: set[str], category: str) -> str:
    """``{MissileStrike, DroneStrike}`` -> ``drone and missile strike``."""
    specific = sorted(camel_words(t) for t in types - set(CATEGORIES)) or [camel_words(category)]
    if len(specific) > 1:
        heads = {w.split()[-1] for w in specific}
        if len(heads) == 1 and all(len(w.split()) > 1 for w in specific):
            head = heads.pop()
            fronts = [" ".join(w.split()[:-1]) for w in specific]
            return " and ".join([", ".join(fronts[:-1]), fronts[-1]]) + " " + head
        return " and ".join([", ".join(specific[:-1]), specific[-1]])
    return specific[0]
