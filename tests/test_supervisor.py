"""The supervision of kg serve's Oxigraph child (kg.supervisor), on real processes standing in for it.

kg serve itself, with a real Oxigraph killed under it, is tested in test_site.py; here the supervisor's
rules: a death is restarted and reported in one line, the shared health says "restarting" until the child
answers again, a child that came up is always restarted (after a pause that grows), starts that fail give up
at the bound, a worker's request or memory past the ceiling stop the child, and a supervisor told to stop
restarts nothing.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from kg.errors import ServerError
from kg.supervisor import EndOf, Health, Supervisor

#: A child that lives until it is killed, and costs nothing meanwhile.
SLEEPER = ["sleep", "600"]


class StandIn:
    """A child the supervisor restarts: a sleeping process, ready when the test says so (or at once)."""

    def __init__(self, *, gated: bool = False, spawn_fails: bool = False) -> None:
        self.process = subprocess.Popen(SLEEPER)
        self.started = [self.process]
        self.gate = threading.Event()
        if not gated:
            self.gate.set()
        self.spawn_fails = spawn_fails
        self.log = "Listening for requests at http://127.0.0.1:1\n"

    def spawn(self) -> None:
        if self.spawn_fails:
            raise ServerError("the oxigraph server exited with code 1:\nError: the store is locked")
        self.process = subprocess.Popen(SLEEPER)
        self.started.append(self.process)

    def wait_ready(self, stopping: threading.Event) -> None:
        while not self.gate.wait(0.05):
            if stopping.is_set():
                raise ServerError("kg serve is stopping")

    def stderr(self) -> str:
        return self.log

    def end(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
            process.wait()


class Lines:
    """What the supervisor reports, one line at a time, waited for (never slept for)."""

    def __init__(self) -> None:
        self.said: queue.Queue[str] = queue.Queue()

    def __call__(self, line: str) -> None:
        assert "\n" not in line
        self.said.put(line)

    def next(self) -> str:
        return self.said.get(timeout=30)


@pytest.fixture
def child() -> Iterator[StandIn]:
    made = StandIn(gated=True)
    yield made
    made.end()


KILLED = "kg serve: the oxigraph server stopped with signal 9 (SIGKILL); restarting it on the same store"


def test_a_dead_child_is_restarted_and_the_health_says_restarting_until_it_answers(child):
    health, lines = Health(), Lines()
    supervisor = Supervisor(child, health, report=lines)
    supervisor.start()
    try:
        first = child.process
        first.send_signal(signal.SIGKILL)
        assert lines.next() == KILLED
        assert health.restarting() == 1  # Retry-After: 1 s, while the new child is not ready
        child.gate.set()
        assert lines.next().startswith("kg serve: the oxigraph server answers again (")
        assert health.restarting() is None
        assert len(child.started) == 2 and child.process is not first and child.process.poll() is None
        # its last words are reported, not the line it wrote when it started
        child.log += "thread 'x' has overflowed its stack\nfatal runtime error: stack overflow, aborting\n"
        child.process.send_signal(signal.SIGABRT)
        assert lines.next() == (
            "kg serve: the oxigraph server stopped with signal 6 (SIGABRT) (fatal runtime error: stack overflow, "
            "aborting); restarting it on the same store"
        )
        assert lines.next().startswith("kg serve: the oxigraph server answers again (")
    finally:
        supervisor.stop()
        child.end()
        supervisor.join(30)
    assert supervisor.gave_up is None


def test_a_child_that_came_up_is_always_restarted_after_a_pause_that_grows_with_the_deaths_in_the_window(child):
    """Its deaths are the requests' doing: a handful of requests must not end the service.

    Each pause is the one the supervisor chose, taken down here, then not waited (1.5 s of sleeping in all)."""
    health, lines, gave_up = Health(), Lines(), threading.Event()
    seconds = iter([0, 1, 2, 3, 4, 70])  # the deaths: five within a minute, then one a minute later
    supervisor = Supervisor(
        child, health, restarts=2, report=lines, on_give_up=gave_up.set, clock=lambda: float(next(seconds))
    )
    pauses: list[float] = []
    restart = supervisor._restart

    def restart_at_once(pause: float) -> bool:
        pauses.append(pause)
        return restart(0.0)

    supervisor._restart = restart_at_once  # type: ignore[method-assign]
    seen = []
    supervisor.start()
    try:
        for _ in range(6):
            child.gate.clear()  # the new child waits at the gate: the health can be read meanwhile
            child.process.kill()
            assert lines.next() == KILLED
            seen.append(health.restarting())  # the Retry-After while it waits: 1 s + the pause, rounded up
            child.gate.set()
            assert "answers again" in lines.next()
    finally:
        supervisor.stop()
        child.end()
        supervisor.join(30)
    assert pauses == [0, 0.1, 0.2, 0.4, 0.8, 0]  # then alone in its window
    assert seen == [1, 2, 2, 2, 2, 1]  # the Retry-After: 1 s and the pause, rounded up
    assert not gave_up.is_set() and supervisor.gave_up is None and len(child.started) == 7


def test_starts_that_fail_give_up_at_the_bound_each_reported_on_one_line():
    child = StandIn(spawn_fails=True)
    lines, gave_up = Lines(), threading.Event()
    supervisor = Supervisor(child, Health(), restarts=2, window=600, report=lines, on_give_up=gave_up.set)
    supervisor.start()
    try:
        child.process.kill()
        said = [lines.next() for _ in range(4)]
        assert gave_up.wait(30)
    finally:
        supervisor.stop()
        child.end()
        supervisor.join(30)
    failed = "kg serve: the oxigraph server could not be restarted: the oxigraph server exited with code 1: … "
    assert said == [KILLED, failed + "Error: the store is locked", KILLED, failed + "Error: the store is locked"]
    assert supervisor.gave_up == (
        "the oxigraph server could not be started again, 2 times within 600 s: kg serve gives up "
        "(Error: the store is locked)"
    )
    assert lines.said.empty()


def test_a_child_that_does_not_come_up_is_stopped_and_counted_as_a_failed_start():
    class NeverReady(StandIn):
        def wait_ready(self, stopping: threading.Event) -> None:
            raise ServerError("the oxigraph server did not answer at http://127.0.0.1:1/ within 30 s: ")

    hung = NeverReady()
    lines, gave_up = Lines(), threading.Event()
    supervisor = Supervisor(hung, Health(), restarts=1, window=600, report=lines, on_give_up=gave_up.set)
    supervisor.start()
    try:
        hung.process.kill()
        assert lines.next() == KILLED
        assert lines.next().startswith("kg serve: the restarted oxigraph server did not come up: the oxigraph")
        assert gave_up.wait(30)
    finally:
        supervisor.stop()
        hung.end()
        supervisor.join(30)
    assert hung.started[1].returncode == -signal.SIGKILL  # the one that hung was stopped


def test_a_worker_can_ask_for_a_restart_which_stops_the_child_and_starts_it_again(child):
    """A query that went on past its limit and the overrun: only the end of the server stops it."""
    health, lines = Health(), Lines()
    child.gate.set()
    supervisor = Supervisor(child, health, report=lines)
    supervisor.start()
    try:
        health.ask_restart()  # as kg.proxy does, from any worker
        assert lines.next() == (
            "kg serve: the oxigraph server was stopped: a query went on 5 s past kg serve's time limit in it; "
            "restarting it on the same store"
        )
        assert "answers again" in lines.next()
        assert child.started[0].returncode == -signal.SIGKILL and len(child.started) == 2
        assert not health.restart_asked()  # the request was taken
    finally:
        supervisor.stop()
        child.end()
        supervisor.join(30)


def test_a_child_past_its_memory_is_stopped_and_started_again(child):
    """The first child takes 200 MB once told to; with 100 MB allowed beyond what it held once started, it is
    stopped within a look and started again."""
    grower = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; sys.stdin.readline(); grown = b'x' * (200 << 20); time.sleep(600)"],
        stdin=subprocess.PIPE,
    )
    child.process = grower
    child.started.append(grower)  # the fixture's sleeper too is ended with the rest (it was left running)
    child.gate.set()
    lines = Lines()
    supervisor = Supervisor(child, Health(), report=lines, max_memory=100)
    supervisor.start()
    try:
        assert grower.stdin is not None
        grower.stdin.write(b"grow\n")
        grower.stdin.flush()
        said = lines.next()
        assert said.startswith("kg serve: the oxigraph server was stopped: it held "), said
        assert "the 100 MB its queries may add (kg serve --max-memory); restarting it on the same store" in said
        assert "answers again" in lines.next()
        assert grower.returncode == -signal.SIGKILL
    finally:
        supervisor.stop()
        child.end()
        supervisor.join(30)


def test_a_supervisor_told_to_stop_restarts_nothing(child):
    lines = Lines()
    supervisor = Supervisor(child, Health(), report=lines)
    supervisor.start()
    supervisor.stop()
    child.process.terminate()  # as kg serve stops its child after stopping the supervisor
    supervisor.join(30)
    assert not supervisor._thread.is_alive()
    assert len(child.started) == 1 and lines.said.empty()


def test_a_stop_while_a_restart_waits_for_the_child_ends_the_watch(child):
    lines = Lines()
    supervisor = Supervisor(child, Health(), report=lines)
    supervisor.start()
    child.process.kill()
    assert lines.next() == KILLED
    supervisor.stop()  # the new child is not ready (the gate is closed): the wait ends, nothing more is said
    supervisor.join(30)
    assert not supervisor._thread.is_alive() and lines.said.empty()


@pytest.mark.skipif(sys.platform != "linux", reason="kg serve's workers are forked on Linux")
def test_the_health_is_shared_both_ways_with_a_process_forked_before_it_changed():
    health = Health()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the forked process: waits for the word, says what it sees, asks a restart
        os.close(writer)
        os.read(reader, 1)
        health.ask_restart()  # as a worker's proxy does
        os._exit(health.restarting() or 0)
    os.close(reader)
    health.set_restarting(7)
    assert not health.restart_asked()
    os.write(writer, b"x")
    os.close(writer)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 7
    assert health.restart_asked() and not health.restart_asked()  # seen by the main process, and taken


@pytest.mark.parametrize("pidfd", [True, False], ids=["pidfd", "popen-wait"])
def test_the_end_of_a_child_is_waited_for_and_reaped_with_or_without_a_pidfd(monkeypatch, pidfd):
    if not pidfd:
        monkeypatch.delattr(os, "pidfd_open", raising=False)
    elif not hasattr(os, "pidfd_open"):
        pytest.skip("no pidfd on this system")
    running = subprocess.Popen(SLEEPER)
    ending = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.readline(); sys.exit(3)"], stdin=subprocess.PIPE
    )
    try:
        with EndOf(running) as end:
            assert end.within(0.05) is None and running.returncode is None
        with EndOf(ending) as end:
            assert (end._poll is not None) == pidfd
            assert end.within(0.01) is None
            assert ending.stdin is not None
            ending.stdin.write(b"end\n")
            ending.stdin.flush()
            assert end.within(60) == 3 and ending.returncode == 3  # woken by its end, reaped
            assert end.within(0) == 3
    finally:
        running.kill()
        running.wait()
        ending.kill()
        ending.wait()
