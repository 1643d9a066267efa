"""`kg validate`'s CPU: one command, and validations repeated in one process (as kg build and the tests make).

Run from the repository root::

    python benchmarks/bench_validate.py                            # this tree, 3 runs; a table on stdout
    python benchmarks/bench_validate.py --before ../kg-older --runs 5
    python benchmarks/bench_validate.py --before ../kg-older --tests   # and the validation tests, -n 0

Each figure is a whole process run by the tree's own ``.venv/bin/python``, its CPU (user + system, children
counted: ``getrusage(RUSAGE_CHILDREN)``) in seconds, the median of ``--runs`` runs, the trees taken in turns:

- **kg validate**: ``python -m kg validate`` on the shipped data, a process as a user starts it;
- **in one process, shipped / broken**: ``kg.validate.validate`` run ``--repeat`` times in one process, on the
  shipped data and on a copy broken in four places (a route's stops, a Wikidata id, a quote's offsets, a
  Persian label's letters): the CPU of the repeats after the first, per validation (what one more validation costs a
  process that validated already);
- **tests** (``--tests``): ``pytest -q -n 0`` of the test files that validate most.

The reports of every tree are compared: a row whose reports differ from this tree's is marked. Nothing
asserts a time.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

#: Four breaks of the shipped data, each standing once in it: a route's stop (SHACL), a Wikidata id, a quote's
#: offsets, a label's letters.
BREAKS = (
    ("schema:position 3 ;", "schema:position 4 ;"),
    ("owl:sameAs wd:Q232 ;", "owl:sameAs wd:Q99999 ;"),
    ("nif:beginIndex 6 ; nif:endIndex 11 ;", "nif:beginIndex 7 ; nif:endIndex 12 ;"),
    ('"قزاقستان"@fa', '"قزاقستان ي"@fa'),
)

#: Validations in one process: the first is timed apart (imports, first reads), the others per validation.
IN_PROCESS = """
import resource, sys, time
from kg.validate import validate
data = sys.argv[1:] or None
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
reports = [validate(data).format()]
start = cpu()
for _ in range({repeat} - 1):
    reports.append(validate(data).format())
assert len(set(reports)) == 1, "a repeated validation gave another report"
print(repr((cpu() - start) / ({repeat} - 1)))
sys.stdout.write(reports[0])
"""

TESTS = ("tests/test_validate.py", "tests/test_data.py", "tests/test_quality.py", "tests/test_describe.py")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(tree: Path, args: list[str]) -> tuple[float, str]:
    """The CPU of one process of ``tree``'s Python and its standard output."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    before = children_cpu()
    done = subprocess.run(
        [str(tree / ".venv/bin/python"), *args], cwd=tree, env=env, capture_output=True, text=True, check=False
    )
    spent = children_cpu() - before
    if done.returncode not in (0, 1):
        raise SystemExit(f"{tree}: {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return spent, done.stdout


def broken_copy(folder: Path) -> Path:
    text = (HERE / "data/article.ttl").read_text(encoding="utf-8")
    for old, new in BREAKS:
        if text.count(old) != 1:
            raise SystemExit(f"the break {old!r} does not stand once in data/article.ttl")
        text = text.replace(old, new)
    path = folder / "broken.ttl"
    path.write_text(text, encoding="utf-8")
    return path


def measure(trees: list[Path], runs: int, repeat: int, tests: bool, broken: Path) -> dict[str, dict[Path, list]]:
    script = IN_PROCESS.format(repeat=repeat)
    cases: dict[str, list[str]] = {
        "kg validate": ["-m", "kg", "validate"],
        "in one process, shipped": ["-c", script],
        "in one process, broken": ["-c", script, str(broken)],
    }
    if tests:
        cases["tests"] = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", *TESTS]
    results: dict[str, dict[Path, list]] = {case: {tree: [] for tree in trees} for case in cases}
    for _ in range(runs):
        for case, args in cases.items():
            for tree in trees:  # in turns
                spent, out = run(tree, args)
                if case.startswith("in one process"):
                    per, _, out = out.partition("\n")
                    spent = float(per)
                elif case == "tests":
                    out = ""
                results[case][tree].append((spent, out))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, help="an older tree (with its own .venv) to run in turns with this one")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=6, help="validations in one process (default 6)")
    parser.add_argument("--tests", action="store_true", help="also time the validation tests (-n 0)")
    args = parser.parse_args()
    trees = [HERE, *([args.before.resolve()] if args.before else [])]
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(
        prefix="bench-validate-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None
    ) as d:
        results = measure(trees, args.runs, args.repeat, args.tests, broken_copy(Path(d)))
    load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    names = {HERE: "this tree", **({args.before.resolve(): "before"} if args.before else {})}
    print(f"Command: python benchmarks/bench_validate.py {' '.join(sys.argv[1:])}")
    print(f"Machine load: {load_before} before, {load_after} after (`os.getloadavg`). CPU seconds, medians.\n")
    header = (
        "| case | "
        + " | ".join(names[t] for t in trees)
        + (" | this / before | same reports |" if args.before else " |")
    )
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for case, by_tree in results.items():
        medians = {tree: statistics.median(spent for spent, _ in samples) for tree, samples in by_tree.items()}
        row = f"| {case} | " + " | ".join(f"{medians[t]:.3f}" for t in trees)
        if args.before:
            same = {out for samples in by_tree.values() for _, out in samples}
            row += f" | {medians[HERE] / medians[args.before.resolve()]:.2f} | {'yes' if len(same) == 1 else 'NO'}"
        print(row + " |")


if __name__ == "__main__":
    main()
