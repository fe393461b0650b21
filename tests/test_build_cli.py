"""`kg build` end to end through the real command: bad documents, idempotence, crash safety."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.store import KGStore

REPO = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg.cli"]
GOOD = (
    "MOGADISHU, Somalia — Al-Shabaab militants detonated a car bomb outside a hotel in Mogadishu on "
    "Saturday, killing at least 12 people, police said. The Somali government condemned the attack.\n"
)


def kg(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=timeout, cwd=REPO)


def write_bad_corpus(folder: Path) -> dict[str, str]:
    """One good article and one of each kind of bad document; returns name -> expected reason."""
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "latin1.txt").write_bytes(GOOD.replace("Somali", "Somalí").replace("—", "-").encode("latin-1"))
    (folder / "utf16.txt").write_bytes(("UTF-16 copy. " + GOOD).encode("utf-16"))
    bad = {
        "empty.txt": (b"", "empty"),
        "spaces.txt": (b" \n \n", "empty"),
        "binary.txt": (bytes(range(256)) * 20, "binary"),
        "huge.txt": (b"war " * 1_000_000, "too large"),
        "script.html": (b"<html><body><script>alert(1)</script><nav>Home</nav></body></html>", "no article text"),
    }
    for name, (content, _) in bad.items():
        (folder / name).write_bytes(content)
    (folder / "feed.jsonl").write_text(json.dumps({"id": "ok", "text": "Second copy. " + GOOD}) + "\n{broken\n")
    return {name: reason for name, (_, reason) in bad.items()} | {"feed.jsonl:2": "broken JSON"}


def test_bad_documents_are_skipped_by_name_and_the_rest_built(tmp_path: Path):
    expected = write_bad_corpus(tmp_path / "in")
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,url,title,publisher,date\ngood.txt,,,,2024-02-03\nghost.txt,,,,\n")
    result = kg("build", str(tmp_path / "in"), "--store", str(tmp_path / "store"), "--manifest", str(manifest))
    assert result.returncode == 3, result.stderr  # built, but some documents were skipped
    for name, reason in expected.items():
        line = next((x for x in result.stderr.splitlines() if name in x and "skipped" in x), "")
        assert reason in line, f"{name}: {result.stderr}"
    assert "ghost.txt" in result.stderr  # the manifest names a file that was not read
    assert "4 built" in result.stderr and f"{len(expected)} skipped" in result.stderr
    store = KGStore(tmp_path / "store", read_only=True)
    assert len(store.graphs()) == 4

    strict = kg("build", str(tmp_path / "in"), "--store", str(tmp_path / "s2"), "--strict")
    assert strict.returncode == 1 and "--strict" in strict.stderr


def test_usage_errors_are_one_line_and_nonzero(tmp_path: Path):
    assert kg("build", str(tmp_path / "nothing-here"), "--memory").returncode != 0
    bad_manifest = tmp_path / "m.csv"
    bad_manifest.write_text("title\nx\n")
    result = kg("build", "--memory", "--manifest", str(bad_manifest))
    assert result.returncode == 2 and "no 'file' field" in result.stderr
    result = kg("query", "SELEKT nonsense", "--data", str(bad_manifest))
    assert result.returncode == 2


def test_building_twice_changes_nothing(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    store_dir = str(tmp_path / "store")
    first = kg("build", str(folder), "--store", store_dir, "--out", str(tmp_path / "one.nq"))
    assert first.returncode == 0, first.stderr
    second = kg("build", str(folder), "--store", store_dir, "--out", str(tmp_path / "two.nq"))
    assert second.returncode == 0 and "1 unchanged" in second.stderr and "+0 triples" in second.stderr
    assert sorted((tmp_path / "one.nq").read_text().splitlines()) == sorted(
        (tmp_path / "two.nq").read_text().splitlines()
    )


def _graph_contents(store: KGStore) -> dict[str, set[str]]:
    """Each graph's triples (the union under ""), leaving out the extraction activities: each run of
    `kg build` is an activity of its own, with its own timestamps."""
    import pyoxigraph as ox

    activity_type = ox.NamedNode("http://www.w3.org/ns/prov#Activity")
    activities = {q.subject for q in store.ox.quads_for_pattern(None, None, activity_type, None)}
    contents: dict[str, set[str]] = {}
    for quad in store.ox.quads_for_pattern(None, None, None, None):
        if {quad.subject, quad.object} & activities:
            continue
        graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        contents.setdefault(graph, set()).add(str(quad.triple))
    return contents


@pytest.mark.parametrize("kills", [3])
def test_sigkill_mid_build_leaves_only_whole_documents(tmp_path: Path, kills: int):
    """Kill `kg build --store` at random moments: the store always opens, every graph it holds is
    exactly what a clean build makes for that document, and re-running completes it."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from corpus import write_jsonl

    corpus = write_jsonl(40, tmp_path / "corpus.jsonl", seed=3)
    reference_dir = tmp_path / "reference"
    assert kg("build", str(corpus), "--store", str(reference_dir)).returncode == 0
    reference = _graph_contents(KGStore(reference_dir, read_only=True))
    store_dir = tmp_path / "store"
    rng = random.Random(11)
    for _ in range(kills):
        process = subprocess.Popen(
            [*KG, "build", str(corpus), "--store", str(store_dir)],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(2.0, 6.0))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        partial = _graph_contents(KGStore(store_dir, read_only=True))
        union = partial.pop("", set())
        for graph, triples in partial.items():
            assert triples == reference[graph], f"graph {graph} is not whole after SIGKILL"
        assert union == set().union(*partial.values()), "the union is not the union of the whole graphs"
    assert kg("build", str(corpus), "--store", str(store_dir)).returncode == 0
    assert _graph_contents(KGStore(store_dir, read_only=True)) == reference
