"""A repeated `kg query` answered by the warm query process: mean CPU per request, client and warm process apart.

Run from the repository root::

    python benchmarks/bench_warm.py                                   # the article, 15 requests a query
    python benchmarks/bench_warm.py --data corpus-1000.ttl cq01-agreements-and-parties cq23-mentions-in-order
    python benchmarks/bench_warm.py --before ../kg-old                # an older kg's source tree too, same run

For each kg source tree (this one, and ``--before``'s), a warm process of that tree is started
on the inputs and loaded before any timing; then each query runs ``--requests`` times as a shell
runs it (``python -m kg query NAME``). The client's CPU is that of the process and its children
(this script is their "child subreaper"); the warm process's CPU is read from ``/proc/PID/stat``
(its own and its reaped workers' time) before and after the requests, once it has reaped every
worker, and divided by their number: ``/proc`` counts in ticks of 10 ms, so one request's
few milliseconds are only seen as a mean over many. Trees are measured one after the other,
interleaving nothing; state the load. Nothing asserts a time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_cli import ROOT, become_subreaper, load_line, measured, settled_cpu, start_warm

QUERIES = ("cq01-agreements-and-parties", "cq03-people-and-posts", "cq23-mentions-in-order")


def measure_tree(tree: Path, data: str | None, requests: int, queries: list[str], cache: Path) -> list[dict]:
    """Mean CPU per request of each query on ``tree``'s kg, answered by its warm process."""
    cache.chmod(0o700)
    env = {k: v for k, v in os.environ.items() if k != "KG_NO_CACHE"}
    env.update(
        {
            "KG_CACHE_DIR": str(cache),
            "KG_CACHE_IDLE": "600",
            "KG_MAX_INPUT_BYTES": str(1 << 30),
            "PYTHONPATH": str(tree / "src"),
        }
    )
    data_args = ["--data", data] if data else []
    server = start_warm(tree, env, data_args)
    ask = "from kg import warm; s = warm.info(); print(s['pid'] if s and s['stores'] else '')"
    rows = []
    try:
        deadline = time.monotonic() + 900
        while True:  # the tree's own kg.warm is asked: its socket's name may differ from this one's
            found = subprocess.run([sys.executable, "-c", ask], env=env, capture_output=True, text=True, cwd=tree)
            if found.stdout.strip():
                pid = int(found.stdout.strip())
                break
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"no warm process of {tree} came up: {found.stderr[-300:]}")
            time.sleep(0.2)
        exclude = {server.pid, pid}
        for name in queries:
            command = [sys.executable, "-m", "kg", "query", name, *data_args, "--timeout", "300"]
            measured(command, env, exclude)  # once, unmeasured
            before = settled_cpu(pid)
            client = sum(measured(command, env, exclude)["cpu"] for _ in range(requests))
            warm = settled_cpu(pid) - before
            rows.append({"query": name, "client": client / requests, "warm": warm / requests})
    finally:
        subprocess.run([sys.executable, "-m", "kg", "cache", "clear"], env=env, capture_output=True, cwd=tree)
        server.wait(timeout=120)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("queries", nargs="*", default=list(QUERIES), help="library queries (default: a few)")
    parser.add_argument("--data", help="a data file (default: the article)")
    parser.add_argument("--requests", type=int, default=15, help="requests of each query (default: 15)")
    parser.add_argument("--before", type=Path, help="an older kg's source tree, measured the same way first")
    args = parser.parse_args(argv)
    become_subreaper()
    command = "python benchmarks/bench_warm.py " + " ".join(argv if argv is not None else sys.argv[1:])
    load_before = load_line()
    trees = ([("before", args.before.resolve())] if args.before else []) + [("after", ROOT)]
    data = str(Path(args.data).resolve()) if args.data else None
    results = {}
    for label, tree in trees:
        cache = Path(tempfile.mkdtemp(prefix="kgw"))  # short: a socket's path has at most 107 bytes
        try:
            results[label] = {r["query"]: r for r in measure_tree(tree, data, args.requests, args.queries, cache)}
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    print(f"Command: `{command.strip()}`\n")
    print(f"Machine load: {load_before} before, {load_line()} after.\n")
    print("| query | tree | client CPU s | warm process CPU s | total |")
    print("|---|---|---:|---:|---:|")
    for name in args.queries:
        for label, _ in trees:
            r = results[label][name]
            total = r["client"] + r["warm"]
            print(f"| {name} | {label} | {r['client']:.4f} | {r['warm']:.4f} | {total:.4f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
