"""What a query costs its caller in a forked child: the library's queries run in a Python process, as a program
(or the test suite) that calls :func:`kg.sparql.query` many times runs them, each in a child of its own
(:mod:`kg.sparql.sandbox`).

Run from the repository root::

    python benchmarks/bench_children.py                           # this tree
    python benchmarks/bench_children.py --before ../kg-older      # and an older tree, in turns

Each measurement is a fresh Python process with the tree's ``src`` first on ``PYTHONPATH``: it loads the
shipped data into pyoxigraph, runs every library query once to warm up, then ``--rounds`` times all of them,
each in its child (the suite's generous time limit, so that the child is forked), and prints its CPU (user
and system time, its children's counted) and wall time per query. The trees take turns ``--repeat`` times; the
table gives the medians and the load. A second column group runs a child that does nothing (``lambda: 1``):
the cost of the child itself. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The measurement, run in a fresh process of the tree measured.
_PROBE = """
import json, os, sys, time
from kg.sparql.engines import open_engine
from kg.sparql.files import list_queries
from kg.sparql.library import run_query
from kg.sparql.sandbox import run_isolated

rounds = int(sys.argv[1])
engine, queries = open_engine("oxigraph"), list_queries()
def cpu():
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system
def measure(work, count):
    began, wall = cpu(), time.monotonic()
    for _ in range(rounds):
        work()
    return {"cpu": (cpu() - began) / (rounds * count), "wall": (time.monotonic() - wall) / (rounds * count)}
def library():
    for q in queries:
        run_query(q, engine=engine, timeout=600, max_rows=None)
def empty():
    for _ in queries:
        run_isolated(lambda: 1, timeout=600)
library()
count = len(queries)
print(json.dumps({"queries": count, "library": measure(library, count), "empty": measure(empty, count)}))
"""


def measure(tree: Path, rounds: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(rounds)], capture_output=True, text=True, env=env, check=True, timeout=600
    )
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a source tree of an older kg (e.g. a git worktree)")
    parser.add_argument("--rounds", type=int, default=5, help="runs of every library query per measurement (5)")
    parser.add_argument("--repeat", type=int, default=5, help="measurements of each tree, in turns (5)")
    args = parser.parse_args(argv)
    trees = {"before": args.before.resolve()} if args.before else {}
    trees["this tree"] = ROOT
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    results: dict[str, list[dict]] = {name: [] for name in trees}
    for _ in range(args.repeat):
        for name, tree in trees.items():
            results[name].append(measure(tree, args.rounds))
    load_after = " ".join(f"{x:.1f}" for x in os.getloadavg())
    count = results["this tree"][0]["queries"]
    print(f"{count} library queries on pyoxigraph, each in its child, x {args.rounds} rounds; medians of "
          f"{args.repeat} measurements in turns; load {load_before} before, {load_after} after")  # fmt: skip
    print()
    print("| tree | CPU a query, ms | wall a query, ms | CPU an empty child, ms | wall an empty child, ms |")
    print("|---|---:|---:|---:|---:|")
    for name, runs in results.items():
        cells = [statistics.median(r[kind][what] for r in runs) * 1000 for kind in ("library", "empty")
                 for what in ("cpu", "wall")]  # fmt: skip
        print(f"| {name} | " + " | ".join(f"{c:.2f}" for c in cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
