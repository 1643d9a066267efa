"""`kg query` as a user runs it: first run, repeat run (the warm query process), against raw pyoxigraph and rdflib.

Run from the repository root::

    python benchmarks/bench_cli.py                          # 1 and 1 000 articles, 3 runs; tables on stdout
    python benchmarks/bench_cli.py --sizes 1,1000,10000 --runs 3
    python benchmarks/bench_cli.py --quick                  # 1 article, one run (a smoke test)
    python benchmarks/bench_cli.py --build 7 --before ../kg-older   # kg build without the site, not queries

Every figure is a whole process, started the way a shell starts it, in the same run of this
script, interleaved query by query; ``kg`` is the installed command's script (``src/kg/bin/kg``) run by
this Python, or for an older tree without one, the wrapper pip generated for its entry point:

- **kg first run**: ``kg query NAME --no-cache``: Python, kg's imports, the load of ontology,
  vocabularies and corpus, their RDFS closure, the query in its limited child, the table;
- **kg repeat run**: ``kg query NAME`` answered by the warm query process (started and loaded
  before the timing): the client process plus the warm process's CPU for the request;
- **kg before** (``--before TREE``): the older tree's first run and, from its own warm process
  (started beside this tree's, in the same cache folder), its repeat run, interleaved with this tree's;
  a repeat run is one on inputs unchanged since they were last read: a synthetic corpus just written is
  first asked once, untimed, of each warm process once its last change is older than the warm process's
  margin for trusting a file's status (``kg.sparql.index.RACY_NS``: a file changed within it is hashed
  again at every request, a first run's cost after an edit, not a repeat run's);
- **pyoxigraph script**: a minimal script (``import pyoxigraph``, ``Store.load`` of the same
  files, the same query text, rows materialised): raw load + query;
- **rdflib script**: the same with ``rdflib.Graph.parse`` and ``Graph.query``;
- **floor**: ``python -c pass`` plus the same query on a pyoxigraph store already loaded in
  this process (median of the runs): what no command line can beat.

Run it on a tree nobody edits meanwhile (a worktree of its own, its ``src`` on ``PYTHONPATH``): a warm
process steps down when kg's files change (:mod:`kg.source_watch`), and the repeat runs after an edit
would be cold runs.

CPU is user + system time of the process **and of its children**: this script makes itself
the "child subreaper" (``prctl(PR_SET_CHILD_SUBREAPER)``), so the query child that ``kg
query`` leaves exiting is reparented here and reaped, and ``getrusage(RUSAGE_CHILDREN)``
counts it. The warm process's CPU (its own and its reaped workers') is what it reports itself
(``getrusage``, in microseconds; ``kg cache info``'s state) before and after each run, once
it has reaped the run's worker; ``/proc/PID/stat`` counts in 10 ms ticks, too coarse for a
request of a few milliseconds. Times are
medians of ``--runs`` runs, in seconds; ratios compare figures of the same run. Nothing
asserts a time.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import ctypes
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SIZES = (1, 1000)
#: Cheap lookups and the heaviest joins of the library (at 1 000 articles: cq16, cq23, cq24 take 0.1-0.2 s raw).
QUERIES = (
    "cq01-agreements-and-parties",
    "cq03-people-and-posts",
    "cq16-find-by-label",
    "cq23-mentions-in-order",
    "cq24-inventory",
    "cq28-kazakh-state-parties",
)
BASE = "https://w3id.org/iran-kazakhstan-kg/"

RAW_PYOXIGRAPH = """
import sys, pyoxigraph
store = pyoxigraph.Store()
for path in sys.argv[2:]:
    store.load(path=path, format=pyoxigraph.RdfFormat.TURTLE, base_iri="{base}")
result = store.query(open(sys.argv[1], encoding="utf-8").read())
rows = [[s[v] for v in result.variables] for s in result] if hasattr(result, "variables") else list(result)
"""
RAW_RDFLIB = """
import sys, rdflib
graph = rdflib.Graph()
for path in sys.argv[2:]:
    graph.parse(path, format="turtle", publicID="{base}")
rows = list(graph.query(open(sys.argv[1], encoding="utf-8").read()))
"""
#: ``kg build --force`` into argv[1] without its static site (the goal's measure: the site is the publication's
#: lane), the process set up as the ``kg`` command sets up its own.
BUILD_WITHOUT_SITE = """
import sys
import kg.launch
getattr(kg.launch, "batch_process", lambda: None)()  # an older kg (--before) has none
import kg.build
outputs = kg.build.outputs
kg.build.outputs = lambda sources: [o for o in outputs(sources) if o[1] != "site"]
kg.build.build(sys.argv[1], force=True)
"""
#: A bare rdflib parse of the files given (the build's four inputs).
RDFLIB_PARSE = """
import sys, rdflib
graph = rdflib.Graph()
for path in sys.argv[1:]:
    graph.parse(path, format="turtle")
"""
_TICK = os.sysconf("SC_CLK_TCK")


def become_subreaper() -> None:
    """Orphaned descendants (kg query's exiting query child) are reparented to this process, to be counted."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def _children(exclude: set[int]) -> list[int]:
    me = str(os.getpid())
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) not in exclude:
            with contextlib.suppress(OSError):
                status = (entry / "status").read_text()
                if f"\nPPid:\t{me}\n" in status:
                    found.append(int(entry.name))
    return found


def reap_orphans(exclude: set[int]) -> None:
    """Wait for every child but ``exclude`` (the warm process) to exit and collect it."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for pid in _children(exclude):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        if not _children(exclude):
            return
        time.sleep(0.002)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured(command: list[str], env: dict[str, str], exclude: set[int], **popen: Any) -> dict[str, float]:
    """Run ``command``: its wall time, CPU (with its children's) and peak RSS (MB); an exit over 1 is an error."""
    cpu_before = children_cpu()
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT, **popen)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    error = process.stderr.read().decode("utf-8", "replace")[-2000:] if process.stderr else ""
    reap_orphans(exclude)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise RuntimeError(f"{' '.join(command[:4])}: exit {code}: {error.strip()[-300:]}")
    return {"wall": wall, "cpu": children_cpu() - cpu_before, "rss": usage.ru_maxrss / 1024}


def settled_cpu(pid: int, env: dict[str, str] | None = None, name: str | None = None) -> float:
    """``pid``'s CPU once it has reaped every child that ended (a worker that is let go exits after the answer;
    one waits for the next request, its CPU counted as it reported it after its command).

    With ``env`` (the warm process's environment), the CPU the warm process reports itself
    (``getrusage``, microseconds, with its live workers' own reports); else :func:`process_cpu` (``/proc``, in
    clock ticks of 10 ms).
    """
    deadline = time.monotonic() + 60
    me = f"\nPPid:\t{pid}\n"
    while time.monotonic() < deadline:
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    status = (entry / "status").read_text()
                    if me in status:
                        children.append(status)
        if len(children) <= 1 and not any("\nState:\tZ" in c or "\nState:\tR" in c for c in children):
            break  # none, or the one worker that waits (asleep)
        time.sleep(0.002)
    if env is not None:
        state = _warm_state(env, name)
        if state and state.get("pid") == pid and "cpu" in state:
            return float(state["cpu"])
    return process_cpu(pid)


def _warm_state(env: dict[str, str], name: str | None = None) -> dict[str, Any] | None:
    from kg import warm

    saved = dict(os.environ)
    os.environ.update(env)
    try:
        return warm.info(name or warm.SOCKET_NAME)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def process_cpu(pid: int) -> float:
    """A process's CPU seconds, with those of the children it reaped (utime, stime, cutime, cstime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / _TICK


def process_rss(pid: int) -> float:
    """A process's peak resident memory in MB (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


#: The wrapper pip generates for an entry point ``kg = "kg.launch:main"``: how a tree without kg's own script
#: (``src/kg/bin/kg``, installed as the ``kg`` command) was started.
PIP_WRAPPER = (
    "import re\nimport sys\nfrom kg.launch import main\n"
    "sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\nsys.exit(main())\n"
)


def kg_command(*args: str, tree: Path | None = None) -> list[str]:
    """``kg ARGS`` as the installed ``kg`` command runs it (its script, by this Python), from ``tree``'s sources
    (default: this one; run another tree with its ``src`` on ``PYTHONPATH``)."""
    script = (tree or ROOT) / "src" / "kg" / "bin" / "kg"
    if script.is_file():
        return [sys.executable, str(script), *args]
    return [sys.executable, "-c", PIP_WRAPPER, *args]


def start_warm(tree: Path, env: dict[str, str], data_args: list[str]) -> subprocess.Popen:
    """The warm query process of ``tree`` started as ``kg query`` starts it, on ``data_args``' inputs."""
    return subprocess.Popen(
        [sys.executable, "-m", "kg.warm_server", "--cwd", str(tree), "--", "query", *data_args, "-e", "ASK {}"],
        env=env,
        cwd="/",
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def socket_name(tree: Path, env: dict[str, str]) -> str:
    """The name of the warm process's socket of ``tree``'s kg, as that kg names it (older trees name it otherwise)."""
    code = "from kg import warm; print(warm.SOCKET_NAME)"
    env = {**env, "PYTHONPATH": str(tree / "src")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def wait_warm(env: dict[str, str], uses: int, name: str | None = None) -> dict[str, Any]:
    """The warm process's state once its store has been used ``uses`` times (``name``: its socket, default this
    tree's)."""
    from kg import warm

    saved = dict(os.environ)
    os.environ.update(env)
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            state = warm.info(name or warm.SOCKET_NAME)
            if state and state["stores"] and state["stores"][0]["uses"] >= uses:
                return state
            time.sleep(0.05)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    raise RuntimeError("the warm query process did not come up")


def stop_warm(env: dict[str, str]) -> None:
    subprocess.run(kg_command("cache", "clear"), env=env, cwd=ROOT, capture_output=True, check=False)


def corpus(size: int, folder: Path) -> Path:
    if size == 1:
        return ROOT / "data" / "article.ttl"
    path = folder / f"corpus-{size}.ttl"
    if not path.exists():
        subprocess.run(
            kg_command("synth", "--articles", str(size), "--seed", "0", "--out", str(path)), cwd=ROOT, check=True
        )
    return path


def preloaded_query_times(paths: list[Path], texts: dict[str, str], runs: int) -> dict[str, float]:
    """Median CPU seconds of each query on a pyoxigraph store loaded in this process (the floor's query part)."""
    import pyoxigraph

    store = pyoxigraph.Store()
    for path in paths:
        store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE, base_iri=BASE)
    times = {}
    for name, text in texts.items():
        samples = []
        for _ in range(max(runs, 3)):
            start = time.process_time()  # CPU, like every other column (the machine may be busy)
            result = store.query(text)
            if hasattr(result, "variables"):
                [[s[v] for v in result.variables] for s in result]
            else:
                list(result) if not isinstance(result, pyoxigraph.QueryBoolean) else bool(result)
            samples.append(time.process_time() - start)
        times[name] = statistics.median(samples)
    return times


def measure_size(size: int, runs: int, folder: Path, rdflib_runs: int, older: Path | None = None) -> dict[str, Any]:
    from kg.sparql.library import show

    data = corpus(size, folder)
    paths = [ROOT / "ontology" / "kg.ttl", ROOT / "ontology" / "vocabularies.ttl", data]
    texts = {name: show(name, lang="en") for name in QUERIES}
    query_files = {}
    for name, text in texts.items():
        query_files[name] = folder / f"{name}.rq"
        query_files[name].write_text(text, encoding="utf-8")
    raw_ox = folder / "raw_pyoxigraph.py"
    raw_ox.write_text(RAW_PYOXIGRAPH.format(base=BASE), encoding="utf-8")
    raw_rdflib = folder / "raw_rdflib.py"
    raw_rdflib.write_text(RAW_RDFLIB.format(base=BASE), encoding="utf-8")
    cache = folder / f"cache-{size}"
    cache.mkdir(mode=0o700, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "KG_NO_CACHE"}
    env.update({"KG_CACHE_DIR": str(cache), "KG_CACHE_IDLE": "3600", "KG_MAX_INPUT_BYTES": str(1 << 30)})
    data_args = [] if size == 1 else ["--data", str(data)]
    timeout = ["--timeout", "120"]
    # The warm process, started as kg query starts it, loaded before any timing; the older tree's beside it.
    warm_server = start_warm(ROOT, env, data_args)
    state = wait_warm(env, 1)
    warm_pid = state["pid"]
    exclude = {warm_server.pid, warm_pid}
    old_warm_env = {**env, "PYTHONPATH": str(older / "src")} if older is not None else {}
    old_name, old_pid, old_server = "", 0, None
    if older is not None:
        old_server = start_warm(older, old_warm_env, data_args)
        old_name = socket_name(older, old_warm_env)
        old_pid = wait_warm(old_warm_env, 1, old_name)["pid"]
        exclude |= {old_server.pid, old_pid}
    out: dict[str, Any] = {"size": size, "queries": {}, "pass": []}
    try:
        settle(data, [(ROOT, env), *([(older, old_warm_env)] if older is not None else [])], data_args, exclude)
        for _ in range(runs):
            out["pass"].append(measured([sys.executable, "-c", "pass"], env, exclude))
        for name in QUERIES:
            row: dict[str, Any] = {"cold": [], "warm": [], "ox": [], "rdflib": [], "before": [], "before_warm": []}
            for run in range(runs):
                if older is not None:  # the older kg's first run (its flags only; KG_NO_CACHE: a tree with a
                    # warm process of its own would start one, which this script would then wait for)
                    old_env = {**env, "PYTHONPATH": str(older / "src"), "KG_NO_CACHE": "1"}
                    old = kg_command("query", name, *data_args, *timeout, tree=older)
                    row["before"].append(measured(old, old_env, exclude))
                    before = settled_cpu(old_pid, old_warm_env, old_name)
                    old = kg_command("query", name, *data_args, *timeout, tree=older)
                    sample = measured(old, old_warm_env, exclude)
                    sample["server_cpu"] = settled_cpu(old_pid, old_warm_env, old_name) - before
                    row["before_warm"].append(sample)
                cold = kg_command("query", name, *data_args, *timeout, "--no-cache")
                row["cold"].append(measured(cold, env, exclude))
                before = settled_cpu(warm_pid, env)
                sample = measured(kg_command("query", name, *data_args, *timeout), env, exclude)
                sample["server_cpu"] = settled_cpu(warm_pid, env) - before
                row["warm"].append(sample)
                raw = [sys.executable, str(raw_ox), str(query_files[name]), *map(str, paths)]
                row["ox"].append(measured(raw, env, exclude))
                if run < rdflib_runs:
                    command = [sys.executable, str(raw_rdflib), str(query_files[name]), *map(str, paths)]
                    row["rdflib"].append(measured(command, env, exclude))
            out["queries"][name] = row
        out["warm_rss"] = process_rss(warm_pid)
        out["floor_query"] = preloaded_query_times(paths, texts, runs)
    finally:
        stop_warm(env)  # every installation's warm process in the cache folder
        warm_server.wait()
        if old_server is not None:
            old_server.wait()
    return out


def settle(data: Path, trees: list[tuple[Path, dict[str, str]]], data_args: list[str], exclude: set[int]) -> None:
    """Once ``data`` was last changed longer ago than the margin of the warm processes' trust in a file's status,
    one untimed ``kg query`` of each tree: the inputs are then as a repeat run finds them."""
    from kg.sparql import index

    margin = getattr(index, "RACY_NS", 0) / 1e9
    time.sleep(max(0.0, data.stat().st_ctime + margin + 0.1 - time.time()))
    for tree, env in trees:
        measured(kg_command("query", "-e", "ASK {}", *data_args, tree=tree), env, exclude)


def _median(samples: list[dict[str, float]], key: str) -> float | None:
    values = [s[key] for s in samples if key in s]
    return statistics.median(values) if values else None


def _repeat(samples: list[dict[str, float]]) -> float | None:
    """A repeat run's CPU: the client's (median) and the warm process's for the request (mean)."""
    if not samples:
        return None
    return (_median(samples, "cpu") or 0) + statistics.mean(s["server_cpu"] for s in samples)


def fmt(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else "–"


def load_line() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


def report(results: list[dict[str, Any]], command: str, load_before: str, load_after: str) -> str:
    lines = [
        f"Command: `{command}`",
        "",
        f"Machine load: {load_before} before, {load_after} after (`os.getloadavg`).",
        "",
    ]
    for res in results:
        size = res["size"]
        start_cpu = _median(res["pass"], "cpu")
        start_wall = _median(res["pass"], "wall")
        lines += [
            f"### `kg query` at {size:,} article(s): CPU seconds (process and children), medians",
            "",
            "| query | kg before | kg first run | kg before, repeat run | kg repeat run (client + warm process) "
            "| pyoxigraph script (load + query) | rdflib script | floor (`python -c pass` + query on a loaded store) "
            "| first / pyoxigraph "
            "| repeat / pyoxigraph | before repeat / floor | repeat / floor | first / rdflib | before / pyoxigraph |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, row in res["queries"].items():
            cold = _median(row["cold"], "cpu")
            warm_client = _median(row["warm"], "cpu")
            warm_server = statistics.mean(s["server_cpu"] for s in row["warm"])
            warm = (warm_client or 0) + warm_server
            old_warm = _repeat(row["before_warm"])
            old_parts = (
                f" ({fmt(_median(row['before_warm'], 'cpu'))} + "
                f"{fmt(statistics.mean(s['server_cpu'] for s in row['before_warm']))})"
                if row["before_warm"]
                else ""
            )
            ox = _median(row["ox"], "cpu")
            rdf = _median(row["rdflib"], "cpu")
            floor = (start_cpu or 0) + res["floor_query"][name]
            old = _median(row["before"], "cpu")
            lines.append(
                f"| {name} | {fmt(old)} | {fmt(cold)} | {fmt(old_warm)}{old_parts} "
                f"| {fmt(warm)} ({fmt(warm_client)} + {fmt(warm_server)}) "
                f"| {fmt(ox)} | {fmt(rdf)} | {fmt(floor)} | {ratio(cold, ox)} | {ratio(warm, ox)} "
                f"| {ratio(old_warm, floor)} | {ratio(warm, floor)} | {ratio(cold, rdf)} | {ratio(old, ox)} |"
            )
        lines += [
            "",
            f"Wall-clock seconds at {size:,} article(s), medians (the same runs):",
            "",
            "| query | kg before | kg first run | kg before, repeat run | kg repeat run | pyoxigraph script "
            "| rdflib script | floor (`python -c pass` + query) | kg first run peak RSS MB "
            "| pyoxigraph script peak RSS MB |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, row in res["queries"].items():
            floor = (start_wall or 0) + res["floor_query"][name]
            lines.append(
                f"| {name} | {fmt(_median(row['before'], 'wall'))} | {fmt(_median(row['cold'], 'wall'))} "
                f"| {fmt(_median(row['before_warm'], 'wall'))} | {fmt(_median(row['warm'], 'wall'))} "
                f"| {fmt(_median(row['ox'], 'wall'))} | {fmt(_median(row['rdflib'], 'wall'))} | {fmt(floor)} "
                f"| {_median(row['cold'], 'rss'):.0f} | {_median(row['ox'], 'rss'):.0f} |"
            )
        lines += [
            "",
            f"`python -c pass`: {fmt(start_cpu)} s CPU, {fmt(start_wall)} s wall. "
            f"The warm process's peak RSS: {res['warm_rss']:.0f} MB.",
            "",
        ]
    return "\n".join(lines)


def measure_build(runs: int, folder: Path, older: Path | None) -> str:
    """``kg build`` without the static site against a bare rdflib parse of its four inputs, interleaved: a table."""
    build, parse = folder / "build.py", folder / "parse.py"
    build.write_text(BUILD_WITHOUT_SITE, encoding="utf-8")
    parse.write_text(RDFLIB_PARSE, encoding="utf-8")
    inputs = [ROOT / "ontology" / n for n in ("kg.ttl", "vocabularies.ttl", "shapes.ttl")] + [
        ROOT / "data" / "article.ttl"
    ]
    env = {**os.environ, "KG_NO_CACHE": "1"}
    old_env = {**env, "PYTHONPATH": str(older.resolve() / "src")} if older is not None else None
    samples: dict[str, list[dict[str, float]]] = {"before": [], "kg": [], "parse": []}
    for run in range(runs):
        if old_env is not None:
            samples["before"].append(measured([sys.executable, str(build), str(folder / f"old{run}")], old_env, set()))
        samples["kg"].append(measured([sys.executable, str(build), str(folder / f"new{run}")], env, set()))
        samples["parse"].append(measured([sys.executable, str(parse), *map(str, inputs)], env, set()))
    old, new, bare = (_median(samples[k], "cpu") for k in ("before", "kg", "parse"))
    return "\n".join(
        [
            f"### `kg build --force` without the static site against a bare rdflib parse of its four inputs "
            f"(CPU seconds with children, medians of {runs})",
            "",
            "| kg before | kg build without the site | rdflib parse | before / parse | kg / parse |",
            "|---:|---:|---:|---:|---:|",
            f"| {fmt(old)} | {fmt(new)} | {fmt(bare)} | {ratio(old, bare)} | {ratio(new, bare)} |",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="article counts (default: 1,1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each case (default: 3)")
    parser.add_argument("--rdflib-runs", type=int, default=1, help="runs of the rdflib script (default: 1)")
    parser.add_argument("--quick", action="store_true", help="1 article, one run")
    parser.add_argument(
        "--before", type=Path, help="a source tree of an older kg (e.g. a git worktree): its kg query in a column"
    )
    parser.add_argument(
        "--build", type=int, metavar="RUNS", help="measure kg build without the static site (RUNS runs), not queries"
    )
    args = parser.parse_args(argv)
    sizes = [1] if args.quick else [int(s) for s in args.sizes.split(",")]
    runs = 1 if args.quick else args.runs
    become_subreaper()
    # Bytecode compiled first, as a pip install compiles it: with PYTHONDONTWRITEBYTECODE set (or a read-only
    # tree) every run would otherwise compile kg's modules again, which no installed kg does.
    for tree in [Path(__file__).resolve().parents[1], *([args.before] if args.before else [])]:
        compileall.compile_dir(str(tree / "src"), quiet=1)
    command = "python benchmarks/bench_cli.py " + " ".join(argv if argv is not None else sys.argv[1:])
    load_before = load_line()
    with tempfile.TemporaryDirectory(prefix="kgb") as tmp:
        if args.build:
            table = measure_build(args.build, Path(tmp), args.before)
            print(f"Command: `{command.strip()}`\n\nMachine load: {load_before} before, {load_line()} after.\n")
            print(table)
            return 0
        results = [measure_size(size, runs, Path(tmp), min(runs, args.rdflib_runs), args.before) for size in sizes]
    print(report(results, command.strip(), load_before, load_line()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
