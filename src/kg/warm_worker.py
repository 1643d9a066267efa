"""A worker of the warm query process: what a process forked from it does with a request.

The warm process (:mod:`kg.warm_server`) holds the stores and forks a worker for a request
(:func:`work`); the worker becomes the caller's ``kg`` (folder, environment, standard streams), runs
its command with its local query in place (:func:`kg.sparql.sandbox.in_place`), reports its exit code
and takes the next request on the same stores, up to :data:`WORKER_REQUESTS`, until let go. Here also
what the warm process does once so that its workers need not (:func:`ready_for_workers`), the one way a
process's environment is made a caller's (:func:`use_environment`), and the reading of a message with
the file descriptors sent with it (:func:`receive`), which the warm process and its workers both use.
"""

from __future__ import annotations

import array
import contextlib
import os
import socket
import sys
from collections.abc import Sequence
from typing import Any

from kg.warm import decode, encode, flush_standard_streams, query_in_place

#: Requests one worker answers before it ends (see :mod:`kg.warm_server`); then a new one is forked.
WORKER_REQUESTS = 100


def use_environment(env: dict[str, str]) -> None:
    """Make this process's environment ``env``, setting and removing only the variables that differ.

    ``os.environ.clear()`` then ``update()`` encoded and walked the whole environment again for each
    variable it removed: about 1.5 M instructions a request for 37 variables, twice, where a caller's
    environment is usually the one the warm process already has.
    """
    for name in [name for name in os.environ if name not in env]:
        del os.environ[name]
    for name, value in env.items():
        if os.environ.get(name) != value:
            os.environ[name] = value


def ready_for_workers() -> None:
    """Do here, once, what every worker would otherwise do first, each in its own copy of this process.

    Measured with valgrind (instructions of a worker answering ``kg query cq01`` on the article): 43 M
    before, 13 M after; ``python -c pass`` is 30 M. What a worker did each time: import tomllib and
    read the message catalogue (its count of rows), build the ``query`` command's parser (``kg.cli.main``
    parses with one command's parser; this process had built the full one), compile the regular
    expressions of a query file's header and parameters and analyse its text (every library query is
    read once here: :func:`kg.sparql.syntax.analyse` keeps its readings), and import what the limits of
    a query run in place need (ctypes, resource, threading).
    """
    import ctypes  # noqa: F401 - the query's network cut (kg.sparql.sandbox)
    import resource  # noqa: F401 - its memory ceiling
    import threading  # noqa: F401 - its time limit's watchdog

    import wcwidth  # noqa: F401 - imported by a table at its first cell outside the blocks kg.sparql.tables knows

    import kg.sparql.library
    import kg.sparql.results  # noqa: F401 - the query and its table
    from kg.cli import shared_parser
    from kg.errors import KgError
    from kg.i18n import catalogue
    from kg.sparql.files import list_queries

    shared_parser()
    shared_parser("query")
    catalogue()
    with contextlib.suppress(KgError):  # a broken library query is the worker's to report, with its message
        list_queries()


def receive(conn: socket.socket, count: int = 3) -> tuple[dict[str, Any], list[int]]:
    """One message and the file descriptors sent with it (at most ``count``)."""
    fds = array.array("i")
    data, ancillary, _, _ = conn.recvmsg(1 << 16, socket.CMSG_LEN(count * fds.itemsize))
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
    try:
        message = decode(conn, data)
    except (EOFError, TypeError) as exc:
        raise ValueError("not a request") from exc
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise
    if not isinstance(message, dict):
        for fd in fds:
            os.close(fd)
        raise ValueError("not a request")
    return message, list(fds)


def work(
    stores: Sequence[Any],
    message: dict[str, Any],
    fds: list[int],
    conn: socket.socket,
    words: int,
    control: socket.socket | None,
) -> None:
    """The forked worker: become the caller's ``kg`` (folder, environment, standard streams) and run its command;
    with a ``control`` socket, report its exit code there and take the next request, until let go.

    Its local query runs in this process (:func:`kg.warm.query_in_place`); ``words`` is the pipe for
    what the warm process is to say if it dies in the query.
    """
    import signal

    from kg.sparql import sandbox

    code = 70
    try:
        os.setpgid(0, 0)
        signal.set_wakeup_fd(-1)
        for sig in (signal.SIGCHLD, signal.SIGTERM):  # SIGPIPE stays ignored, as Python sets it: BrokenPipeError
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        conn.close()
        store = None  # this request's store was marked by the warm process before the fork
        for served in range(1, WORKER_REQUESTS + 1):
            code = int(_run(message, fds, words, stores, store))  # an ExitCode is no marshal data
            if control is None:
                break
            sandbox.lift_memory_ceiling()  # the next request starts without this one's (read under it, it could hang)
            more = served < WORKER_REQUESTS and sandbox.capabilities_kept()  # the next request reads files as its own
            control.sendall(encode({"code": code, "cpu": _own_cpu(), "more": more}))
            message, fds = receive(control, 4)  # EOF (let go): raises, and the worker ends
            if len(fds) != 4:
                raise ValueError("a request without its descriptors")
            words, store = fds.pop(), tuple(message["store"])
    except BaseException:  # noqa: BLE001 - never return into the warm process's loop
        code = 70
    finally:
        os._exit(code)


def _run(
    message: dict[str, Any], fds: list[int], words: int, stores: Sequence[Any], store: tuple[Any, ...] | None
) -> int:
    """One request in the worker: the caller's streams, folder and environment, ``store`` marked for its query
    (None: marked already), and ``kg`` run; its exit code."""
    from kg.cli import main

    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(message["cwd"])
    use_environment(message["env"])
    (enc_in, err_in), (enc_out, err_out), (enc_err, err_err) = message["streams"]
    sys.stdin = open(0, encoding=enc_in, errors=err_in, closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", encoding=enc_out, errors=err_out, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding=enc_err, errors=err_err, closefd=False, buffering=1)  # noqa: SIM115
    sys.argv = ["kg", *message["argv"]]
    command = str(message["argv"][0]) if message["argv"] else "query"
    if store is not None:
        _keep(stores, message["argv"], store)
    query_in_place(command, words)
    try:
        code = main(message["argv"])
    except SystemExit as exc:  # argparse's usage errors and --help
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    flush_standard_streams()
    os.close(words)
    nothing = os.open(os.devnull, os.O_RDWR)  # the caller's streams let go: its pipe ends, its terminal is its own
    for target in (0, 1, 2):
        os.dup2(nothing, target)
    os.close(nothing)
    return code


def _keep(stores: Sequence[Any], argv: Sequence[str], key: tuple[Any, ...]) -> None:
    """Mark the store of ``key`` (held since the fork) for the query of ``argv``, as the warm process marked it
    for its request (:meth:`kg.warm_server._Server.store_for`: its inputs checked and hashed for this very request)."""
    from kg.cli import shared_parser
    from kg.cli.options import reading
    from kg.sparql import index

    found = next(s for s in stores if s.key == key)
    args = shared_parser("query").parse_args(list(argv))
    with reading(args):
        index.keep(found.engine, args.data, args.entailment, checked=True)


def _own_cpu() -> float:
    import resource

    mine = resource.getrusage(resource.RUSAGE_SELF)
    return mine.ru_utime + mine.ru_stime
