"""The reading of a request before evaluation (``kg.server.safety.inspect``) stays within the time limit.

It is Python in the request thread, so its cost must be bounded before it starts: a token bound made in C
refuses texts with too many tokens, and that bound must really be an upper bound. It was not: it counted
brackets, operators and quotes, so 1 MB of backslashes (or ``@``, ``~``, a ``%`` with no hex digits) was a
million tokens it did not see, 3 s of reading under ``--timeout 3``. A reading that still runs long (a busy
machine) is cut short at ``MAX_READ_SECONDS``. And long texts that pass the bound are read one at a time, so
eight at once do not take 17 s each, nor starve a small request.
"""

from __future__ import annotations

import threading
import time

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from serving import serving
from test_server_http import make_store

from kg.server import ServerConfig, create_app
from kg.server.safety import MAX_TOKENS, TOKEN, UnsafeRequest, _token_bound, inspect, tokens, unescape

# every kind of character the tokeniser treats differently: name characters, the one-character tokens the old
# bound missed, quotes, IRI and comment openers, escapes, spaces
ALPHABET = list("aZ09_-.:·ü%4F\\~@`!$&'\"#<>?{}()[]|^=+*/,; \n\t") + ["\\u0041", "\\U00000041", "\\u0020", '"""']


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(st.lists(st.sampled_from(ALPHABET), max_size=300).map("".join))
def test_the_token_bound_is_an_upper_bound_of_the_tokens(text):
    assert len(tokens(text)) <= _token_bound(text)
    assert len(tokens(unescape(text))) <= _token_bound(text)  # the second reading, after \u escapes


@pytest.mark.parametrize("unit", ["\\", "@", "~", "`", "%", "%4", "\\u0041", "?", "'", "#x\n", "<a> "])
def test_a_megabyte_of_one_character_tokens_is_refused_by_the_bound(unit):
    text = "SELECT * WHERE { " + unit * (990_000 // len(unit)) + " }"
    assert sum(1 for _ in TOKEN.finditer(text[:30_000])) > 1_000  # many steps of the tokeniser (comments too)
    started = time.perf_counter()
    with pytest.raises(UnsafeRequest, match="too large to read"):
        inspect(text)
    assert time.perf_counter() - started < 0.5, unit


def worst_admitted() -> str:
    """About 1 MB with as many tokens as the bound admits, and an escape, so it is read twice."""
    text = "ASK { " + "SELECT " * 94_000 + "\\u0041 }"
    assert MAX_TOKENS * 0.9 < _token_bound(text) <= MAX_TOKENS and len(text) < 1_000_000
    return text


def test_eight_long_texts_at_once_each_end_within_the_time_limit_and_a_small_query_is_answered(tmp_path):
    app = create_app(make_store(tmp_path), ServerConfig(workers=1, timeout=3))
    text = worst_admitted()
    outcomes: list[tuple[int, float]] = []

    def send(i: int) -> None:
        started = time.perf_counter()
        r = requests.post(url + "/sparql", data=f"{text} #{i}".encode(), timeout=120,
                          headers={"Content-Type": "application/sparql-query"})
        outcomes.append((r.status_code, time.perf_counter() - started))

    with serving(app, threads=12) as url:
        threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        time.sleep(0.3)
        started = time.perf_counter()
        small = requests.get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=60)
        small_seconds = time.perf_counter() - started
        for t in threads:
            t.join()
    assert small.status_code == 200 and small_seconds < 2, small_seconds
    assert len(outcomes) == 8 and {status for status, _ in outcomes} <= {400, 503}, outcomes
    # the 3 s limit plus 1 s for HTTP and for eight requests sharing two loaded cores (CI saw 3.14 s);
    # before the fix each took 16-19 s, read all at once
    assert max(seconds for _, seconds in outcomes) < 3 + 1, outcomes


def test_a_reading_that_runs_long_is_cut_short(monkeypatch):
    """On a busy machine a token costs 2-3x more than the bound assumes: a reading stops at MAX_READ_SECONDS
    (checked every 8,192 steps, so short texts never look at the clock)."""
    from kg.server import safety

    text = "ASK { " + "SELECT " * 20_000 + "}"
    assert _token_bound(text) <= MAX_TOKENS
    inspect(text)  # a malformed query, but read whole: the engine reports what is wrong with it
    monkeypatch.setattr(safety, "MAX_READ_SECONDS", 0.0)
    with pytest.raises(UnsafeRequest, match=r"too large to read in time \(over 0.0 s\)"):
        inspect(text)
    assert inspect("ASK { ?s ?p ?o }").form == "ASK"
