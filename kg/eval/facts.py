"""The gold facts file: what an analyst reads out of a set of articles (shape of seed-facts.json).

Loaded into small dataclasses so the scorer never touches raw JSON and a malformed file fails
early with a message naming the bad entry, instead of as a KeyError deep in the matching.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


class FactsError(ValueError):
    """The facts file cannot be read or does not have the expected shape."""


@dataclass(frozen=True)
class GoldEntity:
    type: str
    label: str
    names: tuple[str, ...]
    required: bool = True
    wikidata: str | None = None
    position: str | None = None
    affiliation: str | None = None
    located_in: str | None = None  # the file's "in"

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.label, *self.names)


@dataclass(frozen=True)
class GoldEvent:
    """An attack or a diplomatic action; ``category`` is "Attack" or "DiplomaticAction"."""

    id: str
    category: str
    types: tuple[str, ...]
    required: bool = True
    summary: str = ""
    # attacks
    perpetrator: str | None = None
    target: str | None = None
    territory: str | None = None
    location: tuple[str, ...] = ()
    # diplomatic actions
    actor: str | None = None
    recipient: str | None = None
    participants: tuple[str, ...] = ()
    # both
    date: str | None = None
    killed: tuple[int, ...] = ()
    injured: tuple[int, ...] = ()
    sources: tuple[str, ...] = ()
    in_response_to: str | None = None


@dataclass(frozen=True)
class GoldTriple:
    subject: str
    property: str
    object: str
    required: bool = True
    sources: tuple[str, ...] = ()


@dataclass
class GoldFacts:
    entities: list[GoldEntity] = field(default_factory=list)
    attacks: list[GoldEvent] = field(default_factory=list)
    diplomatic_actions: list[GoldEvent] = field(default_factory=list)
    other_facts: list[GoldTriple] = field(default_factory=list)
    path: str = ""
    _index: tuple | None = field(default=None, repr=False, compare=False)

    def entity_named(self, name: str) -> GoldEntity | None:
        """The gold entity a name in an event or fact refers to: by label first, then any name."""
        from kg.eval.names import norm

        key = norm(name)
        by_label, by_name = self._name_index()
        return by_label.get(key) or by_name.get(key)

    def _name_index(self) -> tuple[dict[str, GoldEntity], dict[str, GoldEntity]]:
        """Entities by normalised label and by any normalised name (the first entity wins, as in a scan),
        built once: scoring looks names up for every pair of gold and graph events."""
        from kg.eval.names import norm

        if self._index is None or self._index[0] != len(self.entities):
            by_label: dict[str, GoldEntity] = {}
            by_name: dict[str, GoldEntity] = {}
            for entity in self.entities:
                by_label.setdefault(norm(entity.label), entity)
                for n in entity.names:
                    by_name.setdefault(norm(n), entity)
            self._index = (len(self.entities), by_label, by_name)
        return self._index[1], self._index[2]

    def names_of(self, name: str) -> set[str]:
        """Every normalised name a reference may match: the gold entity's names, or the name itself."""
        from kg.eval.names import norm

        entity = self.entity_named(name)
        return {norm(n) for n in entity.all_names} if entity else {norm(name)}


def _tuple(value, cast=str) -> tuple:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(cast(v) for v in value)
    return (cast(value),)


def _one(value) -> str | None:
    """A single reference; some files give a one-element list where a value is expected."""
    if isinstance(value, (list, tuple)):
        return str(value[0]) if value else None
    return None if value in (None, "") else str(value)


def _event(raw: dict, category: str, where: str) -> GoldEvent:
    if "id" not in raw:
        raise FactsError(f"{where}: an event needs an 'id'")
    try:
        return GoldEvent(
            id=str(raw["id"]),
            category=category,
            types=_tuple(raw.get("types") or raw.get("type")),
            required=bool(raw.get("required", True)),
            summary=str(raw.get("summary", "")),
            perpetrator=_one(raw.get("perpetrator")),
            target=_one(raw.get("target")),
            territory=_one(raw.get("territory")),
            location=_tuple(raw.get("location")),
            actor=_one(raw.get("actor")),
            recipient=_one(raw.get("recipient")),
            participants=_tuple(raw.get("participants")),
            date=_one(raw.get("date")),
            killed=_tuple(raw.get("killed"), int),
            injured=_tuple(raw.get("injured"), int),
            sources=_tuple(raw.get("sources")),
            in_response_to=_one(raw.get("in_response_to")),
        )
    except (TypeError, ValueError) as exc:
        raise FactsError(f"{where} ({raw.get('id')}): {exc}") from None


def parse_facts(data: dict, path: str = "") -> GoldFacts:
    """Turn the decoded JSON into :class:`GoldFacts`, checking the fields the scorer relies on."""
    if not isinstance(data, dict):
        raise FactsError(f"{path}: expected a JSON object with 'entities', 'attacks', ...")
    facts = GoldFacts(path=path)
    for i, raw in enumerate(data.get("entities", [])):
        if "type" not in raw or not (raw.get("label") or raw.get("names")):
            raise FactsError(f"{path}: entities[{i}] needs a 'type' and a 'label' or 'names'")
        names = _tuple(raw.get("names"))
        facts.entities.append(GoldEntity(
            type=str(raw["type"]),
            label=str(raw.get("label") or names[0]),
            names=names,
            required=bool(raw.get("required", True)),
            wikidata=_one(raw.get("wikidata")),
            position=_one(raw.get("position")),
            affiliation=_one(raw.get("affiliation")),
            located_in=_one(raw.get("in")),
        ))
    facts.attacks = [
        _event(r, "Attack", f"{path}: attacks[{i}]") for i, r in enumerate(data.get("attacks", []))
    ]
    facts.diplomatic_actions = [
        _event(r, "DiplomaticAction", f"{path}: diplomatic_actions[{i}]")
        for i, r in enumerate(data.get("diplomatic_actions", []))
    ]
    for i, raw in enumerate(data.get("other_facts", [])):
        if not all(k in raw for k in ("subject", "property", "object")):
            raise FactsError(f"{path}: other_facts[{i}] needs 'subject', 'property' and 'object'")
        facts.other_facts.append(GoldTriple(
            subject=str(raw["subject"]), property=str(raw["property"]), object=str(raw["object"]),
            required=bool(raw.get("required", True)), sources=_tuple(raw.get("sources")),
        ))
    return facts


def load_facts(path: Path | str) -> GoldFacts:
    """Read a facts file (JSON in the shape of ``seed-facts.json``)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FactsError(f"cannot read {path}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise FactsError(f"{path} is not valid JSON: {exc}") from None
    return parse_facts(data, str(path))
