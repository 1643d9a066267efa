"""What a query costs its caller in a forked child: the library's queries run in a Python process, as a program
(or the test suite) that calls :func:`kg.sparql.query` many times runs them, each in a child of its own
(:mod:`kg.sparql.sandbox`).

Run from the repository root::

    python benchmarks/bench_children.py                           # this tree
    python benchmarks/bench_children.py --before ../kg-older      # and an older tree, in turns
    python benchmarks/bench_children.py --ballast 0,150,350       # callers holding 0, 150, 350 MB more

Each measurement is a fresh Python process with the tree's ``src`` first on ``PYTHONPATH``: it loads the
shipped data into pyoxigraph, runs every library query once to warm up, then ``--rounds`` times all of them,
each in its child (the suite's generous time limit, so that the child is forked), and prints its CPU (user
and system time, its children's counted) and wall time per query. The trees take turns ``--repeat`` times; the
table gives the medians and the load. A second column group runs a child that does nothing (``lambda: 1``):
the cost of the child itself. ``--ballast`` makes the caller hold that many MB more of small Python objects
before it measures, as a test worker holds its imports and fixtures: a fork copies the caller's page tables and
the child's exit tears them down, so a child costs in proportion to its caller's resident memory. Nothing here
asserts a time.
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

rounds, ballast_mb = int(sys.argv[1]), int(sys.argv[2])
ballast = [("x%d" % i, i, float(i)) for i in range(ballast_mb * 1024 * 1024 // 200)]  # ~200 bytes an entry
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
status = open("/proc/self/status", encoding="utf-8").read() if os.path.exists("/proc/self/status") else ""
rss = next((int(line.split()[1]) // 1024 for line in status.splitlines() if line.startswith("VmRSS:")), None)
print(json.dumps({"queries": count, "library": measure(library, count), "empty": measure(empty, count), "rss": rss}))
"""


def measure(tree: Path, rounds: int, ballast: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(rounds), str(ballast)], capture_output=True, text=True, env=env,
        check=True, timeout=600,
    )  # fmt: skip
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a source tree of an older kg (e.g. a git worktree)")
    parser.add_argument("--rounds", type=int, default=5, help="runs of every library query per measurement (5)")
    parser.add_argument("--repeat", type=int, default=5, help="measurements of each tree, in turns (5)")
    parser.add_argument("--ballast", default="0", help="MB more the caller holds, comma-separated sizes (0)")
    args = parser.parse_args(argv)
    ballasts = [int(mb) for mb in args.ballast.split(",")]
    trees = {"before": args.before.resolve()} if args.before else {}
    trees["this tree"] = ROOT
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    results: dict[tuple[str, int], list[dict]] = {(name, mb): [] for name in trees for mb in ballasts}
    for _ in range(args.repeat):
        for (name, mb), runs in results.items():
            runs.append(measure(trees[name], args.rounds, mb))
    load_after = " ".join(f"{x:.1f}" for x in os.getloadavg())
    count = results["this tree", ballasts[0]][0]["queries"]
    print(f"{count} library queries on pyoxigraph, each in its child, x {args.rounds} rounds; medians of "
          f"{args.repeat} measurements in turns; load {load_before} before, {load_after} after")  # fmt: skip
    print()
    print("| tree | caller's RSS, MB | CPU a query, ms | wall a query, ms | CPU an empty child, ms "
          "| wall an empty child, ms |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|")
    for (name, _), runs in results.items():
        cells = [statistics.median(r[kind][what] for r in runs) * 1000 for kind in ("library", "empty")
                 for what in ("cpu", "wall")]  # fmt: skip
        rss = statistics.median(r["rss"] or 0 for r in runs)
        print(f"| {name} | {rss:.0f} | " + " | ".join(f"{c:.2f}" for c in cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
