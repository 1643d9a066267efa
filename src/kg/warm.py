"""The warm query process: ``kg query`` answered by a process that has kg imported and the store loaded.

A cold ``kg query`` spends its time before the query: Python imports rdflib and kg
(about 0.15 s), then parses the ontology, vocabularies and data and adds their RDFS
closure (0.6 s at 1 000 synthetic articles). Neither depends on the query, so the
first ``kg query`` starts, in the background, one warm process per user that keeps
both: kg imported, and the stores of the last inputs loaded in memory. A later
``kg query`` (this module's :func:`answer`, run before ``kg.cli`` imports anything
else) hands it its arguments, working folder, environment and its own standard
input, output and error (file descriptors passed over a Unix socket); the warm
process forks a worker that runs ``kg query`` exactly as the command line would,
writing straight to the caller's terminal or pipe, and reports its exit code. The
worker runs each query in its own child with the usual limits
(:func:`kg.sparql.engines.run_isolated`), as a cold run does.

Why a warm process rather than an on-disk store: an Oxigraph store on disk
(RocksDB, ``pyoxigraph.Store(path)``) opens in 15 ms but answers the heavy library
queries 2 to 7 times slower than the same store in memory (cq16 at 1 000 articles:
0.45 s against 0.10 s), and re-reading N-Quads is as slow as reading the Turtle.
Only a process that keeps the store in memory answers at the engine's own speed;
forking it gives each query a private copy-on-write view of it.

The promises:

- **Invalidated exactly when an input changes.** Every request hashes the content
  (SHA-256) of each input file, with the ontology and vocabularies; a store is
  reused only for the same contents (not sizes or times) and the same
  entailment. Hashing is cheap beside parsing (64 MiB in about 40 ms). The
  input checks of a cold run (size limit, kind, byte-order mark) run on every
  request too.
- **One process per user, safe under concurrent runs.** It holds an exclusive
  ``flock`` on ``query.lock`` for its whole life: a second one started at the
  same moment exits. Requests are served concurrently, one worker each.
- **A kill at any moment leaves nothing half made.** The stores live only in the
  process's memory; a killed process leaves its socket behind, which refuses
  connections, and the next ``kg query`` runs cold and starts a new one.
- **Stale code is never run.** The process records the version and source files
  of kg it imported (names, sizes, times) and the Python it runs on; a request
  from another kg (an upgrade, an edited checkout) makes it step down, and that
  ``kg query`` runs cold.
- **Bounded.** It keeps the stores of at most :data:`kg.limits.CACHE_STORES`
  input sets (least recently used dropped first; ``KG_CACHE_STORES=N``) and
  exits after :data:`kg.limits.CACHE_IDLE` seconds without a request
  (``KG_CACHE_IDLE=S``). Nothing is written to disk but its socket and lock.
- **Cleanable, and off with one flag.** ``kg cache info`` shows it, ``kg cache
  clear`` stops it; ``kg query --no-cache`` or ``KG_NO_CACHE=1`` runs cold and
  starts nothing.
- **Where:** ``$KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/kg``, else ``~/.cache/kg``
  (a folder only its user may enter: it is refused otherwise); ``query.log`` there
  holds what the process had to say since it started (nothing, unless it failed). Only processes of
  the same user are served (the socket is ``0600`` and the peer's user id is
  checked).

Our own code rather than a library's: the standard library's
``multiprocessing.forkserver`` forks workers for Python callables inside one
program, not for other programs' command lines with their own terminal; no
well-kept package does this for a CLI.

The client side (:func:`answer`, :func:`start`) imports only the standard
library, so a warm ``kg query`` costs Python's start-up and a round trip.
"""

from __future__ import annotations

import array
import contextlib
import json
import os
import socket
import struct
import sys
from pathlib import Path

TYPE_CHECKING = False  # typing is not imported at run time: the client is on every kg query's path
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

#: Environment variables of the warm process (their defaults are in kg.limits).
NO_CACHE_ENV = "KG_NO_CACHE"
CACHE_DIR_ENV = "KG_CACHE_DIR"
CACHE_IDLE_ENV = "KG_CACHE_IDLE"
CACHE_STORES_ENV = "KG_CACHE_STORES"
SOCKET_NAME = "query.sock"
LOCK_NAME = "query.lock"
LOG_NAME = "query.log"
#: A Unix socket's path is at most this long (Linux ``sun_path``); a longer cache folder runs cold.
_MAX_SOCKET_PATH = 107
HEADER = struct.Struct("!I")
#: The reply of a warm process that will not answer this request: the caller runs it itself.
DECLINE = b"D"
#: The reply of a warm process whose worker starts on the request; its exit code follows.
ACCEPTED = b"A"


# --------------------------------------------------------------------------- where, and whether


def enabled(argv: Sequence[str] = ()) -> bool:
    """Whether the warm process may be used: not with ``--no-cache``, ``KG_NO_CACHE`` set, or no Unix sockets."""
    if "--no-cache" in argv or os.environ.get(NO_CACHE_ENV, "").strip() not in ("", "0"):
        return False
    return hasattr(socket, "AF_UNIX") and hasattr(socket, "CMSG_LEN") and hasattr(os, "fork")


def cache_dir() -> Path:
    """``$KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/kg``, else ``~/.cache/kg``."""
    explicit = os.environ.get(CACHE_DIR_ENV, "").strip()
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "kg"


def private_dir(create: bool) -> Path | None:
    """The cache folder, made ``0700`` if ``create``; None if it is missing, or others may write or enter it.

    None too where there is no home folder to put it in, or no working folder to tell the warm
    process (a deleted one): then kg runs cold.
    """
    try:
        folder = cache_dir()
        Path.cwd()
    except (RuntimeError, KeyError, OSError):
        return None
    if create:
        with contextlib.suppress(OSError):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        info = folder.stat()
    except OSError:
        return None
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    if len(str(folder / SOCKET_NAME).encode()) > _MAX_SOCKET_PATH:
        return None
    return folder


def fingerprint() -> str:
    """Which kg this is: its files (names, sizes, modification times) and the Python that runs it."""
    parts = [os.path.realpath(sys.executable), sys.prefix, sys.version]
    folders = [str(Path(__file__).resolve().parent)]
    while folders:
        folder = folders.pop()
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        folders.append(entry.path)
                elif entry.name.endswith((".py", ".toml", ".json", ".js", ".css", ".html")):
                    with contextlib.suppress(OSError):
                        info = entry.stat()
                        parts.append(f"{entry.path}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(parts)


# --------------------------------------------------------------------------- the client


def connect(folder: Path) -> socket.socket | None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(folder / SOCKET_NAME))
    except OSError:  # none there, or a dead one's socket: refused
        sock.close()
        return None
    return sock


def send(sock: socket.socket, message: dict[str, Any], fds: Sequence[int] = ()) -> None:
    data = json.dumps(message).encode("utf-8")
    data = HEADER.pack(len(data)) + data
    ancillary = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else []
    sent = sock.sendmsg([data], ancillary)
    if sent < len(data):  # never an empty send: the peer may have answered and closed already (EPIPE)
        sock.sendall(data[sent:])


def receive_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def _stream(stream: Any) -> list[str]:
    return [getattr(stream, "encoding", None) or "utf-8", getattr(stream, "errors", None) or "strict"]


_ASKED: list[bool] = []  # answer() asks once a process


def answer(argv: Sequence[str]) -> int | None:
    """Have the warm process run ``kg ARGV``; its exit code, or None when the caller must run it itself."""
    if _ASKED or not enabled(argv):
        return None
    _ASKED.append(True)
    folder = private_dir(create=False)
    sock = connect(folder) if folder else None
    if sock is None:
        return None
    with sock:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        request = {
            "op": "run",
            "argv": list(argv),
            "cwd": str(Path.cwd()),
            "env": dict(os.environ),
            "streams": [_stream(sys.stdin), _stream(sys.stdout), _stream(sys.stderr)],
            "kg": fingerprint(),
        }
        try:
            send(sock, request, fds=(0, 1, 2))
        except OSError:  # it went away: nothing ran
            return None
        reply = b""
        try:
            while chunk := sock.recv(64):
                reply += chunk
        except KeyboardInterrupt:  # closing the socket stops the worker
            return 130
        except OSError:
            pass
    if not reply.startswith(ACCEPTED):  # declined, or gone before its worker started: nothing ran
        return None
    code = reply[len(ACCEPTED) :].decode("ascii", "replace").strip()
    if code.lstrip("-").isdigit():
        return int(code)
    print(
        f"kg query: error: the warm query process stopped ({code or 'no exit code'}); run again with --no-cache",
        file=sys.stderr,
    )
    return 3


def start(argv: Sequence[str]) -> None:
    """Start the warm process in the background (unless one runs), loading the inputs of ``kg ARGV`` first."""
    if not enabled(argv):
        return
    folder = private_dir(create=True)
    if folder is None:
        return
    probe = connect(folder)
    if probe is not None:
        probe.close()
        return
    import subprocess

    with contextlib.suppress(OSError):
        subprocess.Popen(
            [sys.executable, "-m", "kg.warm_server", "--cwd", str(Path.cwd()), "--", *argv],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd="/",
            start_new_session=True,
            close_fds=True,
        )


def _ask(op: str) -> dict[str, Any] | None:
    folder = private_dir(create=False)
    sock = connect(folder) if folder else None
    if sock is None:
        return None
    with sock:
        try:
            send(sock, {"op": op})
            size = HEADER.unpack(receive_exactly(sock, HEADER.size))[0]
            reply: dict[str, Any] = json.loads(receive_exactly(sock, size))
            return reply
        except (OSError, ValueError, struct.error):
            return None


def info() -> dict[str, Any] | None:
    """What the warm process holds (its pid, age, stores and their inputs), or None when none runs."""
    return _ask("info")


def clear() -> dict[str, Any] | None:
    """Stop the warm process (its stores go with it); what it held, or None when none ran."""
    return _ask("stop")


def describe(state: dict[str, Any] | None) -> str:
    """``kg cache info`` as text."""
    where = cache_dir() / SOCKET_NAME
    if state is None:
        return f"no warm query process ({where})\n"
    lines = [
        f"warm query process {state['pid']} at {where}",
        f"  kg {state['version']}; up {state['up']:.0f} s, idle {state['idle']:.0f} s "
        f"(stops after {state['idle_limit']:g} s idle); {state['rss_mb']:.0f} MB resident",
        f"  {len(state['stores'])} of at most {state['max_stores']} stores, most recently used first:",
    ]
    for store in state["stores"]:
        lines.append(f"  - {store['triples']} triples, entailment {store['entailment']}, used {store['uses']} times")
        lines.extend(f"      {path}" for path in store["inputs"])
    return "\n".join(lines) + "\n"
