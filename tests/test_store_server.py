"""kg.store_server: the Oxigraph server kg serve runs — its binary found, a clear error when it is missing or
exits at once, and the stores a killed kg serve left behind removed at the next start. (The server's answers,
over HTTP: test_serve.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kg import store_server
from kg.errors import ExitCode, ServerError
from kg.processes import free_port
from kg.store_server import find_binary, start_server

MINI = [Path(__file__).parent / "fixtures" / "query" / "mini.ttl"]


def test_a_missing_server_binary_is_a_clear_error(run_kg, monkeypatch, tmp_path):
    monkeypatch.setenv("KG_OXIGRAPH", str(tmp_path / "oxigraph"))
    code, _, err = run_kg("serve", "--port", str(free_port()), "--data", str(MINI[0]))
    assert (code, err) == (
        ExitCode.SERVER,
        f"kg serve: error: the oxigraph server binary is not an executable file: {tmp_path / 'oxigraph'}\n",
    )
    monkeypatch.delenv("KG_OXIGRAPH")
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ServerError) as caught:
        find_binary()
    assert str(caught.value) == "the oxigraph server binary was not found: install it with `pip install oxigraph`"


@pytest.mark.server
def test_a_server_that_exits_at_once_shows_its_stderr(tmp_path):
    fake = tmp_path / "oxigraph"
    fake.write_text("#!/bin/sh\necho 'Error: something went wrong' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    with pytest.raises(ServerError) as caught:
        start_server(MINI, port=free_port(), binary=fake)
    assert str(caught.value) == "the oxigraph server exited with code 3: Error: something went wrong"


def test_a_store_left_by_a_killed_kg_serve_is_removed_and_a_living_ones_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # its pid is free now
    stores = {}
    for name, owner in (("dead", dead.pid), ("alive", os.getpid()), ("unowned", None)):
        folder = tmp_path / f"kg-oxigraph-{name}"
        (folder / "store").mkdir(parents=True)
        if owner is not None:
            (folder / "owner.pid").write_text(str(owner), encoding="utf-8")
        stores[name] = folder
    (tmp_path / "other").mkdir()
    store_server._remove_stale_stores()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg-oxigraph-alive", "kg-oxigraph-unowned", "other"]


def test_an_ipv6_host_is_bracketed_in_the_servers_url():
    assert store_server.url_of("127.0.0.1", 8080) == "http://127.0.0.1:8080/"
    assert store_server.url_of("::1", 8080) == "http://[::1]:8080/"


@pytest.mark.server
def test_a_sibling_serves_the_same_store_with_its_own_time_limit_and_leaves_the_store_to_its_owner():
    """kg serve's second Oxigraph (where /query is tried first, kg.proxy.FirstTry): the same store, read-only, on
    a port and with a time limit of its own; the store stays until the server that made it stops."""
    import urllib.parse
    import urllib.request

    count = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    with start_server(MINI, port=free_port(), timeout=600) as server:
        sibling = server.sibling(free_port(), 1)
        try:
            assert sibling.url != server.url and sibling.location == server.location
            assert sibling.command[sibling.command.index("--timeout-s") + 1] == "1"
            assert server.command[server.command.index("--timeout-s") + 1] == "600"
            answers = []
            for url in (server.query_url, sibling.query_url):
                request = urllib.request.Request(url + "?" + count, headers={"Accept": "text/csv"})
                with urllib.request.urlopen(request, timeout=30) as response:
                    answers.append(response.read())
            assert answers[0] == answers[1] == f"n\r\n{server.triples}\r\n".encode()
        finally:
            sibling.stop()
        assert sibling.process.poll() is not None and server.location.exists()
    assert not server.location.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_child_whose_parent_ended_before_it_asked_to_die_with_it_exits_at_once():
    """Between fork and exec the parent may end (a kill of kg serve as it restarts Oxigraph): the request to die
    with it then comes too late, so the child sees that its parent is another and exits instead of running on."""
    import functools

    orphan = subprocess.Popen(["sleep", "60"], preexec_fn=functools.partial(store_server.die_with_parent, 1))
    assert orphan.wait(30) == 1  # its parent is this process, not pid 1: "its own" ended
    kept = subprocess.Popen(["sleep", "60"], preexec_fn=store_server.dies_with_this_process())
    try:  # Popen returns once the child ran its program or ended: one that exited would be seen now
        assert kept.poll() is None
    finally:
        kept.kill()
        kept.wait()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals held only where the child unblocks them")
def test_stop_signals_sent_while_a_child_is_forked_are_taken_after_and_the_child_gets_them_back(tmp_path):
    """A SIGTERM that comes while kg serve forks Oxigraph is taken once the fork is done, not inside the
    at-fork callbacks Python runs (where kg serve's KeyboardInterrupt was printed as "Exception ignored" and
    dropped), even with other threads in the process (a signal to the process may reach any of them); and the
    child does not inherit them held: a SIGTERM still ends it."""
    import signal
    import threading

    log = tmp_path / "log"
    taken: list[str] = []
    previous = signal.signal(signal.SIGTERM, lambda *_: taken.append("after" if child is not None else "during"))
    child = None
    done = threading.Event()
    other = threading.Thread(target=done.wait)  # a thread that may take the signal sent to the process
    other.start()
    try:
        with store_server.stop_signals_held():
            os.kill(os.getpid(), signal.SIGTERM)  # held: not taken here
            assert taken == []
            child = store_server._spawn(["sleep", "60"], log)
        assert taken == ["after"]
        child.terminate()
        assert child.wait(30) == -signal.SIGTERM
    finally:
        done.set()
        other.join()
        signal.signal(signal.SIGTERM, previous)
        if child is not None and child.poll() is None:
            child.kill()
