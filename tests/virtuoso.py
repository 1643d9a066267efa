"""A real Virtuoso 7 (Debian's ``virtuoso-opensource-7-bin``) for the tests, on free 127.0.0.1 ports.

:func:`start_virtuoso` writes a minimal ``virtuoso.ini`` into a fresh
folder (database, transaction log and server log all there, ``DirsAllowed``
that folder only), binds both the SQL port and the HTTP port to 127.0.0.1 on
ports the system chose (bound to port 0 first), starts ``virtuoso-t
+foreground``, and returns when its SPARQL endpoint answers, polling against
a deadline. Its log is in every start-up error. :meth:`Virtuoso.stop`
terminates it (kills it if it does not exit in 10 s) and removes the folder.
The account ``dba``/``dba`` of a new database may write to the Graph Store
endpoint ``/sparql-graph-crud-auth`` (Digest auth).

``MaxOptimizeLayouts = 50`` (Virtuoso's default: 1 000) bounds the plans
Virtuoso's SQL optimizer tries for a query. With the default, planning the
library's long joins (cq08, cq29) took ~1.5 s of server CPU each, for a graph
of 7 000 triples, and the server spent ~6 s of CPU in tests/test_virtuoso.py.
A bound on the count keeps each plan the same from run to run (the test of
the rows Virtuoso loses depends on its plan), where
``StopCompilerWhenXOverRunTime`` (which saved as much) stops by the clock.
The rows are the same (each test compares them).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from kg.processes import free_port, stop

BINARY = Path("/usr/bin/virtuoso-t")
USER = PASSWORD = "dba"

_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
ServerThreads = 4
CheckpointInterval = 0
MaxOptimizeLayouts = 50
NumberOfBuffers = 4000
MaxDirtyBuffers = 3000
DirsAllowed = {folder}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 4
MaxKeepAlives = 4
KeepAliveTimeout = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 30
"""


class VirtuosoError(Exception):
    """Virtuoso did not start; the message holds its log."""


@dataclass
class Virtuoso:
    folder: Path
    process: subprocess.Popen[bytes]
    http_port: int
    sql_port: int
    started_in: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/"

    @property
    def sparql_url(self) -> str:
        return self.url + "sparql"

    @property
    def graph_store_url(self) -> str:
        """The Graph Store HTTP Protocol endpoint that takes ``dba``/``dba`` by Digest auth."""
        return self.url + "sparql-graph-crud-auth"

    def log(self) -> str:
        """The server's own log and its stdout/stderr."""
        parts = []
        for name in ("virtuoso.log", "console.log"):
            path = self.folder / name
            if path.is_file():
                parts.append(path.read_text(encoding="utf-8", errors="replace").strip())
        return "\n".join(p for p in parts if p) or "(no output)"

    def stop(self) -> None:
        stop(self.process, grace=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def start_virtuoso(startup: float = 60.0) -> Virtuoso:
    """A fresh Virtuoso on free loopback ports, answering SPARQL; VirtuosoError with its log otherwise."""
    folder = Path(tempfile.mkdtemp(prefix="kg-virtuoso-"))
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(_INI.format(folder=folder, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    began = time.monotonic()
    with (folder / "console.log").open("wb") as console:
        process = subprocess.Popen(
            [str(BINARY), "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=console,
            stderr=subprocess.STDOUT,
        )
    server = Virtuoso(folder, process, http_port, sql_port)
    probe = server.sparql_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    deadline = began + startup
    try:
        while True:
            code = process.poll()
            if code is not None:
                raise VirtuosoError(f"virtuoso-t exited with code {code}:\n{server.log()}")
            try:
                with urllib.request.urlopen(probe, timeout=1) as response:
                    if response.status == 200:
                        server.started_in = time.monotonic() - began
                        return server
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise VirtuosoError(
                    f"virtuoso-t did not answer at {server.sparql_url} within {startup:g} s:\n{server.log()}"
                )
            time.sleep(0.05)
    except BaseException:
        server.stop()
        raise
