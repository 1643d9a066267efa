"""Benchmark the publication: an entity page on kg serve, and the static site at growing sizes.

1. ``kg serve`` on the shipped article: the median time of ``GET /id/NAME.html`` (the entity page)
   and ``GET /id/NAME.ttl`` over a sample of entities, first request of each (nothing cached), on one
   keep-alive connection; beside it, in the same run, the raw Oxigraph server behind the site
   answering ``DESCRIBE <iri>`` (Turtle) for the same entities.
2. ``kg publish`` of the shipped article and of ``kg synth --articles N`` corpora: wall time and CPU
   (its children's counted), files and size, into a new folder and again into the same folder (the
   files that did not change are hard-linked, not written); beside it, in the same run, the same
   files written from memory by one process with nothing rendered (what the file system alone
   costs), pyoxigraph loading the same inputs and dumping them once, and rdflib parsing them (the
   raw cost of touching the data).

   With ``--before TREE`` (another checkout of kg, e.g. ``git worktree add /tmp/before REV``), the
   same runs of that tree's ``kg publish`` (its ``src`` first on ``PYTHONPATH``) come first, so a change
   is measured before and after in one run, under the same load.

    python benchmarks/bench_publish.py                       # the article, and 100 synthetic articles
    python benchmarks/bench_publish.py --articles 1000       # the issue's 1 000 articles (minutes)
    python benchmarks/bench_publish.py --no-serve --articles # the static site of the article only
    python benchmarks/bench_publish.py --no-serve --once --before /tmp/before --articles 1000
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import pyoxigraph

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cli import become_subreaper, kg_command, load_line, measured

from kg.load import source_paths
from kg.namespaces import BASE


def _get(connection: http.client.HTTPConnection, path: str, accept: str | None = None) -> float:
    started = time.perf_counter()
    connection.request("GET", path, headers={"Accept": accept} if accept else {})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise SystemExit(f"{path}: HTTP {response.status}")
    return time.perf_counter() - started


def bench_serve(sample: int) -> list[tuple[str, float]]:
    """Median milliseconds of the entity page, its Turtle, and Oxigraph's DESCRIBE, on a fresh kg serve."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        url = ""
        while not url:
            line = process.stdout.readline() if process.stdout else ""
            if not line:
                raise SystemExit(f"kg serve did not start: {process.stderr.read() if process.stderr else ''}")
            match = re.search(r"query page: (\S+)", line)
            url = match.group(1) if match else ""
        parts = urllib.parse.urlsplit(url)
        site = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        _get(site, "/id/kazakhstan.html")  # the publication loads at its first use
        subjects = sorted(
            {
                q.subject.value
                for path in source_paths()[2:]
                for q in pyoxigraph.parse(path=str(path))
                if isinstance(q.subject, pyoxigraph.NamedNode) and q.subject.value.startswith(BASE + "id/")
            }
        )
        chosen = subjects[:: max(1, len(subjects) // sample)][:sample]
        pages = [_get(site, "/" + iri[len(BASE) :] + ".html") for iri in chosen]
        turtle = [_get(site, "/" + iri[len(BASE) :] + ".ttl") for iri in chosen]
        oxigraph_port = re.search(r"--bind 127\.0\.0\.1:(\d+)", _command_of_child(process.pid))
        raw = []
        if oxigraph_port:
            backend = http.client.HTTPConnection("127.0.0.1", int(oxigraph_port.group(1)), timeout=60)
            for iri in chosen:
                query = urllib.parse.urlencode({"query": f"DESCRIBE <{iri}>"})
                raw.append(_get(backend, "/query?" + query, "text/turtle"))
        return [
            (f"kg serve: entity page (.html), median of {len(pages)}", statistics.median(pages) * 1000),
            (f"kg serve: entity description (.ttl), median of {len(turtle)}", statistics.median(turtle) * 1000),
            (
                f"raw Oxigraph server: DESCRIBE (Turtle), median of {len(raw)}",
                statistics.median(raw) * 1000 if raw else float("nan"),
            ),
        ]
    finally:
        process.terminate()
        process.wait(20)


def _command_of_child(pid: int) -> str:
    """The command lines of the processes whose parent is ``pid`` (the Oxigraph server of kg serve)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text(encoding="utf-8").rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append((status.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, IndexError, ValueError):
            continue
    return " ".join(found)


def _split(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """:func:`bench_cli.measured`, the CPU told apart: ``user`` and ``sys`` seconds (children counted). On this
    shared machine the system part (the file system's) swings several-fold between identical runs, the user
    part much less: a change to kg's own work shows in it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    timing = measured(command, env, set())
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {**timing, "user": after.ru_utime - before.ru_utime, "sys": after.ru_stime - before.ru_stime}


def _files(folder: Path) -> list[tuple[str, bytes]]:
    return [(str(p.relative_to(folder)), p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()]


def _write_files(folder: Path, files: list[tuple[str, bytes]]) -> tuple[float, float, float]:
    """Wall, user and system seconds of writing ``files`` under ``folder`` from memory, one process: the file
    system's own cost of the site, with nothing rendered."""
    cpu, started = os.times(), time.perf_counter()
    made: set[Path] = set()
    for name, data in files:
        path = folder / name
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(data)
    done = os.times()
    return time.perf_counter() - started, done.user - cpu.user, done.system - cpu.system


def bench_static(
    data: list[Path] | None, label: str, *, before: Path | None = None, once: bool = False, runs: int = 1
) -> list[tuple[str, float, float, float, int, int]]:
    """(what, wall s, user s, system s (children counted), files, bytes) of kg publish into a new folder (the
    medians of ``runs``, the trees taking turns) and, unless ``once``, again into the same folder, first by
    the ``before`` tree if given; of writing the same files with nothing rendered; and of pyoxigraph and
    rdflib reading the same inputs."""
    rows = []
    trees: list[tuple[str, dict[str, str], Path | None]] = [("", {}, None)]
    if before is not None:  # each tree run by its own kg script (bench_cli.kg_command), its src first
        paths = os.pathsep.join([str(before / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])
        trees = [(" (before)", {"PYTHONPATH": paths}, before), (" (after)", {}, None)]
    with tempfile.TemporaryDirectory(prefix="kg-bench-publish-") as folder:
        timings: dict[str, list[dict[str, float]]] = {tree: [] for tree, _, _ in trees}
        sizes: dict[str, tuple[int, int]] = {}
        # Each run writes a folder of its own, all removed at the end: a run right after thousands of files were
        # removed pays for it (ext4 without a journal passes over the inodes freed in the last minutes when it
        # looks for a free one; on this machine ~80 % of creating a file's system time, by `perf`).
        for run in range(runs):
            for number, (tree, extra, source) in enumerate(trees):
                out = Path(folder) / f"site{number}-{run}"
                data_args = (arg for path in data or [] for arg in ("--data", str(path)))
                command = kg_command("publish", "--out", str(out), *data_args, tree=source)
                env = {**os.environ, "KG_NO_CACHE": "1", **extra}
                timings[tree].append(_split(command, env))
                last = run == runs - 1
                if last:
                    files = _files(out)
                    sizes[tree] = (len(files), sum(len(body) for _, body in files))
                if last and not once:
                    again = _split(command, env)
                    timings[tree + "again"] = [again]
        for tree, _, _ in trees:
            count, size = sizes[tree]
            wall, user, system = (statistics.median(t[key] for t in timings[tree]) for key in ("wall", "user", "sys"))
            what = f"kg publish{tree}, {label}, into a new folder" + (f" (median of {runs})" if runs > 1 else "")
            rows.append((what, wall, user, system, count, size))
            if tree + "again" in timings:
                again = timings[tree + "again"][0]
                what = f"kg publish{tree}, {label}, again into the same folder"
                rows.append((what, again["wall"], again["user"], again["sys"], count, size))
        wall, user, system = _write_files(Path(folder) / "copy", files)
        what = f"the same files written from memory, nothing rendered, {label}"
        rows.append((what, wall, user, system, len(files), size))
    paths = [str(p) for p in source_paths(data)]
    raw = _split([sys.executable, "-c", OXIGRAPH_LOAD_DUMP, *paths], {**os.environ})
    rows.append((f"raw pyoxigraph: load and dump once, {label}", raw["wall"], raw["user"], raw["sys"], 0, 0))
    parse = _split([sys.executable, "-c", RDFLIB_PARSE, *paths], {**os.environ})
    rows.append((f"rdflib: parse, {label}", parse["wall"], parse["user"], parse["sys"], 0, 0))
    return rows


OXIGRAPH_LOAD_DUMP = """
import sys, pyoxigraph
store = pyoxigraph.Store()
for path in sys.argv[1:]:
    store.bulk_load(path=path, format=pyoxigraph.RdfFormat.TURTLE)
store.dump(format=pyoxigraph.RdfFormat.N_QUADS)
"""
RDFLIB_PARSE = """
import sys, rdflib
graph = rdflib.Graph()
for path in sys.argv[1:]:
    graph.parse(path, format="turtle")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=60, help="entities whose pages are timed (default: 60)")
    parser.add_argument("--articles", type=int, nargs="*", default=[100], help="synthetic corpora (default: 100)")
    parser.add_argument("--no-serve", action="store_true", help="only the static site")
    parser.add_argument("--before", type=Path, help="another checkout of kg: its kg publish measured first")
    parser.add_argument("--once", action="store_true", help="not again into the same folder")
    parser.add_argument("--runs", type=int, default=1, help="publishes into a new folder, the median shown")
    args = parser.parse_args()
    become_subreaper()
    # Each tree's bytecode compiled first, as an installed kg has it (its __pycache__ folders): a machine that sets
    # PYTHONDONTWRITEBYTECODE otherwise compiles every module of a tree without it again in every run (~0.3 s).
    for tree in (Path(__file__).resolve().parents[1], *((args.before.resolve(),) if args.before else ())):
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "src")], check=True)
    print(f"Machine: {load_line()} before.\n")
    if not args.no_serve:
        print("| what | median ms |\n|---|---:|")
        for name, ms in bench_serve(args.sample):
            print(f"| {name} | {ms:.1f} |")
        print()
    print("| what | wall s | CPU s (user + sys, children counted) | user s | sys s | files | MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    corpora: list[tuple[list[Path] | None, str]] = [(None, "the article")]
    with tempfile.TemporaryDirectory(prefix="kg-bench-synth-") as folder:
        for n in args.articles:
            path = Path(folder) / f"synth-{n}.ttl"
            subprocess.run(kg_command("synth", "--articles", str(n), "--seed", "0", "--out", str(path)), check=True,
                           stdout=subprocess.DEVNULL)  # fmt: skip
            corpora.append(([path], f"{n:,} synthetic articles"))
        for data, label in corpora:
            for name, wall, user, system, files, size in bench_static(
                data, label, before=args.before, once=args.once, runs=args.runs
            ):
                cells = [f"{x:.2f}" for x in (wall, user + system, user, system)]
                cells += [str(files or ""), f"{size / 1e6:.1f}" if size else ""]
                print(f"| {name} | {' | '.join(cells)} |")
    print(f"\nMachine: {load_line()} after.")


if __name__ == "__main__":
    main()
