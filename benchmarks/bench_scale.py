"""How kg scales: load, validate, every library query, projection, explorer and export on 1 to 10 000 articles.

Run from the repository root::

    python benchmarks/bench_scale.py                      # 1, 100, 1000 articles; tables on stdout
    python benchmarks/bench_scale.py --sizes 1,100,1000,10000 --runs 3
    python benchmarks/bench_scale.py --quick              # 1 and 100 articles, one run, tables on stdout (CI)

The corpus of each size is ``kg synth --articles N --seed 0``. Every case runs in a child
process of its own (this script, with ``--worker``): the child times its steps with
``time.perf_counter`` and prints them as JSON; this process reads the child's peak resident
memory from the kernel's accounting of that one child (``os.wait4``, the per-child form of
``getrusage(RUSAGE_CHILDREN)``). Times are medians of ``--runs`` runs, in seconds; the
ratios compare figures of the same run of this script. Nothing here asserts a time: the
targets of issue 14 are printed beside the figures, with how far off a missed one is.

The layers compared on every library query (the text each engine runs is the one kg
prepares, parameters at their defaults, so only the layers differ):

- **rdflib**: ``rdflib.Graph`` in memory, ``Graph.query``, rows materialised;
- **kg**: ``kg.query(name, engine=<oxigraph engine>)`` and the table it prints, on a store
  loaded once the way ``kg query`` loads it (kg's default engine: pyoxigraph);
- **server**: the same through ``kg.query(name, endpoint=...)`` on the Oxigraph server
  over HTTP (``kg.store_server.start_server``);
- **pyoxigraph**: ``pyoxigraph.Store.query`` on a store loaded with ``Store.load``, rows
  materialised: the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SIZES = (1, 100, 1000)
QUICK_SIZES = (1, 100)
#: Workers, in the order they run for each size: the query layers, then kg's other steps.
QUERY_LAYERS = ("rdflib", "kg", "server", "pyoxigraph")
STEPS = ("validate", "project", "explore", "export")
#: Issue 14's targets at 1 000 articles.
TARGET_LOAD_S = 1.0
TARGET_QUERY_S = 0.2
TARGET_SPEEDUP_JOIN = 20.0
TARGET_RATIO_TO_FLOOR = 2.0
TARGET_RSS_MB = 300.0
#: A query is "join-heavy" when rdflib needs at least this long for it at the size measured.
JOIN_HEAVY_RDFLIB_S = 0.1


# --------------------------------------------------------------------------- workers (child processes)


def _timed(runs: int, step: Callable[[], Any]) -> tuple[list[float], Any]:
    times, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = step()
        times.append(time.perf_counter() - start)
    return times, value


#: Queries over the whole corpus (the library's are anchored on the shipped article's IRIs,
#: so most of them match nothing in a synthetic corpus): a join, a provenance lookup, an aggregate.
CORPUS_QUERIES = {
    "corpus-join-agreements": """
        SELECT ?agreement ?agreementLabel ?kindLabel ?partyLabel ?countryLabel WHERE {
          ?agreement a kg:Agreement ; rdfs:label ?agreementLabel ;
                     kg:agreementKind/skos:prefLabel ?kindLabel ; kg:party ?party .
          ?party rdfs:label ?partyLabel ; kg:country/rdfs:label ?countryLabel .
          FILTER (LANG(?agreementLabel) = "en" && LANG(?kindLabel) = "en"
                  && LANG(?partyLabel) = "en" && LANG(?countryLabel) = "en")
        } ORDER BY ?agreement ?party""",
    "corpus-join-statements": """
        SELECT ?statement ?speakerLabel ?hostLabel ?topicLabel WHERE {
          ?statement a kg:Statement ; kg:speaker ?speaker ; kg:occasion ?meeting ; kg:topic ?topic .
          ?meeting kg:subEventOf ?visit . ?visit kg:destination ?host .
          ?speaker rdfs:label ?speakerLabel . ?host rdfs:label ?hostLabel . ?topic skos:prefLabel ?topicLabel .
          FILTER (LANG(?speakerLabel) = "en" && LANG(?hostLabel) = "en" && LANG(?topicLabel) = "en")
        } ORDER BY ?statement""",
    "corpus-provenance-kazakhstan": """
        SELECT ?mention ?article ?begin ?end ?quote WHERE {
          ?mention itsrdf:taIdentRef kgi:kazakhstan ; nif:referenceContext ?article ;
                   nif:beginIndex ?begin ; nif:endIndex ?end ; nif:anchorOf ?quote .
        } ORDER BY ?article ?begin""",
    "corpus-aggregate-classes": """
        SELECT ?class (COUNT(DISTINCT ?node) AS ?count) WHERE { ?node a ?class } GROUP BY ?class ORDER BY ?class""",
}


def _library() -> list[tuple[str, str, dict[str, str]]]:
    """(name, the text engines run, how kg.query names it) of every library and corpus query.

    Library queries run with their parameters at their defaults, in the text kg prepares.
    """
    from kg.namespaces import sparql_prologue
    from kg.sparql.files import list_queries
    from kg.sparql.library import show

    library = [(q.name, show(q.name, lang="en"), {"source": q.name}) for q in list_queries()]
    corpus = [(name, sparql_prologue() + text, {"text": text}) for name, text in CORPUS_QUERIES.items()]
    return library + corpus


def _sources(data: Path) -> list[Path]:
    from kg.load import source_paths

    return source_paths([data])


def worker(kind: str, data: Path, runs: int, load_runs: int) -> dict[str, Any]:
    """Run one case in this (child) process; return {"load": [s], "queries": {name: [s]}, "rows": {...}, "steps"}."""
    out: dict[str, Any] = {"load": [], "queries": {}, "rows": {}}
    if kind == "rdflib":
        from rdflib import Graph

        def load_rdflib() -> Graph:
            graph = Graph()
            for path in _sources(data):
                graph.parse(path, format="turtle")
            return graph

        out["load"], graph = _timed(load_runs, load_rdflib)
        for name, text, _ in _library():
            out["queries"][name], rows = _timed(runs, lambda text=text: list(graph.query(text)))
            out["rows"][name] = len(rows)
    elif kind == "pyoxigraph":
        import pyoxigraph

        def load_ox() -> pyoxigraph.Store:
            store = pyoxigraph.Store()
            for path in _sources(data):
                store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
            return store

        out["load"], store = _timed(load_runs, load_ox)

        def run_ox(text: str) -> int:
            result = store.query(text)
            if isinstance(result, pyoxigraph.QueryBoolean):
                return int(bool(result))
            if isinstance(result, pyoxigraph.QueryTriples):
                return len(list(result))
            names = [v.value for v in result.variables]
            return len([[solution[n] for n in names] for solution in result])

        for name, text, _ in _library():
            out["queries"][name], out["rows"][name] = _timed(runs, lambda text=text: run_ox(text))
    elif kind in ("kg", "server"):
        import kg as kg_package
        from kg.errors import KgError
        from kg.sparql.engines import OxigraphEngine

        server = None
        if kind == "kg":
            out["load"], engine = _timed(load_runs, lambda: OxigraphEngine.from_files([data]))
            where: dict[str, Any] = {"engine": engine}
        else:
            from kg.processes import free_port
            from kg.store_server import start_server

            def start() -> Any:
                return start_server([data], port=free_port(), timeout=60)

            out["load"], server = _timed(1, start)
            where = {"endpoint": server.query_url}
        try:
            for name, _text, how in _library():

                def run_kg(how: dict[str, str] = how) -> int:
                    result = kg_package.query(**how, lang="en", labels=True, fmt="table", **where)
                    result.format("table", labels=True)
                    return len(result.rows) if result.kind == "bindings" else len(result.graph or ())

                try:
                    out["queries"][name], out["rows"][name] = _timed(runs, run_kg)
                except KgError as exc:  # e.g. kg's default 5 s time limit: the table says so
                    out.setdefault("errors", {})[name] = type(exc).__name__
        finally:
            if server is not None:
                server.stop()
    else:
        from kg.load import load_graph

        out["load"], graph = _timed(1, lambda: load_graph([data]))
        if kind == "validate":
            from kg.validate import validate

            out["steps"], report = _timed(runs, lambda: validate([data], graph=graph))
            out["rows"]["findings"] = len(report.findings)
        elif kind == "project":
            from kg.project import to_networkx

            out["steps"], projection = _timed(runs, lambda: to_networkx(graph))
            out["rows"]["nodes"] = projection.number_of_nodes()
        elif kind == "explore":
            from kg.explore import render_html

            out["steps"], page = _timed(runs, lambda: render_html(graph))
            out["rows"]["MB"] = round(len(page.encode("utf-8")) / 1e6, 1)
        elif kind == "export":
            from kg.export import export_graph

            folder = Path(tempfile.mkdtemp(prefix="kg-bench-export-"))
            try:
                out["steps"], _ = _timed(runs, lambda: export_graph("nt", folder / "kg.nt", data=[data]))
                out["rows"]["MB"] = round((folder / "kg.nt").stat().st_size / 1e6, 1)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        else:
            raise SystemExit(f"unknown worker {kind!r}")
    return out


# --------------------------------------------------------------------------- the parent


def run_worker(kind: str, data: Path, runs: int, load_runs: int, timeout: float) -> dict[str, Any]:
    """One child process: its JSON, with its peak RSS in MB, or {"error": why}."""
    command = [sys.executable, __file__, "--worker", kind, "--data", str(data), "--runs", str(runs)]
    command += ["--load-runs", str(load_runs)]
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, cwd=ROOT, start_new_session=True)
        timer = threading.Timer(timeout, os.killpg, (process.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)  # wait4, not Popen.wait: the child's own rusage
        finally:
            timer.cancel()
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            return {"error": f"over {timeout:g} s"}
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        if process.returncode != 0:
            lines = stderr.read().decode("utf-8", "replace").strip().splitlines()
            return {"error": lines[-1] if lines else f"exit {process.returncode}"}
        result = json.loads(stdout.read().decode("utf-8").strip().splitlines()[-1])
    result["rss_mb"] = usage.ru_maxrss / 1024  # Linux: kilobytes
    return result


def median(values: list[float] | None) -> float | None:
    return statistics.median(values) if values else None


def fmt_s(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.4f}" if value < 0.01 else f"{value:.3f}" if value < 10 else f"{value:.1f}"


def fmt_ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.1f}×" if a and b else "–"


def machine() -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "0"
    )
    libs = ", ".join(
        f"{name} {version(name)}" for name in ("rdflib", "pyoxigraph", "oxigraph", "pyshacl-turbo", "networkx")
    )
    return [
        f"- machine: {os.cpu_count()} CPUs (`nproc`), {cpu}, {int(memory) / 1024 / 1024:.1f} GiB memory, "
        "shared with other jobs",
        f"- Python {platform.python_version()} on {platform.system()} {platform.release()}; {libs}",
    ]


def tables(results: dict[int, dict[str, dict[str, Any]]], runs: int, command: str, notes: list[str]) -> str:
    """The Markdown report: machine, command, then one table per question."""
    lines = ["# Benchmarks", "", f"Measured on {date.today().isoformat()} with:", "", f"    {command}", ""]
    lines += [*machine(), f"- times: medians of {runs} run(s), in seconds; peak RSS per child process, in MB", ""]
    lines += [f"- {note}" for note in notes]
    lines += ["", "## Load (ontology, vocabularies and the corpus)", ""]
    lines += [
        "| articles | corpus triples | rdflib | kg (oxigraph engine) | Oxigraph server (load + start) "
        "| raw pyoxigraph | kg / pyoxigraph | target ≤ 1 s at 1 000 |"
    ]
    lines += ["|---:|---:|---:|---:|---:|---:|---:|---|"]
    for n, by in results.items():
        kg_load = median(by["kg"].get("load"))
        floor = median(by["pyoxigraph"].get("load"))
        target = (
            ""
            if n != 1000 or kg_load is None
            else ("met" if kg_load <= TARGET_LOAD_S else f"missed by {kg_load - TARGET_LOAD_S:.2f} s")
        )
        row = [
            f"{n:,}",
            f"{by['triples']:,}",
            *(fmt_s(median(by[k].get("load"))) for k in ("rdflib", "kg", "server", "pyoxigraph")),
        ]
        lines.append("| " + " | ".join([*row, fmt_ratio(kg_load, floor), target]) + " |")
    lines += ["", "## Peak memory (RSS, MB) of each child process", ""]
    workers = [*QUERY_LAYERS, *STEPS]
    lines += [
        "| articles | " + " | ".join(workers) + " | target kg ≤ 300 MB at 1 000 |",
        "|---:|" + "---:|" * len(workers) + "---|",
    ]
    for n, by in results.items():
        rss = by["kg"].get("rss_mb")
        target = (
            ""
            if n != 1000 or rss is None
            else ("met" if rss <= TARGET_RSS_MB else f"missed by {rss - TARGET_RSS_MB:.0f} MB")
        )
        cells = [f"{by[w]['rss_mb']:.0f}" if "rss_mb" in by[w] else by[w].get("error", "–") for w in workers]
        lines.append(f"| {n:,} | " + " | ".join(cells) + f" | {target} |")
    lines += ["", "## kg's other steps (the graph already loaded with rdflib)", ""]
    lines += [
        "| articles | kg load (rdflib graph) | validate | projection | explorer render "
        "| export (N-Triples, with its load) |"
    ]
    lines += ["|---:|---:|---:|---:|---:|---:|"]
    for n, by in results.items():
        cells = []
        for step in STEPS:
            got = by[step]
            extra = f" ({', '.join(f'{v} {k}' for k, v in got.get('rows', {}).items())})" if got.get("rows") else ""
            cells.append(fmt_s(median(got.get("steps"))) + extra if "error" not in got else got["error"])
        lines.append(f"| {n:,} | {fmt_s(median(by['validate'].get('load')))} | " + " | ".join(cells) + " |")
    for n, by in results.items():
        lines += ["", f"## Library queries at {n:,} article(s)", ""]
        lines += [
            "| query | rows | rdflib | kg, store preloaded | server via kg | raw pyoxigraph | rdflib / kg "
            "| kg / pyoxigraph | targets (1 000: ≤ 0.2 s, ≤ 2× pyoxigraph, ≥ 20× rdflib if join-heavy) |"
        ]
        lines += ["|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        errors = {k: by[k]["error"] for k in QUERY_LAYERS if "error" in by[k]}
        for name in by["pyoxigraph"].get("queries", {}):
            t = {k: median(by[k].get("queries", {}).get(name)) for k in QUERY_LAYERS}
            failed = {k: by[k]["errors"][name] for k in QUERY_LAYERS if name in by[k].get("errors", {})}
            missed = []
            if n == 1000 and t["kg"] is not None:
                if t["kg"] > TARGET_QUERY_S:
                    missed.append(f"{t['kg'] - TARGET_QUERY_S:.2f} s over 0.2 s")
                if t["pyoxigraph"] and t["kg"] > TARGET_RATIO_TO_FLOOR * t["pyoxigraph"]:
                    missed.append(f"{t['kg'] / t['pyoxigraph']:.0f}× pyoxigraph")
                if t["rdflib"] and t["rdflib"] >= JOIN_HEAVY_RDFLIB_S and t["rdflib"] / t["kg"] < TARGET_SPEEDUP_JOIN:
                    missed.append(f"only {t['rdflib'] / t['kg']:.1f}× rdflib")
            verdict = "" if n != 1000 else ("met" if not missed else "missed: " + "; ".join(missed))
            rows = by["pyoxigraph"]["rows"].get(name, "")
            cells = [name, str(rows), *(failed.get(k) or fmt_s(t[k]) for k in QUERY_LAYERS)]
            cells += [fmt_ratio(t["rdflib"], t["kg"]), fmt_ratio(t["kg"], t["pyoxigraph"]), verdict]
            lines.append("| " + " | ".join(cells) + " |")
        for layer, why in errors.items():
            lines.append(f"\n{layer}: {why}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="article counts (default: 1,100,1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each query and step (default: 3)")
    parser.add_argument("--quick", action="store_true", help="1 and 100 articles, one run, tables on stdout (CI)")
    parser.add_argument(
        "--out", type=Path, help="write the tables to this file (default: stdout; BENCHMARKS.md holds them by hand)"
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds one child may take (default: 600)")
    parser.add_argument("--note", action="append", default=[], help="a line to add under the machine (repeatable)")
    parser.add_argument(
        "--workers",
        default=",".join((*QUERY_LAYERS, *STEPS)),
        help="which cases to run (default: all): " + ", ".join((*QUERY_LAYERS, *STEPS)),
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--load-runs", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.data, args.runs, args.load_runs)))
        return 0

    from kg.synth import synthesize

    sizes = QUICK_SIZES if args.quick else tuple(int(s) for s in args.sizes.split(","))
    runs = 1 if args.quick else args.runs
    out = args.out
    command = "python benchmarks/bench_scale.py " + " ".join(argv if argv is not None else sys.argv[1:])
    results: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as folder:
        for n in sizes:
            data = Path(folder) / f"synth-{n}.ttl"
            start = time.perf_counter()
            data.write_bytes(synthesize(n, seed=0))
            print(f"{n} article(s): synthesized in {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
            import pyoxigraph

            triples = sum(1 for _ in pyoxigraph.parse(path=str(data), format=pyoxigraph.RdfFormat.TURTLE))
            by: dict[str, Any] = {"triples": triples}
            load_runs = runs if n <= 1000 else 1
            chosen = args.workers.split(",")
            for kind in (*QUERY_LAYERS, *STEPS):
                if kind not in chosen:
                    by[kind] = {"error": "not run"}
                    continue
                step_runs = runs if kind in QUERY_LAYERS or n <= 100 else 1
                start = time.perf_counter()
                by[kind] = run_worker(kind, data, step_runs, load_runs, args.timeout)
                took = time.perf_counter() - start
                print(f"  {kind}: {took:.1f} s {by[kind].get('error', '')}", file=sys.stderr, flush=True)
            results[n] = by
    report = tables(results, runs, command.strip(), args.note)
    if out is None:
        print(report, end="")
    else:
        out.write_text(report, encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
