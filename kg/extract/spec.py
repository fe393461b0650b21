"""Event-type specs: the data the extraction engine runs on, one JSON file per event class or family.

A spec (``kg/extract/specs/<name>.json``) names an ontology class and says how text tells of it:
its triggers, the dependency paths (:mod:`kg.extract.paths`) that fill each role with a
confidence, what may fill a role, the cues that make a mention no event (negation, modality, a
denial, a series) or mark it (past, definite), and how mentions merge. Files whose name starts with
``_`` are bases that others ``extend``; they are not event types themselves.

What a spec may say is checked against the ontology (:mod:`kg.vocab`, generated from
``ontology/build.py``): the class must exist, its category (Attack or DiplomaticAction) is its
ancestor below ``Event``, the roles are the properties whose domain is the class or an ancestor, and
the types a trigger adds must be the class or its subclasses. A spec that breaks a rule is refused
with one line naming the file and the key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kg import vocab
from kg.extract.paths import PathError, parse

SPEC_DIR = Path(__file__).resolve().parent / "specs"
EFFECTS = frozenset({"drop", "past", "definite", "deny_agent", "aside"})
FILLS = frozenset({"entity", "subject", "named", "target", "target_place", "envoy", "envoy_state", "state_or_place",
                   "places", "territory", "place_name", "date", "announcement_date", "distributive", "deep_prep",
                   "only_other_state", "accuser", "claimant", "verb_above", "party",
                   "counted_states"})


class SpecError(ValueError):
    """A spec file that cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Need:
    role: str
    types: frozenset[str] = frozenset()  # empty: any filler
    confidence: float = 0.0


@dataclass(frozen=True)
class Trigger:
    words: frozenset[str]
    pos: frozenset[str]
    types: frozenset[str]
    requires: tuple[tuple[str, ...], ...] = ()  # every item must match (an item: any of its paths)
    unless: tuple[str, ...] = ()
    deps_not: frozenset[str] = frozenset()
    anaphoric: bool = False  # never an event by itself; only joins one told already
    weak: bool = False  # an effect ("explosions"): typed and placed only by context
    needs: tuple[Need, ...] = ()  # roles that must be filled, or the mention is no event


@dataclass(frozen=True)
class Pattern:
    path: str
    confidence: float
    on: str = "any"  # "verb", "noun" or "any": the trigger's part of speech
    fill: str = "entity"
    from_roots: bool = False  # walk from every root (the trigger and the verbs it hangs from)
    fallback: bool = False  # only when the role has no filler yet
    types: frozenset[str] = frozenset()  # narrows the role's types for this pattern
    final: bool = False  # when it fills the role, no later pattern is read (even if the role collects)


@dataclass(frozen=True)
class RoleSpec:
    name: str
    types: frozenset[str]
    patterns: tuple[Pattern, ...]
    collect: bool = False  # keep fillers of every pattern that matches, not only the first


@dataclass(frozen=True)
class Cue:
    path: str
    effect: str
    on: str = "any"
    name: str = ""


@dataclass(frozen=True)
class Spec:
    """One event class (or family) as the engine reads it."""

    name: str
    cls: str
    category: str
    triggers: tuple[Trigger, ...]
    roles: dict[str, RoleSpec]
    agent: str
    patient: str
    roots: tuple[Pattern, ...]
    cues: tuple[Cue, ...]
    words: dict[str, frozenset[str]]
    type_words: dict[str, frozenset[str]]
    type_paths: tuple[str, ...]
    merge: dict[str, Any] = field(default_factory=dict)

    def flag(self, name: str) -> Any:
        return self.merge.get(name)


def category_of(cls: str) -> str:
    """The event category of a class: its ancestor (or itself) whose parent is ``Event``."""
    if cls not in vocab.CLASSES:
        raise KeyError(cls)
    for name in (cls, *vocab.superclasses(cls)):
        parents = vocab.superclasses(name)
        if "Event" in parents and len(parents) == 1:
            return name
    raise KeyError(cls)


def roles_of(cls: str) -> frozenset[str]:
    """The ontology properties an event of this class can have (domain is the class or an ancestor)."""
    lineage = {cls, *vocab.superclasses(cls)}
    return frozenset(p for p in vocab.PROPERTIES if vocab.domain(p) & lineage and "Event" not in vocab.range_of(p))


def _raw(name: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    path = SPEC_DIR / f"{name}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(f"{path.name}: no such spec (extended by {seen[-1] if seen else 'nobody'})") from None
    except json.JSONDecodeError as exc:
        raise SpecError(f"{path.name}: not valid JSON ({exc})") from None
    base_name = data.get("extends")
    if not base_name:
        return data
    if base_name in seen:
        raise SpecError(f"{path.name}: 'extends' loops through {base_name}")
    base = _raw(base_name, (*seen, name))
    merged = {**base, **data}
    merged["words"] = {**base.get("words", {}), **data.get("words", {})}
    merged["roles"] = {**base.get("roles", {}), **data.get("roles", {})}
    merged["merge"] = {**base.get("merge", {}), **data.get("merge", {})}
    merged["cues"] = [*base.get("cues", []), *data.get("cues", [])]
    merged["roots"] = [*base.get("roots", []), *data.get("roots", [])]
    merged["triggers"] = data.get("triggers", [])
    for kind in ("unless_verb", "unless_noun"):
        merged[kind] = [*base.get(kind, []), *data.get(kind, [])]
    return merged


def _check_path(file: str, where: str, path: str) -> str:
    try:
        parse(path)
    except PathError as exc:
        raise SpecError(f"{file}: {where}: {exc}") from None
    return path


def _pattern(file: str, where: str, item: dict[str, Any]) -> Pattern:
    fill = item.get("fill", "entity")
    if fill not in FILLS:
        raise SpecError(f"{file}: {where}: unknown fill {fill!r} (one of {', '.join(sorted(FILLS))})")
    if item.get("on", "any") not in ("any", "verb", "noun"):
        raise SpecError(f"{file}: {where}: 'on' must be verb, noun or any")
    unknown = set(item.get("types", [])) - vocab.CLASSES
    if unknown:
        raise SpecError(f"{file}: {where}: types {sorted(unknown)} are not ontology classes")
    return Pattern(_check_path(file, where, item.get("path", "")), float(item.get("confidence", 0.8)),
                   item.get("on", "any"), fill, bool(item.get("from_roots", False)), bool(item.get("fallback", False)),
                   frozenset(item.get("types", [])), bool(item.get("final", False)))


def _need(file: str, where: str, item: str | dict[str, Any]) -> Need:
    if isinstance(item, str):
        return Need(item)
    if "role" not in item:
        raise SpecError(f"{file}: {where}: a need names its 'role'")
    return Need(item["role"], frozenset(item.get("types", [])), float(item.get("confidence", 0.0)))


def _requirement(file: str, where: str, item: str | list[str]) -> tuple[str, ...]:
    """One requirement: a path, or a list of paths of which any may match."""
    paths = [item] if isinstance(item, str) else list(item)
    return tuple(_check_path(file, where, p) for p in paths)


def _trigger(file: str, number: int, item: dict[str, Any], data: dict[str, Any], allowed: frozenset[str]) -> Trigger:
    where = f"triggers[{number}]"
    types = frozenset(item["types"]) if "types" in item else frozenset({data["class"]})
    if not types <= allowed:
        raise SpecError(f"{file}: {where}: types {sorted(types - allowed)} are not the class or its subclasses")
    if not item.get("words"):
        raise SpecError(f"{file}: {where}: no 'words'")
    pos = frozenset(item.get("pos", ["NOUN"]))
    if not pos <= {"NOUN", "VERB"}:
        raise SpecError(f"{file}: {where}: pos must be NOUN (a nominal use) or VERB")
    shared_unless = [p for kind in pos for p in data.get(f"unless_{kind.lower()}", [])]
    return Trigger(frozenset(w.lower() for w in item["words"]), pos, types,
                   tuple(_requirement(file, where, p) for p in item.get("requires", [])),
                   tuple(_check_path(file, where, p) for p in [*item.get("unless", []), *shared_unless]),
                   frozenset(item.get("deps_not", [])), bool(item.get("anaphoric", False)),
                   bool(item.get("weak", False)), tuple(_need(file, where, n) for n in item.get("needs", [])))


def _role(file: str, name: str, item: dict[str, Any], allowed_roles: frozenset[str]) -> RoleSpec:
    if name not in allowed_roles:
        raise SpecError(f"{file}: roles: {name!r} is not a property of this class in the ontology "
                        f"(its roles: {', '.join(sorted(allowed_roles))})")
    unknown = set(item.get("types", [])) - vocab.CLASSES
    if unknown:
        raise SpecError(f"{file}: roles.{name}.types: {sorted(unknown)} are not ontology classes")
    patterns = tuple(_pattern(file, f"roles.{name}[{i}]", p) for i, p in enumerate(item.get("patterns", [])))
    return RoleSpec(name, frozenset(item.get("types", [])), patterns, bool(item.get("collect", False)))


def _cue(file: str, number: int, item: dict[str, Any]) -> Cue:
    if item.get("effect") not in EFFECTS:
        raise SpecError(f"{file}: cues[{number}]: effect must be one of {', '.join(sorted(EFFECTS))}")
    return Cue(_check_path(file, f"cues[{number}]", item.get("path", "")), item["effect"], item.get("on", "any"),
               item.get("name", ""))


def _words(data: dict[str, Any], shared: dict[str, list[str]]) -> dict[str, frozenset[str]]:
    words = {k: frozenset(w.lower() for w in v) for k, v in shared.items() if not k.startswith("_")}
    words.update({k: frozenset(w.lower() for w in v) for k, v in data.get("words", {}).items()})
    return words


def build(name: str, data: dict[str, Any], shared: dict[str, list[str]]) -> Spec:
    """A checked :class:`Spec` from a spec file's (extended) data."""
    file = f"{name}.json"
    cls = data.get("class")
    if cls not in vocab.CLASSES:
        raise SpecError(f"{file}: class {cls!r} is not in the ontology (add it to ontology/build.py first)")
    try:
        category = category_of(cls)
    except KeyError:
        raise SpecError(f"{file}: class {cls!r} is not an Event class") from None
    allowed_types = frozenset({cls} | vocab.subclasses(cls))
    allowed_roles = roles_of(cls)
    roles = {role: _role(file, role, item, allowed_roles) for role, item in data.get("roles", {}).items()}
    agent, patient = data.get("agent_role"), data.get("patient_role")
    for key, role in (("agent_role", agent), ("patient_role", patient)):
        if role not in roles:
            raise SpecError(f"{file}: {key} {role!r} has no entry under 'roles'")
    triggers = tuple(_trigger(file, i, t, data, allowed_types) for i, t in enumerate(data.get("triggers", [])))
    if not triggers:
        raise SpecError(f"{file}: no triggers")
    words = _words(data, shared)
    spec = Spec(
        name=name, cls=cls, category=category, triggers=triggers, roles=roles, agent=agent, patient=patient,
        roots=tuple(_pattern(file, f"roots[{i}]", r) for i, r in enumerate(data.get("roots", []))),
        cues=tuple(_cue(file, i, c) for i, c in enumerate(data.get("cues", []))), words=words,
        type_words={k.lower(): frozenset(v) for k, v in data.get("type_words", {}).items()},
        type_paths=tuple(_check_path(file, "type_paths", p) for p in data.get("type_paths", [])),
        merge=dict(data.get("merge", {})),
    )
    _check_word_lists(file, spec)
    return spec


def _check_word_lists(file: str, spec: Spec) -> None:
    """Every ``@name`` a path uses is a word list the spec has."""
    paths = [p for t in spec.triggers for p in (*(q for r in t.requires for q in r), *t.unless)]
    paths += [p.path for r in spec.roles.values() for p in r.patterns] + [r.path for r in spec.roots]
    paths += [c.path for c in spec.cues] + list(spec.type_paths)
    for path in paths:
        for step in parse(path):
            for flt in step.filters:
                for value in flt.values:
                    if value.startswith("@") and value[1:] not in spec.words:
                        raise SpecError(f"{file}: path {path!r} uses unknown word list {value}")
    for kinds in spec.type_words.values():
        if not kinds <= ({spec.cls} | vocab.subclasses(spec.cls)):
            raise SpecError(f"{file}: type_words: {sorted(kinds)} are not {spec.cls} or its subclasses")


@cache
def shared_words() -> dict[str, list[str]]:
    """Word lists every spec can use (``specs/_words.json``)."""
    path = SPEC_DIR / "_words.json"
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def load_specs(directory: str | None = None) -> tuple[Spec, ...]:
    """Every event spec of the package (bases excluded), sorted by name."""
    folder = Path(directory) if directory else SPEC_DIR
    names = sorted(p.stem for p in folder.glob("*.json") if not p.stem.startswith("_"))
    if not names:
        raise SpecError(f"{folder}: no spec files")
    return tuple(build(name, _raw(name), shared_words()) for name in names)


def spec_for(cls: str) -> Spec | None:
    """The spec of an event class (None when no spec names it)."""
    return next((s for s in load_specs() if s.cls == cls), None)


@cache
def words() -> dict[str, frozenset[str]]:
    """The shared word lists, for passes that read no particular spec. Cached like the file it reads: the
    passes ask for it per token, and rebuilding the sets each time was a quarter of a build (py-spy)."""
    return {k: frozenset(w.lower() for w in v) for k, v in shared_words().items() if not k.startswith("_")}
