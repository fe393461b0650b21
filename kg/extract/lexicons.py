"""Loads the extraction lexicons from ``kg/extract/data`` once per process.

The word lists live in JSON so analysts can extend them (a new weapon word, a new diplomatic verb)
without touching code; this module is the only place that knows their file names.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def load(name: str) -> dict[str, Any]:
    """Return the lexicon ``data/<name>.json`` (keys starting with ``_`` are comments)."""
    with open(DATA_DIR / f"{name}.json", encoding="utf-8") as handle:
        data = json.load(handle)
    return {key: value for key, value in data.items() if not key.startswith("_")}
