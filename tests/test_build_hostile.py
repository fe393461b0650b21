"""What an independent try of hostile input broke in ``kg build`` (issue 16), each reproducer a test.

1. Rich markup in a name (``[/]``) crashed the command after the build and lost every later message.
2. A bad metadata value (URL, date, a number for a title) cost the whole article.
3. A long JSONL line was read whole before its size was checked.
4. (``tests/test_reliability_children.py``: workers outliving a SIGKILLed build.)
5. ``--out`` without ``--store`` wrote everything the default store had ever received.

And the standing bar: every message that prints a user-supplied string is tried with one holding
markup, an escape sequence, a newline and a right-to-left override; it must come out as one line
showing those characters as escapes, and the command must not crash.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import assert_printable, invoke

from kg.config import REPO_ROOT
from kg.display import visible
from kg.ingest.metadata import check_text

GOOD = (
    "MOGADISHU, Somalia — Al-Shabaab militants detonated a car bomb outside a hotel in Mogadishu on "
    "Saturday, killing at least 12 people, police said. The Somali government condemned the attack.\n"
)
HOSTILE = "[/]x[bold]y\x1b[31mz\n\u202eq"  # markup, an ANSI escape, a newline, a right-to-left override
SHOWN = visible(HOSTILE)  # how it must appear: [/]x[bold]y\x1b[31mz\n\u202eq, literally
NAME = HOSTILE.replace("/", "")  # a file name cannot hold "/"; hostile_path() puts "[/]" across two names


def hostile_path(folder: Path, suffix: str = "", make_parent: bool = True) -> Path:
    """``folder/x[/]<NAME><suffix>``: printed, the path holds a closing tag and all of NAME."""
    parent = folder / "x["
    if make_parent:
        parent.mkdir(exist_ok=True)
    return parent / f"]{NAME}{suffix}"


def kg(*args: str, cwd: Path = REPO_ROOT, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "KG_STORE"} | {"COLUMNS": "2000"}
    return subprocess.run([sys.executable, "-m", "kg.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, env=env)


def variant(n: int) -> str:
    """The good article with a different first word, so each copy is a document of its own."""
    return f"Report {n}. {GOOD}"


def documents_in(nquads: Path) -> int:
    import pyoxigraph as ox

    sha = ox.NamedNode("https://w3id.org/conflict-kg/ontology#sha256")
    return len({q.object.value for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS)
                if q.predicate == sha and not isinstance(q.graph_name, ox.DefaultGraph)})


# -- 1. markup in names ---------------------------------------------------------------------------
def test_reproducer_markup_in_a_jsonl_id_is_named_and_the_rest_reported(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "[/]", "text": None}) + "\n" + json.dumps({"id": "ok", "text": GOOD}) + "\n")
    result = kg("build", feed, "--memory")
    assert result.returncode == 3, result.stderr  # built, one skipped: not 1 (crashed)
    assert "skipped feed.jsonl:[/]: JSON line has no 'text' string" in result.stderr
    assert "2 documents read: 1 built" in result.stderr and "Traceback" not in result.stderr


def test_reproducer_markup_in_a_missing_input_name(tmp_path):
    result = kg("build", tmp_path / "nothing[/]here.txt")  # fails before spaCy loads: cheap as a subprocess
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip() == f"error: no such file or folder: {tmp_path / 'nothing[/]here.txt'}"


def test_reproducer_markup_in_a_folder_name(nlp, tmp_path):
    folder = tmp_path / "x[/]y"  # a folder "x[" holding "]y": the path printed holds "[/]"
    folder.mkdir(parents=True)
    (folder / "empty.txt").write_text("")
    (folder / "good.txt").write_text(GOOD)
    run = invoke(nlp, "build", folder, "--memory")
    assert run.exception is None and run.code == 3, run.stderr
    assert f"skipped {folder}/empty.txt: empty file" in run.lines
    assert "1 built" in run.stderr


# -- 2. bad metadata costs only the field ---------------------------------------------------------
BAD_MANIFEST_VALUES = {
    "a.txt": ("url", "http://[::1", "not a valid IRI"),
    "b.txt": ("url", "http://x/%zz", "not a valid IRI"),
    "c.txt": ("date", "0001-01-01", "before 1800"),
    "d.txt": ("date", "2024-13-45", "not an ISO 8601 date"),
    "e.txt": ("url", "javascript:alert(1)", "not an http(s) URL"),
}
BAD_JSONL_VALUES = {"u": ("url", 42, "not a string (a number)"), "t": ("title", {"a": 1}, "not a string (an object)")}


def bad_metadata_corpus(folder: Path) -> Path:
    folder.mkdir()
    rows = ["file,url,title,publisher,date"]
    for n, (name, (field, value, _)) in enumerate(BAD_MANIFEST_VALUES.items()):
        (folder / name).write_text(variant(n))
        values = {"url": "", "title": "A title", "publisher": "Wire", "date": "2024-01-12"} | {field: value}
        rows.append(f"{name},{values['url']},{values['title']},{values['publisher']},{values['date']}")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n")
    lines = [{"id": key, "text": variant(10 + n), field: value} for n, (key, (field, value, _)) in
             enumerate(BAD_JSONL_VALUES.items())]
    (folder / "feed.jsonl").write_text("\n".join(map(json.dumps, lines)) + "\n")
    return folder


def test_reproducer_bad_metadata_drops_the_field_with_a_warning_and_builds_the_article(nlp, tmp_path):
    folder = bad_metadata_corpus(tmp_path / "in")
    out = tmp_path / "out.nq"
    run = invoke(nlp, "build", folder, "--out", out)
    assert run.exception is None and run.code == 0, run.stderr  # everything built: nothing was skipped
    assert "7 documents read: 7 built" in run.stderr and "7 metadata values dropped" in run.stderr
    assert documents_in(out) == 7
    warnings = [line for line in run.lines if line.startswith("warning ")]
    for name, (field, _, reason) in BAD_MANIFEST_VALUES.items():
        assert any("manifest.csv row" in w and f"({name}): {field} dropped: " in w and reason in w
                   for w in warnings), (name, warnings)
    for key, (field, _, reason) in BAD_JSONL_VALUES.items():
        assert f"warning feed.jsonl:{key}: {field} dropped: {reason}" in warnings, warnings
    text = out.read_text()
    assert "javascript:" not in text and "%zz" not in text and '"0001-01-01"' not in text
    assert text.count('"A title"') >= 5  # the row's other values were kept


def test_strict_makes_a_dropped_metadata_value_an_error(nlp, tmp_path):
    folder = bad_metadata_corpus(tmp_path / "in")
    run = invoke(nlp, "build", folder, "--memory", "--strict")
    assert run.exception is None and run.code == 1, run.stderr
    assert len(run.lines) == 2 and run.lines[-1].startswith("error: --strict: manifest.csv row 1 (a.txt): url dropped")


@pytest.mark.parametrize(
    ("manifest", "content", "expected"),
    [
        ("m.csv", b"title,url\nx,y\n", "the header row has no 'file' field"),
        ("m.csv", b"file,title\n\x00a.txt\x00,t\n", "binary file"),
        ("m.csv", b'file,title\n"a.txt,t\n' + b"x" * 200_000 + b"\n", "not a readable CSV file"),
        ("m.csv", bytes(range(256)) * 40, "cannot read manifest"),
        ("m.jsonl", b'["a.txt"]\n{"title": "t"}\n', "no row has a usable 'file' field"),
    ],
)
def test_a_manifest_that_cannot_be_used_at_all_is_one_line_exit_2(nlp, tmp_path, manifest, content, expected):
    (tmp_path / manifest).write_bytes(content)
    (tmp_path / "a.txt").write_text(GOOD)
    run = invoke(nlp, "build", tmp_path / "a.txt", "--memory", "--manifest", tmp_path / manifest)
    assert run.exception is None and run.code == 2 and len(run.lines) == 1, run.stderr
    assert expected in run.lines[0] and manifest in run.lines[0]


def test_a_manifest_row_that_names_no_file_costs_that_row_only(nlp, tmp_path):
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "m.jsonl").write_text('{"file": "a.txt", "date": "2024-01-12"}\n{"file": 7.5}\n[1]\n{broken\n')
    run = invoke(nlp, "build", tmp_path / "a.txt", "--memory", "--manifest", tmp_path / "m.jsonl")
    assert run.exception is None and run.code == 0, run.stderr
    assert "warning m.jsonl:2: row dropped: no usable 'file' field (not a string (a number))" in run.lines
    assert "warning m.jsonl:3: row dropped: not a JSON object" in run.lines
    assert any(line.startswith("warning m.jsonl:4: row dropped: broken JSON line") for line in run.lines)


# -- 3. a long JSONL line is not read whole -------------------------------------------------------
MEMORY_PROBE = """
import json, resource, sys
from pathlib import Path
from kg.config import Settings
from kg.ingest import count_records, read_inputs
from kg.records import Document, Skipped
feed = Path(sys.argv[1])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
items = [(type(i).__name__, i.name, getattr(i, "reason", "")) for i in read_inputs([feed], Settings())]
records = count_records(feed)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"items": items, "records": records, "grew_kb": after - before}))
"""


def test_reproducer_a_long_jsonl_line_is_skipped_in_flat_memory(tmp_path):
    feed = tmp_path / "feed.jsonl"
    line_bytes = 96 * 2**20
    with open(feed, "w", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "first", "text": GOOD}) + "\n")
        handle.write('{"id": "big", "text": "')
        chunk = "w" * 2**20
        for _ in range(line_bytes // len(chunk)):
            handle.write(chunk)
        handle.write('"}\n' + json.dumps({"id": "last", "text": GOOD}) + "\n")
    probe = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(feed)], capture_output=True, text=True,
                           timeout=120, cwd=REPO_ROOT)
    assert probe.returncode == 0, probe.stderr
    result = json.loads(probe.stdout)
    assert [(kind, name) for kind, name, _ in result["items"]] == [
        ("Document", "feed.jsonl:first"), ("Skipped", "feed.jsonl:2"), ("Document", "feed.jsonl:last")]
    big = len('{"id": "big", "text": "') + line_bytes + len('"}\n')
    assert f"too large: {big:,} bytes, over the limit of 2,000,000" in result["items"][1][2]
    assert result["records"] == 3
    # reading the 96 MB line whole, as before, raised the peak by >= 96 MB; chunks cost a few MB
    assert result["grew_kb"] < 16 * 1024, f"peak memory grew by {result['grew_kb'] / 1024:.0f} MB"


def test_an_overlong_line_in_a_utf16_feed_is_skipped_too(tmp_path):
    from kg.config import Settings
    from kg.ingest import read_inputs

    feed = tmp_path / "feed.jsonl"
    lines = [json.dumps({"id": "a", "text": GOOD}), json.dumps({"id": "big", "text": "w" * 30_000}),
             json.dumps({"id": "b", "text": GOOD})]
    feed.write_bytes(("\n".join(lines) + "\n").encode("utf-16"))
    items = list(read_inputs([feed], Settings(max_document_bytes=20_000)))
    assert [(type(i).__name__, i.name) for i in items] == [
        ("Document", "feed.jsonl:a"), ("Skipped", "feed.jsonl:2"), ("Document", "feed.jsonl:b")]
    assert "too large" in items[1].reason


# -- 5. --out without --store -----------------------------------------------------------------------
def test_reproducer_out_without_store_holds_exactly_these_inputs(nlp, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where a default ./.kg-store would go
    monkeypatch.delenv("KG_STORE", raising=False)
    for corpus, count in (("a", 2), ("b", 3)):
        folder = tmp_path / corpus
        folder.mkdir()
        for n in range(count):
            (folder / f"{n}.txt").write_text(variant(100 * count + n))
        run = invoke(nlp, "build", folder, "--out", tmp_path / f"{corpus}.nq")
        assert run.exception is None and run.code == 0, run.stderr
        assert documents_in(tmp_path / f"{corpus}.nq") == count  # not the earlier corpus as well
    assert not (tmp_path / ".kg-store").exists()

    store = tmp_path / "kept"
    assert invoke(nlp, "build", tmp_path / "a", "--store", store).code == 0
    run = invoke(nlp, "build", tmp_path / "b", "--store", store, "--out", tmp_path / "all.nq")
    assert run.code == 0 and documents_in(tmp_path / "all.nq") == 5
    said = f"{tmp_path / 'all.nq'} holds the 5 documents of the store {store}, 3 of them from these inputs"
    assert said in run.stderr


def test_build_help_says_what_out_holds():
    result = kg("build", "--help")
    said = " ".join(result.stdout.split())
    assert "Without --store the build is in memory and FILE holds exactly these inputs" in said
    assert "with --store it holds everything in that store" in said


def test_memory_and_store_together_are_refused(nlp, tmp_path):
    (tmp_path / "a.txt").write_text(GOOD)
    run = invoke(nlp, "build", tmp_path / "a.txt", "--memory", "--store", tmp_path / "s")
    assert run.code == 2 and run.lines == ["error: give either --memory or --store DIR / --store-url, not both"]


# -- every message that prints a user-supplied string ------------------------------------------------
def write_csv(path: Path, rows: list[list[str]]) -> None:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def _one_line_shows(run, prefix: str, shown: str = SHOWN, count: int = 1) -> None:
    assert run.exception is None, run.exception
    assert_printable(run.stderr)
    hits = [line for line in run.lines if line.startswith(prefix) and shown in line]
    assert len(hits) == count, f"wanted {count} line(s) starting {prefix!r} showing {shown!r}: {run.lines}"


def test_build_messages_show_hostile_file_folder_and_field_values(nlp, tmp_path):
    folder = hostile_path(tmp_path)
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    (folder / f"{NAME}.txt").write_text("")  # skipped: empty
    (folder / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in [
        {"id": HOSTILE, "text": None},  # skipped, named by its id
        {"id": "u", "text": variant(1), "url": f"http://{HOSTILE}"},  # url dropped: the value is in the reason
        {"id": "ok", "text": variant(2), "title": HOSTILE, "publisher": HOSTILE},  # cleaned, kept
    ]) + "\n")
    manifest = folder / f"manifest{NAME}.csv"
    write_csv(manifest, [["file", "title"], [NAME + ".txt", "t"], ["ghost" + NAME, "t"]])
    out = tmp_path / "o.nq"
    run = invoke(nlp, "build", folder, "--manifest", manifest, "--out", out)
    assert run.code == 3, run.stderr
    _one_line_shows(run, "skipped ", visible(folder / f"{NAME}.txt"))
    as_id = check_text(HOSTILE)[0]  # an id or a field value is one line of text: controls became spaces
    _one_line_shows(run, "skipped feed.jsonl:", visible(f"feed.jsonl:{as_id}: JSON line has no 'text'"))
    _one_line_shows(run, "warning feed.jsonl:u: url dropped", visible(f"http://{as_id}"))
    _one_line_shows(run, "manifest names ghost", visible("ghost" + NAME))
    assert "3 built" in run.stderr and documents_in(out) == 3
    store, written = hostile_path(tmp_path, "store"), hostile_path(tmp_path, ".nq")
    store_run = invoke(nlp, "build", folder / "good.txt", "--store", store, "--out", written)
    assert store_run.code == 0, store_run.stderr
    _one_line_shows(store_run, "wrote ", visible(written))
    _one_line_shows(store_run, str(written)[:10], visible(f"{written} holds the 1 documents of the store {store}"))
    _one_line_shows(store_run, "removed", visible(store), count=0)


@pytest.mark.parametrize(
    ("args", "prefix", "shown"),
    [
        (["build", "{p}.txt"], "error: no such file or folder", "{p}.txt"),
        (["build", "{t}/a.txt", "--out", "{p}.xyz"], "error: cannot tell the format", "{p}.xyz"),
        (["build", "{t}/a.txt", "--out", "{p}/o.nq"], "error: cannot write", "{p}/o.nq"),
        (["build", "{t}/a.txt", "--manifest", "{p}.csv"], "error: cannot read manifest", "{p}.csv"),
        (["build", "{t}/a.txt", "--strict", "--manifest", "{t}/bad.csv"], "error: --strict", "(a.txt): url dropped"),
        (["build", "{t}/a.txt", "--manifest", "{t}/header.csv"], "error: ", "it has title, {h})"),
        (["query", "SELECT * WHERE {{ ?s ?p zz:x }}", "--data", "{t}/g.nt"], "error: ", "Prefix not found"),
        (["query", "--file", "{p}.rq", "--data", "{t}/g.nt"], "error: cannot read the query file", "{p}.rq"),
        (["query", "ASK {{}}", "--data", "{p}.nt"], "error: --data", "{p}.nt"),
        (["query", "ASK {{}}", "--data", "{t}/bad{n}.nt"], "error: ", "{t}/bad{n}.nt"),
        (["query", "ASK {{}}", "--store", "{p}"], "error: no store at", "{p}"),
        (["export", "--data", "{p}.ttl"], "error: --data", "{p}.ttl"),
        (["validate", "--data", "{p}.rdf"], "error: --data", "{p}.rdf"),
        (["serve", "--data", "{p}.trig"], "error: --data", "{p}.trig"),
        (["remove", "x{h}", "--store", "{t}/store"], "error: no source matches", "x" + HOSTILE),
        (["eval", "{p}.json", "--data", "{t}/g.nt"], "error: ", "{p}.json"),
        (["eval", "{t}/facts.json", "--build", "{t}/a.txt", "--manifest", "{p}.csv"], "error: cannot read", "{p}.csv"),
    ],
)
def test_error_messages_show_hostile_strings_on_one_line(nlp, tmp_path, args, prefix, shown):
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "g.nt").write_text("<http://example.org/s> <http://example.org/p> \"o\" .\n")
    (tmp_path / f"bad{NAME}.nt").write_text(f"<http://example.org/s> {HOSTILE} .\n")
    write_csv(tmp_path / "bad.csv", [["file", "url"], ["a.txt", f"http://{NAME}"]])
    write_csv(tmp_path / "header.csv", [["title", HOSTILE], ["x", "y"]])
    (tmp_path / "facts.json").write_text(json.dumps({"entities": [], "events": []}))
    (tmp_path / "store").mkdir()
    values = {"t": tmp_path, "h": HOSTILE, "n": NAME, "p": hostile_path(tmp_path)}
    run = invoke(nlp, *[a.format(**values) for a in args])
    assert run.code in (1, 2), (run.code, run.stderr, run.exception)
    _one_line_shows(run, prefix, visible(shown.format(**values)))
    assert run.lines[-1].startswith("error: ") and len(run.lines) == 1, run.lines


def test_eval_messages_show_a_hostile_corpus_name(nlp, tmp_path):
    folder = hostile_path(tmp_path)
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD)
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"entities": [], "events": []}))
    run = invoke(nlp, "eval", facts, "--build", folder)
    assert run.exception is None and run.code == 0, run.stderr
    _one_line_shows(run, visible(folder.name), visible(f"{folder.name}: 1 documents read"))


def test_log_lines_stay_one_visible_line():
    import logging

    from kg.cli import _VisibleFormatter

    record = logging.LogRecord("kg.rdf", logging.WARNING, __file__, 1, "%s: fact dropped", (HOSTILE,), None)
    line = _VisibleFormatter("%(levelname)s %(name)s: %(message)s").format(record)
    assert line == f"WARNING kg.rdf: {SHOWN}: fact dropped"
    assert_printable(line)


def test_validate_report_shows_hostile_labels_on_one_line():
    from kg.validate import Finding, ShaclResult, format_shacl

    finding = Finding("Violation", "needs a label", f'"{HOSTILE}" <http://e/x>', HOSTILE, "ckg:p")
    result = ShaclResult(10, 0.1, [finding])
    report = format_shacl(result)
    assert_printable(report)
    assert len(report.splitlines()) == 3 and report.count(SHOWN) == 2
