"""`kg export` of every format against pyoxigraph writing the same data, and `kg build` against a bare rdflib parse.

    python benchmarks/bench_export.py                    # 1 000 articles, medians of 3 runs
    python benchmarks/bench_export.py --articles 100 --runs 1
    python benchmarks/bench_export.py --runs 1 --before ../kg-older   # an older tree's export and build beside
    python benchmarks/bench_export.py --no-build --formats turtle,trig  # some exports, no kg build
    python benchmarks/bench_export.py --no-build --steps                # and where each export's CPU goes
    python benchmarks/bench_export.py --no-build --floors               # and what of it is pyoxigraph's own work

Every figure is a whole process (``kg export --data corpus.ttl --format F --out FILE``;
a minimal pyoxigraph script that loads the same files and ``Store.dump``-s the same format;
the same script loading only, for the store's own memory), its CPU with its children's and
its peak resident memory (``wait4``). ``kg build --force`` into a fresh folder is compared
with a script that parses its four input files (ontology, vocabularies, shapes, data) with
rdflib and nothing else. Times are medians of ``--runs`` runs in seconds; ratios compare
figures of the same run; each tree's bytecode is compiled first (its ``__pycache__`` folders).
``--steps`` also runs each export in one process with its steps timed (CPU): the load into a store,
the proof that the store gives back every term as read, the dataset's VoID description, the re-read
check, and the rest (the description of each subject and the writing, or N-Triples' and N-Quads'
sorting). ``--floors`` also times, in one process a format, the parts of an export that are pyoxigraph's
own work at its own cost: the load, a parse of the source files (the proof that a store gives back every
term as read is one), the parse of kg's file (the re-read), that parse with a look-up and a hash a
statement (what the re-read checks), and pyoxigraph's own serialisation. Nothing asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cli import BASE, become_subreaper, kg_command, load_line, measured

ROOT = Path(__file__).resolve().parents[1]
#: kg's format names and pyoxigraph's for the same format.
FORMATS = {
    "nt": "N_TRIPLES",
    "turtle": "TURTLE",
    "jsonld": "JSON_LD",
    "xml": "RDF_XML",
    "nquads": "N_QUADS",
    "trig": "TRIG",
}
OXIGRAPH_WRITE = """
import sys, pyoxigraph
store = pyoxigraph.Store()
for path in sys.argv[3:]:
    store.load(path=path, format=pyoxigraph.RdfFormat.TURTLE, base_iri="{base}")
fmt = getattr(pyoxigraph.RdfFormat, sys.argv[1])
if fmt.supports_datasets:
    store.dump(sys.argv[2], fmt)
else:
    store.dump(sys.argv[2], fmt, from_graph=pyoxigraph.DefaultGraph())
"""
#: ``kg build --force`` in one process, each step's CPU (with children: Graphviz) written as JSON to argv[2]; the
#: process set up as the ``kg`` command sets up its own (kg.launch.batch_process: the garbage collector's thresholds).
BUILD_STEPS = """
import json, resource, sys
import kg.launch
getattr(kg.launch, "batch_process", lambda: None)()  # an older kg (--before) has none
import kg.build, kg.validate

def cpu():
    return sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for f in ("ru_utime", "ru_stime"))

steps = {}
def timed(name, step):
    def run(*args, **kwargs):
        start = cpu()
        try:
            return step(*args, **kwargs)
        finally:
            steps[name] = steps.get(name, 0.0) + cpu() - start
    return run

outputs = kg.build.outputs
kg.build.outputs = lambda sources: [(n, f, timed(f, w)) for n, f, w in outputs(sources)]
kg.validate.validate = timed("validation", kg.validate.validate)
kg.build.build(sys.argv[1], force=True)
steps["total"] = cpu()
with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump(steps, out)
"""
#: ``kg export`` in one process, the CPU of each of its steps written as JSON to argv[4] (argv: format, output,
#: data file); a step an older tree does not have is left out.
EXPORT_STEPS = """
import json, sys, time
start = time.process_time()
import kg.launch
getattr(kg.launch, "batch_process", lambda: None)()
import kg.export, kg.sources, kg.writers.check, kg.writers.jsonld, kg.writers.ntriples, kg.writers.rdfxml
import kg.writers.turtle
steps = {"imports": time.process_time() - start}

def timed(owner, name, step):
    real = getattr(owner, name, None)
    if real is None:
        return
    def run(*args, **kwargs):
        begin = time.process_time()
        try:
            return real(*args, **kwargs)
        finally:
            steps[step] = steps.get(step, 0.0) + time.process_time() - begin
    setattr(owner, name, run)

timed(kg.sources, "load_into_store", "load")
timed(kg.sources, "store_writes_as_read", "proof")
timed(kg.sources.Sources, "_lean_description", "description")
for module in (kg.writers.turtle, kg.writers.jsonld, kg.writers.rdfxml, kg.writers.ntriples):
    timed(module, "verify", "re-read")
timed(kg.writers.ntriples, "_file_reads_as_written", "re-read")
begin = time.process_time()
kg.export.export_graph(sys.argv[1], sys.argv[2], data=[sys.argv[3]])
steps["export"] = time.process_time() - begin
steps["rest"] = steps["export"] - sum(steps.get(name, 0.0) for name in ("load", "proof", "description", "re-read"))
with open(sys.argv[4], "w", encoding="utf-8") as out:
    json.dump(steps, out)
"""
#: The parts of an export that are pyoxigraph's own work, each timed (CPU) in one process, written as JSON to argv[3]
#: (argv: format, kg's file of it, report, the source files): kg's re-read parses a JSON-LD file in parts, as here.
FLOOR_STEPS = """
import json, sys, time
from collections import deque
from pathlib import Path
import pyoxigraph
import kg.launch
getattr(kg.launch, "batch_process", lambda: None)()
from kg.formats import FORMATS
from kg.writers.check import _parse
fmt, written, report, paths = FORMATS[sys.argv[1]], Path(sys.argv[2]), sys.argv[3], sys.argv[4:]
turtle, steps = pyoxigraph.RdfFormat.TURTLE, {}

def timed(name, step):
    begin = time.process_time()
    result = step()
    steps[name] = time.process_time() - begin
    return result

def load():
    store = pyoxigraph.Store()
    for path in paths:
        store.load(path=path, format=turtle, base_iri="{base}")
    return store

store = timed("load", load)
timed("source parse", lambda: [deque(pyoxigraph.parse(path=p, format=turtle, base_iri="{base}"), maxlen=0)
                               for p in paths])
timed("output parse", lambda: deque(_parse(written, fmt), maxlen=0))
held = store  # a triple format's statements are looked up in the store of the source files, as kg's are
if fmt.dataset:  # a dataset's in a store of what the file holds, in its named graphs
    held = pyoxigraph.Store()
    held.load(path=str(written), format=fmt.oxigraph)

def looked_up():
    seen = set()
    for quad in _parse(written, fmt):
        if quad in held:
            seen.add(hash(quad))

timed("output parse, look-ups, hashes", looked_up)
with open(written.with_suffix(".floor"), "wb") as out:
    graph = None if fmt.dataset else pyoxigraph.DefaultGraph()
    timed("write", lambda: store.dump(out, fmt.oxigraph, from_graph=graph))
with open(report, "w", encoding="utf-8") as out:
    json.dump(steps, out)
"""
#: The steps' columns, in order, and their headers.
STEP_NAMES = {
    "imports": "imports",
    "load": "load",
    "proof": "proof",
    "description": "VoID description",
    "re-read": "re-read",
    "rest": "the rest (writing, sorting)",
    "export": "export, all steps",
}
RDFLIB_PARSE = """
import sys, rdflib
graph = rdflib.Graph()
for path in sys.argv[1:]:
    graph.parse(path, format="turtle")
"""


def median(samples: list[dict[str, Any]], key: str) -> float:
    return statistics.median(s[key] for s in samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="corpus size (default: 1 000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each case (default: 3)")
    parser.add_argument(
        "--before", type=Path, help="an older source tree whose kg export and build steps run in the same run"
    )
    parser.add_argument("--formats", default=",".join(FORMATS), help="formats to export (default: all six)")
    parser.add_argument("--no-build", action="store_true", help="the exports only, not kg build against rdflib")
    parser.add_argument("--steps", action="store_true", help="also each export's steps, timed in one process")
    parser.add_argument("--floors", action="store_true", help="also the parts of an export that are pyoxigraph's")
    args = parser.parse_args(argv)
    become_subreaper()
    command = "python benchmarks/bench_export.py " + " ".join(argv if argv is not None else sys.argv[1:])
    load_before = load_line()
    env = {**os.environ, "KG_NO_CACHE": "1"}
    rows = []
    export_steps: dict[str, list[dict[str, float]]] = {}
    floors: dict[str, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="kgx") as tmp:
        folder = Path(tmp)
        # Each tree's bytecode compiled first, as an installed kg has it (its __pycache__ folders): a machine
        # that sets PYTHONDONTWRITEBYTECODE otherwise compiles kg's modules again in every measured run.
        for tree in (ROOT, *((args.before.resolve(),) if args.before is not None else ())):
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "src")], env=env, check=True)
        data = folder / "corpus.ttl"
        subprocess.run(
            kg_command("synth", "--articles", str(args.articles), "--seed", "0", "--out", str(data)),
            cwd=ROOT,
            check=True,
        )
        paths = [str(ROOT / "ontology" / "kg.ttl"), str(ROOT / "ontology" / "vocabularies.ttl"), str(data)]
        write = folder / "write.py"
        write.write_text(OXIGRAPH_WRITE.format(base=BASE), encoding="utf-8")
        load_only = [sys.executable, "-c", OXIGRAPH_WRITE.format(base=BASE).split("fmt =")[0], "-", "-", *paths]
        store = [measured(load_only, env, set()) for _ in range(args.runs)]
        for name, ox_name in FORMATS.items():
            if name not in args.formats.split(","):
                continue
            out = folder / f"out.{name}"
            kg_runs, ox_runs, old_runs = [], [], []
            for _ in range(args.runs):
                if args.before is not None:
                    old_env = {**env, "PYTHONPATH": str(args.before.resolve() / "src")}
                    old = kg_command(
                        "export",
                        "--data",
                        str(data),
                        "--format",
                        name,
                        "--out",
                        str(out) + ".old",
                        tree=args.before.resolve(),
                    )  # the older tree's own kg command (its script, or pip's wrapper before it had one)
                    old_runs.append(measured(old, old_env, set()))
                kg_runs.append(
                    measured(kg_command("export", "--data", str(data), "--format", name, "--out", str(out)), env, set())
                )
                ox_runs.append(measured([sys.executable, str(write), ox_name, str(out) + ".ox", *paths], env, set()))
            same = old_runs and Path(str(out) + ".old").read_bytes() == out.read_bytes()
            rows.append((name, kg_runs, ox_runs, old_runs, same, out.stat().st_size))
            if args.steps:
                script = folder / "export_steps.py"
                script.write_text(EXPORT_STEPS, encoding="utf-8")
                for run in range(args.runs):
                    report = folder / f"export-steps-{name}-{run}.json"
                    split = [sys.executable, str(script), name, str(out) + ".steps", str(data), str(report)]
                    measured(split, env, set())
                    export_steps.setdefault(name, []).append(json.loads(report.read_text(encoding="utf-8")))
            if args.floors:
                script = folder / "floor_steps.py"
                script.write_text(FLOOR_STEPS.replace("{base}", BASE), encoding="utf-8")
                for run in range(args.runs):
                    report = folder / f"floor-{name}-{run}.json"
                    measured([sys.executable, str(script), name, str(out), str(report), *paths], env, set())
                    floors.setdefault(name, []).append(json.loads(report.read_text(encoding="utf-8")))
        build = []
        rdflib_parse = []
        parse = folder / "parse.py"
        parse.write_text(RDFLIB_PARSE, encoding="utf-8")
        inputs = [*paths[:2], str(ROOT / "ontology" / "shapes.ttl"), str(ROOT / "data" / "article.ttl")]
        steps_script = folder / "steps.py"
        steps_script.write_text(BUILD_STEPS, encoding="utf-8")
        steps: list[dict[str, float]] = []
        old_steps: list[dict[str, float]] = []
        for run in range(0 if args.no_build else args.runs):
            build.append(measured(kg_command("build", "--force", "--out", str(folder / f"build{run}")), env, set()))
            rdflib_parse.append(measured([sys.executable, str(parse), *inputs], env, set()))
            report = folder / f"steps{run}.json"
            measured([sys.executable, str(steps_script), str(folder / f"steps{run}"), str(report)], env, set())
            steps.append(json.loads(report.read_text(encoding="utf-8")))
            if args.before is not None:  # the older tree's build, step by step, in the same run
                old_env = {**env, "PYTHONPATH": str(args.before.resolve() / "src")}
                old_report = folder / f"old-steps{run}.json"
                old_build = [sys.executable, str(steps_script), str(folder / f"old-steps{run}"), str(old_report)]
                measured(old_build, old_env, set())
                old_steps.append(json.loads(old_report.read_text(encoding="utf-8")))
    store_cpu, store_rss = median(store, "cpu"), median(store, "rss")
    lines = [
        f"Command: `{command.strip()}`",
        "",
        f"Machine load: {load_before} before, {load_line()} after.",
        "",
        f"### `kg export` at {args.articles:,} articles: CPU seconds with children, peak RSS MB, medians",
        "",
        "| format | kg before CPU (peak RSS) | kg export CPU | pyoxigraph load + write CPU | kg before / pyoxigraph "
        "| kg / pyoxigraph | kg peak RSS | pyoxigraph peak RSS | kg RSS / the store's | output MB | same bytes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, kg_runs, ox_runs, old_runs, same, size in rows:
        kg_cpu, ox_cpu = median(kg_runs, "cpu"), median(ox_runs, "cpu")
        kg_rss, ox_rss = median(kg_runs, "rss"), median(ox_runs, "rss")
        old_cpu = median(old_runs, "cpu") if old_runs else None
        old = f"{old_cpu:.2f} ({median(old_runs, 'rss'):.0f})" if old_cpu else "–"
        lines.append(
            f"| {name} | {old} | {kg_cpu:.2f} | {ox_cpu:.2f} | {f'{old_cpu / ox_cpu:.1f}×' if old_cpu else '–'} "
            f"| {kg_cpu / ox_cpu:.1f}× | {kg_rss:.0f} | {ox_rss:.0f} | {kg_rss / store_rss:.1f}× | {size / 1e6:.1f} "
            f"| {('yes' if same else 'NO') if old_runs else '–'} |"
        )
    if export_steps:
        lines += [
            "",
            "Where each export's CPU goes (`--steps`: the same export in one process, each step timed; medians, s):",
            "",
            "| format | " + " | ".join(STEP_NAMES.values()) + " |",
            "|---|" + "---:|" * len(STEP_NAMES),
        ]
        for name, samples in export_steps.items():
            cells = [f"{median(samples, step):.2f}" if all(step in s for s in samples) else "–" for step in STEP_NAMES]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if floors:
        lines += floor_table(floors, {name: median(ox_runs, "cpu") for name, _, ox_runs, *_ in rows})
    if args.no_build:
        lines += [
            "",
            f"The store's own memory: a pyoxigraph process that loads the same files peaks at {store_rss:.0f} MB.",
        ]
        print("\n".join(lines))
        return 0
    build_cpu, parse_cpu = median(build, "cpu"), median(rdflib_parse, "cpu")
    lines += [
        "",
        f"The store's own memory: a pyoxigraph process that loads the same files peaks at {store_rss:.0f} MB "
        f"({store_cpu:.2f} s CPU).",
        "",
        "### `kg build --force` on the article against a bare rdflib parse of its four input files",
        "",
        "| kg build CPU | rdflib parse CPU | ratio | kg build peak RSS |",
        "|---:|---:|---:|---:|",
        f"| {build_cpu:.2f} | {parse_cpu:.2f} | {build_cpu / parse_cpu:.1f}× | {median(build, 'rss'):.0f} |",
        "",
        "Where the build's CPU goes (the same build in one process, each step timed, children counted; medians"
        + ("; 'before': the older tree's build, the same way, in the same run):" if old_steps else "):"),
        "",
        *(
            ["| step | before CPU s | CPU s | before / rdflib parse | / rdflib parse |", "|---|---:|---:|---:|---:|"]
            if old_steps
            else ["| step | CPU s | / rdflib parse |", "|---|---:|---:|"]
        ),
    ]
    without_site = {"total": "the whole process", "without site": "the whole process without the static site"}
    for sample in (*steps, *old_steps):
        sample["without site"] = sample["total"] - sample.get("site", 0.0)
    for name in [*(n for n in steps[0] if n not in without_site), *without_site]:
        cpu = median(steps, name)
        old = median(old_steps, name) if old_steps and all(name in s for s in old_steps) else None
        cells = [f"{cpu:.2f}", f"{cpu / parse_cpu:.1f}×"]
        if old_steps:
            cells = [
                "–" if old is None else f"{old:.2f}",
                cells[0],
                "–" if old is None else f"{old / parse_cpu:.1f}×",
                cells[1],
            ]
        lines.append(f"| {without_site.get(name, name)} | " + " | ".join(cells) + " |")
    print("\n".join(lines))
    return 0


def floor_table(floors: dict[str, list[dict[str, float]]], oxigraph: dict[str, float]) -> list[str]:
    """The table of ``--floors``: pyoxigraph's own work in an export, against three times pyoxigraph's load and
    write; what is left of that for kg's own steps (the writing, the description of a dataset)."""
    lines = [
        "",
        "The parts of each export that are pyoxigraph's own work (`--floors`: in one process a format, medians, s; "
        "the look-ups and hashes are the re-read's parse with a look-up and a hash a statement, less the parse):",
        "",
        "| format | load | the source parsed (the proof) | kg's file parsed (the re-read) | the re-read's look-ups "
        "and hashes | pyoxigraph's own write | sum (load, proof, re-read) | 3 × pyoxigraph load + write "
        "| left for the rest of kg's work (start-up, writing, description) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, samples in floors.items():
        load, parse, reread = (median(samples, key) for key in ("load", "source parse", "output parse"))
        checked = median(samples, "output parse, look-ups, hashes") - reread
        total, budget = load + parse + reread + checked, 3 * oxigraph[name]
        lines.append(
            f"| {name} | {load:.2f} | {parse:.2f} | {reread:.2f} | {checked:.2f} | {median(samples, 'write'):.2f} "
            f"| {total:.2f} | {budget:.2f} | {budget - total:.2f} |"
        )
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
