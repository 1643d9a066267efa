"""Start and stop a real ``kg serve`` for the tests (the one copy of it; imported as ``kg_serve``).

Habit 9 of STYLE.md: a free port (``--port 0``, the server prints the URL it took), a deadline
for the start, the server's stderr in the failure message, then SIGTERM and kill if needed.

:class:`SharedSite` is the session's one server of the shipped data (conftest.py's ``site``): its
stderr goes to a file, so that when it dies under the suite (its Oxigraph killed, say) the test
that met it dead says why, and the next module gets a new one.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from typing import IO

import pytest

from kg.processes import stop

#: ``python -c`` this, then a JSON object of kg.limits' names and values, then kg's arguments: ``kg ARGS`` run as
#: ``python -m kg`` runs it, with those limits set first (before kg's modules read them).
_WITH_LIMITS = (
    "import json, runpy, sys, kg.limits\n"
    "for name, value in json.loads(sys.argv.pop(1)).items():\n"
    "    assert hasattr(kg.limits, name), name\n"
    "    setattr(kg.limits, name, value)\n"
    "runpy.run_module('kg', run_name='__main__', alter_sys=True)\n"
)


def start_kg_serve(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: str | None = None,
    stderr: IO[str] | None = None,
    fixed: dict[str, float] | None = None,
) -> tuple[subprocess.Popen[str], str]:
    """``kg serve ARGS`` (add ``--port 0`` for a free port) in a child process (in ``cwd``); it and its URL.

    Queries get the suite's generous time limit unless ``--timeout`` is among ``args`` (see conftest.py).
    Its stderr is a pipe unless ``stderr`` is a file to write it to. ``fixed`` sets limits that no flag changes
    (kg.limits' "fixed" ones, e.g. ``{"SERVE_OVERRUN": 1.0}``) for this server only: a limit test that waits for
    one waits for the test's value, not the production one.
    """
    from conftest import TEST_TIME_LIMIT

    limit = [] if "--timeout" in args else ["--timeout", f"{TEST_TIME_LIMIT:g}"]
    run = ["-m", "kg"] if fixed is None else ["-c", _WITH_LIMITS, json.dumps(fixed)]
    process = subprocess.Popen(
        [sys.executable, *run, "serve", *args, *limit],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if stderr is None else stderr,
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
    _, said = process.communicate(timeout=10)
    if stderr is not None:
        stderr.seek(0)
        said = stderr.read()
    pytest.fail(f"kg serve did not print its URL: {said}")


def stop_kg_serve(process: subprocess.Popen[str]) -> str:
    """SIGTERM, then kill after 10 s; the server's stderr."""
    return stop(process, grace=10)[1] or ""


class SharedSite:
    """``kg serve --port 0 ARGS`` for many tests, its stderr kept in a file; :meth:`url` starts it again if it died.

    Its time limit is generous (120 s, a query of the suite takes milliseconds) but shorter than the
    suite's: Oxigraph keeps a thread for each query for its whole limit, and the threads of the
    machine are shared by every server of every run on it.
    """

    def __init__(self, *args: str) -> None:
        self.args = args
        self.process: subprocess.Popen[str] | None = None
        self._url = ""
        self.deaths: list[str] = []

    def url(self) -> str:
        """The URL of a live server (started now if there is none, or if the last one died)."""
        if self.process is not None and self.process.poll() is not None:
            self.deaths.append(self.death())
            self.process = None
        if self.process is None:
            self._log = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (open while it runs)
            self.process, self._url = start_kg_serve("--port", "0", "--timeout", "120", *self.args, stderr=self._log)
        return self._url

    def dead(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def death(self) -> str:
        """How the server ended: its exit code and its stderr."""
        assert self.process is not None
        self._log.seek(0)
        return f"the shared kg serve at {self._url} exited with code {self.process.returncode}; its stderr:\n" + (
            self._log.read() or "(nothing)"
        )

    def close(self) -> None:
        """Stop it (a server that died before is reported by the test that met it dead, not here)."""
        if self.process is None or self.process.poll() is not None:
            return
        stop_kg_serve(self.process)
        self._log.seek(0)
        stderr = self._log.read()
        self._log.close()
        assert "Traceback" not in stderr, stderr
