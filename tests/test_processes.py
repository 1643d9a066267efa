"""kg.processes: a port the system picks, and a child stopped with SIGTERM, a grace period, then SIGKILL."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import weakref

import pytest

from kg import processes
from kg.processes import close_pool, end_at_once, free_port, leave_to_exit, stop

#: A child that says it is ready, then waits for a signal (it never exits by itself, whatever its stdin).
WAITING = "import signal; print('ready', flush=True)\nwhile True: signal.pause()"
#: The same, ignoring SIGTERM: only SIGKILL stops it.
STUBBORN = "import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN)\n" + WAITING


def child(code: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout.readline() == "ready\n"  # its handlers are set: no race with the signal
    return process


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_a_free_port_can_be_bound_on_its_host(host):
    if host == "::1" and not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    port = free_port(host)
    assert 0 < port < 65536
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as server:
            server.bind((host, port))
    except OSError as exc:  # ::1 may be configured off even where Python has IPv6
        if host == "::1":
            pytest.skip(f"::1 cannot be bound here: {exc}")
        raise


def test_a_child_is_stopped_by_sigterm_and_its_output_returned():
    process = child(WAITING)
    out, err = stop(process, grace=30)
    assert process.returncode == -signal.SIGTERM
    assert (out, err) == ("", "")


def test_a_child_that_ignores_sigterm_is_killed_after_the_grace():
    process = child(STUBBORN)
    stop(process, grace=0.5)
    assert process.returncode == -signal.SIGKILL


def test_a_child_that_already_ended_is_only_read():
    process = subprocess.Popen([sys.executable, "-c", "print('bye')"], stdout=subprocess.PIPE, text=True)
    process.wait()
    assert stop(process) == ("bye\n", None)
    assert process.returncode == 0


def test_a_failed_publication_ends_its_processes_at_once():
    """On an error or Ctrl-C, kg publish kills its pools' processes (kg.processes.close_pool) rather than
    waiting for them: a pool interrupted while it started them never tells them to stop, and Python's exit
    waited for them for ever (a Ctrl-C at the moment the worker was forked hung kg publish)."""
    import multiprocessing
    import time
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    assert pool.submit(time.sleep, 0).result() is None  # its process started, and waits for the next call
    pool.submit(time.sleep, 60)
    processes = list(pool._processes.values())
    started = time.monotonic()
    close_pool(pool, failed=True)
    assert time.monotonic() - started < 30
    assert processes and not any(process.is_alive() for process in processes)


class _Held:
    pass


def test_what_is_left_to_exit_is_kept_only_in_a_process_that_ends_at_once(monkeypatch):
    """A library call's objects are freed as usual; once the kg command said its process ends at once, they are
    kept until it ends (the system takes the memory back whole)."""
    monkeypatch.setattr(processes, "_LEFT_TO_EXIT", None)
    freed = _Held()
    gone = weakref.ref(freed)
    leave_to_exit(freed)
    del freed
    assert gone() is None
    end_at_once()
    end_at_once()  # once a process: what was kept stays
    kept = _Held()
    alive = weakref.ref(kept)
    leave_to_exit(kept)
    end_at_once()
    del kept
    assert alive() is not None and [alive()] == processes._LEFT_TO_EXIT
