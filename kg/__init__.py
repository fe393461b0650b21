"""conflict-kg: news about armed conflict and diplomacy, turned into a provenance-keeping knowledge graph."""

__version__ = "0.1.0"
