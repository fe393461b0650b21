"""Hostile inputs the builder meets in scraped corpora, beyond the reader tests in test_ingest.py.

Each must be skipped with a message naming it and saying why, never hang or stop the build, and
every other document must still be built: a single 1 MB line, a pipe or device given as a file, a
JSON line holding half a UTF-16 pair, control characters, and folders that cannot be listed. The
tests run as root in CI, where permissions do not apply, so the unreadable-folder test drops to
``nobody`` in a forked child (``os.setuid``) and reports back through a pipe.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
from pathlib import Path

import pytest

from kg.config import Settings
from kg.ingest import read_inputs
from kg.records import Document, Skipped

ARTICLE = (
    "MAIDUGURI, Nigeria — Gunmen attacked a market near Maiduguri on Tuesday, killing nine people, "
    "police said. The state governor condemned the attack.\n"
)


def names(items) -> tuple[list[str], dict[str, str]]:
    items = list(items)
    docs = [Path(i.name).name for i in items if isinstance(i, Document)]
    skipped = {i.name: i.reason for i in items if isinstance(i, Skipped)}
    return docs, skipped


def reason_for(skipped: dict[str, str], fragment: str) -> str:
    found = [reason for name, reason in skipped.items() if fragment in name]
    assert len(found) == 1, f"expected one skip naming {fragment!r}, got {skipped}"
    return found[0]


def test_a_single_one_megabyte_line_is_skipped_by_name_and_the_rest_built(build_store, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE, encoding="utf-8")
    line = ("Fighters shelled the town and officials said twelve people died " * 20_000)[: 1 << 20]
    (folder / "oneline.txt").write_text(line, encoding="utf-8")  # 1 MiB, no newline at all
    store, report = build_store(folder)
    assert report.read == 2 and report.built == 1, report.summary()
    assert [s.name for s in report.skipped] == ["oneline.txt"]
    assert "single line of 1,048,576 characters" in report.skipped[0].reason
    assert "1 skipped" in report.summary() and len(store.graphs()) == 1


def test_a_line_that_never_breaks_is_refused_before_nlp_but_long_articles_are_not(tmp_path: Path):
    """NLP cost grows faster than linearly with an unbroken line (a 200k-character one took a minute and
    0.9 GB), so a dump with no line breaks is refused at read time; the same text in lines is read."""
    words = "Fighters shelled the town and officials said twelve people died. " * 2_400  # 156k characters
    (tmp_path / "dump.txt").write_text(words, encoding="utf-8")
    (tmp_path / "long.txt").write_text(words.replace(". ", ".\n"), encoding="utf-8")
    docs, skipped = names(read_inputs([tmp_path], Settings()))
    assert docs == ["long.txt"]
    assert "single line of 156,000 characters" in skipped["dump.txt"], skipped
    assert "KG_MAX_LINE_CHARS" in skipped["dump.txt"]


def test_a_pipe_or_device_given_as_a_file_is_skipped_not_read_forever(tmp_path: Path):
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    fifo = tmp_path / "feed.txt"
    os.mkfifo(fifo)  # opening it for reading would block until a writer comes: forever
    previous = signal.signal(signal.SIGALRM, lambda *_: pytest.fail("reading a FIFO blocked the build"))
    signal.alarm(10)
    try:
        items = list(read_inputs([tmp_path / "good.txt", fifo, Path("/dev/zero")], Settings()))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    docs, skipped = names(items)
    assert docs == ["good.txt"]
    assert "not a regular file" in reason_for(skipped, "feed.txt")
    assert "not a regular file" in reason_for(skipped, "/dev/zero")


def test_jsonl_with_a_lone_surrogate_is_skipped_line_by_line(tmp_path: Path):
    feed = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "half", "text": "Half a pair \ud800 here. " + ARTICLE}),  # escaped as \ud800 in JSON
        json.dumps({"id": "whole", "text": "A whole pair \U0001f600 is fine. " + ARTICLE}),
        json.dumps({"id": "title", "title": "bad \udfff title", "text": ARTICLE}),
    ]
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_inputs([feed], Settings()))  # used to raise UnicodeEncodeError
    docs, skipped = names(items)
    assert docs == ["feed.jsonl:whole", "feed.jsonl:title"]  # a bad title costs the title, not the article
    assert set(skipped) == {"feed.jsonl:half"}, skipped
    assert all("surrogate" in reason for reason in skipped.values())
    (titled,) = [i for i in items if isinstance(i, Document) and i.name == "feed.jsonl:title"]
    assert titled.meta.title is None
    assert [(d.field, "surrogate" in d.reason) for d in titled.dropped] == [("title", True)]


def test_control_characters_become_spaces_so_offsets_and_xml_survive(tmp_path: Path):
    text = "Bell\x07 and NUL\x00 and escape\x1b inside. " + ARTICLE.replace("Tuesday", "Tues\x0cday")
    (tmp_path / "ctl.jsonl").write_text(json.dumps({"id": "c", "text": text}) + "\n", encoding="utf-8")
    (docs,) = [i for i in read_inputs([tmp_path], Settings()) if isinstance(i, Document)]
    assert len(docs.text) == len(text)  # one for one, so evidence offsets still index the text
    assert not any(ord(c) < 32 and c not in "\t\n" for c in docs.text), repr(docs.text)
    assert docs.text.startswith("Bell  and NUL  and escape  inside.")


def _read_as_nobody(paths: list[Path]) -> tuple[list[str], dict[str, str]]:
    """Run read_inputs in a forked child that has dropped root for ``nobody``; results come back as JSON."""
    from kg.ingest import clean_text

    # The interpreter lives where nobody may not read: load what the child needs before dropping root.
    for codec in ("utf-8-sig", "cp1252", "utf-16", "latin-1"):
        "x".encode(codec)
    clean_text("Read More: warm the pattern cache\nok\n")
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 0
        try:
            os.close(read_fd)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            docs, skipped = names(read_inputs(paths, Settings()))
            payload = json.dumps([docs, skipped])
        except BaseException as exc:  # report, never run the parent's pytest in the child
            payload, code = json.dumps({"error": repr(exc)}), 1
        os.write(write_fd, payload.encode())
        os._exit(code)
    os.close(write_fd)
    chunks = []
    while chunk := os.read(read_fd, 65536):
        chunks.append(chunk)
    os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    result = json.loads(b"".join(chunks) or b'{"error": "no answer"}')
    assert os.waitstatus_to_exitcode(status) == 0 and not isinstance(result, dict), result
    return result[0], result[1]


def test_unlistable_folders_and_unreadable_files_are_named_not_silently_lost():
    """As a user who cannot read part of a corpus: the locked file, the sub-folder that cannot be
    listed and a file under a folder that cannot be entered are each named with the reason."""
    root = Path(tempfile.mkdtemp(prefix="kg-perm-"))  # not under pytest's 0700 tmp, which nobody cannot enter
    try:
        root.chmod(0o755)
        (root / "good.txt").write_text(ARTICLE, encoding="utf-8")
        (root / "locked.txt").write_text(ARTICLE.replace("nine", "ten"), encoding="utf-8")
        (root / "locked.txt").chmod(0o000)
        sealed = root / "sealed"
        sealed.mkdir()
        (sealed / "inside.txt").write_text(ARTICLE.replace("nine", "eleven"), encoding="utf-8")
        sealed.chmod(0o000)
        if os.geteuid() == 0:
            docs, skipped = _read_as_nobody([root, sealed / "inside.txt"])
        else:
            docs, skipped = names(read_inputs([root, sealed / "inside.txt"], Settings()))
        assert docs == ["good.txt"]
        assert "permission denied" in reason_for(skipped, "locked.txt").lower()
        assert "cannot list folder" in skipped[str(sealed)]
        assert "permission denied" in reason_for(skipped, "inside.txt").lower()
    finally:
        for path in (root / "sealed", root / "locked.txt"):
            path.chmod(0o755)
        shutil.rmtree(root, ignore_errors=True)


def test_bad_documents_through_the_cli_are_named_and_the_exit_status_says_partial(tmp_path: Path):
    """One run of ``kg build`` over the new kinds of bad input: exit status 3 and a summary that counts them."""
    import subprocess
    import sys

    from kg.config import REPO_ROOT

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")  # inside a folder too, a pipe is named (reading it would block)
    (folder / "feed.jsonl").write_text(json.dumps({"id": "half", "text": "x \ud800 " + ARTICLE}) + "\n")
    (folder / "oneline.txt").write_text("word " * 220_000, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", str(folder), "--memory"],
        capture_output=True, text=True, timeout=300, cwd=REPO_ROOT,
    )
    assert result.returncode == 3, result.stderr
    said = " ".join(result.stderr.split())  # the console wraps long lines
    assert "skipped feed.jsonl:half: undecodable" in said and "surrogate" in said, result.stderr
    assert "skipped oneline.txt: a single line of 1,100,000 characters" in said, result.stderr
    assert "skipped" in said and "pipe.txt: a named pipe (FIFO), not an article" in said, result.stderr
    assert "1 built" in said and "3 skipped" in said


def test_symlink_loops_in_a_corpus_folder_neither_hang_nor_crash(tmp_path: Path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "sub" / "up").symlink_to(folder, target_is_directory=True)  # in/sub/up -> in: a cycle
    (folder / "self.txt").symlink_to(folder / "self.txt")  # a link to itself
    (folder / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    docs, skipped = names(read_inputs([folder], Settings()))
    assert docs == ["good.txt"]  # once: the cycle is not followed
    assert "symbolic link loop" in reason_for(skipped, "self.txt")
    assert "dangling symbolic link" in reason_for(skipped, "dangling.txt")
    assert set(skipped) == {str(folder / "self.txt"), str(folder / "dangling.txt")}, skipped


def test_special_files_and_broken_links_in_a_folder_are_named_with_the_reason(tmp_path: Path):
    """Issue 20: a FIFO, a socket, a link loop and a dangling link inside a corpus folder are each named
    (pipes and sockets whatever their name: reading one would block); other non-articles stay silent."""
    import socket

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE, encoding="utf-8")
    os.mkfifo(folder / "feed")  # no article suffix, still named
    listening = socket.socket(socket.AF_UNIX)
    listening.bind(str(folder / "sock.txt"))
    (folder / "a.txt").symlink_to(folder / "b.txt")
    (folder / "b.txt").symlink_to(folder / "a.txt")  # a two-link loop
    (folder / "gone.html").symlink_to(tmp_path / "nowhere.html")
    (folder / "gone.png").symlink_to(tmp_path / "nowhere.png")  # not an article by name: not named
    (folder / "photo.png").write_bytes(b"\x89PNG")
    try:
        docs, skipped = names(read_inputs([folder], Settings()))
    finally:
        listening.close()
    assert docs == ["good.txt"]
    assert "named pipe (FIFO)" in reason_for(skipped, "feed")
    assert "a socket" in reason_for(skipped, "sock.txt")
    assert "symbolic link loop" in reason_for(skipped, "a.txt")
    assert "symbolic link loop" in reason_for(skipped, "b.txt")
    assert f"dangling symbolic link: {tmp_path / 'nowhere.html'} does not exist" in reason_for(skipped, "gone.html")
    assert not any("png" in name for name in skipped), skipped
