"""The word lists the entity components and the entity collector read (``data/words.json``).

Rules read words from here and never from code, so an analyst widens a rule by editing one JSON
list (each has a ``why`` saying what it is for) and every rule that reads the list follows. Lists are
frozensets; ``compass`` is a mapping.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

WORDS_FILE = Path(__file__).resolve().parent / "data" / "words.json"


@lru_cache(maxsize=4)
def words(path: str | None = None) -> SimpleNamespace:
    """Every list as an attribute: ``words().locative`` (a frozenset), ``words().compass`` (a dict)."""
    table = json.loads(Path(path or WORDS_FILE).read_text(encoding="utf-8"))
    out = {}
    for name, entry in table.items():
        if name.startswith("_"):
            continue
        value = entry["words"]
        out[name] = dict(value) if isinstance(value, dict) else frozenset(value)
    return SimpleNamespace(**out)
