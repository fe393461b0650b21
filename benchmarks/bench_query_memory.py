"""What the query memory ceiling does to a memory bomb: peak worker memory and time to an answer, with and without it.

The bomb is the reported one (nested ``CONCAT`` quadrupling a string per level, ~570 bytes of text). Each
run starts a ``QueryPool`` of one worker, sends the bomb, samples the worker's resident memory every 20 ms
(psutil) until the answer, and then times a small query to show the endpoint answers again (the worker
replaced). "no cap" runs a smaller bomb (``--levels-uncapped``) so the machine survives the comparison.

    python benchmarks/bench_query_memory.py                 # cap 512 MB vs none
    python benchmarks/bench_query_memory.py --cap 1024 --levels 14 --levels-uncapped 12
"""

from __future__ import annotations

import argparse
import threading
import time

import psutil

from kg.server.engine import QueryJob, QueryPool
from kg.store import KGStore


def bomb(levels: int) -> str:
    binds = " ".join(f"BIND(CONCAT(?v{i},?v{i},?v{i},?v{i}) AS ?v{i + 1})" for i in range(levels))
    return f'SELECT (STRLEN(?v{levels}) AS ?n) WHERE {{ BIND("{"a" * 64}" AS ?v0) {binds} }}'


def run(cap_mb: int, levels: int, timeout: float) -> dict:
    pool = QueryPool(KGStore(), 1, read_only=True, memory_mb=cap_mb)
    try:
        assert pool.wait_ready(60)
        worker = next(iter(pool._workers))
        proc = psutil.Process(worker.process.pid)
        peak, done = 0, threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                try:
                    peak = max(peak, proc.memory_info().rss)
                except psutil.Error:
                    return
                time.sleep(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.perf_counter()
        outcome = pool.run(QueryJob(text=bomb(levels), fmt="json"), timeout)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        started = time.perf_counter()
        assert pool.wait_ready(60)  # a worker killed by the cap or the time limit has been replaced
        after = pool.run(QueryJob(text="ASK {}", fmt="json"), timeout)
        return {"cap MB": cap_mb or "none", "levels": levels, "bomb text bytes": len(bomb(levels)),
                "status": outcome.status, "answer s": round(seconds, 2), "peak worker RSS MB": peak // 2**20,
                "next answer": after.status, "worker ready again s": round(time.perf_counter() - started, 2),
                "message": outcome.body.decode()[:60].strip()}
    finally:
        pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cap", type=int, default=512)
    parser.add_argument("--levels", type=int, default=14)
    parser.add_argument("--levels-uncapped", type=int, default=12)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    rows = [run(args.cap, args.levels, args.timeout), run(args.cap, args.levels_uncapped, args.timeout),
            run(0, args.levels_uncapped, args.timeout)]
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("| " + " | ".join("---" for _ in keys) + " |")
    for row in rows:
        print("| " + " | ".join(str(row[k]) for k in keys) + " |")


if __name__ == "__main__":
    main()
