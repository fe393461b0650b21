"""Endpoint benchmark: SPARQL latency through ``kg serve`` over HTTP next to the same queries
in-process on pyoxigraph (same store files), the bare-HTTP floor, rdflib for comparison, and a
16-client load run from another process.

For each query (every ``queries/*.rq``, unbound and bound to a node where it has a parameter, plus
selective lookups), runs alternate between the three paths so they share the machine's noise:

* **raw**: ``pyoxigraph.Store.read_only(dir).query(q).serialize(JSON)`` in this process;
* **ours**: POST to ``kg serve --store dir`` (waitress, Flask, query worker processes), JSON results;
* **floor**: POST to ``rawserver.py`` (waitress + pyoxigraph, nothing else): what HTTP alone costs;
* **before** (with ``--before DIR``): ``kg serve`` from another source tree, e.g. an earlier commit
  unpacked with ``git archive``, in the same interleave, so a before/after comparison shares the noise
  of a busy machine instead of comparing two runs made at different loads.

Every run of a query sends a different text (a trailing ``# run N`` comment), so no path can answer
from a cache of earlier answers: the figures are evaluation latency. ``--cache-row`` adds one row
that repeats the same text, to show what the endpoint's answer cache does for repeated queries.

    python benchmarks/bench_endpoint.py --quads 1000000
    git archive a9ad2ae | tar -x -C /tmp/before && python benchmarks/bench_endpoint.py --before /tmp/before
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
import pyoxigraph as ox  # noqa: E402

from benchmarks.common import DEFAULT_WORK, ROOT, Row, median, percentile, report  # noqa: E402
from benchmarks.graphs import graph_file, store_dir  # noqa: E402
from benchmarks.lookups import Query, canned_queries, lookup_queries, sample_nodes  # noqa: E402

BENCH = "endpoint"
HERE = Path(__file__).resolve().parent
ACCEPT = "application/sparql-results+json"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, process: subprocess.Popen, timeout: float = 300.0, poll: float = 0.2) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            r = httpx.post(url, content=b"ASK {}", headers={"Content-Type": "application/sparql-query",
                                                            "Accept": ACCEPT}, timeout=5)
            if r.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(poll)
    raise RuntimeError(f"server at {url} not ready after {timeout:.0f} s")


class Servers:
    """``kg serve`` and the raw floor server on free loopback ports, stopped on exit."""

    def __init__(self, store: Path, workers: int, threads: int, before: Path | None = None):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.port, self.raw_port = _free_port(), _free_port()
        self.ours = self._serve(ROOT, store, self.port, workers, threads)
        self.raw = subprocess.Popen([sys.executable, str(HERE / "rawserver.py"), str(store), str(self.raw_port)],
                                    env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.raw_url = f"http://127.0.0.1:{self.raw_port}/sparql"
        self.before = self.before_url = None
        if before is not None:
            before_port = _free_port()
            self.before = self._serve(before, store, before_port, workers, threads)
            self.before_url = f"http://127.0.0.1:{before_port}/sparql"

    @staticmethod
    def _serve(root: Path, store: Path, port: int, workers: int, threads: int) -> subprocess.Popen:
        # cwd and PYTHONPATH both: ``python -m`` puts the working directory first on sys.path
        return subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "serve", "--store", str(store), "--port", str(port),
             "--max-rows", "100000000", "--timeout", "600", "--workers", str(workers), "--threads", str(threads)],
            env={**os.environ, "PYTHONPATH": str(root)}, cwd=str(root), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)

    def processes(self) -> list[subprocess.Popen]:
        return [p for p in (self.ours, self.raw, self.before) if p is not None]

    def __enter__(self) -> Servers:
        try:
            _wait(self.url, self.ours)
            _wait(self.raw_url, self.raw)
            if self.before is not None:
                _wait(self.before_url, self.before)
        except Exception:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        for process in self.processes():
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def _post(http: httpx.Client, url: str, text: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    response = http.post(url, content=text.encode("utf-8"),
                         headers={"Content-Type": "application/sparql-query", "Accept": ACCEPT})
    elapsed = time.perf_counter() - started
    return elapsed, response.status_code, len(response.content)


def _in_process(store: ox.Store, text: str) -> tuple[float, int]:
    started = time.perf_counter()
    body = store.query(text).serialize(format=ox.QueryResultsFormat.JSON)
    return time.perf_counter() - started, len(body)


def _rows(store: ox.Store, text: str) -> int | None:
    """Rows of the first text's answer, to set next to rdflib's count (same query, same data)."""
    result = store.query(text)
    return sum(1 for _ in result) if isinstance(result, ox.QuerySolutions) else None


def time_queries(queries: list[Query], store: ox.Store, servers: Servers, reps: int,
                 budget: float) -> list[dict]:
    """Alternate raw / ours / floor (/ before) runs of each query until ``reps`` runs or ``budget`` seconds."""
    out = []
    with httpx.Client(timeout=900.0) as http:
        for q in queries:
            raw, ours, floor, before, statuses = [], [], [], [], set()
            size = 0
            started = time.perf_counter()
            _in_process(store, q.texts[0])  # warm the caches of all paths alike
            for url in (servers.url, servers.raw_url, servers.before_url):
                if url:
                    _post(http, url, q.texts[0])
            for i in range(reps):
                text = f"{q.texts[i % len(q.texts)]}\n# run {i}\n"  # a new text each run: no answer cache helps
                t, size = _in_process(store, text)
                raw.append(t)
                t, status, _ = _post(http, servers.url, text)
                ours.append(t)
                statuses.add(status)
                t, _, _ = _post(http, servers.raw_url, text)
                floor.append(t)
                if servers.before_url:
                    before.append(_post(http, servers.before_url, text)[0])
                if time.perf_counter() - started > budget:  # slow queries get fewer runs (count in the note)
                    break
            out.append({"name": q.name, "kind": q.kind, "raw": raw, "ours": ours, "floor": floor, "before": before,
                        "statuses": sorted(statuses), "bytes": size, "rows": _rows(store, q.texts[0])})
            then = f", before {median(before) * 1000:.2f} ms" if before else ""
            print(f"  {q.name}: raw {median(raw) * 1000:.2f} ms, ours {median(ours) * 1000:.2f} ms, "
                  f"floor {median(floor) * 1000:.2f} ms{then} ({len(raw)} runs, {size:,} bytes)", flush=True)
    return out


def time_repeats(query: Query, store: ox.Store, servers: Servers, reps: int) -> dict:
    """The same text again and again: in-process each time, and through the endpoint (its answer cache)."""
    text = query.texts[0]
    raw, ours = [], []
    with httpx.Client(timeout=900.0) as http:
        _post(http, servers.url, text)
        for _ in range(reps):
            raw.append(_in_process(store, text)[0])
            ours.append(_post(http, servers.url, text)[0])
    return {"raw": raw, "ours": ours}


def rdflib_times(path: Path, queries: list[Query], cap: float, load_cap: float, reps: int) -> dict:
    """Per-query median seconds on rdflib (None when capped), run in a child process."""
    job = {"path": str(path), "cap": cap, "queries": [[q.name, list(q.texts[:reps])] for q in queries]}
    results: dict = {"load": None, "queries": {}}
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen([sys.executable, str(HERE / "rdflib_child.py")], stdin=subprocess.PIPE,
                                   stdout=out, text=True)
        process.stdin.write(json.dumps(job))
        process.stdin.close()
        try:
            process.wait(load_cap + cap * len(queries) * reps)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        out.seek(0)
        for line in out:
            data = json.loads(line)
            if "load" in data:
                results["load"] = data["load"]
            elif data.get("error"):
                results["queries"][data["name"]] = f"rdflib error ({data['error']})"
            elif data.get("times") and not data.get("capped"):
                results["queries"][data["name"]] = (f"rdflib {median(data['times']) * 1000:,.0f} ms, "
                                                    f"{data.get('rows')} rows")
            else:
                results["queries"][data["name"]] = f"rdflib > {cap:g} s"
    return results


def _loadgen(url: str, texts_file: str, clients: int, seconds: float, max_requests: int) -> dict:
    done = subprocess.run([sys.executable, str(HERE / "loadgen.py"), "--url", url, "--queries", texts_file,
                           "--clients", str(clients), "--seconds", str(seconds), "--max-requests", str(max_requests)],
                          capture_output=True, text=True, check=True, timeout=seconds + 300)
    return json.loads(done.stdout.strip().splitlines()[-1])


def load_run(servers: Servers, texts: list[str], clients: int, seconds: float, max_requests: int) -> dict:
    """``loadgen.py`` on ``kg serve`` and then on the floor server, the same texts (each request made distinct)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(texts, handle)
    try:
        return {"ours": _loadgen(servers.url, handle.name, clients, seconds, max_requests),
                "floor": _loadgen(servers.raw_url, handle.name, clients, seconds, max_requests)}
    finally:
        os.unlink(handle.name)


BOUND_LOAD = "events_in_province?place=…"  # the bound canned query of the load run (issue 15's measure)


def start_to_first_answer(store: Path, reps: int, workers: int, threads: int) -> dict[str, list[float]]:
    """Seconds from starting ``kg serve --store`` (and, interleaved, ``rawserver.py``) to its first answered
    query, ``reps`` times each: the server process is new each time, the store's pages are warm."""
    times: dict[str, list[float]] = {"ours": [], "floor": []}
    for _ in range(reps):
        for who in ("ours", "floor"):
            port = _free_port()
            started = time.perf_counter()
            process = (Servers._serve(ROOT, store, port, workers, threads) if who == "ours" else
                       subprocess.Popen([sys.executable, str(HERE / "rawserver.py"), str(store), str(port)],
                                        env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL))
            try:
                _wait(f"http://127.0.0.1:{port}/sparql", process, poll=0.005)
                times[who].append(time.perf_counter() - started)
            finally:
                process.terminate()
                process.wait(10)
    return times


def run(quads: int, work: Path, reps: int = 30, budget: float = 30.0, rdflib_cap: float = 30.0,
        rdflib_load_cap: float = 600.0, clients: int = 16, load_seconds: float = 20.0, max_requests: int = 4000,
        workers: int = 4, threads: int = 16, results: Path | None = None, rdflib_reps: int = 3,
        bound_only: bool = False, before: Path | None = None, cache_row: bool = False,
        start_reps: int = 3) -> list[Row]:
    path = store_dir(quads, work)
    store = ox.Store.read_only(str(path))
    size = f"{quads / 1e6:g}M" if quads >= 1e6 else f"{quads / 1e3:g}k"
    nodes = sample_nodes(store)
    queries = canned_queries(nodes) + lookup_queries(nodes)
    if bound_only:  # at 10M an unbound analytic query answers in minutes on every engine
        queries = [q for q in queries if q.kind == "lookup" or "?" in q.name]
    rows: list[Row] = []
    with Servers(path, workers, threads, before) as servers:
        timed = time_queries(queries, store, servers, reps, budget)
        repeated = None
        if cache_row:
            canned = [q for q in queries if q.kind == "canned" and "?" not in q.name]
            pick = min(timed, key=lambda r: abs(median(r["raw"]) - 0.1) if r["name"] in {q.name for q in canned}
                       else float("inf"))  # the unbound canned query nearest 100 ms in-process
            repeated = (pick["name"], time_repeats(next(q for q in canned if q.name == pick["name"]), store,
                                                   servers, reps))
        lookups = [t for q in queries if q.kind == "lookup" for t in q.texts]
        load = load_run(servers, lookups, clients, load_seconds, max_requests)
        bound = next((q for q in queries if q.name == BOUND_LOAD), None)
        bound_load = (load_run(servers, list(bound.texts), clients, load_seconds, max_requests)
                      if bound is not None else None)
    starts = start_to_first_answer(path, start_reps, workers, threads) if start_reps else None
    rdf = (rdflib_times(graph_file(quads, work), queries, rdflib_cap, rdflib_load_cap, rdflib_reps)
           if rdflib_cap > 0 else None)
    all_ours, all_raw, all_before = [], [], []
    for r in timed:
        ours_ms, raw_ms = median(r["ours"]) * 1000, median(r["raw"]) * 1000
        all_ours.append(ours_ms)
        all_raw.append(raw_ms)
        note = (f"p99 {percentile(r['ours'], 99) * 1000:.1f} vs {percentile(r['raw'], 99) * 1000:.1f} ms; "
                f"HTTP floor {median(r['floor']) * 1000:.1f} ms; {r['bytes'] / 1e3:,.0f} kB, {r['rows']} rows; "
                f"{len(r['raw'])} runs")
        if r["before"]:
            all_before.append(median(r["before"]) * 1000)
            note += (f"; before {all_before[-1]:.4g} ms ({all_before[-1] / raw_ms:.2f}x), "
                     f"p99 {percentile(r['before'], 99) * 1000:.1f} ms")
        if r["statuses"] != [200]:
            note += f"; HTTP status {r['statuses']}"
        if rdf is not None:
            note += f"; {rdf['queries'].get(r['name'], 'rdflib not run')}"
        rows.append(Row(BENCH, f"{size} {r['kind']}: {r['name']} (median)", ours_ms, raw_ms, "ms", note))
    ratios = sorted(o / r for o, r in zip(all_ours, all_raw, strict=True))
    rows.append(Row(BENCH, f"{size} median over all queries of the median", median(all_ours), median(all_raw), "ms",
                    f"target ours/raw <= 1.25; median of the per-query ratios {median(ratios):.2f}x"))
    small = [r for r in timed if r["kind"] == "lookup" or "?" in r["name"]]  # lookups and bound canned queries
    if small:
        def med(key: str) -> float:
            return median([median(r[key]) * 1000 for r in small])

        per_query = sorted(median(r["ours"]) / median(r["raw"]) for r in small)
        over_floor = sorted(median(r["ours"]) / median(r["floor"]) for r in small)
        floor_raw = sorted(median(r["floor"]) / median(r["raw"]) for r in small)
        rows.append(Row(BENCH, f"{size} small requests ({len(small)} lookups and bound canned queries), median",
                        med("ours"), med("raw"), "ms",
                        f"target ours/in-process <= 2; per-query ratios {per_query[0]:.2f}-{per_query[-1]:.2f}x "
                        f"(median {median(per_query):.2f}x); ours/floor median {median(over_floor):.2f}x; "
                        f"the bare HTTP floor alone is {median(floor_raw):.2f}x in-process"))
    if all_before:
        rows.append(Row(BENCH, f"{size} median over all queries of the median, before ({before.name})",
                        median(all_before), median(all_raw), "ms",
                        f"same runs; median of the per-query ratios "
                        f"{median(sorted(b / r for b, r in zip(all_before, all_raw, strict=True))):.2f}x"))
    if repeated is not None:
        name, rep = repeated
        rows.append(Row(BENCH, f"{size} the same text repeated: {name} (median)", median(rep["ours"]) * 1000,
                        median(rep["raw"]) * 1000, "ms",
                        f"p99 {percentile(rep['ours'], 99) * 1000:.1f} vs {percentile(rep['raw'], 99) * 1000:.1f} ms; "
                        f"{len(rep['raw'])} runs; the endpoint's answer cache, where it has one"))
    if rdf is not None:
        load_note = f"{rdf['load']:.0f} s" if rdf["load"] else f"not loaded within {rdflib_load_cap:g} s"
        rows.append(Row(BENCH, f"{size} rdflib Dataset parse of the N-Quads", rdf["load"], None, "s", load_note))
    for title, runs, target in (("lookups", load, ""), (f"bound canned query {BOUND_LOAD}", bound_load,
                                                         "; target ours/floor >= 0.6, 0 errors")):
        if runs is None:
            continue
        for who in ("ours", "floor"):
            lr = runs[who]
            label = "kg serve" if who == "ours" else "HTTP floor (rawserver.py)"
            rows.append(Row(BENCH, f"{size} load run, {lr['clients']} clients, {title}: {label}", lr["throughput"],
                            runs["floor"]["throughput"] if who == "ours" else None, "req/s",
                            f"{lr['ok']} ok, {lr['errors']} errors in {lr['seconds']:.0f} s; "
                            f"p50 {lr['p50_ms']:.1f} ms, p99 {lr['p99_ms']:.1f} ms"
                            + (f"; {lr['first_errors'][:1]}" if lr["errors"] else "")
                            + (target if who == "ours" else "")))
    if starts is not None:
        rows.append(Row(BENCH, f"{size} kg serve --store: start to first answer (median of {len(starts['ours'])})",
                        median(starts["ours"]), median(starts["floor"]), "s",
                        f"reference: rawserver.py started the same way; target ours/raw <= 2; runs ours "
                        f"{', '.join(f'{t:.2f}' for t in starts['ours'])} s, raw "
                        f"{', '.join(f'{t:.2f}' for t in starts['floor'])} s"))
    report(rows, results)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quads", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds of runs per query at most")
    parser.add_argument("--rdflib-cap", type=float, default=30.0, help="seconds per rdflib query (0: skip rdflib)")
    parser.add_argument("--rdflib-load-cap", type=float, default=600.0)
    parser.add_argument("--rdflib-reps", type=int, default=3, help="runs of each query on rdflib")
    parser.add_argument("--bound-only", action="store_true", help="only lookups and canned queries bound to a node")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--load-seconds", type=float, default=20.0)
    parser.add_argument("--max-requests", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=4, help="kg serve --workers")
    parser.add_argument("--threads", type=int, default=16, help="kg serve --threads")
    parser.add_argument("--before", type=Path, help="also time kg serve from this source tree, in the same runs")
    parser.add_argument("--start-reps", type=int, default=3, help="server starts timed to the first answer (0: none)")
    parser.add_argument("--cache-row", action="store_true", help="add a row repeating one text (answer cache)")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--results", type=Path)
    args = parser.parse_args()
    run(args.quads, args.work, args.reps, args.budget, args.rdflib_cap, args.rdflib_load_cap, args.clients,
        args.load_seconds, args.max_requests, args.workers, args.threads, args.results, args.rdflib_reps,
        args.bound_only, args.before, args.cache_row, args.start_reps)


if __name__ == "__main__":
    main()
