"""The ``kg`` command's entry point: a ``kg query`` goes to the warm query process before kg imports anything.

Answered warm, a ``kg query`` costs Python's start-up, this module and
:mod:`kg.warm` (the standard library only) and a round trip; anything else,
and a query the warm process does not answer, runs :func:`kg.cli.main`. After
a local query ran here, the warm process is started for the next one.

A local query that runs here (cold) runs in a process of its own, forked
first thing (:func:`query_process`): that process imports kg, loads the store
and is itself the query's limited process (:func:`kg.warm.query_in_place`: the
time limit, memory ceiling and network cut apply to it), as the warm process's
worker is; this one only waits for it and says what it could not say itself
when it died in its query (past its memory ceiling, or the engine crashed).
Why: the query's own child used to be forked once the store was loaded, and a
fork costs in proportion to what the process holds (its page tables,
copy-on-write faults in both processes, tearing down the copy): 10 to 15 ms on
the article, 35 to 70 ms at 1 000 synthetic articles, measured with children's
CPU counted (BENCHMARKS.md). Forked before the imports, the process is 10 MB.
"""

# try/except rather than contextlib, and no __future__ import: each would cost on every kg query (see kg.warm).
# ruff: noqa: SIM105
import os
import sys

from kg import warm

#: Options after which a query is not local: the warm process has nothing to keep for it.
_NOT_LOCAL = ("--endpoint", "--show", "--help", "-h")
_PR_SET_PDEATHSIG = 1
#: The cyclic garbage collector's thresholds in a command that runs once and exits (every command but
#: ``kg serve``, which runs for days): a youngest-generation collection every 50 000 allocations net of
#: frees, not 700, and no collection of the oldest generation before exit. Most of what such a command
#: allocates lives until it exits (modules, graphs, stores), which CPython's defaults traverse again and
#: again: measured (``gc.callbacks``) 4-7 ms of a 65-90 ms cold ``kg query``, 0.14 of a 1.6 s ``kg build``
#: without the site, 1.28 of 10.7 s of ``kg validate`` at 1 000 articles (0.72 s with these), the peak
#: memory the same. Garbage cycles are still collected, in the younger generations.
BATCH_GC_THRESHOLDS = (50_000, 10, 1_000)
_FROZEN_AT_EXIT: list[bool] = []


def batch_process() -> None:
    """Tune this process's garbage collector for a command that runs once and exits (:data:`BATCH_GC_THRESHOLDS`),
    and let it exit without a last collection.

    At exit, once the ``atexit`` functions ran, CPython collects every generation once more, a
    traversal of all that the command still holds: 0.10 of a 1.5 s ``kg build`` without the site
    (``gc.callbacks``; 86 000 objects of the modules' teardown). Frozen (``gc.freeze`` as this process's
    last ``atexit`` function: those registered before it run after it, unaffected), they are left to the
    operating system, as the process's memory is. What that leaves out: the finalizers of objects in
    garbage cycles at exit, which Python does not promise to run (kg closes every file it writes;
    ``logging`` flushes its handlers and ``tempfile`` removes its folders in their own ``atexit`` functions).
    """
    import gc  # not on the path of a kg query answered warm, which allocates little

    gc.set_threshold(*BATCH_GC_THRESHOLDS)
    if not _FROZEN_AT_EXIT:  # once a process
        import atexit

        atexit.register(gc.freeze)
        _FROZEN_AT_EXIT.append(True)


#: The commands whose process ends at once when they are done (:func:`exit_process`): ``kg publish``, whose
#: interpreter's teardown (freeing the loaded publication object by object) came after all its work: 25-50 ms
#: of wall time against 13-30 ms ended at once, the kernel freeing its memory in both (the article, six runs
#: of each, nice -20). Only commands that close every file they write (``publish`` writes with ``os.write``).
ENDS_AT_ONCE = ("publish",)
_AT_ONCE: list[bool] = []


def exit_process(code: int) -> None:
    """End the ``kg`` command's process with ``code`` (the installed ``kg`` script's last call).

    After a command of :data:`ENDS_AT_ONCE` run by :func:`main`, with no other thread left: its standard
    streams flushed and its ``atexit`` functions run (what Python does at exit that anyone could see:
    ``logging``'s handlers, ``tempfile``'s folders, ``multiprocessing``'s children), then ``os._exit``, without
    the interpreter's teardown of every object the command still holds. Otherwise, as ``sys.exit``.
    """
    threading = sys.modules.get("threading")
    if _AT_ONCE and (threading is None or threading.active_count() == 1):
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):  # a closed stream or pipe: Python's own exit says what it says of it
            sys.exit(code)
        import atexit

        atexit._run_exitfuncs()  # what Python's exit would run, run now
        os._exit(code)
    sys.exit(code)


def main() -> int:
    """``kg`` with the command line's arguments; the exit code."""
    argv = sys.argv[1:]
    query = argv[:1] == ["query"]
    if query:
        code = warm.answer(argv)
        if code is not None:
            return code
    if argv[:1] != ["serve"]:
        batch_process()
    local = query and not any(a in _NOT_LOCAL or a.startswith("--endpoint=") for a in argv)
    own = query_process(argv) if local and sys.platform.startswith("linux") and hasattr(os, "fork") else None
    if own is not None:
        code = own
    else:  # not a local query, or no process of its own could be made: here (its query forked, as a library call's)
        from kg.cli import main as run

        if argv[:1] and argv[0] in ENDS_AT_ONCE and not _AT_ONCE:
            from kg.processes import end_at_once

            end_at_once()  # what the command leaves to the process's end is kept until then, not freed
            _AT_ONCE.append(True)
        code = run(argv)
    if local and code in (0, 1):
        warm.start(argv)  # for the next run; nothing if one runs, or with --no-cache
    return code


def query_process(argv: list[str]) -> int | None:
    """``kg ARGV`` (a local query) in a process of its own that is also its query's limited process; its exit code,
    or None when the system made no such process (no pipe or fork: too many processes or open files).

    What the process cannot say once it is dead (it died in its query: past its memory ceiling, or a
    crash of the engine) this one says, as a cold query always did, from the words the process left
    before its query (:func:`kg.warm.died_in_query`), its peak memory and what the engine wrote on its
    standard error. A process killed outside its query takes this one the same way; this one killed, the
    process is killed too (``PR_SET_PDEATHSIG``). Ctrl-C reaches both: the query's process says so.
    """
    parent = os.getpid()
    made: list[int] = []
    try:
        made += os.pipe()
        made += os.pipe()
        pid = os.fork()
    except OSError:
        for fd in made:
            os.close(fd)
        return None
    words_read, words_write, engine_read, engine_write = made
    if pid == 0:  # never returns
        os.close(words_read)
        os.close(engine_read)
        _run(argv, parent, words_write, engine_write)
    os.close(words_write)
    os.close(engine_write)
    os.set_blocking(engine_read, False)
    interrupted = False
    while True:
        try:
            _, status, usage = os.wait4(pid, 0)
            break
        except KeyboardInterrupt:  # Ctrl-C reached the query's process too, but an engine in its query never looks
            interrupted = True  # at Python's signals (it ran on to its time limit): it is stopped, as a warm one is
            _kill(pid)
    words = warm.read_words(words_read)
    code = os.waitstatus_to_exitcode(status)
    engine_said = b""
    try:
        engine_said = os.read(engine_read, 1 << 16)
    except OSError:  # nothing written
        pass
    os.close(engine_read)
    if interrupted:
        return 130
    if code >= 0:
        return code
    said = warm.died_in_query(-code, words, usage.ru_maxrss // 1024, engine_said)
    if said is None:  # killed outside its query: so is this process, as if it had been the one
        import signal

        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
        return 128 - code
    said_code, _, message = said.partition(" ")
    print(message, file=sys.stderr)
    return int(said_code)


def _kill(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:  # it ended meanwhile
        pass


def _run(argv: list[str], parent: int, words: int, engine_err: int) -> None:
    """The query's process: ``kg ARGV`` with its query in place; exits with the command's code."""
    code = 70
    try:
        import ctypes
        import signal

        # Killed with its parent (a timeout's SIGKILL of `kg`): a query of nobody's must not run on.
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:
            os._exit(code)
        os.set_blocking(engine_err, False)  # a full pipe loses the rest of the engine's words, never blocks it
        warm.query_in_place("query", words, engine_err)
        from kg.cli import main as run

        try:
            code = run(argv)
        except SystemExit as exc:  # argparse's usage errors and --help
            if isinstance(exc.code, str):
                print(exc.code, file=sys.stderr)
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        code = 130
    except BaseException:  # noqa: BLE001 - what Python says of an exception nobody caught, and its exit code
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        warm.flush_standard_streams()
        os._exit(code)
