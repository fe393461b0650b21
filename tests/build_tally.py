"""What the build-input fuzzers generated and what came of it, printed at the end of their run.

A fuzz test that passes says nothing about what it tried: 40 cases could all have been plain ASCII
names. So each case is tallied under its category twice: what it *was* (the JSON type of each value,
the codec, whether a name held markup or control characters, ...) and what the build *did* with it
(the generated article built, skipped and why, a metadata value dropped and why). The closing note of
issue 16 quotes this table; ``pytest tests/test_fuzz_build.py`` (and ``-m slow`` for the soaks) prints it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

TRIED: defaultdict[str, Counter] = defaultdict(Counter)
OUTCOMES: defaultdict[str, Counter] = defaultdict(Counter)

# the reasons the readers and the builder give for a skip (kg.ingest, kg.pipeline) ...
SKIP_KINDS = ("empty file", "empty: no article text", "binary file", "undecodable", "too large", "broken JSON line",
              "JSON line has no 'text' string", "extraction failed", "too long for the NLP model", "a single line of",
              "not an article", "unreadable", "not a regular file", "no article text found in the HTML page")
# ... and for dropping a metadata value or a manifest row (kg.ingest.metadata, kg.ingest.manifest)
DROP_KINDS = ("not a string (a number)", "not a string (a boolean)", "not a string (a list)",
              "not a string (an object)", "holds half a UTF-16 surrogate pair", "characters, over the limit of",
              "holds spaces: not a URL", "is not an http(s) URL", "is not a valid IRI", "is not an ISO 8601 date",
              "is before 1800", "is more than a year from today", "no usable 'file' field", "not a JSON object",
              "broken JSON line")
_DROPPED = re.compile(r": (\w+) dropped: (.*)$")


def json_kind(value: object) -> str:
    """The JSON type of a generated value, as the tally names it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def last_kind(text: str, kinds: tuple[str, ...]) -> str:
    """Which of ``kinds`` ends ``text`` (the one found last: names and quoted values before it may hold any
    words), or the text's end if none does."""
    position, kind = max((text.rfind(kind), kind) for kind in kinds)
    return kind if position >= 0 else "other: " + text[-60:]


def skip_kind(line: str) -> str:
    """The reason of a ``skipped NAME: REASON`` line."""
    return last_kind(line, tuple(": " + kind for kind in SKIP_KINDS)).removeprefix(": ")


def tally(category: str, lines: list[str], article_built: bool | None, tried: list[str]) -> None:
    """One case: what it was (``tried``), and from the build's ``lines`` what came of it.

    ``article_built`` is whether the generated article is in the graph (None: the case has no article
    of its own to build, such as a name that is not an article's)."""
    TRIED[category]["cases"] += 1
    TRIED[category].update(tried)
    outcome = OUTCOMES[category]
    if article_built is not None:
        outcome["article built" if article_built else "article not built"] += 1
    for line in lines:
        if line.startswith("skipped "):
            outcome["skipped: " + skip_kind(line)] += 1
        elif line.startswith("warning ") and (m := _DROPPED.search(line)):
            outcome[f"{m.group(1)} dropped: {last_kind(m.group(2), DROP_KINDS)}"] += 1


def report(write) -> None:
    """The table, one ``write(line)`` per line."""
    if not TRIED:
        return
    write("build-input fuzzing: cases per category, what they held, and what the build did with them")
    for category in sorted(TRIED):
        tried, outcome = TRIED[category], OUTCOMES[category]
        write(f"  {category}: {tried['cases']} cases")
        held = ", ".join(f"{key} {n}" for key, n in sorted(tried.items(), key=lambda kv: (-kv[1], kv[0]))
                         if key != "cases")
        write(f"    held: {held}")
        for key, n in sorted(outcome.items(), key=lambda kv: (-kv[1], kv[0])):
            write(f"    {n:5d}  {key}")
