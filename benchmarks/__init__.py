"""Benchmarks of conflict-kg against the engines it sits on (spaCy, Oxigraph); see README.md."""
