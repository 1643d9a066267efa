"""kg.start_budget: kg serve's bound on the queries it starts on Oxigraph (its server keeps a sleeping thread per
query for the whole time limit): the count within a window, the machine's threads, the share taken. (/query and
the pages refusing past it: test_proxy.py.)"""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from kg import start_budget as start_budget_module
from kg.guard import Refused
from kg.start_budget import StartBudget, machine_tasks, machine_threads, start_budget


def test_no_query_starts_while_the_machine_runs_past_three_quarters_of_the_threads_it_allows():
    seen = [(700, 1000)]
    budget = StartBudget(100, window=10, machine=lambda: seen[0], every=0)
    budget.take()
    seen[0] = (750, 1000)  # another program took threads: the next start would pass three quarters
    with pytest.raises(Refused) as caught:
        budget.take()
    assert (caught.value.status, caught.value.headers) == (503, [(b"retry-after", b"1")])
    assert (
        caught.value.message
        == "kg serve is busy: the machine runs 750 of the 1000 threads it allows; try again shortly"
    )
    seen[0] = None  # unreadable: the budget alone decides
    budget.take()
    tasks, allowed = machine_tasks() or (1, 1)
    assert 0 < tasks <= allowed


def test_the_machine_s_fixed_limits_are_read_once_and_its_threads_at_every_look(monkeypatch):
    read, limits_asked = [], []
    real_read, real_getrlimit = Path.read_text, resource.getrlimit

    def counted_read(self, *args, **kwargs):
        read.append(str(self))
        return real_read(self, *args, **kwargs)

    def counted_getrlimit(which):
        limits_asked.append(which)
        return real_getrlimit(which)

    monkeypatch.setattr(Path, "read_text", counted_read)
    monkeypatch.setattr(resource, "getrlimit", counted_getrlimit)
    machine_threads.cache_clear()
    try:
        looks = [machine_tasks() for _ in range(5)]
    finally:
        machine_threads.cache_clear()
    assert read.count("/proc/loadavg") == 5  # the threads running now: at every look
    fixed = sorted(r for r in read if r != "/proc/loadavg")
    assert fixed == ["/proc/sys/kernel/pid_max", "/proc/sys/kernel/threads-max"]  # once each
    assert len(limits_asked) == 1
    assert len({allowed for _, allowed in filter(None, looks)}) <= 1


def test_the_start_budget_is_at_most_a_quarter_of_the_threads_the_machine_allows():
    assert start_budget(32768, ceiling=8192) == 8192
    assert (start_budget(20_000, ceiling=8192), start_budget(2, ceiling=8192)) == (5000, 1)
    assert start_budget(None, ceiling=8192) == 8192  # nothing to read: the ceiling
    threads = machine_threads()
    assert threads is None or threads > 0


def test_the_start_budget_refuses_past_its_count_within_its_window(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(start_budget_module.time, "monotonic", lambda: now[0])
    budget = StartBudget(2, window=10)
    budget.take()
    now[0] += 4
    budget.take()
    with pytest.raises(Refused) as caught:
        budget.take()
    assert caught.value.status == 503
    assert caught.value.message == "kg serve is busy: 2 queries started in the last 10 s; try again shortly"
    assert caught.value.headers == [(b"retry-after", b"6")]  # the first start leaves the window in 6 s
    now[0] += 6
    budget.take()  # the first start has left the window
    with pytest.raises(Refused):
        budget.take(cost=2)
