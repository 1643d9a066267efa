"""Shared fixtures: the shipped graph and text, a runner for the installed ``kg`` script, the suite's time limits."""

from __future__ import annotations

import atexit
import fcntl
import functools
import gc
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from chromium import CHROMIUM, TEST_ARGS, Tabs, launch
from kg import limits, resources
from kg.load import article_text, load_graph
from loopback import Tripwire

ROOT = Path(__file__).resolve().parents[1]

#: Free space a tmpfs (/dev/shm) needs for the run's scratch: pytest keeps its last three runs (~0.2 GB each).
TMPFS_NEEDED = 2 << 30


def _scratch_root() -> str:
    """Where the run's scratch goes: /dev/shm when it is a tmpfs with room, else the usual temporary folder.

    The build and publication tests write thousands of small files (a static site each): on tmpfs they take
    ~11 % less CPU (tests/test_publish.py, test_build.py, test_build_atomic.py: 28.1 -> 25.0 s). A $TMPDIR the
    user set is kept.
    """
    shm = Path("/dev/shm")
    if "TMPDIR" not in os.environ and shm.is_dir() and os.access(shm, os.W_OK):
        room = os.statvfs(shm)
        if room.f_bavail * room.f_frsize >= TMPFS_NEEDED:
            return str(shm)
    return tempfile.gettempdir()


def _session_scratch() -> None:
    """Scratch on tmpfs and a bytecode cache outside the source tree, set up once by the process that starts the run.

    pytest's temporary folders (``tmp_path``, the shared build) go under :func:`_scratch_root` unless the user
    chose them (``--basetemp``, $PYTEST_DEBUG_TEMPROOT); pytest-xdist's workers get theirs from this process.

    Some machines set $PYTHONDONTWRITEBYTECODE: then each of the ~500 ``kg`` processes the tests start compiles
    kg's modules again (a ``kg query``: 0.115 s of CPU instead of 0.08). So the run writes bytecode into a folder
    ($PYTHONPYCACHEPREFIX), never into the source tree, which the workers and every child share through the
    environment: :func:`_bytecode_folder`. Where bytecode is written as usual (a CI machine, most desktops) or the
    user chose a prefix, nothing changes.
    """
    if "PYTEST_DEBUG_TEMPROOT" not in os.environ:
        os.environ["PYTEST_DEBUG_TEMPROOT"] = _scratch_root()
    if sys.dont_write_bytecode and not sys.pycache_prefix:
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = sys.pycache_prefix = _bytecode_folder(os.environ["PYTEST_DEBUG_TEMPROOT"])
        sys.dont_write_bytecode = False


#: The bytecode folder kept in the virtual environment the tests run from (beside its bin/ and lib/).
KEPT_BYTECODE = "kg-tests-bytecode"


def _bytecode_folder(root: str) -> str:
    """The virtual environment's own bytecode folder, kept from run to run; else a folder of this run's, removed at
    its end.

    Python then reads no other bytecode (the installed libraries' own included), so a folder of the run's own is
    cold: each pytest-xdist worker compiles the libraries it imports and pytest rewrites the tests' assertions
    again, ~4 s of CPU of a worker's ~6.5 s collection (2.3 s warm), both workers at once. Kept in the venv, the
    bytecode lives and goes with the code it was compiled from (a venv is as writable as what it runs), and Python
    checks each file against its source as always. Only the bytecode of the lasting sources is kept
    (:func:`_keep_only_lasting_bytecode`). A Python outside a writable venv gets a folder of the run's own.
    """
    if sys.prefix != sys.base_prefix and os.access(sys.prefix, os.W_OK):
        folder = Path(sys.prefix) / KEPT_BYTECODE
        folder.mkdir(mode=0o700, exist_ok=True)
        _keep_only_lasting_bytecode(folder)
        return str(folder)
    _remove_stale_bytecode(root)
    folder = tempfile.mkdtemp(prefix=f"{BYTECODE_PREFIX}{os.getpid()}-", dir=root)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _keep_only_lasting_bytecode(folder: Path) -> None:
    """The bytecode of sources outside this checkout, its venv and Python's own library removed from ``folder``.

    The tests import modules from temporary folders (a copy of kg, a wheel installed into a new venv): their
    bytecode, under paths no later run has, would pile up in the kept folder run after run (some 50 MB a run).
    Only the folders on the way to the lasting ones are walked.
    """
    lasting = {
        path for p in (ROOT, sys.prefix, sys.base_prefix, sys.exec_prefix) for path in (Path(p), Path(p).resolve())
    }
    on_the_way = {parent for path in lasting for parent in path.parents}

    def prune(mirror: Path, source: Path) -> None:
        for entry in list(mirror.iterdir()) if mirror.is_dir() else []:
            path = source / entry.name
            if path in lasting:
                continue
            if path in on_the_way and entry.is_dir() and not entry.is_symlink():
                prune(entry, path)
            elif entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)

    prune(folder, Path("/"))


#: The name of a run's bytecode folder (its process id follows).
BYTECODE_PREFIX = "kg-tests-bytecode-"


def _remove_stale_bytecode(root: str) -> None:
    """The bytecode folders of runs whose process is gone (killed before its exit handlers ran)."""
    for folder in Path(root).glob(f"{BYTECODE_PREFIX}*-*"):
        pid = folder.name[len(BYTECODE_PREFIX) :].split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:  # alive, another user's
            pass


_session_scratch()

# The suite's `kg query` runs neither use nor start the warm query process (kg.warm): each would
# leave one behind for ten minutes. tests/test_warm.py tests it, in a folder of its own.
os.environ["KG_NO_CACHE"] = "1"

#: The time limit of every query a correctness test runs, in seconds. Generous: on a loaded machine (load 15-50)
#: a query that takes 1 s idle took more than the production default of 5 s and failed the suite. Only the limit
#: tests (marked ``limits``) run under the production defaults of kg.limits; the others never meet them.
TEST_TIME_LIMIT = 600.0


#: Workers ``-n auto`` starts beyond one per CPU. A third worker on two CPUs takes the CPU a waiting test leaves
#: (a server's or a client's time limit, a restart, a program), but costs more than it gains on an idle machine:
#: the README's command on two idle CPUs, one run each in turns, 153.5 s (246 s of CPU) with 3 workers against
#: 147.1 s (217 s) with 2, and 163.7 / 173.3 s against 146.7 s in two earlier pairs at load 2-6; again once the
#: suite cost less CPU (its machine ~85 % busy with 2 workers): 123.0 s (201 s) with 3 against 119.5 s (179 s) with 2.
EXTRA_WORKERS = 0


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` (the README's command): a worker for each CPU this process may run on (and
    :data:`EXTRA_WORKERS` more: none).

    pytest-xdist counts the physical cores (psutil's), so a machine of two CPUs that are one core's two threads
    got one worker. And the suite's tests wait: run on two workers of two idle CPUs, their time inside the tests
    was some 300 s against 190 s of CPU (their own and their children's); the waits are limits and margins that
    keep the suite green on a loaded machine, not to be cut. $PYTEST_XDIST_AUTO_NUM_WORKERS still decides.
    """
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # pytest-xdist's own hook reads it
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cpus + EXTRA_WORKERS


#: Rough seconds an idle machine spends on a test of each kind, for ordering the modules (see below).
WEIGHTS = {"slow": 8.0, "browser": 1.5, "server": 0.1}
PLAIN_WEIGHT = 0.03


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The heaviest modules first, each kept whole and in its own order.

    pytest-xdist's ``--dist loadfile`` hands out whole modules in this order (``--no-loadscope-reorder``;
    its default order, most tests first, put the few-but-slow modules last, where one worker ran them
    while the other waited). Heaviest first, the light modules fill both workers up to the end. A module's
    weight is the sum of its tests' by their marks (``slow``, ``browser``, ``server``): mark slow tests.

    The run's one build (fixture ``built``) is made by the first worker that needs it while the others wait
    for it: the heaviest module that needs it goes first, and the next two never need it, so that no worker
    starts by waiting.
    """
    weight: dict[str, float] = {}
    needs_build: set[str] = set()
    modules: dict[str, list[pytest.Item]] = {}
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        modules.setdefault(module, []).append(item)
        marks = {mark.name for mark in item.iter_markers()}
        weight[module] = weight.get(module, 0.0) + max([WEIGHTS[m] for m in marks & WEIGHTS.keys()] or [PLAIN_WEIGHT])
        if "built" in getattr(item, "fixturenames", ()):
            needs_build.add(module)
    order = sorted(modules, key=lambda module: -weight[module])  # stable: collection order among equals
    builders = [module for module in order if module in needs_build]
    if builders:
        others = [module for module in order if module != builders[0]]
        first = [module for module in others if module not in needs_build][:2]
        order = [builders[0], *first, *[module for module in others if module not in first]]
    items[:] = [item for module in order for item in modules[module]]


@pytest.fixture(autouse=True)
def _generous_time_limits(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every default time limit raised to :data:`TEST_TIME_LIMIT`, unless the test is a limit test (``limits``).

    The CLI reads its defaults from kg.limits when it builds its parser; the library's functions took theirs
    when they were defined, so their keyword defaults are raised here too. A ``kg serve`` child gets
    ``--timeout`` from tests/kg_serve.py.
    """
    if not request.node.get_closest_marker("limits"):
        _raise_time_limits(monkeypatch)
    _parser_of_these_limits()
    request.addfinalizer(_parser_of_these_limits)  # the test may have set a limit of its own


#: The values of kg.limits that the CLI's cached parser (``kg.cli.shared_parser``) was built under.
_PARSER_BUILT_UNDER: list[dict[str, Any]] = [{}]


def _parser_of_these_limits() -> None:
    """The CLI's parser is built again when kg.limits holds other values than the ones it was built under.

    The parser holds the defaults it was built with (a limit test's production limits, the others' generous
    ones); building it costs ~5 ms, and some thousands of tests run ``kg`` in their process: a parser is kept
    while the limits stay the same, not built again by every test.
    """
    from kg.cli import shared_parser

    values = {name: value for name, value in vars(limits).items() if name.isupper()}
    if values != _PARSER_BUILT_UNDER[0]:
        shared_parser.cache_clear()
        _PARSER_BUILT_UNDER[0] = values


def _raise_time_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """:data:`TEST_TIME_LIMIT` for every default time limit of kg.limits and of the library's functions."""
    from kg.sparql import library

    # kg.store_server's, kg.serve's, kg.push's and kg.site's keyword defaults are taken when they are first
    # imported: before the patch below, so that they are the production ones whichever test imports them first
    # (tests/test_limits.py checks them).
    for module in ("kg.store_server", "kg.serve", "kg.push", "kg.site"):
        importlib.import_module(module)
    for name in ("QUERY_TIMEOUT", "SERVE_TIMEOUT", "PUSH_TIMEOUT"):
        monkeypatch.setattr(limits, name, TEST_TIME_LIMIT)
    from kg import push, serve, store_server
    from kg.sparql.endpoint import EndpointEngine

    for function in (library.run_query, library.query, library.check_queries, EndpointEngine.__init__,
                     store_server.start_server, serve.serve, push.push):  # fmt: skip
        monkeypatch.setitem(function.__kwdefaults__, "timeout", TEST_TIME_LIMIT)


@pytest.fixture(scope="session", autouse=True)
def _rdflib_sparql_ready() -> None:
    """rdflib's SPARQL parser and evaluator imported (and their grammar built) once per worker, before any fork.

    Each local query runs in a child forked from the test's process (kg.sparql.sandbox): where the worker had
    not imported them, every rdflib query's child imported and built them again, ~0.09 s of CPU of its ~0.1 s
    for a small query, for some hundreds of rdflib queries in a run. A run of ``kg query`` imports them as it needs.
    """
    Graph().query("ASK {}")


@pytest.fixture(autouse=True)
def _no_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables are cut to $COLUMNS: no test depends on the terminal (or pytest-xdist worker) it runs in."""
    monkeypatch.delenv("COLUMNS", raising=False)


@pytest.fixture(scope="session")
def graph() -> Graph:
    """Ontology, vocabularies and the shipped data, loaded once (treat as read-only)."""
    return load_graph()


@pytest.fixture(scope="session")
def text() -> str:
    return article_text()


@pytest.fixture(scope="session")
def data_source() -> str:
    return resources.data_path().read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium for the whole session; skipped only when Debian's chromium is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM} (CI: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright, *TEST_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def tabs(browser: Any) -> Iterator[Tabs]:
    """The session's pages, one of each kind lent to one test at a time (tests/chromium.py): a test that opens a
    page borrows one (``with tabs.open("phone") as tab``) instead of making a browser context of its own."""
    pool = Tabs(browser)
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def shared_site() -> Iterator[Any]:
    """The session's one ``kg serve`` of the shipped data (tests/kg_serve.py SharedSite); use ``site``."""
    from kg_serve import SharedSite

    shared = SharedSite()
    _SHARED.append(shared)
    yield shared
    _SHARED.remove(shared)
    shared.close()


@pytest.fixture(scope="module")
def site(shared_site: Any) -> str:
    """The URL of one real ``kg serve --port 0`` of the shipped data, shared by every module that only reads from
    it (one per worker; a module that needs its own server defines its own ``site``). A test that finds it dead
    fails saying why (its exit code and stderr), and the next module gets a new one."""
    return shared_site.url()


#: The shared kg serve of this process while the session has one (for the report of a test that met it dead).
#: The collector's thresholds in a test process: CPython's, but a full collection after 100 collections of the
#: middle generation rather than 10 (CPython still waits, too, until a quarter more objects outlived them).
TEST_GC_THRESHOLDS = (700, 10, 100)


def pytest_sessionstart(session: pytest.Session) -> None:
    """A worker collects all its objects less often (:data:`TEST_GC_THRESHOLDS`).

    A worker holds some 200 000 objects once it has collected the tests and several times that later (modules,
    graphs, the tests' values); each full collection walks them all. On test_export, test_query,
    hostile/test_hostile_queries, test_query_cli, test_results and test_explore in one process, 28 full collections
    took 3.2 of the process's 15.8 s of CPU; with these thresholds 3 took 0.8 s, for 25 MB more resident memory
    (cyclic garbage kept longer). test_launch sets CPython's own thresholds for its tests and gives these back.
    """
    gc.set_threshold(*TEST_GC_THRESHOLDS)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """At a module's end (its module fixtures torn down), the memory its tests freed goes back to the system.

    Every local query forks the worker (kg.sparql.sandbox), and a fork and its child's exit cost in proportion
    to the worker's resident memory (page tables copied and torn down): ~4.5 ms of the worker's CPU and ~6 ms
    of the child's at 180 MB, twice that at 380 MB. Memory that Python freed stays in the C library's heap:
    test_build_atomic's comparison of two whole builds left the worker 140 MB larger for the rest of the run,
    in which it forked some hundreds of query children. ``malloc_trim`` gives it back (a few ms a module).
    """
    yield
    if nextitem is None or nextitem.path != item.path:
        _give_back_freed_memory()


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """The GNU C library's ``malloc_trim`` (None elsewhere)."""
    import ctypes

    return getattr(ctypes.CDLL(None), "malloc_trim", None)


def _give_back_freed_memory() -> None:
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


_SHARED: list[Any] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """A failed test that used the shared ``kg serve`` while it had died says so, with the server's stderr."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and _SHARED and "shared_site" in getattr(item, "fixturenames", ()) and _SHARED[0].dead():
        report.sections.append(("the shared kg serve", _SHARED[0].death()))


@pytest.fixture(scope="session")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The explorer of the shipped data (``kg explore``'s one page), written once for the whole run and shared by
    every worker (as ``built``: the first that needs it writes it, the others wait for it); read only."""
    from kg.explore import write_explorer

    root = _run_tmp(tmp_path_factory)
    path = root / "explorer" / "explorer.html"
    with (root / "explorer.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():  # written whole or not at all (write_explorer replaces the file atomically)
            write_explorer(path)
    return path


KgRunner = Callable[..., subprocess.CompletedProcess]


@pytest.fixture(scope="session")
def kg() -> KgRunner:
    """Run the installed ``kg`` console script; returns the completed process (text mode, UTF-8)."""
    exe = shutil.which("kg", path=str(Path(sys.executable).parent)) or shutil.which("kg")
    if exe is None:
        pytest.fail("the `kg` console script is not installed: run `pip install -e .`")

    def run(*args: str, cwd: str | Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(
            [exe, *args], capture_output=True, text=True, encoding="utf-8", cwd=cwd, timeout=timeout, check=False
        )

    return run


def _run_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of this run, shared by its pytest-xdist workers (each has a ``popen-gwN`` below it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@dataclass(frozen=True)
class Build:
    """The outcome of one real ``kg build --out FOLDER`` (the installed script, a child process)."""

    folder: Path
    returncode: int
    stdout: str
    stderr: str

    def copy(self, to: Path) -> Path:
        """A copy of the build folder (with its record of inputs), for a test that builds into it again.

        The static site's thousands of files are hard links, not copies: a build replaces the site folder
        whole and never writes into its files, and neither may the test (replace a file, never rewrite it).
        """
        shutil.copytree(
            self.folder, to, symlinks=True, ignore=lambda folder, names: ["site"] if folder == str(self.folder) else []
        )
        shutil.copytree(self.folder / "site", to / "site", symlinks=True, copy_function=os.link)
        return to


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, kg: KgRunner) -> Build:
    """One ``kg build`` of the shipped data for the whole run, shared by every worker: read it, never change it
    (``built.copy(path)`` first). A full build writes the static site (thousands of files); the tests that need
    a finished build start from this one instead of each making their own."""
    root = _run_tmp(tmp_path_factory)
    record = root / "kg-build.json"
    with (root / "kg-build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first worker builds; the others wait for it and read its record
        if not record.exists():
            folder = root / "kg-build"
            done = kg("build", "--out", str(folder))
            record.write_text(
                json.dumps({"folder": str(folder), "returncode": done.returncode, "stdout": done.stdout,
                            "stderr": done.stderr}),
                encoding="utf-8",
            )  # fmt: skip
        found = json.loads(record.read_text(encoding="utf-8"))
    build = Build(Path(found.pop("folder")), **found)
    assert build.returncode == 0, build.stderr
    return build


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files whose content kg.content hashed during the test, in order."""
    from kg import content

    names: list[str] = []
    real = content._sha256_of_file

    def counted(handle: Any) -> str:
        names.append(handle.name)
        return real(handle)

    monkeypatch.setattr(content, "_sha256_of_file", counted)
    return names


@pytest.fixture
def tripwire() -> Iterator[Tripwire]:
    """A loopback listener that must never be contacted: the test fails at teardown if anything connected."""
    wire = Tripwire()
    yield wire
    assert wire.close() == [], "something connected to the tripwire"


@pytest.fixture
def run_kg(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run ``kg ARGS`` in this process: (exit code, stdout, stderr), argparse's own exits (usage errors,
    ``--help``) included.

    ``password=`` puts $KG_ENDPOINT_PASSWORD in the environment for that one call.
    """

    def invoke(*args: str, password: str | None = None) -> tuple[int, str, str]:
        from kg.cli import main

        saved = os.environ.get("KG_ENDPOINT_PASSWORD")
        if password is not None:
            os.environ["KG_ENDPOINT_PASSWORD"] = password
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse: usage errors and --help
            code = int(exc.code or 0)
        finally:
            if saved is None:
                os.environ.pop("KG_ENDPOINT_PASSWORD", None)
            else:
                os.environ["KG_ENDPOINT_PASSWORD"] = saved
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


@pytest.fixture
def broken_copy(tmp_path: Path, data_source: str) -> Callable[[str, str], Path]:
    """Write a copy of data/article.ttl with one exact replacement made, and return its path."""

    def make(old: str, new: str, count: int = 1) -> Path:
        assert old in data_source, f"test setup: {old!r} is not in data/article.ttl"
        path = tmp_path / "article.ttl"
        path.write_text(data_source.replace(old, new, count), encoding="utf-8")
        return path

    return make
