"""Start and stop a real ``kg serve`` for the tests (the one copy of it; imported as ``kg_serve``).

Habit 9 of STYLE.md: a free port (``--port 0``, the server prints the URL it took), a deadline
for the start, the server's stderr in the failure message, then SIGTERM and kill if needed.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from kg.processes import stop


def start_kg_serve(
    *args: str, env: dict[str, str] | None = None, cwd: str | None = None
) -> tuple[subprocess.Popen[str], str]:
    """``kg serve ARGS`` (add ``--port 0`` for a free port) in a child process (in ``cwd``); it and its URL.

    Queries get the suite's generous time limit unless ``--timeout`` is among ``args`` (see conftest.py).
    """
    from conftest import TEST_TIME_LIMIT

    limit = [] if "--timeout" in args else ["--timeout", f"{TEST_TIME_LIMIT:g}"]
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", *args, *limit],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=cwd,
    )
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        match = re.search(r"query page: (\S+)", line)
        if match:
            return process, match.group(1)
    process.kill()
    _, stderr = process.communicate(timeout=10)
    pytest.fail(f"kg serve did not print its URL: {stderr}")


def stop_kg_serve(process: subprocess.Popen[str]) -> str:
    """SIGTERM, then kill after 10 s; the server's stderr."""
    return stop(process, grace=10)[1] or ""


def running_site(*args: str) -> Iterator[str]:
    """For a fixture: ``kg serve --port 0 ARGS`` while it is in use, its URL; stopped after, with no traceback."""
    process, url = start_kg_serve("--port", "0", *args)
    try:
        yield url
    finally:
        stderr = stop_kg_serve(process)
        assert "Traceback" not in stderr, stderr
