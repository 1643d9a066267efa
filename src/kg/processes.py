"""The programs kg starts (and the servers its tests and benchmarks start): a free port to give one, and stopping one;
the processes of a pool stopped at once when their work failed (:func:`close_pool`); what a process that ends
at once leaves to its end (:func:`leave_to_exit`).

All three are a few lines of the standard library; they live here once so that ``kg serve``, the
test helpers and the benchmarks start and stop their children the same careful way
(STYLE.md, habit 9): a port the system picked, then SIGTERM, a grace period, and SIGKILL.
"""

from __future__ import annotations

import socket
import subprocess
from typing import TYPE_CHECKING, Any

from kg.limits import SERVE_HOST, SERVER_STOP_GRACE

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor


def free_port(host: str = SERVE_HOST) -> int:
    """A TCP port that is free on ``host`` now (the system's pick for port 0).

    >>> 0 < free_port() < 65536
    True
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def stop(process: subprocess.Popen[Any], grace: float = SERVER_STOP_GRACE) -> tuple[Any, Any]:
    """Stop ``process``: SIGTERM, ``grace`` seconds to exit, then SIGKILL; what it wrote to its pipes
    (None for a stream that is not a pipe).

    >>> import sys
    >>> child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    >>> stop(child, grace=10), child.returncode
    ((None, None), -15)
    """
    if process.poll() is None:
        process.terminate()
    try:
        return process.communicate(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate(timeout=grace)


def close_pool(pool: ProcessPoolExecutor, *, failed: bool) -> None:
    """Shut ``pool`` down: once its processes are done or, when this process failed (an error, Ctrl-C), at once.

    A pool's process that has answered waits for its next call until the pool's thread tells it to stop; a
    pool interrupted while it started its processes (Ctrl-C reaches them all) has no such thread yet, and
    Python's exit would wait for them for ever. So on a failure they are killed (the pool has no call for it:
    its processes are read from the pool), and the caller removes what they wrote."""
    if not failed:
        pool.shutdown(cancel_futures=True)
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
        process.join()


#: What this process keeps until it ends (:func:`leave_to_exit`), when it ends at once; None when it does not.
_LEFT_TO_EXIT: list[Any] | None = None


def end_at_once() -> None:
    """Say that this process ends with ``os._exit`` once its command is done (:func:`kg.launch.exit_process`), so
    that what is left to its end is kept, not freed (:func:`leave_to_exit`). Only the ``kg`` command says so."""
    global _LEFT_TO_EXIT
    if _LEFT_TO_EXIT is None:
        _LEFT_TO_EXIT = []


def leave_to_exit(*objects: Any) -> None:
    """Keep ``objects`` until this process ends, if it ends at once (:func:`end_at_once`): the system then takes
    their memory back whole, instead of Python freeing them object by object on the way out (the article's
    publication: 8-15 ms after ``kg publish``'s work is done). Otherwise nothing: a library call's objects
    are freed as usual."""
    if _LEFT_TO_EXIT is not None:
        _LEFT_TO_EXIT.extend(objects)
