"""The warm query process (kg.warm): the same answers as a cold run, invalidated by content, bounded, stoppable."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg import resources, warm

#: Seconds a test waits for the warm process to be ready before it fails.
DEADLINE = 120.0

SELECT_PEOPLE = "SELECT ?p WHERE { ?p a kg:Person } ORDER BY ?p"
COUNT_PERSONS = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Person }"


class Warm:
    """`kg` run as from a shell, with its own cache folder; the warm process it starts is stopped after."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = {k: v for k, v in os.environ.items() if k != warm.NO_CACHE_ENV}
        self.env[warm.CACHE_DIR_ENV] = str(folder)
        self.env[warm.CACHE_IDLE_ENV] = "120"

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "kg", *args], capture_output=True, env=env or self.env, timeout=300, check=False
        )

    def state(self, name: str = warm.SOCKET_NAME) -> dict | None:
        with _environment(self.env):
            return warm.info(name)

    def ready(self, uses: int = 1, name: str = warm.SOCKET_NAME) -> dict:
        """The warm process's state once it holds a store used ``uses`` times (its start loads one); ``name``:
        the socket of another installation's."""
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            state = self.state(name)
            if state and state["stores"] and state["stores"][0]["uses"] >= uses:
                return state
            time.sleep(0.01)  # polling its state (asked over its socket) against the deadline
        pytest.fail(f"no warm query process ready after {DEADLINE:g} s; its log: {self.log()}")

    def log(self) -> str:
        path = self.folder / warm.LOG_NAME
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else "(none)"

    def stop(self) -> None:
        state = self.state()
        if state:
            with _environment(self.env):
                warm.clear()
            _wait_gone(state["pid"])


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split(") ")[-1].startswith("Z"))


def _wait_gone(pid: int) -> None:
    deadline = time.monotonic() + DEADLINE
    while _alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            pytest.fail(f"the warm query process {pid} did not stop")
        time.sleep(0.02)


def _warm_processes(folder: Path, *, workers: bool = False) -> list[int]:
    """Running warm processes whose cache folder is ``folder`` (``workers``: their workers too, forked from them)."""
    found: dict[int, int] = {}  # pid -> parent pid
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            ours = f"{warm.CACHE_DIR_ENV}={folder}".encode() in (entry / "environ").read_bytes().split(b"\0")
            if ours and b"kg.warm_server" in (entry / "cmdline").read_bytes() and _alive(int(entry.name)):
                found[int(entry.name)] = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
    return sorted(pid for pid, parent in found.items() if workers or parent not in found)


@contextlib.contextmanager
def _warm_folder() -> Iterator[Warm]:
    folder = Path(tempfile.mkdtemp(prefix="kgw"))  # short: a socket's path has at most 107 bytes
    folder.chmod(0o700)
    runner = Warm(folder)
    try:
        yield runner
    finally:
        runner.stop()
        for pid in _warm_processes(folder, workers=True):
            os.kill(pid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def kg_warm() -> Iterator[Warm]:
    """A cache folder of its own: for the tests that start, kill or stop the warm process."""
    with _warm_folder() as runner:
        yield runner


@pytest.fixture(scope="module")
def shared_warm() -> Iterator[Warm]:
    """One warm process on the shipped data, started by a first run, for the tests that only ask it."""
    with _warm_folder() as runner:
        runner("query", "-e", COUNT_PERSONS)
        runner.ready()
        yield runner


def _data(folder: Path, people: int) -> Path:
    """A data file of ``people`` persons (the ontology comes with every load)."""
    path = folder / "people.ttl"
    lines = ["@prefix kg: <https://w3id.org/iran-kazakhstan-kg/ontology#> ."]
    lines += [f"<urn:x:p{i:02d}> a kg:Person ." for i in range(people)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_repeated_query_is_answered_warm_with_the_same_bytes_and_exit_codes(shared_warm):
    kg_warm = shared_warm
    cases = [
        ("query", "cq03-people-and-posts"),
        ("query", "cq21-wikidata-links", "--lang", "fa", "--format", "json"),
        ("query", "-e", "CONSTRUCT { ?s a kg:Country } WHERE { ?s a kg:Country }"),
        ("query", "-e", "ASK { kgi:nowhere a kg:Country }"),  # exit 1: false
        ("query", "-e", "SELECT ?x WHERE { ?x a }"),  # exit 3: syntax error, with its position
        ("query", "no-such-query"),  # exit 2 or 3: unknown query
    ]
    cold = {case: kg_warm(*case, "--no-cache") for case in cases}
    used = kg_warm.ready()["stores"][0]["uses"]
    for case in cases:
        again = kg_warm(*case)
        assert (again.returncode, again.stdout, again.stderr) == (
            cold[case].returncode,
            cold[case].stdout,
            cold[case].stderr,
        ), case
    assert cold[cases[0]].returncode == 0 and b"Kassym-Jomart Tokayev" in cold[cases[0]].stdout
    assert {cold[c].returncode for c in cases[3:5]} == {1, 3}
    state = kg_warm.state()
    assert state["stores"][0]["uses"] == used + len(cases)  # every one was answered by the warm process
    assert len(_warm_processes(kg_warm.folder)) == 1


def test_the_installed_command_answered_warm_imports_only_the_client(shared_warm):
    """The installed ``kg`` command answered warm imports kg.launch and kg.warm and no more: not ``re`` (an
    entry point's generated wrapper imported it first, two thirds of Python's own start-up), enum or kg.cli."""
    exe = shutil.which("kg", path=str(Path(sys.executable).parent))
    assert exe is not None
    used = shared_warm.ready()["stores"][0]["uses"]
    env = {**shared_warm.env, "PYTHONPROFILEIMPORTTIME": "1"}
    done = subprocess.run([exe, "query", "-e", COUNT_PERSONS], capture_output=True, env=env, timeout=300, check=False)
    assert done.returncode == 0 and b"?n" in done.stdout
    assert shared_warm.state()["stores"][0]["uses"] == used + 1  # answered warm
    imported = {line.rpartition("|")[2].strip() for line in done.stderr.decode().splitlines() if "|" in line}
    assert {"kg.launch", "kg.warm"} <= imported
    assert not imported & {"re", "enum", "kg.cli", "runpy", "rdflib", "pyoxigraph"}


def test_an_input_rewritten_with_its_old_time_is_read_again(kg_warm):
    data = _data(kg_warm.folder, 10)
    kg_warm("query", "--data", str(data), "-e", COUNT_PERSONS)
    kg_warm.ready()
    first = kg_warm("query", "--data", str(data), "-e", COUNT_PERSONS, "--format", "csv")
    assert first.stdout.splitlines()[1] == b"10"
    before = data.stat()
    text = data.read_text(encoding="utf-8").replace("p09> a kg:Person", "p09> a kg:Thing ")
    assert len(text.encode()) == before.st_size
    data.write_text(text, encoding="utf-8")
    os.utime(data, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (data.stat().st_size, data.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    second = kg_warm("query", "--data", str(data), "-e", COUNT_PERSONS, "--format", "csv")
    assert second.stdout.splitlines()[1] == b"9"
    state = kg_warm.state()
    assert [s["uses"] for s in state["stores"]] == [1, 2]  # the new content's store, then the old one's


def test_the_input_limit_of_the_request_holds_for_a_loaded_store(shared_warm):
    kg_warm = shared_warm
    limited = kg_warm("query", "-e", COUNT_PERSONS, env={**kg_warm.env, "KG_MAX_INPUT_BYTES": "100"})
    assert limited.returncode == 2
    assert b"over the input limit of 100 bytes" in limited.stderr


def test_concurrent_first_runs_agree_and_leave_one_warm_process(kg_warm):
    expected = kg_warm("query", "-e", SELECT_PEOPLE, "--no-cache")
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "kg", "query", "-e", SELECT_PEOPLE],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=kg_warm.env,
        )
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert all(run.returncode == 0 for run in runs)
    assert {out for out, _ in outputs} == {expected.stdout}
    kg_warm.ready()
    deadline = time.monotonic() + DEADLINE
    while len(_warm_processes(kg_warm.folder)) > 1 and time.monotonic() < deadline:
        time.sleep(0.05)  # the ones that lost the lock are exiting
    assert len(_warm_processes(kg_warm.folder)) == 1


def test_a_killed_warm_process_leaves_nothing_that_is_used(kg_warm):
    kg_warm("query", "-e", COUNT_PERSONS)
    pid = kg_warm.ready()["pid"]
    os.kill(pid, signal.SIGKILL)
    _wait_gone(pid)
    assert (kg_warm.folder / warm.SOCKET_NAME).exists()  # its socket stays, and refuses
    again = kg_warm("query", "-e", COUNT_PERSONS, "--format", "csv")
    assert again.returncode == 0
    assert again.stdout == kg_warm("query", "-e", COUNT_PERSONS, "--format", "csv", "--no-cache").stdout
    assert kg_warm.ready()["pid"] != pid  # a new one took over


def test_a_warm_process_killed_while_loading_is_replaced(kg_warm):
    data = _data(kg_warm.folder, 50)
    command = ["-m", "kg.warm_server", "--", "query", "--data", str(data), "-e", "ASK {}"]
    spawn = subprocess.Popen([sys.executable, *command], env=kg_warm.env)
    deadline = time.monotonic() + DEADLINE
    while not (kg_warm.folder / warm.SOCKET_NAME).exists():  # it binds before it loads
        assert time.monotonic() < deadline and spawn.poll() is None, kg_warm.log()
        time.sleep(0.01)
    spawn.kill()
    spawn.wait()
    result = kg_warm("query", "--data", str(data), "-e", COUNT_PERSONS, "--format", "csv")
    assert (result.returncode, result.stdout.splitlines()[1]) == (0, b"50")


def test_the_stores_kept_are_bounded_least_recently_used_first(kg_warm):
    env = {**kg_warm.env, warm.CACHE_STORES_ENV: "1"}
    one = _data(kg_warm.folder, 3)
    other = kg_warm.folder / "other.ttl"
    shutil.copy(one, other)
    other.write_text(other.read_text(encoding="utf-8") + "<urn:x:extra> a kg:Person .\n", encoding="utf-8")
    kg_warm("query", "--data", str(one), "-e", COUNT_PERSONS, env=env)
    kg_warm.ready()
    result = kg_warm("query", "--data", str(other), "-e", COUNT_PERSONS, "--format", "csv", env=env)
    assert result.stdout.splitlines()[1] == b"4"
    stores = kg_warm.state()["stores"]
    assert [s["inputs"][-1] for s in stores] == [str(other.resolve())]


def test_cache_clear_stops_it_and_info_says_so(kg_warm):
    kg_warm("query", "-e", COUNT_PERSONS)
    pid = kg_warm.ready()["pid"]
    info = kg_warm("cache", "info")
    assert info.returncode == 0
    assert f"warm query process {pid}".encode() in info.stdout, (kg_warm.log(), info.stderr)
    assert str(resources.data_path()).encode() in info.stdout
    cleared = kg_warm("cache", "clear")
    assert cleared.stdout.decode().strip() == f"stopped the warm query process {pid}", kg_warm.log()
    _wait_gone(pid)
    assert not (kg_warm.folder / warm.SOCKET_NAME).exists()
    assert kg_warm("cache", "info").stdout.startswith(b"no warm query process")


@pytest.mark.parametrize("off", ["flag", "variable"])
def test_off_with_one_flag_or_variable(kg_warm, off):
    args, env = ("--no-cache",), kg_warm.env
    if off == "variable":
        args, env = (), {**kg_warm.env, warm.NO_CACHE_ENV: "1"}
    for _ in range(2):
        result = kg_warm("query", "-e", COUNT_PERSONS, *args, env=env)
        assert result.returncode == 0
    assert kg_warm.state() is None
    assert not (kg_warm.folder / warm.SOCKET_NAME).exists()


def test_a_folder_others_may_enter_is_not_used(kg_warm):
    kg_warm.folder.chmod(0o755)
    result = kg_warm("query", "-e", COUNT_PERSONS)
    assert result.returncode == 0
    assert not (kg_warm.folder / warm.SOCKET_NAME).exists()


def test_a_request_from_another_kg_makes_it_step_down(kg_warm):
    kg_warm("query", "-e", COUNT_PERSONS)
    pid = kg_warm.ready()["pid"]
    with _environment(kg_warm.env):
        sock = warm.connect(kg_warm.folder)
        assert sock is not None
        with contextlib.closing(sock):
            request = {"op": "run", "argv": ["query", "-e", COUNT_PERSONS], "cwd": "/", "env": {}, "kg": "other"}
            warm.send(sock, request, fds=(0, 1, 2))
            assert sock.recv(8) == b"D"
    _wait_gone(pid)


def test_an_edit_of_kg_s_own_files_makes_it_step_down_at_the_next_query(kg_warm, tmp_path):
    """A checkout edited after the warm process imported it: the next query runs cold with the new code (no
    status of kg's files is sent: the warm process watches them, kg.source_watch)."""
    copy = tmp_path / "src"
    shutil.copytree(Path(warm.__file__).parent, copy / "kg", ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "kg" / "_resources").mkdir()  # the shipped files, as a wheel has them
    for shipped in ("ontology", "data", "queries"):
        (copy / "kg" / "_resources" / shipped).symlink_to(resources.root() / shipped)
    env = {**kg_warm.env, "PYTHONPATH": str(copy)}
    name = warm.names(warm.installation(str(copy / "kg")))[0]
    first = kg_warm("query", "-e", COUNT_PERSONS, "--format", "csv", env=env)
    state = kg_warm.ready(name=name)
    assert state["kg_dir"] == str((copy / "kg").resolve())
    assert kg_warm("query", "-e", COUNT_PERSONS, "--format", "csv", env=env).stdout == first.stdout
    assert kg_warm.ready(2, name=name)["pid"] == state["pid"]  # answered warm
    module = copy / "kg" / "cli" / "query.py"
    text = module.read_text(encoding="utf-8")
    module.write_text(text.replace('"""', '"""Edited after the warm process imported it.\n', 1), encoding="utf-8")
    edited = kg_warm("query", "-e", COUNT_PERSONS, "--format", "csv", env=env)
    assert edited.returncode == 0 and edited.stdout == first.stdout, edited.stderr
    _wait_gone(state["pid"])  # it stepped down; the cold run started the next one, of the new code
    assert kg_warm.ready(name=name)["pid"] != state["pid"]
    with _environment(env):
        warm.clear()


def test_a_reader_that_stops_early_ends_the_warm_run_as_the_cold_one(shared_warm):
    """`kg query ... | head -1`: the worker gets BrokenPipeError as a cold kg does, not a signal."""
    kg_warm = shared_warm

    def closed_early(*args: str) -> tuple[int, bytes]:
        read, write = os.pipe()
        os.close(read)  # the reader is gone before anything is written
        try:
            done = subprocess.run(
                [sys.executable, "-m", "kg", *args], stdout=write, stderr=subprocess.PIPE, env=kg_warm.env, check=False
            )
        finally:
            os.close(write)
        return done.returncode, done.stderr

    assert closed_early("query", "cq24-inventory") == closed_early("query", "cq24-inventory", "--no-cache")


def test_the_query_children_the_workers_leave_are_collected(shared_warm):
    """The warm process collects each worker that ends and each query child a worker leaves; none may stay a
    zombie. One worker at most waits for the next request."""
    pid = shared_warm.state()["pid"]
    for _ in range(3):
        shared_warm("query", "-e", COUNT_PERSONS)
    shared_warm("query", "-e", COUNT_PERSONS, "--allow-external")  # a worker that is not kept: it ends
    deadline = time.monotonic() + 30  # each exits milliseconds after its answer
    while True:
        children = [e for e in Path("/proc").iterdir() if e.name.isdigit() and _child_of(e, pid)]
        if len(children) <= 1 and not any(_zombie(c) for c in children):
            break
        assert time.monotonic() < deadline, f"children left: {[c.name for c in children]}"
        time.sleep(0.02)
    assert all(b"kg.warm_server" in (c / "cmdline").read_bytes() for c in children)  # the waiting worker


def _zombie(entry: Path) -> bool:
    with contextlib.suppress(OSError):
        return (entry / "stat").read_text().rpartition(")")[2].split()[0] == "Z"
    return True


def _child_of(entry: Path, parent: int) -> bool:
    with contextlib.suppress(OSError):
        return f"\nPPid:\t{parent}\n" in (entry / "status").read_text()
    return False


def test_the_time_limit_and_the_memory_ceiling_say_what_a_cold_run_says(shared_warm):
    """The worker is the query's limited process (no second fork): same message, same exit code."""
    slow = ("query", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "--timeout", "0.25")
    doubling = "".join(f' BIND (REPLACE(?v{i}, "^(.*)$", "$1$1") AS ?v{i + 1})' for i in range(30))
    greedy = (
        "query", "-e", 'SELECT (STRLEN(?v30) AS ?n) WHERE { BIND ("0123456789abcdef" AS ?v0)' + doubling + " }",
        "--max-memory", "64", "--timeout", "60",
    )  # fmt: skip
    used = shared_warm.ready()["stores"][0]["uses"]
    for case in (slow, greedy):
        warm_run, cold_run = shared_warm(*case), shared_warm(*case, "--no-cache")
        assert (warm_run.returncode, warm_run.stdout) == (cold_run.returncode, cold_run.stdout) == (4, b""), case
        peak = rb"the query process's peak resident memory was \d+ MB"
        assert re.sub(peak, b"", warm_run.stderr) == re.sub(peak, b"", cold_run.stderr), case
        assert warm_run.stderr.startswith(b"kg query: error: <-e>: the query was stopped ")
    assert shared_warm.state()["stores"][0]["uses"] == used + 2  # both were answered warm
    assert shared_warm("query", "-e", COUNT_PERSONS, "--format", "csv").returncode == 0  # and it serves on


def test_a_worker_answers_the_next_requests_each_with_its_own_folder_limits_and_streams(kg_warm):
    """One worker answers request after request on the same stores (no fork each), each in the caller's folder
    and with the caller's own ceiling and streams; a change of the stores lets it go."""
    people = _data(kg_warm.folder, 3)
    kg_warm("query", "--data", str(people), "-e", COUNT_PERSONS)
    forked = kg_warm.ready()["forked"]
    count = ("query", "--data", "people.ttl", "-e", COUNT_PERSONS, "--format", "csv")
    doubling = "".join(f' BIND (REPLACE(?v{i}, "^(.*)$", "$1$1") AS ?v{i + 1})' for i in range(30))
    greedy = 'SELECT (STRLEN(?v30) AS ?n) WHERE { BIND ("0123456789abcdef" AS ?v0)' + doubling + " }"
    here = {**kg_warm.env}
    runs = []
    for case in (count, ("query", "--data", "people.ttl", "-e", greedy, "--max-memory", "64"), count, count):
        runs.append(subprocess.run([sys.executable, "-m", "kg", *case], capture_output=True, env=here,
                                   cwd=kg_warm.folder, timeout=300, check=False))  # fmt: skip
    assert [r.returncode for r in runs] == [0, 4, 0, 0]
    assert runs[0].stdout == runs[2].stdout == runs[3].stdout == b"n\r\n3\r\n"  # people.ttl of the folder
    assert runs[1].stderr.startswith(b"kg query: error: <-e>: the query was stopped at its memory ceiling of 64 MB")
    assert kg_warm.state()["forked"] == forked + 2  # the first, and a new one after it met the ceiling: kept
    with subprocess.Popen([sys.executable, "-m", "kg", *count], stdout=subprocess.PIPE, env=here,
                          cwd=kg_warm.folder) as reader:  # fmt: skip
        assert reader.stdout is not None and reader.stdout.read() == b"n\r\n3\r\n"  # the end: the worker let go
    other = kg_warm.folder / "more.ttl"
    other.write_text(people.read_text(encoding="utf-8") + "<urn:x:extra> a kg:Person .\n", encoding="utf-8")
    more = kg_warm("query", "--data", str(other), "-e", COUNT_PERSONS, "--format", "csv")
    assert more.stdout == b"n\r\n4\r\n" and kg_warm.state()["forked"] == forked + 3  # new stores: a new worker
    assert len(_warm_processes(kg_warm.folder, workers=True)) <= 2  # the warm process and one waiting worker


def test_each_installation_of_kg_has_a_warm_process_of_its_own(tmp_path):
    """Two checkouts used in turn do not replace each other's warm process: their sockets differ."""
    package = tmp_path / "kg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    shutil.copy(Path(warm.__file__), package / "warm.py")
    other = subprocess.run(
        [sys.executable, "-c", "from kg import warm; print(warm.SOCKET_NAME, warm.LOCK_NAME, warm.LOG_NAME)"],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(tmp_path)}, cwd=tmp_path,
    ).stdout.split()  # fmt: skip
    assert other != [warm.SOCKET_NAME, warm.LOCK_NAME, warm.LOG_NAME]
    assert all(name.startswith("query-") for name in other)


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to become another user")
def test_only_its_own_user_reaches_the_warm_process(shared_warm):
    """The socket is 0600 in a 0700 folder: another user's process cannot connect (nor run a query there)."""
    socket_path = shared_warm.folder / warm.SOCKET_NAME
    assert socket_path.stat().st_mode & 0o777 == 0o600
    assert shared_warm.folder.stat().st_mode & 0o777 == 0o700
    assert _connect_as_nobody(socket_path) == "PermissionError"


def _connect_as_nobody(socket_path: Path) -> str:
    """Try ``socket_path`` from a forked child that became the user ``nobody``: the name of the error, or
    "connected". A fork, not a new interpreter: ``nobody`` may not reach this Python (a venv under /root)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        outcome = "connected"
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
        except OSError as error:  # not the other user: say so, never a PermissionError that would pass
            outcome = f"could not become nobody: {error}"
        else:
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                    probe.connect(str(socket_path))
            except OSError as error:
                outcome = type(error).__name__
        os.write(write_end, outcome.encode())
        os._exit(0)
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as answer:
            outcome = answer.read().decode()
    finally:
        os.waitpid(pid, 0)
    return outcome


def test_a_long_query_does_not_hold_up_the_answer_of_a_short_one(shared_warm):
    """Each worker holds only its own caller's socket: a caller gets its end of file when its worker is done,
    not when a worker started after it (which once held a copy of the caller's socket) is done."""
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"

    def run(seconds: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "kg", "query", "-e", endless, "--timeout", seconds],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=shared_warm.env,
        )  # fmt: skip

    def wait_for_workers(count: int) -> None:
        deadline = time.monotonic() + DEADLINE
        while len(_workers_of(shared_warm)) < count:
            assert time.monotonic() < deadline, "the queries never started"
            time.sleep(0.02)

    short = run("2")  # its limit outlasts the start of the long one's client (a small import) and worker (a fork)
    wait_for_workers(1)
    long = run("100")
    try:
        wait_for_workers(2)
        assert short.wait(timeout=DEADLINE) == 4  # stopped at its own time limit
        assert long.poll() is None  # and answered while the later one still runs
    finally:
        for process in (short, long):
            process.kill()
            process.wait()


def _workers_of(runner: Warm) -> list[Path]:
    pid = runner.state()["pid"]
    return [e for e in Path("/proc").iterdir() if e.name.isdigit() and _child_of(e, pid)]


@pytest.mark.parametrize(("uses", "said"), [(1, "used 1 time"), (2, "used 2 times"), (0, "used 0 times")])
def test_cache_info_counts_a_stores_uses_in_words(monkeypatch, uses, said):
    monkeypatch.setattr(warm, "_others", list)  # no other installation's process to ask
    state = {
        "pid": 4242, "socket": warm.SOCKET_NAME, "version": "0", "kg_dir": "/k", "up": 3, "idle": 1,
        "idle_limit": 600, "rss_mb": 40, "max_stores": 4,
        "stores": [{"triples": 10, "entailment": "rdfs", "uses": uses, "inputs": ["/k/data/article.ttl"]}],
    }  # fmt: skip
    line = next(line for line in warm.describe(state).splitlines() if "triples" in line)
    assert line == f"  - 10 triples, entailment rdfs, {said}"


def test_a_waiting_worker_keeps_no_memory_ceiling_of_its_last_query(shared_warm, tmp_path):
    """The next request's work before its own query (its query file read and parsed, its watchdog started) runs
    without the last query's --max-memory: under it, a 4 MB query file after `--max-memory 1` hung the worker."""
    tiny = shared_warm("query", "-e", "ASK {}", "--max-memory", "1")
    assert (tiny.returncode, tiny.stdout) == (0, b"true\n"), tiny.stderr
    forked = shared_warm.state()["forked"]
    waiting = _workers_of(shared_warm)
    assert len(waiting) == 1
    limits = (waiting[0] / "limits").read_text(encoding="utf-8")
    address_space = next(line for line in limits.splitlines() if line.startswith("Max address space"))
    soft, hard = address_space.split()[3:5]
    assert soft == hard, address_space
    big = tmp_path / "big.rq"
    big.write_text("ASK {}\n" + ("# " + "x" * 200 + "\n") * 20_000, encoding="utf-8")
    warm_run = subprocess.run(
        [sys.executable, "-m", "kg", "query", str(big)], capture_output=True, env=shared_warm.env, timeout=120,
        check=False,
    )  # fmt: skip
    cold_run = shared_warm("query", str(big), "--no-cache")
    assert (warm_run.returncode, warm_run.stdout, warm_run.stderr) == (cold_run.returncode, cold_run.stdout, b"")
    assert shared_warm.state()["forked"] == forked  # both answered by the worker that waited


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="root's capabilities")
def test_a_worker_that_answered_a_query_still_reads_what_root_reads(shared_warm, tmp_path):
    """A worker's query left the network; the worker's next request still reads a file root reads by its
    capabilities (a user namespace of the worker's own had left them behind: "Permission denied", exit 2)."""
    first = shared_warm("query", "-e", "ASK {}")
    assert (first.returncode, first.stdout) == (0, b"true\n"), first.stderr
    forked = shared_warm.state()["forked"]
    private = tmp_path / "private.rq"
    private.write_text("ASK { ?s ?p ?o }\n", encoding="utf-8")
    os.chown(private, 12345, 12345)
    private.chmod(0o600)
    second = shared_warm("query", str(private))
    assert (second.returncode, second.stdout, second.stderr) == (0, b"true\n", b"")
    assert shared_warm.state()["forked"] == forked  # answered by the worker that waited
