"""Name normalisation shared by the gold side and the graph side, so both compare the same way."""

from __future__ import annotations

import functools
import re
import unicodedata

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'", "\u201c": '"', "\u201d": '"',
                         "\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "-"})
_SPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=65536)
def norm(name: str) -> str:
    """Case-folded, quotes/dashes/white space normalised, accents and a leading "the " dropped.

    "the Islamic State" and "Islamic State" name the same thing; so do "Luiz Inácio" and "Luiz Inacio".
    Cached: scoring normalises the same few hundred names millions of times.
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).translate(_QUOTES)
    text = _SPACE.sub(" ", text).strip().strip("\"'").strip().casefold()
    if text.startswith("the "):
        text = text[4:]
    return text


def source_key(source: str) -> str:
    """The file name of a ``dcterms:source`` value (a path or URL), which gold sources prefix."""
    text = str(source).split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return re.split(r"[\\/]", text)[-1]


def source_matches(gold: str, source: str) -> bool:
    """Gold sources are given by the start of the file name ("000" for "000_d90c….txt")."""
    key = source_key(source)
    return bool(gold) and (key == gold or key.startswith(gold) or source == gold)
