"""kg.sparql.sandbox: the query child answers whole, reports errors as they were raised, stops at its limits, exits.

Its network isolation is tested in tests/test_query_limits.py (with the SERVICE policy it backs up), its
memory ceiling through the CLI in tests/hostile/test_hostile_queries.py.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from kg.errors import LoadError, QueryError, QueryMemoryLimit, QueryTimeout
from kg.sparql import sandbox
from kg.sparql.sandbox import run_isolated


def test_query_processes_that_answered_exit_cleanly_and_are_all_collected():
    answers = [run_isolated(lambda i=i: i * i, timeout=10) for i in range(5)]
    assert answers == [0, 1, 4, 9, 16]
    pending = list(sandbox._EXITING)
    assert len(pending) <= 5  # those still exiting, or exited and not yet collected
    for pid in pending:  # each is this process's own child and exits with status 0
        assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    sandbox._reap_finished()
    assert sandbox._EXITING == []


def test_an_answer_too_big_for_one_pipe_buffer_arrives_whole():
    rows = [("l", "راه\u200cآهن " * 20, None, "fa")] * 20_000  # about 5 MB pickled, far past 64 KiB
    assert run_isolated(lambda: rows, timeout=30) == rows


def test_a_kg_error_comes_back_as_it_was_raised_with_its_position():
    def fail() -> None:
        raise LoadError("expected '.'", path="data/x.ttl", line=3, column=7)

    with pytest.raises(LoadError) as caught:
        run_isolated(fail, timeout=30)
    assert str(caught.value) == "data/x.ttl:3:7: expected '.'"


def test_any_other_exception_is_a_query_error_naming_it():
    def fail() -> None:
        raise ZeroDivisionError("division by zero")

    with pytest.raises(QueryError, match=r"^the query failed: ZeroDivisionError: division by zero$"):
        run_isolated(fail, timeout=30)


def test_a_child_that_dies_without_an_answer_is_a_query_error():
    with pytest.raises(QueryError, match=r"^the query process died \(exit code -9\)$"):
        run_isolated(lambda: os.kill(os.getpid(), signal.SIGKILL), timeout=30, max_memory=None)


def test_an_engine_that_crashes_is_a_query_error_not_the_memory_ceiling():
    """A query that crashes the engine (pyoxigraph 0.5 overflows its stack on a DESCRIBE of 3 000 IRIs) is said
    to be a crash (exit 3), not the memory ceiling (exit 4), whatever the ceiling."""
    for crash in (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS):
        with pytest.raises(QueryError) as got:
            run_isolated(lambda crash=crash: os.kill(os.getpid(), crash), timeout=30, max_memory=512, where="q.rq")
        assert type(got.value) is QueryError
        crashed = f"the query engine crashed on this query (signal {crash.name}); nothing was answered"
        assert str(got.value) == f"q.rq: {crashed}"


def test_an_engine_that_aborts_on_a_failed_allocation_is_at_the_memory_ceiling():
    """Past the ceiling pyoxigraph (Rust) writes "memory allocation of N bytes failed" and aborts: exit 4."""

    def abort() -> None:
        os.write(2, b"memory allocation of 448 bytes failed\n")
        os.kill(os.getpid(), signal.SIGABRT)

    with pytest.raises(QueryMemoryLimit, match=r"memory ceiling of 512 MB"):
        run_isolated(abort, timeout=30, max_memory=512)
    with pytest.raises(QueryError, match=r"crashed on this query \(signal SIGABRT\)"):  # the same without a ceiling
        run_isolated(abort, timeout=30, max_memory=None)


def _children() -> set[int]:
    """The processes whose parent is this one (running or not yet collected), from /proc."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="utf-8").rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == os.getpid():
            found.add(int(stat.parent.name))
    return found


def test_past_its_time_limit_the_child_is_killed_and_collected():
    before = _children()
    with pytest.raises(QueryTimeout, match=r"stopped after 0\.3 s"):
        run_isolated(signal.pause, timeout=0.3)
    assert _children() - before == set()  # killed and collected, no zombie left


def test_no_time_limit_runs_in_this_process():
    assert run_isolated(os.getpid, timeout=None) == os.getpid()
