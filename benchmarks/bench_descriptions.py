"""Benchmark the resources' RDF documents of the static site: every description in Turtle, N-Triples, JSON-LD and
RDF/XML, written and re-read (checked isomorphic), as ``kg publish`` makes them, in one process.

The CPU time of the resources' descriptions (one per resource, a document's graph once for all the IRIs that
name it, as ``kg publish`` does) and, apart, of the whole-graph documents (the ontology, the vocabularies,
the shapes, the dataset description and the data: at 1 000 articles the data graph alone is written from the
store, ``kg.writers.stored``); beside them, in the same process, the raw floor of the re-read: pyoxigraph's
parser reading the same texts (every written file is read back by it, so no change of the writers goes under
it). Without ``kg publish``'s pages, files and workers: what the descriptions cost, measured alone.

With ``--before TREE`` (another checkout of kg, its ``src`` first on ``PYTHONPATH``), the same measure of that
tree's code runs in turns with this tree's, each in a process of its own, medians of ``--runs``; a fresh
process is as cold as a ``kg publish`` worker (no term kept from an earlier run).

    python benchmarks/bench_descriptions.py                                   # the article
    python benchmarks/bench_descriptions.py --before /tmp/before --runs 5     # a change, before and after
    python benchmarks/bench_descriptions.py --data corpus.ttl --every 8       # every 8th resource of a corpus
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def measure(data: list[str], every: int) -> dict[str, float]:
    """Render the four RDF documents of every ``every``-th resource; CPU seconds and counts."""
    import pyoxigraph

    from kg.publish.description import load_publication
    from kg.publish.documents import render_descriptions
    from kg.publish.pages import Renderer
    from kg.publish.paths import RDF_SUFFIXES
    from kg.sources import Sources

    sources = Sources(data or None)
    publication = load_publication(sources=sources)
    publication.read_ahead()
    if sources.store_writes_as_read:  # as kg publish asks it, once before its workers fork
        publication.files_as_read = frozenset(sources.paths)
    iris = sorted(publication.stems)[::every]
    renderers: dict[int, Renderer] = {}
    texts: list[tuple[str, str]] = []
    cpu = {"resources": 0.0, "documents": 0.0}
    count = {"resources": 0, "documents": 0}
    seen: set[str] = set()
    for iri in iris:
        graph = publication.documents.get(iri)
        if graph is not None and graph in seen:
            continue
        seen.add(graph or iri)
        depth = publication.stems[iri].count("/")
        renderer = renderers.setdefault(depth, Renderer(publication, root="../" * depth, static=True))
        part = "documents" if graph is not None else "resources"
        started = time.process_time()
        written = render_descriptions(renderer, iri)
        cpu[part] += time.process_time() - started
        count[part] += 1
        if part == "resources":
            texts.extend((RDF_SUFFIXES[ext], text) for ext, text in written.items())
    formats = {"turtle": "TURTLE", "nt": "N_TRIPLES", "jsonld": "JSON_LD", "xml": "RDF_XML"}
    statements = 0
    started = time.process_time()
    for name, text in texts:
        statements += sum(1 for _ in pyoxigraph.parse(text, format=getattr(pyoxigraph.RdfFormat, formats[name])))
    floor = time.process_time() - started
    return {**{f"{k} s": v for k, v in cpu.items()}, **count, "statements": statements / 4, "parse s": floor}


def run_child(tree: Path | None, data: list[str], every: int) -> dict[str, float]:
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(tree / "src"), *filter(None, [env.get("PYTHONPATH")])])
    command = [sys.executable, __file__, "--child", "--every", str(every), *(["--data", *data] if data else [])]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", nargs="*", default=[], help="data files (default: the shipped article)")
    parser.add_argument("--every", type=int, default=1, help="every N-th resource only (default: all)")
    parser.add_argument("--before", type=Path, help="another checkout of kg, measured in turns with this one")
    parser.add_argument("--runs", type=int, default=3, help="runs of each tree (default: 3); the medians shown")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.data, args.every)))
        return
    trees: dict[str, Path | None] = {"this tree": None}
    if args.before is not None:
        trees = {"before": args.before.resolve(), "after": None}
    results: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    print(f"Machine: load average {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs before.")
    for _ in range(args.runs):
        for name, tree in trees.items():
            results[name].append(run_child(tree, args.data, args.every))
    first = results[next(iter(trees))][0]
    print(
        f"\n{int(first['resources'])} resources' descriptions ({first['statements']:.0f} statements each in four "
        f"syntaxes) and {int(first['documents'])} whole-graph documents; CPU s, median of {args.runs}, in turns.\n"
    )
    print("| what | " + " | ".join(trees) + " |")
    print("|---|" + "---:|" * len(trees))
    rows = [
        ("the resources' four documents, written and re-read", "resources s"),
        ("the whole-graph documents, written and re-read", "documents s"),
        ("raw: pyoxigraph parsing the resources' texts (the re-read's floor)", "parse s"),
    ]
    for label, key in rows:
        print(
            f"| {label} | " + " | ".join(f"{statistics.median(r[key] for r in results[n]):.3f}" for n in trees) + " |"
        )
    ratios = [
        statistics.median(r["resources s"] for r in results[n]) / statistics.median(r["parse s"] for r in results[n])
        for n in trees
    ]
    print("| the resources' documents / the raw parse | " + " | ".join(f"{x:.2f}×" for x in ratios) + " |")
    print(f"\nMachine: load average {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs after.")


if __name__ == "__main__":
    main()
