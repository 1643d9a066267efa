"""Where a local query runs: a forked child process with a time limit, a memory ceiling and no network.

:func:`run_isolated` runs a local query in a forked child process and kills
it when it passes its time limit, because neither rdflib nor pyoxigraph can
stop a query it has started (pyoxigraph 0.5's ``Store.query`` has no timeout
or cancellation); the child's address space is capped (``RLIMIT_AS``) so
that a query that outgrows it stops with a clear message.

Why the child is forked per query and what it sends back (measured on 1 000
synthetic articles, see ``BENCHMARKS.md``): a warm child kept between
queries would answer from a copy of the store taken when it was forked, so a
store changed since (``engine.store.add``) would give stale rows, and a fresh
fork costs a few milliseconds; so each query still gets its own child, but
through ``os.fork`` and a pipe rather than :mod:`multiprocessing` (whose
process object, bootstrap and join added about 10 ms per query). The child
sends its rows as plain tuples of strings (:func:`kg.terms.pack_term`: kind, value,
datatype, language) rather than pickled rdflib terms, whose unpickling
re-validates every literal (0.4 s for 9 400 rows); the parent keeps them so for the tables and
result formats and builds rdflib terms only when asked for (:attr:`kg.sparql.results.Result.rows`,
once per distinct term). :meth:`kg.sparql.engines.Engine.run_packed` is the
form a child runs: pyoxigraph's terms go straight to tuples there, never
through rdflib. A child that has sent its whole answer closes the pipe and
exits; the parent does not wait for it (tearing down a copy of a large
store's address space takes about 10 ms) but collects it at the next query.

A process that exists for one command, the warm query process's worker
(:mod:`kg.warm_server`) or the process a cold ``kg query`` forks first thing
(:func:`kg.launch.query_process`), is itself disposable: after :func:`in_place` its one
query runs in it rather than in a second fork (5 to 9 ms of CPU a query saved),
under the same limits: the network left first (the process has one thread then),
the memory ceiling, and a watchdog thread for the time limit, which can run while
the engine works because pyoxigraph releases the GIL during a query (measured)
and rdflib's Python code yields it. At the limit the watchdog reports the time-out
itself and ends the process with its exit code; a process that dies past its
memory ceiling has left its message with its supervisor beforehand.

Where ``fork`` is unavailable the query runs in a thread that is abandoned at the
time limit, without these limits. This is kg's own code because neither engine can
be stopped from outside once a query started and no library offers a fork with an
empty network namespace, ``RLIMIT_AS`` and a pickled answer through a pipe.
"""

from __future__ import annotations

import contextlib
import faulthandler
import functools
import os
import select
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from kg.errors import KgError, QueryError, QueryMemoryLimit, QueryTimeout
from kg.limits import MAX_MEMORY_MB

T = TypeVar("T")


def _block_network(event: str, args: tuple[Any, ...]) -> None:
    """An audit hook for the query process: no sockets to anywhere, no URL requests."""
    if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        raise PermissionError(f"network access refused in the query process ({event})")


_CLONE_NEWUSER, _CLONE_NEWNET = 0x10000000, 0x40000000


def _leave_the_network() -> bool:
    """Move this (single-threaded, forked) process into a new, empty network namespace; False where Linux refuses.

    In its own network namespace the process has only a loopback interface
    that is down: no connection to this machine or any other can be opened,
    by Python or by pyoxigraph's own HTTP client (SERVICE). A process that
    may make one (root) leaves only the network, and keeps its user namespace
    and its capabilities; any other enters a user namespace of its own first,
    as Linux lets an unprivileged process do, and whatever capabilities it had
    stay behind for the rest of its life (:func:`capabilities_kept`).
    """
    unshare = _unshare()
    if unshare is None:
        return False
    if unshare(_CLONE_NEWNET) == 0:
        return True
    capable = _has_capabilities()
    left = unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0
    if left and capable:
        _CAPABILITIES_LEFT.append(True)
    return left


@functools.cache
def _unshare() -> Callable[[int], int] | None:
    """libc's ``unshare`` (None off Linux, or where it cannot be found), looked up once per process.

    :func:`run_isolated` looks it up before it forks, with the modules a child needs
    (:func:`_ready_to_fork`): a query child that imported ctypes, pickle and resource itself spent
    some 3.5 ms of its 6 ms of CPU on them, for every query.
    """
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).unshare
    except (OSError, AttributeError):
        return None


def _ready_to_fork(allow_external: bool) -> None:
    """What a query child needs, imported (and looked up) in this process, once, rather than in every child."""
    import pickle  # noqa: F401 - for the child's answer
    import resource  # noqa: F401 - for its memory ceiling

    if not allow_external:
        _unshare()


def _has_capabilities() -> bool:
    """Whether this process has any effective capability (``CapEff`` of ``/proc/self/status``)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="utf-8")
    except OSError:
        return True  # not known: as if it had some
    effective = next((line.split()[1] for line in status.splitlines() if line.startswith("CapEff:")), "1")
    return int(effective, 16) != 0


def capabilities_kept() -> bool:
    """Whether this process still has the capabilities it had before it left the network.

    False when it left through a user namespace of its own while it had some (a process with, say, a file
    capability, but not root's): a warm process's worker is then not given another request, whose file
    reads would be checked without them (a file that root reads by ``CAP_DAC_OVERRIDE`` would be refused).
    """
    return not _CAPABILITIES_LEFT


def _limit_memory(max_memory: int | None, *, again: bool = False) -> None:
    """Cap this process's address space at what it maps now plus ``max_memory`` MB (``RLIMIT_AS``).

    ``again``: the process may run more queries, each with its own ceiling (a warm process's worker):
    the soft limit only, which the kernel enforces alike; a hard limit once lowered cannot be raised.
    """
    import resource

    if not max_memory:
        if again:
            resource.setrlimit(resource.RLIMIT_AS, (resource.getrlimit(resource.RLIMIT_AS)[1],) * 2)
        return
    mapped = int(Path("/proc/self/statm").read_text(encoding="utf-8").split()[0]) * resource.getpagesize()
    limit = mapped + max_memory * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1] if again else limit))


def lift_memory_ceiling() -> None:
    """Take back the memory ceiling of this process's last query run in place (the soft limit back to the hard one).

    A warm process's worker calls it between two requests: the next one's work before its own query (reading
    its request, its query file, starting its watchdog) must not run under the last query's ``--max-memory``.
    """
    _limit_memory(None, again=True)


def _child(target: Callable[[], T], fd: int, allow_external: bool, max_memory: int | None, err: int) -> None:
    """The query child: run ``target`` under the limits, write the pickled message to ``fd``, and exit.

    ``err`` becomes its standard error: what an engine that dies says there (pyoxigraph: "memory
    allocation of N bytes failed" past the ceiling) is read by the parent, never shown on the terminal.
    """
    import pickle  # only where a child sends its answer: a query run in place sends none

    code = 0
    try:
        os.set_blocking(err, False)  # a full pipe loses the rest of the words, never blocks the child
        os.dup2(err, 2)
        os.close(err)
        # faulthandler (on under pytest and `python -X faulthandler`) writes to its own copy of the
        # parent's stderr, not to fd 2: off, or an expected abort prints "Fatal Python error" there.
        faulthandler.disable()
        if not allow_external:
            _leave_the_network()
            sys.addaudithook(_block_network)
        try:
            _limit_memory(max_memory)
            message: tuple[Any, ...] = ("ok", target())
        except KgError as exc:
            message = ("kgerror", type(exc), exc.message, exc.path, exc.line, exc.column)
        except MemoryError:
            message = ("memory",)
        except BaseException as exc:  # noqa: BLE001 - report anything to the parent rather than die silently
            message = ("error", f"{type(exc).__name__}: {exc}")
        try:
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("memory",))
        except Exception as exc:  # noqa: BLE001 - an answer that cannot be sent is an error to report
            data = pickle.dumps(("error", f"the answer could not be sent back: {exc}"))
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.close(fd)  # the parent has the answer now, not only once this address space is torn down
    except BaseException:  # noqa: BLE001 - never return into the parent's code in the child
        code = 70
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers in the child


def _memory_error(max_memory: int | None, peak: int | str | None = None, who: int = -1) -> QueryMemoryLimit:
    """The error of a query stopped at ``max_memory`` MB; ``peak``: its process's peak in MB (default: measured)."""
    if peak is None:
        import resource

        peak = resource.getrusage(who).ru_maxrss // 1024  # KiB on Linux; -1: RUSAGE_CHILDREN
    return QueryMemoryLimit(
        f"the query was stopped at its memory ceiling of {max_memory} MB (see --max-memory); "
        f"the query process's peak resident memory was {peak} MB"
    )


def run_isolated(
    target: Callable[[], T],
    timeout: float | None,
    *,
    allow_external: bool = False,
    max_memory: int | None = MAX_MEMORY_MB,
    where: str | None = None,
) -> T:
    """``target()`` in a forked child process, killed after ``timeout`` seconds (None: no limit, no child).

    ``where`` names the query in a time-out or memory error of a query run in place (:func:`in_place`).

    The child shares the loaded graph with the parent (copy-on-write) and
    sends back the pickled result through a pipe (return plain data, e.g. a
    :class:`PackedOutcome`, for speed); the time limit covers the query and
    the transfer of its answer. Unless ``allow_external``, it runs in an
    empty network namespace where Linux allows one (and refuses Python
    sockets in any case). Its address space may grow by ``max_memory`` MB
    (``RLIMIT_AS``; None: no ceiling); past that, the query stops with
    :class:`~kg.errors.QueryMemoryLimit` (exit 4), whether Python raises
    MemoryError or pyoxigraph aborts on a failed allocation (its words on the child's
    standard error say which); an engine that crashes otherwise (SIGSEGV: pyoxigraph 0.5
    overflows its stack on some long queries) is a :class:`~kg.errors.QueryError` naming the
    signal (exit 3). Where ``fork`` is unavailable the query
    runs in a thread that is abandoned at the time limit, without these limits.
    """
    if timeout is None or timeout <= 0:
        return target()
    if not hasattr(os, "fork") or not hasattr(select, "poll"):
        return _run_in_thread(target, timeout)
    if _IN_PLACE:
        return _run_here(target, timeout, allow_external, max_memory, where, *_IN_PLACE.pop())
    _reap_finished()
    _ready_to_fork(allow_external)
    deadline = time.monotonic() + timeout
    read_end, write_end = os.pipe()
    err_read, err_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns from _child
        os.close(read_end)
        os.close(err_read)
        _child(target, write_end, allow_external, max_memory, err_write)
    os.close(write_end)
    os.close(err_write)
    chunks: list[bytes] = []
    finished = False  # the whole answer read
    try:
        poller = select.poll()
        poller.register(read_end, select.POLLIN | select.POLLHUP | select.POLLERR)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not poller.poll(max(1, int(remaining * 1000 + 0.999))):
                if deadline - time.monotonic() > 0:
                    continue  # woken early: wait for the rest of the time
                raise QueryTimeout(f"the query was stopped after {timeout:g} s (time limit; see --timeout)")
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        finished = True
    finally:
        os.close(read_end)
        if not finished:
            os.close(err_read)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    message = _answer(chunks)
    if message is None:
        said = _last_words(err_read)
    os.close(err_read)
    if message is not None and message[0] == "ok":  # the child is exiting: reaped later (its exit takes ~10 ms)
        _EXITING.append(pid)
        _reap_finished()
        return message[1]
    # Reached only with the whole answer read (a time-out raised above); the peak memory that an
    # error reports counts this child only once it is collected.
    _, status = os.waitpid(pid, 0)
    if message is None:  # nothing or half an answer: the child died on its way
        exitcode = os.waitstatus_to_exitcode(status)
        # Past the ceiling pyoxigraph says so and aborts; the kernel's OOM killer sends SIGKILL.
        if max_memory and (ALLOCATION_FAILED in said or exitcode == -signal.SIGKILL):
            raise _memory_error(max_memory)
        raise QueryError(_died(exitcode), path=where)
    if message[0] == "memory":
        raise _memory_error(max_memory)
    if message[0] == "kgerror":
        cls, text, path, line, column = message[1:]
        raise cls(text, path=path, line=line, column=column)
    raise QueryError(f"the query failed: {message[1]}")


#: What a process leaves to be said if it dies in its query: the error at the memory ceiling (None without one),
#: and the error of a crash (see :func:`in_place`).
LastWords = Callable[[KgError | None, KgError | None], None]
#: Whether this process left the network (for good: an audit hook cannot be removed).
_CUT: list[bool] = []
#: Whether it left capabilities behind when it did (see :func:`capabilities_kept`).
_CAPABILITIES_LEFT: list[bool] = []
#: (report, last_words, peak, signal_name, engine_err) of :func:`in_place`, for this process's next limited query.
_IN_PLACE: list[tuple[Callable[[KgError], None], LastWords, str, str, int | None]] = []


def in_place(
    report: Callable[[KgError], None],
    last_words: LastWords,
    peak: str,
    signal_name: str,
    engine_err: int | None = None,
) -> None:
    """This process ends after its command: its next limited query runs here, under the limits, without a fork.

    ``report(error)`` is called from the watchdog thread when the time limit passes, while the
    engine still works: it must say so and end the process (``os._exit``). ``last_words(ceiling,
    crash)`` leaves what is to be said if the process dies in the query: at the memory ceiling
    (pyoxigraph aborts; ``peak`` stands for its peak memory in MB) or in a crash of the engine
    (``signal_name`` stands for the signal's name); ``last_words(None, None)`` takes them back.
    ``engine_err``: a file descriptor (a pipe the process's supervisor reads) that the engine's own
    standard error goes to during the query (pyoxigraph's words when it aborts); default: nowhere.
    The network, once left, stays left for the rest of the process; each query sets its own ceiling.
    """
    _IN_PLACE[:] = [(report, last_words, peak, signal_name, engine_err)]


def _run_here(
    target: Callable[[], T],
    timeout: float,
    allow_external: bool,
    max_memory: int | None,
    where: str | None,
    report: Callable[[KgError], None],
    last_words: LastWords,
    peak: str,
    signal_name: str,
    engine_err: int | None,
) -> T:
    """:func:`run_isolated` in this disposable process (see :func:`in_place`)."""

    def located(error: KgError) -> KgError:
        if error.path is None:
            error.path = where
        return error

    if not allow_external and not _CUT:  # once a process: its later queries (a warm worker's) find it cut
        _leave_the_network()  # before the watchdog starts: unshare needs a process of one thread
        sys.addaudithook(_block_network)
        _CUT.append(True)
    import threading  # a watchdog thread only where the query runs in place

    last_words(
        located(_memory_error(max_memory, peak)) if max_memory else None, located(QueryError(_crashed(signal_name)))
    )
    stopped, finishing = threading.Event(), threading.Lock()
    timed_out = located(QueryTimeout(f"the query was stopped after {timeout:g} s (time limit; see --timeout)"))

    def watch() -> None:
        if not stopped.wait(timeout) and finishing.acquire(blocking=False):  # not if the query just finished
            os.dup2(saved_stderr, 2)
            report(timed_out)

    # An engine that aborts past the ceiling prints its own report and backtrace: not on the terminal.
    saved_stderr = os.dup(2)
    if engine_err is None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    else:
        os.dup2(engine_err, 2)
    watchdog = threading.Thread(target=watch, daemon=True, name="kg-query-time-limit")
    try:
        watchdog.start()  # first: its stack is mapped before the ceiling (--max-memory 1 could not start it)
        _limit_memory(max_memory, again=True)
        return target()
    except MemoryError:
        import resource

        raise located(_memory_error(max_memory, who=resource.RUSAGE_SELF)) from None
    finally:
        finishing.acquire()  # blocks for good if the watchdog is reporting the time-out (it ends the process)
        stopped.set()
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        last_words(None, None)


#: What pyoxigraph (Rust) writes on standard error when an allocation fails (past the memory ceiling).
ALLOCATION_FAILED = b"memory allocation of "


def _last_words(fd: int) -> bytes:
    """What a dead query child wrote on its standard error (the pipe ``fd``; at most 64 KiB, never waiting)."""
    os.set_blocking(fd, False)
    with contextlib.suppress(BlockingIOError, OSError):
        return os.read(fd, 1 << 16)
    return b""


def _died(exitcode: int) -> str:
    """The message of a query process that died on its own, neither at the time limit nor at the memory ceiling.

    >>> _died(-11)
    'the query engine crashed on this query (signal SIGSEGV); nothing was answered'
    >>> _died(-9), _died(70)
    ('the query process died (exit code -9)', 'the query process died (exit code 70)')
    """
    if -exitcode in CRASHES:
        return _crashed(signal.Signals(-exitcode).name)
    return f"the query process died (exit code {exitcode})"


def _crashed(signal_name: str) -> str:
    return f"the query engine crashed on this query (signal {signal_name}); nothing was answered"


#: The signals of a process that crashed (rather than was stopped from outside).
CRASHES = frozenset({signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE, signal.SIGABRT})


#: Query children that sent their whole answer and are exiting; reaped by :func:`_reap_finished`.
_EXITING: list[int] = []


def _answer(chunks: list[bytes]) -> tuple[Any, ...] | None:
    """The child's message, or None when it sent nothing or only part of one."""
    import pickle

    try:
        message = pickle.loads(b"".join(chunks)) if chunks else None
    except (pickle.UnpicklingError, EOFError, ValueError, AttributeError, ImportError, IndexError):
        return None
    return message if isinstance(message, tuple) and message else None


def _reap_finished() -> None:
    """Collect the exit status of the query children that have finished exiting (no zombies stay behind)."""
    for pid in list(_EXITING):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # already collected elsewhere
            done = pid
        if done:
            _EXITING.remove(pid)


def _run_in_thread(target: Callable[[], T], timeout: float) -> T:
    import threading

    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = target()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=work, daemon=True, name="kg-query")
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise QueryTimeout(f"the query was stopped after {timeout:g} s (time limit; see --timeout)")
    if "error" in box:
        raise box["error"]
    return box["value"]
