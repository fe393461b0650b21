"""Acceptance test: the seed articles, built by the real pipeline, hold every required seed fact.

The facts file (shared/spec/seed-facts.json) is an analyst's reading of the five seed articles;
the scorer (kg.eval) decides what "found" means. On failure the message lists every missing fact
with the reason, so one run tells the team what is left to do.
"""

from __future__ import annotations

import pytest

from kg.config import REPO_ROOT
from kg.eval import load_facts, score_store

SEED_FACTS = REPO_ROOT.parent / "shared" / "spec" / "seed-facts.json"


@pytest.fixture(scope="module")
def seed_report(seed_store):
    return score_store(seed_store, load_facts(SEED_FACTS))


def _missing(report, section: str) -> str:
    lines = [f"  {m.id}: {m.reason}" for m in report.missed if m.section == section]
    return f"{len(lines)} required {section} missing or wrong:\n" + "\n".join(lines)


@pytest.mark.parametrize("section", ["entities", "attacks", "diplomatic_actions", "other_facts"])
def test_every_required_seed_fact_is_found(seed_report, section):
    assert not [m for m in seed_report.missed if m.section == section], _missing(seed_report, section)


def test_the_seed_graph_has_one_node_per_gold_entity_and_event(seed_report):
    """The contract: one node per real-world entity and event, however many sources report it."""
    lines = [f"  {d.section} {d.id}: {', '.join(d.nodes)}" for d in seed_report.duplicates]
    assert not lines, "one real thing, several nodes:\n" + "\n".join(lines)
