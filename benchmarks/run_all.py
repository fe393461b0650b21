"""Run the whole benchmark suite at one size and print one table (and write it to a Markdown file).

    python benchmarks/run_all.py --size small      # < 10 minutes on 2 cores: the everyday check
    python benchmarks/run_all.py --size large      # 1M and 10M quads, 10k documents: an hour or more
    python benchmarks/run_all.py --size tiny       # seconds: what the smoke test runs

Each benchmark runs in a process of its own (clean memory figures, no state carried over) and
appends its rows to a JSON-lines results file; the table printed at the end is made from that file.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import DEFAULT_WORK, machine, read_results, table  # noqa: E402

HERE = Path(__file__).resolve().parent

SIZES: dict[str, list[list[str]]] = {
    "tiny": [
        ["bench_store.py", "--quads", "5000", "--docs", "20"],
        ["bench_merge.py", "--docs", "100", "--windows", "2"],
        ["bench_endpoint.py", "--quads", "5000", "--reps", "3", "--budget", "2", "--rdflib-cap", "5",
         "--load-seconds", "2", "--max-requests", "100", "--clients", "4", "--workers", "1", "--threads", "4"],
        ["bench_build.py", "--docs", "8", "--warmup", "4", "--no-parallel"],
    ],
    "small": [
        ["bench_store.py", "--quads", "100000", "--docs", "300"],
        ["bench_merge.py", "--docs", "1000"],
        ["bench_endpoint.py", "--quads", "100000", "--reps", "10", "--budget", "4", "--rdflib-cap", "10",
         "--load-seconds", "10", "--max-requests", "1000"],
        ["bench_build.py", "--docs", "150", "--warmup", "60", "--memory", "50", "150"],
    ],
    "large": [
        ["bench_store.py", "--quads", "1000000"],
        ["bench_store.py", "--quads", "10000000", "--no-disk"],
        ["bench_merge.py", "--docs", "10000", "--windows", "20"],
        ["bench_endpoint.py", "--quads", "1000000", "--reps", "20", "--budget", "20", "--rdflib-cap", "20",
         "--rdflib-reps", "1", "--rdflib-load-cap", "400"],
        ["bench_endpoint.py", "--quads", "10000000", "--reps", "20", "--budget", "20", "--rdflib-cap", "0",
         "--bound-only"],
        ["bench_build.py", "--docs", "1000", "--memory", "250", "500", "1000"],
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--out", type=Path, help="Markdown file for the table (default: WORK/results-SIZE.md)")
    parser.add_argument("--only", nargs="*", help="run only these scripts (e.g. bench_store.py)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results = args.work / f"results-{args.size}.jsonl"
    results.unlink(missing_ok=True)
    started = time.perf_counter()
    header = f"conflict-kg benchmarks, size {args.size}: {machine()}"
    print(header, flush=True)
    failed = []
    for script, *options in SIZES[args.size]:
        if args.only and script not in args.only:
            continue
        command = [sys.executable, str(HERE / script), *options, "--results", str(results)]
        if script != "bench_merge.py":
            command += ["--work", str(args.work)]
        print(f"\n$ python benchmarks/{script} {' '.join(options)}", flush=True)
        began = time.perf_counter()
        if subprocess.run(command).returncode != 0:
            failed.append(script)
        print(f"({time.perf_counter() - began:.0f} s)", flush=True)
    rows = read_results(results) if results.exists() else []
    text = (f"{header}\n\ncommand: python benchmarks/run_all.py --size {args.size} "
            f"({time.perf_counter() - started:.0f} s)\n\n{table(rows)}\n")
    out = args.out or args.work / f"results-{args.size}.md"
    out.write_text(text, encoding="utf-8")
    print("\n" + text + f"\n(table written to {out})")
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
