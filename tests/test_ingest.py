"""Ingest: readers, decoding, manifest, boilerplate blanking, and bad documents skipped with reasons."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kg.config import Settings
from kg.ingest import clean_text, load_manifest, read_inputs
from kg.ingest.manifest import ManifestError
from kg.records import Document, Skipped

ARTICLE = "Officials said a drone strike hit a depot near the city on Monday, killing four people.\n"


def read_all(*paths: Path, settings: Settings | None = None, manifest=None):
    items = list(read_inputs(list(paths), settings or Settings(), manifest))
    docs = [i for i in items if isinstance(i, Document)]
    skipped = {Path(s.name).name.split(":")[0]: s.reason for s in items if isinstance(s, Skipped)}
    return docs, skipped


def test_boilerplate_is_blanked_and_offsets_kept():
    text = (
        "Troops clashed with rebels on Friday.\n"
        "Read More: Ten things to know about the war\n"
        '[time-brightcove not-tgx="true"]\n'
        "The army said two soldiers died. pic.twitter.com/abc123\n"
        "Leave a comment\n"
    )
    cleaned = clean_text(text)
    assert len(cleaned) == len(text)
    assert "Read More" not in cleaned and "brightcove" not in cleaned and "pic.twitter" not in cleaned
    assert "Leave a comment" not in cleaned
    start = text.index("The army said")
    assert cleaned[start : start + 31] == text[start : start + 31]


def test_a_widgets_error_notice_is_blanked_but_a_sentence_saying_so_is_kept():
    text = ("  • Oops!\n    Something went wrong.\n    Please try again later.\n"
            "The minister said something went wrong at the border.\n")
    cleaned = clean_text(text)
    assert "Oops" not in cleaned and "try again" not in cleaned
    assert "The minister said something went wrong at the border." in cleaned


def test_footer_after_tail_marker_is_blanked_but_not_early_ones():
    body = "A long article sentence about shelling in the east. " * 20
    text = f"Comments\n{body}\nSource link\n\nCheck Also\n\nAnother headline about a summit\n"
    cleaned = clean_text(text)
    assert cleaned.startswith("Comments")  # too early to be a footer
    assert "Another headline" not in cleaned and "Source link" not in cleaned


def test_txt_html_jsonl_and_folders(tmp_path: Path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.html").write_text(
        "<html><head><title>Strike on depot</title><script>var x=1;</script></head><body>"
        "<nav>Home | World | Sport</nav><article><h1>Strike on depot</h1>"
        f"<p>{ARTICLE * 3}</p><p>The governor condemned the attack and demanded an inquiry.</p></article>"
        "<footer>Copyright 2024</footer></body></html>",
        encoding="utf-8",
    )
    lines = [
        {"id": "x1", "text": ARTICLE, "url": "https://example.org/x1", "publisher": "Wire", "date": "2024-03-04"},
        {"text": "The ministry summoned the ambassador on Tuesday."},
    ]
    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    docs, skipped = read_all(tmp_path)
    assert not skipped
    by_name = {d.name: d for d in docs}
    assert set(by_name) == {"a.txt", "b.html", "c.jsonl:x1", "c.jsonl:2"}
    assert "drone strike" in by_name["b.html"].text and "var x" not in by_name["b.html"].text
    assert by_name["c.jsonl:x1"].meta.date == date(2024, 3, 4)
    assert by_name["c.jsonl:x1"].meta.publisher == "Wire"


def test_same_text_same_id(tmp_path: Path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE.replace("\n", "\r\n"), encoding="utf-8")
    docs, _ = read_all(tmp_path)
    assert docs[0].id == docs[1].id


def test_encodings(tmp_path: Path):
    text = "Le ministre a condamné l'attaque près de Gao.\n"
    (tmp_path / "latin1.txt").write_bytes(text.encode("latin-1"))
    (tmp_path / "utf16.txt").write_bytes(text.encode("utf-16"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    docs, skipped = read_all(tmp_path)
    assert not skipped
    assert {d.text for d in docs} == {text}


WIDE = ["utf-32", "utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"]


@pytest.mark.parametrize("codec", WIDE)
def test_utf32_and_utf16_without_a_mark_are_read_not_refused_or_garbled(tmp_path: Path, codec):
    """Found by the encoding fuzzer's tally (tests/build_tally.py): a UTF-16 article without a byte-order
    mark was refused as binary, and a UTF-32 one with a mark was decoded as UTF-16 and built as text
    with a NUL between letters (no entity, no event)."""
    text = "Le ministre a condamné l'attaque près de Gao — Ελλάδα, Москва, 東京.\n"
    (tmp_path / "a.txt").write_bytes(text.encode(codec))
    (tmp_path / "feed.jsonl").write_bytes(
        "".join(json.dumps({"id": n, "text": f"{n}. {text}"}, ensure_ascii=False) + "\n" for n in (1, 2)).encode(codec))
    docs, skipped = read_all(tmp_path)
    assert not skipped
    assert sorted(d.text for d in docs) == [f"1. {text}", f"2. {text}", text]


def test_a_wide_feed_line_over_the_limit_is_measured_in_bytes(tmp_path: Path):
    lines = [json.dumps({"id": "a", "text": ARTICLE}), json.dumps({"id": "big", "text": "w" * 6_000}),
             json.dumps({"id": "b", "text": ARTICLE.upper()})]
    (tmp_path / "feed.jsonl").write_bytes(("\n".join(lines) + "\n").encode("utf-32-le"))
    docs, skipped = read_all(tmp_path, settings=Settings(max_document_bytes=20_000))
    assert [d.name for d in docs] == ["feed.jsonl:a", "feed.jsonl:b"]
    assert skipped["feed.jsonl"].startswith(f"too large: {4 * (len(lines[1]) + 1):,} bytes")


@pytest.mark.parametrize("data", [b"\x00\x01\x02PNG\x00" * 50, bytes(range(256)) * 8, b"GIF89a\x00\x00" + b"\x10" * 64])
def test_binary_with_zero_bytes_is_still_refused(tmp_path: Path, data):
    (tmp_path / "x.txt").write_bytes(data)
    docs, skipped = read_all(tmp_path)
    assert not docs and ("binary" in skipped["x.txt"] or "undecodable" in skipped["x.txt"]), skipped


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"   \n\t \n", "empty"),
        ("binary.txt", b"\x00\x01\x02PNG\x00" * 50, "binary"),
        ("huge.txt", b"word " * 3000, "too large"),
        ("script.html", b"<html><script>alert(1)</script><body><nav>Home</nav></body></html>", "no article"),
    ],
)
def test_bad_documents_skipped_with_reason(tmp_path: Path, name, content, reason):
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / name).write_bytes(content)
    docs, skipped = read_all(tmp_path, settings=Settings(max_document_bytes=10_000))
    assert [d.name for d in docs] == ["good.txt"]
    assert reason in skipped[name]


def test_broken_jsonl_lines_skipped_rest_read(tmp_path: Path):
    (tmp_path / "feed.jsonl").write_text(
        '{"text": "A car bomb exploded in the capital."}\n{"text": broken\n{"id": "n", "title": "no text"}\n',
        encoding="utf-8",
    )
    items = list(read_inputs([tmp_path], Settings()))
    assert [i.name for i in items if isinstance(i, Document)] == ["feed.jsonl:1"]
    reasons = {i.name: i.reason for i in items if isinstance(i, Skipped)}
    assert "broken JSON" in reasons["feed.jsonl:2"] and "no 'text'" in reasons["feed.jsonl:n"]


def test_missing_input_and_unreadable_file(tmp_path: Path):
    (tmp_path / "locked.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "locked.txt").chmod(0)
    items = list(read_inputs([tmp_path / "nope.txt", tmp_path], Settings()))
    reasons = {Path(i.name).name: i.reason for i in items if isinstance(i, Skipped)}
    assert "no such file" in reasons["nope.txt"]
    import os

    if os.geteuid() != 0:  # root can read anything, so only the missing file is skipped then
        assert "permission" in reasons["locked.txt"]


def test_manifest_csv_and_jsonl(tmp_path: Path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "m.csv").write_text(
        "file,url,title,publisher,date\na.txt,https://ex.org/a,Depot hit,Daily,2024-05-06\nmissing.txt,,,,\n",
        encoding="utf-8",
    )
    manifest = load_manifest(tmp_path / "m.csv")
    docs, _ = read_all(tmp_path / "a.txt", manifest=manifest)
    meta = docs[0].meta
    assert (meta.url, meta.title, meta.publisher, meta.date) == (
        "https://ex.org/a",
        "Depot hit",
        "Daily",
        date(2024, 5, 6),
    )
    assert manifest.missing({"a.txt"}) == ["missing.txt"]
    (tmp_path / "m.jsonl").write_text('{"file": "a.txt", "date": ""}\n', encoding="utf-8")
    assert read_all(tmp_path / "a.txt", manifest=load_manifest(tmp_path / "m.jsonl"))[0][0].meta.date is None
    (tmp_path / "bad.csv").write_text("url,title\nx,y\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="no 'file'"):
        load_manifest(tmp_path / "bad.csv")


def test_a_reader_crash_costs_one_file_not_the_build(tmp_path: Path, monkeypatch):
    from kg.ingest import readers

    def broken(path, raw):
        raise ImportError("a library is missing")
        yield  # pragma: no cover

    monkeypatch.setitem(readers.READERS, ".html", broken)
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.html").write_text("<html><body><p>" + ARTICLE + "</p></body></html>", encoding="utf-8")
    docs, skipped = read_all(tmp_path)
    assert [d.name for d in docs] == ["a.txt"]
    assert "ImportError: a library is missing" in skipped["b.html"]


def test_a_jsonl_feed_larger_than_the_document_limit_is_read_article_by_article(tmp_path: Path):
    lines = [json.dumps({"id": f"a{i}", "text": ARTICLE}) for i in range(300)]
    lines.insert(5, json.dumps({"id": "big", "text": "word " * 3000}))
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert (tmp_path / "feed.jsonl").stat().st_size > 10_000  # the whole feed is over the limit
    docs, skipped = read_all(tmp_path, settings=Settings(max_document_bytes=10_000))
    assert len(docs) == 300
    assert "too large" in skipped["feed.jsonl"]  # the one oversized article, named feed.jsonl:6
    utf16 = tmp_path / "u16"
    utf16.mkdir()
    (utf16 / "feed.jsonl").write_bytes(("\n".join(lines[:3]) + "\n").encode("utf-16"))
    assert len(read_all(utf16)[0]) == 3


def test_a_plain_text_articles_headline_line_is_its_title():
    from kg.ingest import make_document
    from kg.records import DocumentMeta

    titled = make_document("a.txt", "Rebels seize border town in the north\n\nRebels took the town on Monday.",
                           DocumentMeta(source="a.txt"))
    assert titled.meta.title == "Rebels seize border town in the north"
    lead = make_document("b.txt", "Rebels took the town on Monday, officials said.\nMore followed.",
                         DocumentMeta(source="b.txt"))
    assert lead.meta.title is None  # a sentence, not a headline
    given = make_document("c.txt", "Rebels seize border town\n\nText.", DocumentMeta(source="c.txt", title="Given"))
    assert given.meta.title == "Given"
