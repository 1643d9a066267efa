"""kg.warm_server, in-process: which store a request's inputs get (loaded once, kept most recent first,
bounded), what is never kept, what is said of a worker dead in its query.

Its workers are tested in tests/test_warm_worker.py; the process itself (started, forked, stopped, raced)
through ``kg`` in tests/test_warm.py.
"""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

import pytest

from file_times import in_a_later_tick
from kg import content, warm
from kg.sparql import index
from kg.warm import CACHE_STORES_ENV, CRASH, PEAK, SIGNAL, crashed, died_in_query
from kg.warm_server import _number, _Server


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_STORES_ENV, "2")
    made = _Server(tmp_path, -1)
    yield made
    made.watch.close()
    index.keep(None)


@pytest.fixture
def inputs(tmp_path):
    files = {}
    for name in ("a", "b", "c"):
        path = tmp_path / f"{name}.nt"
        path.write_text(f'<urn:{name}> <urn:p> "{name}" .\n', encoding="utf-8")
        files[name] = str(path)
    return files


def ask(server: _Server, *argv: str, cwd: str | None = None, env: dict[str, str] | None = None) -> None:
    server.store_for(["query", "cq01", *argv], cwd or str(Path.cwd()), env if env is not None else dict(os.environ))


def test_a_store_is_loaded_once_for_the_same_inputs_and_kept_for_the_next_query(server, inputs):
    ask(server, "--data", inputs["a"])
    (store,) = server.stores
    assert store.inputs[-1] == inputs["a"] and store.entailment == "rdfs" and store.uses == 1
    assert index.kept_engine([inputs["a"]], "rdfs") is store.engine
    ask(server, "--data", inputs["a"])
    assert server.stores == [store] and store.uses == 2  # the same engine, not loaded again


def test_stores_are_kept_most_recent_first_and_bounded(server, inputs):
    for name in ("a", "b", "a", "c"):
        ask(server, "--data", inputs[name])
    assert [s.inputs[-1] for s in server.stores] == [inputs["c"], inputs["a"]]  # b went out: used least recently
    assert server.state()["max_stores"] == 2


def test_the_entailment_and_the_content_are_part_of_what_a_store_is(server, inputs):
    ask(server, "--data", inputs["a"])
    ask(server, "--data", inputs["a"], "--entailment", "none")
    assert [s.entailment for s in server.stores] == ["none", "rdfs"]
    with Path(inputs["a"]).open("a", encoding="utf-8") as handle:
        handle.write('<urn:a> <urn:p> "more" .\n')
    ask(server, "--data", inputs["a"], "--entailment", "none")
    assert server.stores[0].uses == 1  # new content: loaded anew


def test_a_touched_input_is_the_same_store_and_a_rewritten_one_with_its_old_time_another(server, inputs, monkeypatch):
    """Its hash is taken again (its change time moved), not its store loaded again; the same size and modification
    time with other bytes is another store, even after a hash trusted for the old status."""
    monkeypatch.setattr(content, "_clock", lambda: time.time_ns() + 10 * content.RACY_NS)  # every hash may be trusted
    data = Path(inputs["a"])
    ask(server, "--data", inputs["a"])
    (store,) = server.stores
    generation = server.generation
    stat = data.stat()
    in_a_later_tick(data, lambda: os.utime(data))
    ask(server, "--data", inputs["a"])
    assert server.stores == [store] and store.uses == 2 and server.generation == generation

    def rewrite() -> None:
        data.write_text('<urn:z> <urn:p> "a" .\n', encoding="utf-8")
        os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    in_a_later_tick(data, rewrite)
    assert (data.stat().st_size, data.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    ask(server, "--data", inputs["a"])
    assert len(server.stores) == 2 and server.stores[0] is not store and server.stores[0].uses == 1


@pytest.mark.parametrize(
    "argv",
    [
        ("--endpoint", "http://127.0.0.1:9/sparql"),
        ("--show",),
        ("--engine", "rdflib"),
        ("--max-rows", "many"),  # a usage error: the worker reports it
    ],
)
def test_what_is_not_a_local_oxigraph_query_keeps_nothing(server, inputs, argv):
    ask(server, "--data", inputs["a"], *argv)
    assert server.stores == [] and index._KEPT is None


def test_another_command_keeps_nothing(server):
    server.store_for(["validate"], str(Path.cwd()), dict(os.environ))
    assert server.stores == []


def test_inputs_that_do_not_load_keep_nothing_and_raise_nothing(server, tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("<urn:a> <urn:p> .\n", encoding="utf-8")
    ask(server, "--data", str(broken))
    ask(server, "--data", str(tmp_path / "missing.ttl"))
    assert server.stores == [] and index._KEPT is None


def test_inputs_with_a_triple_term_get_no_store_even_after_a_store_of_the_same_file(server, inputs):
    """A request's inputs are searched for RDF 1.2 triple terms only when they are not those of a loaded store:
    a file rewritten with one is new bytes, read and refused (the worker says why), never the old store."""
    ask(server, "--data", inputs["a"])
    assert len(server.stores) == 1
    Path(inputs["a"]).write_text('<< <urn:a> <urn:p> "a" >> <urn:q> "b" .\n', encoding="utf-8")
    assert server.store_for(["query", "cq01", "--data", inputs["a"]], str(Path.cwd()), dict(os.environ)) is None
    assert index.kept_engine([inputs["a"]], "rdfs") is None and len(server.stores) == 1


def test_the_request_s_folder_and_environment_are_used_then_put_back(server, inputs, tmp_path, monkeypatch):
    monkeypatch.delenv("KG_REQUEST_ONLY", raising=False)
    before_cwd, before_env = str(Path.cwd()), dict(os.environ)
    ask(server, "--data", "a.nt", cwd=str(tmp_path), env={**os.environ, "KG_REQUEST_ONLY": "1"})
    assert server.stores[0].inputs[-1] == inputs["a"]  # a.nt read relative to the request's folder
    assert str(Path.cwd()) == before_cwd and dict(os.environ) == before_env


def test_closing_removes_the_socket_then_lets_the_lock_go_though_a_worker_still_holds_it(tmp_path):
    """A process that steps down (or is stopped) lets the next one start at once, its workers still finishing:
    the lock is released though a forked worker holds its descriptor too (here a duplicate)."""
    import fcntl

    lock = tmp_path / "query.lock"
    lock_fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    workers_copy = os.dup(lock_fd)
    made = _Server(str(tmp_path), lock_fd)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(tmp_path / warm.SOCKET_NAME))
    try:
        made.close(listener)
        assert not (tmp_path / warm.SOCKET_NAME).exists() and made.lock_fd == -1
        next_one = os.open(lock, os.O_RDWR)
        try:
            fcntl.flock(next_one, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raised BlockingIOError while the lock was held
        finally:
            os.close(next_one)
        made.close(listener)  # again: nothing more to do
    finally:
        os.close(workers_copy)
        made.watch.close()


class _Changed:
    """kg's files as the watch finds them after an upgrade or an edit."""

    def changed(self) -> bool:
        return True

    def close(self) -> None:
        pass


@pytest.mark.parametrize("changed", [False, True])
def test_a_run_after_kg_s_files_changed_or_from_another_python_is_declined_and_it_steps_down(server, changed):
    """Its code is older than the files (the caller runs cold; the next run starts a new warm process); a request
    from another Python too. Asked what it holds, it still answers."""
    if changed:
        server.watch.close()
        server.watch = _Changed()
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    read, write = os.pipe()
    try:
        python = server.kg if changed else "another Python"
        request = {"op": "run", "argv": ["query", "cq01"], "cwd": "/", "env": {}, "kg": python}
        warm.send(theirs, request, (read, write, 2))
        assert server.handle(mine) is False
        assert theirs.recv(8) == warm.DECLINE
    finally:
        theirs.close()
        os.close(read)
        os.close(write)
    asking, answering = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with asking:
        warm.send(asking, {"op": "info"})
        assert server.handle(answering) is True
        assert warm.decode(asking)["pid"] == os.getpid()


@pytest.mark.parametrize(("value", "number"), [("", 7.0), ("2.5", 2.5), ("  30 ", 30.0), ("soon", 7.0)])
def test_a_number_from_the_environment_or_the_default(monkeypatch, value, number):
    monkeypatch.setenv("KG_TEST_NUMBER", value)
    assert _number("KG_TEST_NUMBER", 7.0) == number


def test_a_worker_dead_by_a_crash_signal_crashed_and_one_aborted_or_killed_met_its_ceiling():
    """A worker that dies in its query is said to have crashed (exit 3) on SIGSEGV, SIGBUS, SIGILL, SIGFPE;
    on SIGABRT (pyoxigraph's at a failed allocation) or SIGKILL (the OOM killer), to have met the memory ceiling."""
    assert all(crashed(s) for s in (signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE))
    assert not any(crashed(s) for s in (signal.SIGABRT, signal.SIGKILL, signal.SIGTERM))


def test_what_is_said_of_a_process_dead_in_its_query():
    """Its last words with its peak or the signal's name; an abort is a crash when the engine's words were kept and
    say no allocation failed; nothing when it left no words (it died elsewhere)."""
    words = f"4 kg query: error: ceiling, peak {PEAK} MB{CRASH}3 kg query: error: crashed ({SIGNAL})"
    assert died_in_query(signal.SIGABRT, words, 70) == "4 kg query: error: ceiling, peak 70 MB"
    assert died_in_query(signal.SIGKILL, words, 70) == "4 kg query: error: ceiling, peak 70 MB"
    assert died_in_query(signal.SIGSEGV, words, 70) == "3 kg query: error: crashed (SIGSEGV)"
    assert died_in_query(signal.SIGABRT, words, 70, b"memory allocation of 64 bytes failed\n").startswith("4 ")
    assert died_in_query(signal.SIGABRT, words, 70, b"fatal runtime error: stack overflow\n") == (
        "3 kg query: error: crashed (SIGABRT)"
    )
    without_ceiling = f"{CRASH}3 kg query: error: crashed ({SIGNAL})"  # --max-memory 0
    assert died_in_query(signal.SIGABRT, without_ceiling, 70) == "3 kg query: error: crashed (SIGABRT)"
    assert died_in_query(signal.SIGTERM, "", 70) is None
