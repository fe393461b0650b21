"""Measure extraction quality: score a built graph against a gold facts file.

    from kg.eval import load_facts, score_store
    report = score_store(store, load_facts("seed-facts.json"))
    report.ok, report.missed, report.entities.counts.f1, report.argument_accuracy().accuracy

The CLI front end is ``kg eval`` (see kg/eval/README.md for how matching and scoring work).
"""

from kg.eval.facts import FactsError, GoldFacts, load_facts, parse_facts
from kg.eval.report import render, render_summary
from kg.eval.results import Counts, EvalReport, Miss, Tally
from kg.eval.score import score_store, score_view

__all__ = ["Counts", "EvalReport", "FactsError", "GoldFacts", "Miss", "Tally", "load_facts", "parse_facts",
           "render", "render_summary", "score_store", "score_view"]
