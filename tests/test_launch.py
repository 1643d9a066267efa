"""kg.launch: a kg query goes to the warm process first; the warm process is started after a local query only;
a cold local query runs in a process of its own, which is its query's limited process."""

from __future__ import annotations

import gc
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg import launch, warm


@pytest.fixture
def calls(monkeypatch):
    """The warm process's answer (None: not answered) and what ran, recorded instead of done."""
    record: dict = {"answer": None, "asked": [], "started": [], "ran": [], "own": [], "code": 0}

    def answer(argv):
        record["asked"].append(argv)
        return record["answer"]

    def run(argv):
        record["ran"].append(argv)
        return record["code"]

    monkeypatch.setattr(warm, "answer", answer)
    monkeypatch.setattr(warm, "start", lambda argv: record["started"].append(argv))
    monkeypatch.setattr("kg.cli.main", run)

    def own_process(argv):  # the fork itself: in the tests below, with real kg processes
        record["own"].append(argv)
        return run(argv)

    monkeypatch.setattr(launch, "query_process", own_process)
    return record


def kg(monkeypatch, *argv: str) -> int:
    monkeypatch.setattr(sys, "argv", ["kg", *argv])
    return launch.main()


@pytest.mark.parametrize("code", [0, 1, 3])
def test_a_query_answered_warm_never_runs_the_cli(calls, monkeypatch, code):
    calls["answer"] = code
    assert kg(monkeypatch, "query", "cq01") == code
    assert calls["asked"] == [["query", "cq01"]] and calls["ran"] == [] and calls["started"] == []


@pytest.mark.parametrize("code", [0, 1])
def test_a_local_query_not_answered_warm_runs_and_starts_the_warm_process_for_the_next(calls, monkeypatch, code):
    calls["code"] = code
    assert kg(monkeypatch, "query", "cq01", "--param", "lang=fa") == code
    assert calls["ran"] == calls["own"] == calls["started"] == [["query", "cq01", "--param", "lang=fa"]]


@pytest.mark.parametrize("code", [2, 3, 4, 130])
def test_a_failed_query_starts_nothing(calls, monkeypatch, code):
    calls["code"] = code
    assert kg(monkeypatch, "query", "cq01") == code
    assert calls["started"] == []


@pytest.mark.parametrize(
    "argv",
    [
        ("query", "cq01", "--endpoint", "http://127.0.0.1:9/sparql"),
        ("query", "cq01", "--endpoint=http://127.0.0.1:9/sparql"),
        ("query", "cq01", "--show"),
        ("query", "--help"),
        ("query", "-h"),
    ],
)
def test_a_query_that_is_not_local_starts_no_warm_process(calls, monkeypatch, argv):
    assert kg(monkeypatch, *argv) == 0
    assert calls["ran"] == [list(argv)] and calls["started"] == calls["own"] == []


@pytest.mark.parametrize("argv", [("validate",), ("export", "--format", "nt"), (), ("querystring",)])
def test_other_commands_go_straight_to_the_cli(calls, monkeypatch, argv):
    assert kg(monkeypatch, *argv) == 0
    assert calls["asked"] == calls["started"] == calls["own"] == [] and calls["ran"] == [list(argv)]


@pytest.fixture(autouse=True)
def _no_freeze_at_exit(monkeypatch):
    """launch.main would have this test process skip its collection at exit: a command's setting, not pytest's."""
    monkeypatch.setattr(launch, "_FROZEN_AT_EXIT", [True])


@pytest.fixture(autouse=True)
def thresholds():
    """The collector's thresholds of this test process, set to CPython's defaults and given back afterwards
    (launch.main sets a command's: never left on the test process)."""
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*saved)


@pytest.mark.parametrize("argv", [("query", "cq01"), ("build",), ("validate",), ("export", "--format", "nt"), ()])
def test_a_command_that_runs_once_collects_garbage_less_often(calls, monkeypatch, thresholds, argv):
    kg(monkeypatch, *argv)
    assert gc.get_threshold() == launch.BATCH_GC_THRESHOLDS
    assert gc.get_threshold()[0] > 700 and gc.isenabled()


#: A process with 100 garbage cycles whose finalizers write "x" when a collection frees them, set up as a kg
#: command (argv[1] "batch") or not; the collector is off, so only the collection at exit could free them.
CYCLES_AT_EXIT = """
import gc, os, sys
import kg.launch
if sys.argv[1] == "batch":
    kg.launch.batch_process()
    kg.launch.batch_process()  # once a process
gc.disable()
write = os.write
class Cycle:
    def __init__(self):
        self.me = self
    def __del__(self):
        write(1, b"x")
for _ in range(100):
    Cycle()
"""


@pytest.mark.parametrize(("setup", "finalized"), [("batch", b""), ("plain", b"x" * 100)])
def test_a_command_that_runs_once_exits_without_a_last_collection(setup, finalized):
    """What a command holds at exit is left to the system, not traversed once more (0.1 s of a kg build); Python's
    own exit collects it (the control)."""
    done = subprocess.run([sys.executable, "-c", CYCLES_AT_EXIT, setup], capture_output=True, timeout=120, check=True)
    assert done.stdout == finalized and done.stderr == b""


#: A `kg COMMAND` (argv[1]) as the installed script runs it, its command replaced: it prints (buffered) and
#: returns 4; an audit hook writes "D" when the interpreter's teardown begins, an atexit function writes "a".
EXIT_PROCESS = """
import atexit, os, sys
import kg.cli
from kg import launch
kg.cli.main = lambda argv: (print("published"), 4)[1]
def teardown(event, args, write=os.write):
    if event in ("cpython.PyInterpreterState_Clear", "cpython._PySys_ClearAuditHooks"):  # the teardown, after atexit
        write(1, b"D")
sys.addaudithook(teardown)
atexit.register(os.write, 1, b"a")
sys.argv = ["kg", sys.argv[1]]
launch.exit_process(launch.main())
"""


@pytest.mark.parametrize(("command", "torn_down"), [("publish", False), ("build", True)])
def test_kg_publish_ends_at_once_with_its_output_flushed_and_atexit_run(command, torn_down):
    """kg publish's process ends without the interpreter's teardown (os._exit), once what it printed is out
    and its atexit functions ran; any other command exits as Python does (the control)."""
    done = subprocess.run([sys.executable, "-c", EXIT_PROCESS, command], capture_output=True, timeout=120)
    assert done.returncode == 4 and done.stderr == b""
    assert b"published\n" in done.stdout and b"a" in done.stdout
    assert (b"D" in done.stdout) is torn_down
    if not torn_down:
        assert done.stdout == b"published\na"  # flushed first, then the atexit functions


def test_kg_serve_keeps_the_collectors_defaults(calls, monkeypatch, thresholds):
    """kg serve runs for days: its memory stays flat the default way."""
    kg(monkeypatch, "serve", "--port", "0")
    assert gc.get_threshold() == (700, 10, 10)


# --------------------------------------------------------------------------- the cold query's own process, for real

#: A `kg` whose command is replaced by CASE (argv[1]), run through launch.query_process in a real process.
OWN_PROCESS = """
import os, signal, sys, time
# As an interactive shell starts a command: Ctrl-C neither held back nor ignored. A test run started in the
# background of a non-interactive shell (`pytest &` in a script) has SIGINT ignored, as POSIX says, and so
# would the kg under test: Python then installs no handler of its own and the Ctrl-C is never seen.
signal.pthread_sigmask(signal.SIG_SETMASK, set())
signal.signal(signal.SIGINT, signal.default_int_handler)
import kg.cli
from kg import launch
from kg.sparql.sandbox import run_isolated

def command(argv):
    case = argv[1]
    if case == "exit":
        print("a row")
        return 3
    if case == "usage":
        raise SystemExit(2)
    if case == "outside":
        os.kill(os.getpid(), signal.SIGTERM)
    if case == "orphan":
        with open(argv[2], "w", encoding="utf-8") as out:
            out.write(str(os.getpid()))
        time.sleep(60)

    def query():
        if case == "segv":
            os.kill(os.getpid(), signal.SIGSEGV)
        if case.startswith("abort"):
            if case == "abort-allocating":
                os.write(2, b"memory allocation of 8589934592 bytes failed\\n")
            os.abort()
        if case == "slow":
            time.sleep(30)
        if case == "engine":  # an engine deep in its query: Python's signal handlers wait for it to return
            import pyoxigraph as ox

            store = ox.Store()
            p = ox.NamedNode("urn:p")
            store.extend([ox.Quad(ox.NamedNode(f"urn:s{i}"), p, ox.Literal(str(i))) for i in range(300)])
            with open(argv[2], "w", encoding="utf-8") as out:
                out.write(str(os.getpid()))
            list(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"))
        return "answer"

    print(run_isolated(query, 0.5 if case == "slow" else 30, max_memory=64, where="q.rq"))
    return 0

kg.cli.main = command
sys.exit(launch.query_process(["query", *sys.argv[1:]]))
"""


def own_process(*argv: str, wait: bool = True) -> subprocess.CompletedProcess | subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONFAULTHANDLER"}
    command = [sys.executable, "-c", OWN_PROCESS, *argv]
    if not wait:
        return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


CRASHED = "kg query: error: q.rq: the query engine crashed on this query (signal {}); nothing was answered\n"


@pytest.mark.parametrize(
    ("case", "code", "out", "err"),
    [
        ("exit", 3, "a row\n", ""),
        ("usage", 2, "", ""),
        ("fine", 0, "answer\n", ""),
        ("slow", 4, "", "kg query: error: q.rq: the query was stopped after 0.5 s (time limit; see --timeout)\n"),
        ("segv", 3, "", CRASHED.format("SIGSEGV")),
        ("abort", 3, "", CRASHED.format("SIGABRT")),  # an abort that is not a failed allocation
    ],
)  # fmt: skip
def test_the_query_process_says_what_a_cold_query_says(case, code, out, err):
    done = own_process(case)
    assert (done.returncode, done.stdout, done.stderr) == (code, out, err)


def test_a_query_process_that_met_its_memory_ceiling_is_said_to_with_its_peak():
    """pyoxigraph aborts past the ceiling after saying so on its standard error, which the query's process keeps."""
    done = own_process("abort-allocating")
    assert done.returncode == 4 and done.stdout == ""
    assert re.fullmatch(
        r"kg query: error: q.rq: the query was stopped at its memory ceiling of 64 MB \(see --max-memory\); "
        r"the query process's peak resident memory was \d+ MB\n",
        done.stderr,
    ), done.stderr


def test_a_query_process_killed_outside_its_query_takes_kg_the_same_way():
    assert own_process("outside").returncode == -signal.SIGTERM


def test_the_query_process_does_not_outlive_kg(tmp_path):
    """A `kg` killed (a time-out's SIGKILL) takes its query's process with it."""
    pid_file = tmp_path / "pid"
    kg_process = own_process("orphan", str(pid_file), wait=False)
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() or not pid_file.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline and kg_process.poll() is None
            time.sleep(0.01)
        child = int(pid_file.read_text(encoding="utf-8"))
    finally:
        kg_process.kill()
        kg_process.wait()
    deadline = time.monotonic() + 30
    while Path(f"/proc/{child}").exists() and "State:\tZ" not in _status(child):
        assert time.monotonic() < deadline, "the query's process outlived kg"
        time.sleep(0.01)


def test_ctrl_c_stops_a_query_the_engine_is_computing_at_once(tmp_path):
    """Ctrl-C (SIGINT to the foreground process group) ends kg with 130 while pyoxigraph computes, as a warm run does,
    not at the query's time limit (30 s here: it used to end there, exit 4)."""
    pid_file = tmp_path / "pid"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONFAULTHANDLER"}
    kg_process = subprocess.Popen(
        [sys.executable, "-c", OWN_PROCESS, "engine", str(pid_file)], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() or not pid_file.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline and kg_process.poll() is None, kg_process.communicate()
            time.sleep(0.01)
        os.killpg(kg_process.pid, signal.SIGINT)
        out, err = kg_process.communicate(timeout=20)
    finally:
        kg_process.kill()
        kg_process.wait()
    assert (kg_process.returncode, out, err) == (130, b"", b"")
    child = int(pid_file.read_text(encoding="utf-8"))
    assert not Path(f"/proc/{child}").exists() or "State:\tZ" in _status(child)


def _status(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return "State:\tZ"


def test_a_real_cold_query_answers_as_in_process(tmp_path, capsys):
    from kg.cli import main

    env = {**os.environ, "KG_NO_CACHE": "1"}
    argv = ["query", "cq24-inventory", "--format", "tsv"]
    done = subprocess.run(
        [sys.executable, "-m", "kg", *argv], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert main([*argv, "--no-cache"]) == done.returncode == 0
    assert capsys.readouterr().out == done.stdout and done.stderr == ""


def test_without_a_process_of_its_own_the_query_runs_here(calls, monkeypatch):
    """No fork to be had (too many processes): kg query runs as a library call does, its query forked then."""

    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.undo()  # the real query_process, with a fork that fails
    monkeypatch.setattr(warm, "answer", lambda argv: None)
    monkeypatch.setattr(warm, "start", lambda argv: calls["started"].append(argv))
    monkeypatch.setattr("kg.cli.main", lambda argv: calls["ran"].append(argv) or 1)
    monkeypatch.setattr(os, "fork", no_fork)
    opened = _open_files()
    assert kg(monkeypatch, "query", "cq01") == 1
    assert calls["ran"] == calls["started"] == [["query", "cq01"]]
    assert _open_files() == opened, "the pipes made for it are closed"


def _open_files() -> int:
    return sum(1 for _ in Path("/proc/self/fd").iterdir())
