"""Shared helpers of the benchmark scripts: the machine, timers, percentiles, result tables.

Every benchmark prints a table of rows ``(benchmark, measure, ours, raw engine, ratio, unit)`` and
appends the same rows as JSON lines to ``--results FILE`` (if given), so ``run_all.py`` can print one
table for the whole suite and the README can quote it.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_WORK = Path(os.environ.get("KG_BENCH_DIR", "/tmp/kg-bench"))


@dataclass
class Row:
    bench: str
    measure: str
    ours: float | None
    raw: float | None = None
    unit: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """ours / raw: for rates 1.0 is as fast as the engine and lower is slower; for latencies
        (unit ms) 1.0 is as fast and higher is slower."""
        if not self.ours or not self.raw:
            return None
        return self.ours / self.raw


def machine() -> str:
    cores = os.cpu_count()
    try:
        with open("/proc/meminfo") as handle:
            kb = int(next(line for line in handle if line.startswith("MemTotal")).split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, StopIteration):
        memory = "?"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{cores} cores, {memory} RAM, {platform.system()} {platform.machine()}, Python "
            f"{platform.python_version()}, load average {load:.1f}, "
            f"{datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}")


@contextmanager
def timer():
    """``with timer() as t: ...`` then ``t()`` is the elapsed seconds."""
    started = time.perf_counter()
    end: list[float] = []
    yield lambda: (end[0] if end else time.perf_counter()) - started
    end.append(time.perf_counter())


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank: p99 of 100 samples is the 99th smallest."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024
    except OSError:
        return peak_rss_mb()


def fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if value != value:  # NaN
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.2f}"
    return f"{value:.3g}"


def table(rows: list[Row]) -> str:
    """A Markdown table: usable in the terminal and pasted as is into README.md."""
    lines = ["| benchmark | measure | conflict-kg | raw engine | ratio | unit | note |",
             "| --- | --- | ---: | ---: | ---: | --- | --- |"]
    for r in rows:
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "—"
        lines.append(f"| {r.bench} | {r.measure} | {fmt(r.ours)} | {fmt(r.raw)} | {ratio} | {r.unit} | {r.note} |")
    return "\n".join(lines)


def report(rows: list[Row], results: Path | None) -> None:
    """Print the rows as a table and append them to the results file (JSON lines)."""
    print(table(rows), flush=True)
    if results:
        results.parent.mkdir(parents=True, exist_ok=True)
        with results.open("a", encoding="utf-8") as handle:
            for r in rows:
                handle.write(json.dumps({**asdict(r), "ratio": r.ratio}) + "\n")


def read_results(results: Path) -> list[Row]:
    rows = []
    for line in results.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        data.pop("ratio", None)
        rows.append(Row(**data))
    return rows
