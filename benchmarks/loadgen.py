"""The load run: N concurrent clients on loopback, from a process of their own, bounded in requests
and time. Prints one JSON line: requests, errors, seconds, throughput, p50/p99 latency (ms).

    python benchmarks/loadgen.py --url http://127.0.0.1:8765/sparql --queries q.json --clients 16
"""

from __future__ import annotations

import argparse
import itertools
import json
import threading
import time
from pathlib import Path

import httpx

ACCEPT = "application/sparql-results+json"


def run(url: str, queries: list[str], clients: int, seconds: float, max_requests: int) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = itertools.count()
    deadline = time.perf_counter() + seconds

    def client(offset: int) -> None:
        with httpx.Client(timeout=60.0) as http:
            while time.perf_counter() < deadline:
                n = next(counter)
                if n >= max_requests:
                    return
                query = f"{queries[(n + offset) % len(queries)]}\n# request {n}\n"  # never a cached answer
                started = time.perf_counter()
                try:
                    response = http.post(url, content=query.encode("utf-8"),
                                         headers={"Content-Type": "application/sparql-query", "Accept": ACCEPT})
                    ok = response.status_code == 200
                    problem = f"HTTP {response.status_code}: {response.text[:120]}"
                except httpx.HTTPError as exc:
                    ok, problem = False, f"{type(exc).__name__}: {exc}"
                elapsed = time.perf_counter() - started
                with lock:
                    (latencies.append(elapsed) if ok else errors.append(problem))

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i * 7,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - started
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))] * 1000 if ordered \
            else float("nan")

    return {"requests": len(latencies) + len(errors), "ok": len(latencies), "errors": len(errors),
            "first_errors": errors[:3], "seconds": took, "throughput": len(latencies) / took,
            "p50_ms": pct(50), "p99_ms": pct(99), "clients": clients}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--queries", type=Path, required=True, help="JSON list of query texts")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--max-requests", type=int, default=5000)
    args = parser.parse_args()
    queries = json.loads(args.queries.read_text(encoding="utf-8"))
    print(json.dumps(run(args.url, queries, args.clients, args.seconds, args.max_requests)))


if __name__ == "__main__":
    main()
