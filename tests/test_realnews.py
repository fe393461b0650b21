"""The real-news corpus tooling: the split's facts files are merged correctly, and held-out scoring names no fact."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

from kg.config import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "realnews.py"


def _script(root):
    spec = importlib.util.spec_from_file_location("realnews_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.ROOT = root
    return module


def test_split_facts_merge_entities_and_keep_event_ids_unique(tmp_path):
    (tmp_path / "events").mkdir()
    person = {"type": "Person", "label": "Ana Ruiz", "names": ["Ruiz"], "required": False}
    official = {"type": "Official", "label": "Ana Ruiz", "names": ["Ana Ruiz"], "position": "Minister",
                "required": True}
    attack = {"id": "A1", "types": ["Bombing"], "sources": ["X01"], "required": True}
    reply = {"id": "A2", "types": ["Airstrike"], "in_response_to": "A1", "sources": ["X01"], "required": True}
    located = {"subject": "Town", "property": "locatedIn", "object": "Land", "sources": ["X01"]}
    (tmp_path / "events" / "X-one.json").write_text(json.dumps(
        {"entities": [person], "attacks": [attack, reply], "diplomatic_actions": [], "other_facts": [located],
         "publication_dates": {"X01": "2024-01-02", "note": "x"}}))
    (tmp_path / "events" / "X-two.json").write_text(json.dumps(
        {"entities": [official], "attacks": [attack], "diplomatic_actions": [],
         "other_facts": [{**located, "sources": ["X02"]}], "publication_dates": {"X02": "2024-02-03"}}))
    merged = _script(tmp_path)._facts(["X-one", "X-two"])
    assert merged["entities"] == [{"type": "Official", "label": "Ana Ruiz", "names": ["Ana Ruiz", "Ruiz"],
                                   "required": True, "position": "Minister"}]
    assert [a["id"] for a in merged["attacks"]] == ["X-one/A1", "X-one/A2", "X-two/A1"]
    assert merged["attacks"][1]["in_response_to"] == "X-one/A1"
    assert merged["other_facts"] == [{**located, "sources": ["X01", "X02"]}]
    assert merged["publication_dates"] == {"X01": "2024-01-02", "X02": "2024-02-03"}


def test_the_committed_split_covers_every_event_once():
    split = json.loads((REPO_ROOT / "realnews" / "split.json").read_text())
    events = {p.stem for p in (REPO_ROOT / "realnews" / "events").glob("*.json")}
    assert not set(split["dev"]) & set(split["test"])
    assert set(split["dev"]) | set(split["test"]) == events
    records = [json.loads(line) for p in (REPO_ROOT / "realnews").glob("sources-*.jsonl")
               for line in p.read_text().splitlines() if line.strip()]
    assert {r["event"] for r in records} == events
    assert len({r["file"][:3] for r in records}) == len(records)  # the ids facts files use are unique


def test_heldout_scoring_prints_figures_and_no_fact():
    done = subprocess.run([sys.executable, "-m", "kg.cli", "eval", "--heldout"], capture_output=True, text=True,
                          timeout=600, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "testset" in done.stdout and "Quality summary" in done.stdout
    assert "✗" not in done.stdout and "match no gold fact" not in done.stdout
