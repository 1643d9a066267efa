"""Timings of the exporters on the shipped data, one line per writer (a plain script, no pytest plugin).

    python benchmarks/bench_export.py            # medians of 5 runs
    python benchmarks/bench_export.py --runs 1

Each writer is timed on the loaded parts (parsing is timed once, separately), so a slower
writer shows up on its own line. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any


def median_time(runs: int, step: Callable[[], Any]) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = step()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each writer (default: 5)")
    args = parser.parse_args(argv)

    from kg.export import FORMATS, select_parts, serialize, with_description

    load, triples = median_time(args.runs, lambda: select_parts("all"))
    quads = with_description(triples)
    print(f"| step | median of {args.runs} (s) | characters |")
    print("|---|---:|---:|")
    print(f"| load the parts | {load:.3f} | |")
    for name, fmt in FORMATS.items():
        took, text = median_time(
            args.runs, lambda fmt=fmt, name=name: serialize(quads if fmt.dataset else triples, name)
        )
        print(f"| write {name} | {took:.3f} | {len(text):,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
