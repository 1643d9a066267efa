"""Queries repeated in one process on the same inputs (a notebook's, a test file's): the CPU of each call.

Run from the repository root::

    python benchmarks/bench_repeated_query.py                          # this tree, 3 runs; a table on stdout
    python benchmarks/bench_repeated_query.py --before ../kg-older --runs 5

Each case is one process (the tree's own ``.venv/bin/python``, or, for a tree without one, this Python with
the tree's ``src`` first on the path) that calls the library ``--repeat`` times on the shipped data: the
first call is timed apart (imports, the first load), the others per call. CPU is user + system of the
process and of its query children (``getrusage``), in milliseconds, the median of ``--runs`` processes,
the trees taken in turns:

- **query, oxigraph / rdflib**: ``kg.sparql.query("cq01-agreements-and-parties")`` on each engine;
- **check_queries, oxigraph**: the whole library checked against its expected rows (``kg queries --check``);
- **load_graph**: ``kg.load.load_graph()``, the ontology, vocabularies and data in a new rdflib graph (what
  ``load_projection``, the explorer and the rdflib engine build); the first and the last graph's canonical
  N-Triples compared.

The answers of every tree are compared (rows, and each check's problems): a row whose answers differ is
marked. Nothing asserts a time.
"""

from __future__ import annotations

import argparse
import ast
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

IN_PROCESS = """
import resource, sys
from kg.sparql.library import check_queries, query
def cpu():
    mine, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime
def call():
    if sys.argv[1] == "check":
        return repr([(c.query.name, c.problems) for c in check_queries(engine="oxigraph").checks])
    if sys.argv[1] == "graph":
        from kg.load import load_graph

        return load_graph()
    return query("cq01-agreements-and-parties", engine=sys.argv[1]).format("tsv")
def shown(answer):
    if isinstance(answer, str):
        return answer
    from rdflib.compare import to_canonical_graph

    return "".join(sorted(to_canonical_graph(answer).serialize(format="nt").splitlines(True)))
start = cpu()
answers = [call()]
first = cpu() - start
start = cpu()
for _ in range({repeat} - 1):
    answers.append(call())
per = (cpu() - start) / ({repeat} - 1)
assert shown(answers[0]) == shown(answers[-1]), "a repeated call answered otherwise"
print(repr((first, per)))
sys.stdout.write(shown(answers[0]))
"""

CASES = {
    "query, oxigraph": "oxigraph",
    "query, rdflib": "rdflib",
    "check_queries, oxigraph": "check",
    "load_graph": "graph",
}


def run(tree: Path, args: list[str]) -> tuple[tuple[float, float], str]:
    """(first call, each later call) CPU seconds of one process of ``tree``, and its answer."""
    python = tree / ".venv/bin/python"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if not python.exists():
        python, env["PYTHONPATH"] = Path(sys.executable), str(tree / "src")
    done = subprocess.run([str(python), *args], cwd=tree, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{tree}: exited {done.returncode}:\n{done.stderr}")
    times, _, answer = done.stdout.partition("\n")
    return ast.literal_eval(times), answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, help="an older tree to run in turns with this one")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=10, help="calls in one process (default 10)")
    args = parser.parse_args()
    trees = [HERE, *([args.before.resolve()] if args.before else [])]
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    script = IN_PROCESS.format(repeat=args.repeat)
    results: dict[str, dict[Path, list]] = {case: {tree: [] for tree in trees} for case in CASES}
    for _ in range(args.runs):
        for case, engine in CASES.items():
            for tree in trees:  # in turns
                results[case][tree].append(run(tree, ["-c", script, engine]))
    load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    names = {HERE: "this tree", **({args.before.resolve(): "before"} if args.before else {})}
    print(f"Command: python benchmarks/bench_repeated_query.py {' '.join(sys.argv[1:])}")
    print(f"Machine load: {load_before} before, {load_after} after (`os.getloadavg`). CPU ms, medians.\n")
    columns = [f"{names[t]}: {part}" for t in trees for part in ("first call", "each later call")]
    header = "| case | " + " | ".join(columns) + (" | later: this / before | same answers |" if args.before else " |")
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for case, by_tree in results.items():
        first = {tree: statistics.median(t[0] for t, _ in samples) for tree, samples in by_tree.items()}
        later = {tree: statistics.median(t[1] for t, _ in samples) for tree, samples in by_tree.items()}
        row = f"| {case} | " + " | ".join(f"{1000 * first[t]:.1f} | {1000 * later[t]:.1f}" for t in trees)
        if args.before:
            same = {answer for samples in by_tree.values() for _, answer in samples}
            ratio = later[HERE] / later[args.before.resolve()]
            row += f" | {ratio:.2f} | {'yes' if len(same) == 1 else 'NO'}"
        print(row + " |")


if __name__ == "__main__":
    main()
