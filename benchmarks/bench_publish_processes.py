"""Benchmark where ``kg publish`` of the shipped article spends its time, process by process.

Each run is ``kg publish --out NEW`` (a new folder under ``TMPDIR``) with a few of ``kg.publish``'s steps
wrapped so that each process notes, when it ends its part, the time since the start and its own CPU
(user + system, ``os.times``): the parent when its workers fork, the dumps' process and the worker when
their work is done, the parent when its own part (the explorer, the top pages, the SPARQL page) and then
everything is done. The wall time and the CPU of all the processes are measured from outside. With
``--before TREE`` (another checkout of kg, its ``src`` first on ``PYTHONPATH``) the trees take turns.
Medians. For the closest to an idle machine, run it in an autogroup of its own at nice -20.

    TMPDIR=/dev/shm python benchmarks/bench_publish_processes.py --runs 7 --before /tmp/before
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The traced kg publish: argv[1] the folder, argv[2] the log each process appends its notes to.
TRACED = """
import os, sys, time
started = time.time()
log = sys.argv[2]
def note(what):
    times = os.times()
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"{what} {time.time() - started:.4f} {times.user + times.system:.4f}\\n")
import kg.publish.dumps as dumps, kg.publish.shares as shares, kg.publish.static as static
def wrap(module, name, what):
    inner = getattr(module, name)
    def wrapped(*args, **kwargs):
        out = inner(*args, **kwargs)
        note(what)
        return out
    wrapped.__module__, wrapped.__qualname__ = inner.__module__, inner.__qualname__  # pickled by name
    setattr(module, name, wrapped)
    if hasattr(static, name):
        setattr(static, name, wrapped)
wrap(shares, "compile_pages", "fork")
wrap(shares, "write_share", "worker")
wrap(dumps, "_dumps_of_adopted", "dumps")
wrap(static, "_write_rest", "own part")
import kg.launch
sys.argv = ["kg", "publish", "--out", sys.argv[1]]
code = kg.launch.main()
note("parent")
getattr(kg.launch, "exit_process", sys.exit)(code)
"""


def traced_run(tree: Path) -> dict[str, tuple[float, float]]:
    """One traced kg publish of ``tree``: what -> (seconds since the start, that process's CPU seconds)."""
    folder = Path(tempfile.mkdtemp(prefix="kg-bench-processes-"))
    try:
        log = folder / "log"
        env = {**os.environ, "KG_NO_CACHE": "1", "PYTHONPATH": str(tree / "src")}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        command = [sys.executable, "-c", TRACED, str(folder / "site"), str(log)]
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        notes = {"all": (wall, cpu)}
        for line in log.read_text(encoding="utf-8").splitlines():
            what, at, used = line.rsplit(" ", 2)
            notes[what] = (float(at), float(used))
        return notes
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def rows(runs: list[dict[str, tuple[float, float]]]) -> list[tuple[str, float, float]]:
    """(process, when it ends, its CPU) as medians over ``runs``; the parent's CPU after the fork apart."""

    def median(pick: object) -> float:
        return statistics.median(pick(run) for run in runs)  # type: ignore[operator]

    return [
        ("the parent, until the workers fork", median(lambda r: r["fork"][0]), median(lambda r: r["fork"][1])),
        ("the dumps' process", median(lambda r: r["dumps"][0]), median(lambda r: r["dumps"][1])),
        ("the worker", median(lambda r: r["worker"][0]), median(lambda r: r["worker"][1])),
        (
            "the parent's own part, after the fork",
            median(lambda r: r["own part"][0]),
            median(lambda r: r["own part"][1] - r["fork"][1]),
        ),
        (
            "the parent, after the fork (its part and chunks)",
            median(lambda r: r["parent"][0]),
            median(lambda r: r["parent"][1] - r["fork"][1]),
        ),
        (
            "kg publish, from outside: wall, all processes' CPU",
            median(lambda r: r["all"][0]),
            median(lambda r: r["all"][1]),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs of each tree, in turns (default: 5)")
    parser.add_argument("--before", type=Path, help="another checkout of kg, measured in turns with this one")
    args = parser.parse_args()
    trees = {"before": args.before, "after": ROOT} if args.before else {"this tree": ROOT}
    for tree in trees.values():  # bytecode first: without it every run compiles every module
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "src")], check=True, capture_output=True)
    print(f"Machine: load average {', '.join(f'{x:.2f}' for x in os.getloadavg())} before.\n")
    results: dict[str, list[dict[str, tuple[float, float]]]] = {name: [] for name in trees}
    for _ in range(args.runs):
        for name, tree in trees.items():
            results[name].append(traced_run(tree))
    names = list(trees)
    print("| process | " + " | ".join(f"{name}: ends at (s); CPU (s)" for name in names) + " |")
    print("|---|" + "---:|" * len(names))
    table = {name: rows(results[name]) for name in names}
    for index, (what, _, _) in enumerate(table[names[0]]):
        cells = " | ".join(f"{table[name][index][1]:.3f}; {table[name][index][2]:.3f}" for name in names)
        print(f"| {what} | {cells} |")
    print(f"\nMedians of {args.runs}. Machine: load average {', '.join(f'{x:.2f}' for x in os.getloadavg())} after.")


if __name__ == "__main__":
    main()
