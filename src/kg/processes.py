"""The programs kg starts (and the servers its tests and benchmarks start): a free port to give one, and stopping one.

Both are a few lines of the standard library; they live here once so that ``kg serve``, the
test helpers and the benchmarks start and stop their children the same careful way
(STYLE.md, habit 9): a port the system picked, then SIGTERM, a grace period, and SIGKILL.
"""

from __future__ import annotations

import socket
import subprocess
from typing import Any

from kg.limits import SERVE_HOST, SERVER_STOP_GRACE


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
