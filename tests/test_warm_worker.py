"""kg.warm_worker, in-process: a caller's environment made this process's, what a worker finds ready (nothing to
import or compile for a library query), and one message with the file descriptors sent with it.

A worker's requests one after another (folders, limits, streams, capabilities) are tested through ``kg`` in
tests/test_warm.py.
"""

from __future__ import annotations

import array
import ast
import os
import socket

import pytest

from kg.warm import encode
from kg.warm_server import _same_user
from kg.warm_worker import receive, use_environment


def test_a_request_s_environment_replaces_this_process_s_variable_by_variable(monkeypatch):
    monkeypatch.setenv("KG_TEST_KEPT", "same")
    monkeypatch.setenv("KG_TEST_CHANGED", "old")
    monkeypatch.setenv("KG_TEST_GONE", "x")
    monkeypatch.delenv("KG_TEST_NEW", raising=False)
    wanted = {k: v for k, v in os.environ.items() if k != "KG_TEST_GONE"}
    wanted.update({"KG_TEST_CHANGED": "new", "KG_TEST_NEW": "é ۱"})
    use_environment(wanted)
    assert dict(os.environ) == wanted
    assert "KG_TEST_GONE" not in os.environ and os.getenv("KG_TEST_NEW") == "é ۱"


# A worker after ready_for_workers(): forked from a process that loaded the article, it runs a library query as
# the warm process's worker does (in place) and reports what it had to import or compile, and its answer.
_WORKER_SCRIPT = """
import os, re, sys
import kg.cli, kg.sparql.library, kg.sparql.results
from kg.warm import query_in_place
from kg.warm_server import _Server
from kg.warm_worker import ready_for_workers
argv = sys.argv[1:]
server = _Server(os.environ["KG_TEST_FOLDER"], -1)
server.store_for(argv, os.getcwd(), dict(os.environ))
ready_for_workers()
modules, patterns = set(sys.modules), len(re._cache)
read, write = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(read)
    _, words = os.pipe()
    query_in_place("query", words)
    code = kg.cli.main(argv)
    sys.stdout.flush()
    new = sorted(set(sys.modules) - modules)
    os.write(write, repr((code, new, len(re._cache) - patterns)).encode())
    os._exit(0)
os.close(write)
os.waitpid(pid, 0)
sys.stderr.write(os.read(read, 1 << 16).decode())
"""


@pytest.mark.parametrize("argv", [("cq01-agreements-and-parties",), ("cq03", "--lang", "fa", "--format", "csv")])
def test_a_worker_imports_and_compiles_nothing_for_a_library_query(tmp_path, argv):
    """What every worker needs is made once in the warm process (ready_for_workers), not in each worker's copy:
    no module imported, no regular expression compiled; the worker's answer is the command line's."""
    import subprocess
    import sys

    env = {**os.environ, "KG_TEST_FOLDER": str(tmp_path), "KG_NO_CACHE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _WORKER_SCRIPT, "query", *argv], capture_output=True, text=True, env=env, check=True
    )
    code, imported, compiled = ast.literal_eval(done.stderr)
    assert (code, imported, compiled) == (0, [], 0)
    cold = subprocess.run(
        [sys.executable, "-m", "kg", "query", *argv], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout == cold.stdout and cold.stdout.strip()


def test_a_message_arrives_whole_with_the_descriptors_sent_with_it(tmp_path):
    left, right = socket.socketpair(socket.AF_UNIX)
    with left, right:
        assert _same_user(right)
        data = encode({"argv": ["query", "cq01"], "cwd": "/", "pad": "x" * 100_000})
        with (tmp_path / "f").open("w", encoding="utf-8") as handle:
            fds = array.array("i", [handle.fileno()])
            left.sendmsg([data[:10]], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds)])
            left.sendall(data[10:])  # the rest arrives later, in pieces
            message, received = receive(right)
        assert message["argv"] == ["query", "cq01"] and len(message["pad"]) == 100_000
        assert len(received) == 1
        os.write(received[0], b"through the descriptor")
        os.close(received[0])
    assert (tmp_path / "f").read_text(encoding="utf-8") == "through the descriptor"


def test_a_message_that_is_no_request_is_refused():
    left, right = socket.socketpair(socket.AF_UNIX)
    with left, right:
        left.sendall(encode([1, 2]))  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="not a request"):
            receive(right)
