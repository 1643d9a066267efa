"""Benchmark the publication: an entity page on kg serve, and the static site at growing sizes.

1. ``kg serve`` on the shipped article: the median time of ``GET /id/NAME.html`` (the entity page)
   and ``GET /id/NAME.ttl`` over a sample of entities, first request of each (nothing cached), on one
   keep-alive connection; beside it, in the same run, the raw Oxigraph server behind the site
   answering ``DESCRIBE <iri>`` (Turtle) for the same entities.
2. ``kg publish`` of the shipped article and of ``kg synth --articles N`` corpora: wall time (the
   children's time counted), files and size; beside it, in the same run, pyoxigraph loading the
   same files and dumping them as Turtle once, and rdflib parsing them (the raw cost of touching
   the data).

    python benchmarks/bench_publish.py                       # the article, and 100 synthetic articles
    python benchmarks/bench_publish.py --articles 1000       # the issue's 1 000 articles (minutes)
"""

from __future__ import annotations

import argparse
import http.client
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
from rdflib import Graph

from kg.load import source_paths
from kg.namespaces import BASE


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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


def bench_static(data: list[Path] | None, label: str) -> list[tuple[str, float, int, int]]:
    """Seconds, files and bytes of kg publish; seconds of pyoxigraph and rdflib reading the same files."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-publish-") as folder:
        out = Path(folder) / "site"
        command = [sys.executable, "-m", "kg", "publish", "--out", str(out)]
        for path in data or []:
            command += ["--data", str(path)]
        cpu = _children_cpu()
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - started
        files = [p for p in out.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        rows.append((f"kg publish, {label} (wall; CPU {_children_cpu() - cpu:.1f} s)", wall, len(files), size))
    paths = source_paths(data)
    started = time.perf_counter()
    store = pyoxigraph.Store()
    for path in paths:
        store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    store.dump(format=pyoxigraph.RdfFormat.N_QUADS)
    rows.append((f"raw pyoxigraph: load and dump once, {label}", time.perf_counter() - started, 1, 0))
    started = time.perf_counter()
    graph = Graph()
    for path in paths:
        graph.parse(path)
    rows.append((f"rdflib: parse, {label} ({len(graph)} triples)", time.perf_counter() - started, 0, 0))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=60, help="entities whose pages are timed (default: 60)")
    parser.add_argument("--articles", type=int, nargs="*", default=[100], help="synthetic corpora (default: 100)")
    args = parser.parse_args()
    print("| what | median ms |\n|---|---:|")
    for name, ms in bench_serve(args.sample):
        print(f"| {name} | {ms:.1f} |")
    print("\n| what | seconds | files | MB |\n|---|---:|---:|---:|")
    runs: list[tuple[list[Path] | None, str]] = [(None, "the article")]
    with tempfile.TemporaryDirectory(prefix="kg-bench-synth-") as folder:
        for n in args.articles:
            path = Path(folder) / f"synth-{n}.ttl"
            subprocess.run([sys.executable, "-m", "kg", "synth", "--articles", str(n), "--out", str(path)], check=True,
                           stdout=subprocess.DEVNULL)  # fmt: skip
            runs.append(([path], f"{n} synthetic articles"))
        for data, label in runs:
            for name, seconds, files, size in bench_static(data, label):
                print(
                    f"| {name} | {seconds:.2f} | {files or ''} | {size / 1e6 if size else '':{'.1f' if size else ''}} |"
                )


if __name__ == "__main__":
    main()
