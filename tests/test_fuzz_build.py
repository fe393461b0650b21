"""Property-based fuzzing of ``kg build``'s inputs (hypothesis), the way ``/sparql`` is fuzzed.

The property, for any input: the command ends with exit status 0 or 3 (never a traceback); every input
it read is either built or named on a ``skipped`` line with its reason; every line it prints is one
visible line (no raw control character); and a good article is never lost: the plain ``good.txt``
beside the generated input, and the generated article itself wherever only its *name* or *metadata*
is hostile, are in the written graph.

Categories (examples per test: 40 in the default run; names, JSONL metadata, manifest values and encodings
500 more each with ``-m slow``):

* file names: unicode, rich markup, newlines and escape sequences, 200-250 bytes long, bytes that are
  not UTF-8, with every suffix; and folder names of the same kinds;
* manifest values of every JSON type (JSONL manifests) and any text (CSV manifests);
* JSONL records whose fields (id, text, url, title, publisher, date, others) hold any JSON value;
* encodings: the article in 14 codecs, with or without a BOM, and random bytes, as .txt, .html, .jsonl.

Builds run in this process (``cli_runner.invoke``) with the session's spaCy pipeline. Every case is
tallied (``tests/build_tally.py``): the run ends with a table of the cases per category, what they held
(JSON types, codecs, markup and control characters in names) and what the build did with them.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import tempfile
import unicodedata
from pathlib import Path

import pytest
from build_tally import json_kind, tally
from cli_runner import assert_printable, invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.ingest.readers import NOT_ARTICLES, SUFFIXES

FAST = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
SOAK = settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))

GOOD = (
    "KHARTOUM, Sudan — Paramilitary fighters shelled a market in Omdurman on Sunday, killing at least "
    "eight people, medics said. The army condemned the attack.\n"
)
ARTICLE = ("GAO, Mali — A roadside bomb struck an army convoy near Gao on Tuesday, killing four soldiers, "
           "officials said.\n")
LINE_PREFIXES = ("skipped ", "warning ", "manifest ", "using ", "wrote ", "error: ", "building: ")
SUMMARY = re.compile(r"^(\d+) documents read: (\d+) built, (\d+) unchanged, (\d+) skipped")


def sha(text: str) -> str:
    return hashlib.sha256(text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")).hexdigest()


def built_ids(out: Path) -> set[str]:
    import pyoxigraph as ox

    key = ox.NamedNode("https://w3id.org/conflict-kg/ontology#sha256")
    if not out.exists():
        return set()
    return {q.object.value for q in ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS) if q.predicate == key}


def check_build(nlp, inputs: list[Path], work: Path, *extra: str) -> tuple[set[str], object]:
    """Run ``kg build``; assert the property; return the document ids in the graph and the run."""
    out = work / "out.nq"
    run = invoke(nlp, "build", *map(str, inputs), "--out", str(out), *extra)
    assert run.exception is None, f"traceback: {run.exception!r}\n{run.stderr}"
    assert run.code in (0, 3), (run.code, run.stderr)
    assert_printable(run.stderr)
    summary = [m for line in run.lines if (m := SUMMARY.match(line))]
    assert len(summary) == 1, run.stderr
    read, built, unchanged, skipped = map(int, summary[0].groups())
    assert read == built + unchanged + skipped
    assert sum(line.startswith("skipped ") for line in run.lines) == skipped, run.stderr
    assert all(line.startswith(LINE_PREFIXES) or SUMMARY.match(line) for line in run.lines), run.stderr
    ids = built_ids(out)
    assert sha(GOOD) in ids, f"the good article was lost:\n{run.stderr}"
    return ids, run


def is_article_name(name: str) -> bool:
    """The documented rule (README): an article suffix, and not a README/manifest/licence file."""
    return Path(name).suffix.lower() in SUFFIXES and not name.lower().startswith(NOT_ARTICLES)


# -- file and folder names --------------------------------------------------------------------------
NAME_CHARS = st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",))
MARKUP = st.sampled_from(["[/]", "[bold]", "[/bold]", "[link=file:///etc/passwd]", "[red on black]", "\\[x]", "[", "]"])
CONTROL = st.sampled_from(["\n", "\r", "\t", "\x1b[31m", "\x1b]0;title\x07", "\x07", "\x7f", "\u202e", "\u2066",
                          "\x85"])
SUFFIX = st.sampled_from([".txt", ".TXT", ".html", ".htm", ".text", ".jsonl", ".md", ""])


@st.composite
def file_names(draw) -> str:
    parts = draw(st.lists(st.one_of(st.text(NAME_CHARS, min_size=1, max_size=12), MARKUP, CONTROL),
                          min_size=1, max_size=6))
    stem = "".join(parts).replace("/", "")
    if draw(st.booleans()):
        stem = (stem * 60)[: draw(st.integers(150, 240))]
    name = stem + draw(SUFFIX)
    while len(os.fsencode(name)) > 250:
        name = name[1:]
    return name if name not in ("", ".", "..") else "x.txt"


def content_for(name: str) -> str:
    if name.lower().endswith(".jsonl"):
        return json.dumps({"id": "a", "text": ARTICLE}) + "\n"
    if name.lower().endswith((".html", ".htm")):
        return f"<html><body><article><p>{ARTICLE}</p><p>{ARTICLE}</p></article></body></html>"
    return ARTICLE


def _names_case(nlp, name: str, as_folder: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "in"
        corpus.mkdir()
        (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
        if as_folder:
            folder = corpus / name
            folder.mkdir()
            target = folder / "article.txt"
        else:
            target = corpus / name
        target.write_text(content_for(target.name), encoding="utf-8")
        ids, run = check_build(nlp, [corpus], work)
        article = is_article_name(target.name)
        tally("names (unicode, markup, controls, long)", run.lines, len(ids) == 2 if article else None,
              name_features(name, as_folder, article))
        if article:  # only its name is hostile: it must be built (HTML text differs)
            assert len(ids) == 2, f"{target.name!r} was lost:\n{run.stderr}"


def name_features(name: str, as_folder: bool, article: bool) -> list[str]:
    """What a generated name held, for the tally."""
    features = ["folder name" if as_folder else "file name"]
    features += ["article suffix"] if article else ["not an article's name"]
    features += ["markup"] * ("[" in name or "]" in name)
    features += ["control or direction chars"] * any(unicodedata.category(c) in ("Cc", "Cf") for c in name)
    features += ["non-ASCII"] * (not name.isascii())
    features += [">= 150 bytes"] * (len(os.fsencode(name)) >= 150)
    return features


@FAST
@given(name=file_names(), as_folder=st.booleans())
def test_hostile_file_and_folder_names_build_or_are_named(nlp, name, as_folder):
    _names_case(nlp, name, as_folder)


@st.composite
def undecodable_names(draw) -> bytes:
    raw = draw(st.binary(min_size=1, max_size=60).filter(lambda b: b"/" not in b and b"\x00" not in b))
    return raw + draw(st.sampled_from([b".txt", b".jsonl", b"\xff.txt"]))


@FAST
@given(raw=undecodable_names())
def test_file_names_that_are_not_utf8_build(nlp, raw):
    """Linux names are bytes; Python hands undecodable ones over as lone surrogates, which no RDF writer
    can write: the name is shown with escapes and stored with U+FFFD, and the article is built."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "in"
        corpus.mkdir()
        (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
        name = os.fsdecode(raw)
        if name in (".", "..") or name.startswith("."):
            return
        (corpus / name).write_text(content_for(name), encoding="utf-8")
        ids, run = check_build(nlp, [corpus], work)
        article = is_article_name(name)
        tally("names (bytes that are not UTF-8)", run.lines, len(ids) == 2 if article else None,
              ["article suffix" if article else "not an article's name"]
              + ["not UTF-8"] * (os.fsencode(name) != name.encode("utf-8", "surrogatepass")))
        if article:
            assert len(ids) == 2, run.stderr


# -- manifest values --------------------------------------------------------------------------------
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
HOSTILE_VALUES = st.sampled_from([
    "http://[::1", "http://x/%zz", "javascript:alert(1)", "https://ok.example/a", "http://a b/", "0001-01-01",
    "2024-13-45", "2024-01-12", "2024-01-12T10:00:00Z", "9999-12-31", "", " ", "\ud800", "[/]", "\x1b[31m",
    "x" * 5_000])
STRINGS = st.text(max_size=40) | HOSTILE_VALUES


def _nest(inner):
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)


CONTAINERS = _nest(st.recursive(SCALARS | STRINGS, _nest, max_leaves=5))  # a list or an object, maybe nested


@st.composite
def json_values(draw) -> object:
    """Any JSON value, a string half the time (the hostile URLs and dates among them: st.recursive alone
    drew containers for nine values in ten, so the string checks were hardly reached)."""
    kind = draw(st.sampled_from(["hostile", "text", "scalar", "container"]))
    return draw({"hostile": HOSTILE_VALUES, "text": st.text(max_size=40), "scalar": SCALARS,
                 "container": CONTAINERS}[kind])


JSON_VALUES = json_values()
FIELDS = ("url", "title", "publisher", "date")


@FAST
@given(values=st.fixed_dictionaries({f: JSON_VALUES for f in FIELDS}, optional={"extra": JSON_VALUES}))
def test_manifest_values_of_every_json_type_cost_at_most_the_value(nlp, values):
    _manifest_case(nlp, values)


def _manifest_case(nlp, values: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "in"
        corpus.mkdir()
        (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
        (corpus / "a.txt").write_text(ARTICLE, encoding="utf-8")
        manifest = work / "m.jsonl"
        rows = [{"file": "good.txt", "date": "2024-01-12"}, {"file": "a.txt", **values}]
        manifest.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
        ids, run = check_build(nlp, [corpus], work, "--manifest", str(manifest))
        tally("manifest values (JSONL manifest, every JSON type)", run.lines, sha(ARTICLE) in ids,
              [json_kind(v) for v in values.values()])
        assert sha(ARTICLE) in ids and not any(line.startswith("skipped") for line in run.lines), run.stderr
        row = re.compile(r"warning m\.jsonl:2 \(a\.txt\): (\w+) dropped")
        warned = {m.group(1) for line in run.lines if (m := row.match(line))}
        assert warned <= set(FIELDS)
        for field in FIELDS:  # a value that is neither empty nor kept was named
            value = values[field]
            if isinstance(value, (dict, list, bool, int, float)):
                assert field in warned, (field, value, run.stderr)


@FAST
@given(cells=st.lists(st.text(st.characters(blacklist_characters="\x00"), max_size=30), min_size=4, max_size=4))
def test_csv_manifest_values_of_any_text(nlp, cells):
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "in"
        corpus.mkdir()
        (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
        (corpus / "a.txt").write_text(ARTICLE, encoding="utf-8")
        manifest = work / "m.csv"
        with open(manifest, "w", newline="", encoding="utf-8", errors="surrogatepass") as handle:
            writer = csv.writer(handle)
            writer.writerows([["file", *FIELDS], ["good.txt", "", "", "", ""], ["a.txt", *cells]])
        ids, run = check_build(nlp, [corpus], work, "--manifest", str(manifest))
        tally("manifest values (CSV manifest, any text)", run.lines, sha(ARTICLE) in ids,
              [text_feature(cell) for cell in cells])
        assert sha(ARTICLE) in ids, run.stderr


def text_feature(cell: str) -> str:
    """The one thing the tally says of a generated text value."""
    if not cell.strip():
        return "blank"
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in cell):
        return "control chars"
    return "ASCII text" if cell.isascii() else "non-ASCII text"


# -- JSONL fields -----------------------------------------------------------------------------------
@FAST
@given(record=st.fixed_dictionaries(
    {},
    optional={"id": JSON_VALUES, "text": st.one_of(JSON_VALUES, st.just(ARTICLE)), "url": JSON_VALUES,
              "title": JSON_VALUES, "publisher": JSON_VALUES, "date": JSON_VALUES, "other": JSON_VALUES},
))
def test_jsonl_fields_of_every_json_type(nlp, record):
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        feed = work / "feed.jsonl"
        lines = [json.dumps({"id": "good", "text": GOOD}), json.dumps(record)]
        feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
        ids, run = check_build(nlp, [feed], work)
        tally("JSONL field values (every JSON type)", run.lines,
              sha(ARTICLE) in ids if record.get("text") == ARTICLE else None, record_features(record))
        if record.get("text") == ARTICLE:  # whatever the other fields hold, this article is built
            assert sha(ARTICLE) in ids, run.stderr
        elif not isinstance(record.get("text"), str) or not record["text"].strip():
            assert any(line.startswith("skipped feed.jsonl:") for line in run.lines), run.stderr


def record_features(record: dict) -> list[str]:
    """Each field of a generated record with its JSON type, for the tally."""
    return [f"{key}: article" if key == "text" and value == ARTICLE else f"{key}: {json_kind(value)}"
            for key, value in record.items()]


# -- encodings --------------------------------------------------------------------------------------
# the codecs the reader tells apart (kg.ingest.readers.decode): an article in one of them comes out as written
READABLE = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "cp1252"]
CODECS = [*READABLE, "latin-1", "koi8-r", "shift_jis", "gb18030", "big5", "iso-8859-7", "mac-roman"]
FIXED_TEXTS = [ARTICLE, "Le ministre a condamné l'attaque près de Gao. Ελλάδα. Москва. 東京.\n"]
TEXTS = st.one_of(st.sampled_from(FIXED_TEXTS), st.text(min_size=1, max_size=200))


@FAST
@given(codec=st.sampled_from(CODECS), text=TEXTS, suffix=st.sampled_from([".txt", ".html", ".jsonl"]),
       noise=st.one_of(st.none(), st.binary(min_size=1, max_size=300)))
def test_any_encoding_builds_or_is_skipped_with_a_reason(nlp, codec, text, suffix, noise):
    _encoding_case(nlp, codec, text, suffix, noise)


def _encoding_case(nlp, codec: str, text: str, suffix: str, noise: bytes | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "in"
        corpus.mkdir()
        (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
        body = content_for(f"x{suffix}").replace(ARTICLE, text) if suffix != ".jsonl" else (
            json.dumps({"id": "a", "text": text}, ensure_ascii=False) + "\n")
        data = noise if noise is not None else body.encode(codec, errors="replace")
        (corpus / f"article{suffix}").write_bytes(data)
        ids, run = check_build(nlp, [corpus], work)
        tally("encodings (random bytes)" if noise is not None else "encodings (a text in a codec)", run.lines,
              len(ids) == 2, [codec if noise is None else "random bytes", f"as {suffix}"])
        said = [line for line in run.lines if line.startswith("skipped ") and "article" in line]
        assert len(ids) == 2 or said, f"the article was neither built nor named:\n{run.stderr}"
        if noise is None and codec in READABLE and text in FIXED_TEXTS and suffix != ".html":
            # built as written (what the codec could not encode became "?"), not refused, not garbled
            assert sha(text.encode(codec, errors="replace").decode(codec)) in ids, (codec, run.stderr)


# -- the soak runs ------------------------------------------------------------------------------------
@pytest.mark.slow
@SOAK
@given(name=file_names(), as_folder=st.booleans())
def test_soak_hostile_names(nlp, name, as_folder):
    _names_case(nlp, name, as_folder)


@pytest.mark.slow
@SOAK
@given(record=st.fixed_dictionaries(
    {"text": st.just(ARTICLE)},
    optional={"id": JSON_VALUES, "url": JSON_VALUES, "title": JSON_VALUES, "publisher": JSON_VALUES,
              "date": JSON_VALUES},
))
def test_soak_jsonl_metadata_never_costs_the_article(nlp, record):
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        feed = work / "feed.jsonl"
        feed.write_text(json.dumps({"id": "good", "text": GOOD}) + "\n" + json.dumps(record) + "\n")
        ids, run = check_build(nlp, [feed], work)
        tally("JSONL field values (every JSON type)", run.lines, sha(ARTICLE) in ids, record_features(record))
        assert sha(ARTICLE) in ids, run.stderr


@pytest.mark.slow
@SOAK
@given(values=st.fixed_dictionaries({f: JSON_VALUES for f in FIELDS}))
def test_soak_manifest_values(nlp, values):
    _manifest_case(nlp, values)


@pytest.mark.slow
@SOAK
@given(codec=st.sampled_from(CODECS), text=TEXTS, suffix=st.sampled_from([".txt", ".html", ".jsonl"]),
       noise=st.one_of(st.none(), st.binary(min_size=1, max_size=300)))
def test_soak_encodings(nlp, codec, text, suffix, noise):
    _encoding_case(nlp, codec, text, suffix, noise)
