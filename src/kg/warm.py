"""The warm query process: ``kg query`` answered by a process that has kg imported and the store loaded.

A cold ``kg query`` spends its time before the query: Python imports rdflib and kg
(about 0.15 s), then parses the ontology, vocabularies and data and adds their RDFS
closure (0.6 s at 1 000 synthetic articles). Neither depends on the query, so the
first ``kg query`` starts, in the background, one warm process per user that keeps
both: kg imported, and the stores of the last inputs loaded in memory. A later
``kg query`` (this module's :func:`answer`, run before ``kg.cli`` imports anything
else) hands it its arguments, working folder, environment and its own standard
input, output and error (file descriptors passed over a Unix socket); a worker
forked from the warm process runs ``kg query`` exactly as the command line would,
writing straight to the caller's terminal or pipe, and reports its exit code. The
worker is also the query's limited process (:func:`kg.sparql.sandbox.run_isolated`
applies the time limit, memory ceiling and network cut to it rather than forking
once more), with the same messages and exit codes as a cold run; one that ended
its command normally answers the next request on the same stores, without a fork
(:mod:`kg.warm_server`).

Why a warm process rather than an on-disk store: an Oxigraph store on disk
(RocksDB, ``pyoxigraph.Store(path)``) opens in 15 ms but answers the heavy library
queries 2 to 7 times slower than the same store in memory (cq16 at 1 000 articles:
0.45 s against 0.10 s), and re-reading N-Quads is as slow as reading the Turtle.
Only a process that keeps the store in memory answers at the engine's own speed;
forking it gives each query a private copy-on-write view of it.

The promises:

- **Invalidated exactly when an input changes.** A store is known by the content
  (SHA-256) of each input file, with the ontology and vocabularies, and the
  entailment, never by sizes or times. A file is hashed again at a request unless
  its status (device, inode, size, modification and change times) is the one it
  had when this process hashed it, and that hash was taken more than 3 s after the
  file's last change (git's rule for "racily clean" files:
  :mod:`kg.sparql.index`): every write moves a file's change time, which no
  program can set back, so other content is always hashed, and a file only
  touched is hashed again to the same store. The input checks of a cold run (size
  limit, kind, byte-order mark) run on every request too.
- **One process per user and kg, safe under concurrent runs.** It holds an
  exclusive ``flock`` on its lock file for as long as it listens: a second one
  started at the same moment exits; one that stops taking requests (stepping
  down, stopped, idle) removes its socket, then lets the lock go, so that the
  next one may start while its last workers finish. Requests are served concurrently, one worker each.
  Each installation of kg (its folder and the Python that runs it) has a socket,
  lock and log of its own (``query-ID.sock``, ID a checksum of both), so two
  checkouts used in turn keep a warm process each rather than replacing each other.
- **A kill at any moment leaves nothing half made.** The stores live only in the
  process's memory; a killed process leaves its socket behind, which refuses
  connections, and the next ``kg query`` runs cold and starts a new one.
- **Stale code is never run.** The process watches kg's files from its start
  (:mod:`kg.source_watch`: the kernel's inotify on Linux); a request after one of
  them changed (an upgrade, an edited checkout), or from another Python, makes it
  step down, and that ``kg query`` runs cold.
- **Bounded.** It keeps the stores of at most :data:`kg.limits.CACHE_STORES`
  input sets (least recently used dropped first; ``KG_CACHE_STORES=N``) and
  exits after :data:`kg.limits.CACHE_IDLE` seconds without a request
  (``KG_CACHE_IDLE=S``). Nothing is written to disk but its socket and lock.
- **Cleanable, and off with one flag.** ``kg cache info`` shows it, ``kg cache
  clear`` stops it; ``kg query --no-cache`` or ``KG_NO_CACHE=1`` runs cold and
  starts nothing.
- **Where:** ``$KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/kg``, else ``~/.cache/kg``
  (a folder only its user may enter: it is refused otherwise); ``query-ID.log`` there
  holds what the process had to say since it started (nothing, unless it failed). Only processes of
  the same user are served (the socket is ``0600`` and the peer's user id is
  checked), which is why the requests may be :mod:`marshal` data (the standard
  library's cheapest format to read; a peer that could send a harmful one could
  run code as this user anyway).

Our own code rather than a library's: the standard library's
``multiprocessing.forkserver`` forks workers for Python callables inside one
program, not for other programs' command lines with their own terminal; no
well-kept package does this for a CLI.

The client side (:func:`answer`, :func:`start`) imports only modules built into
the interpreter (``_socket``, ``marshal``; not ``socket``, ``json`` or ``pathlib``,
which import ``re``, ``enum`` and more: about 20 ms of a 50 ms run), and not even
``__future__`` (its annotations are quoted instead), so a warm ``kg query`` costs
Python's start-up and a round trip.
"""

# os.path and try/except rather than pathlib and contextlib: their imports cost on every warm kg query.
# ruff: noqa: PTH103, PTH109, PTH111, PTH116, PTH117, PTH118, PTH120, PTH208, SIM105
import _socket
import marshal
import os
import sys

TYPE_CHECKING = False  # typing is not imported at run time: the client is on every kg query's path
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

#: Environment variables of the warm process (their defaults are in kg.limits).
NO_CACHE_ENV = "KG_NO_CACHE"
CACHE_DIR_ENV = "KG_CACHE_DIR"
CACHE_IDLE_ENV = "KG_CACHE_IDLE"
CACHE_STORES_ENV = "KG_CACHE_STORES"
#: A Unix socket's path is at most this long (Linux ``sun_path``); a longer cache folder runs cold.
_MAX_SOCKET_PATH = 107
#: The reply of a warm process that will not answer this request: the caller runs it itself.
DECLINE = b"D"
#: The reply of a warm process whose worker starts on the request; its exit code follows.
ACCEPTED = b"A"
_LENGTH_SIZE = 4  # a message is its length (4 bytes, network order) and its marshal data


def installation(package: str | None = None) -> str:
    """Which kg runs: its package folder (default: this one's) and the Python that runs it (not the files' state:
    the warm process watches them, :mod:`kg.source_watch`)."""
    here = os.path.realpath(package) if package else os.path.dirname(os.path.realpath(__file__))
    return f"{here}\0{os.path.realpath(sys.executable)}"


def names(installed: str) -> tuple[str, str, str]:
    """The socket, lock and log of the warm process of the kg ``installed`` (:func:`installation`) in the cache folder.

    The tag is the 32-bit FNV-1a hash of its text: a few lines rather than ``zlib.crc32``, whose import alone
    costs more than the hash on every ``kg query``.
    """
    tag = 0x811C9DC5
    for byte in installed.encode("utf-8", "surrogateescape"):
        tag = ((tag ^ byte) * 0x01000193) & 0xFFFFFFFF
    return f"query-{tag:08x}.sock", f"query-{tag:08x}.lock", f"query-{tag:08x}.log"


#: This kg's socket, lock and log in the cache folder (one warm process per installation).
SOCKET_NAME, LOCK_NAME, LOG_NAME = names(installation())
#: What the sockets of every installation's warm process are called (``kg cache info``, ``clear``).
SOCKET_PREFIX, SOCKET_SUFFIX = "query-", ".sock"


# --------------------------------------------------------------------------- where, and whether


def enabled(argv: "Sequence[str]" = ()) -> bool:
    """Whether the warm process may be used: not with ``--no-cache``, ``KG_NO_CACHE`` set, or no Unix sockets."""
    if "--no-cache" in argv or os.environ.get(NO_CACHE_ENV, "").strip() not in ("", "0"):
        return False
    return hasattr(_socket, "AF_UNIX") and hasattr(_socket, "CMSG_LEN") and hasattr(os, "fork")


def cache_dir() -> str:
    """``$KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/kg``, else ``~/.cache/kg`` ('' when there is no home folder)."""
    explicit = os.environ.get(CACHE_DIR_ENV, "").strip()
    if explicit:
        return explicit
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg and os.path.isabs(xdg):
        return os.path.join(xdg, "kg")
    home = os.path.expanduser("~")
    return os.path.join(home, ".cache", "kg") if os.path.isabs(home) else ""


def private_dir(create: bool) -> str | None:
    """The cache folder, made ``0700`` if ``create``; None if it is missing, or others may write or enter it.

    None too where there is no home folder to put it in, or no working folder to tell the warm
    process (a deleted one): then kg runs cold.
    """
    try:
        folder = cache_dir()
        os.getcwd()
    except (RuntimeError, KeyError, OSError):
        return None
    if not folder:
        return None
    if create:
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
        except OSError:
            pass
    try:
        info = os.stat(folder)
    except OSError:
        return None
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    if len(os.path.join(folder, SOCKET_NAME).encode("utf-8", "surrogateescape")) > _MAX_SOCKET_PATH:
        return None
    return folder


def fingerprint() -> str:
    """Which Python runs this kg: its prefix and version (its path and kg's folder name the socket: :func:`names`).

    Whether kg's own files changed since the warm process imported them, it watches itself
    (:mod:`kg.source_watch`): no ``kg query`` takes their status any more.
    """
    return f"{sys.prefix}\n{sys.version}"


# --------------------------------------------------------------------------- the client


def connect(folder: str | os.PathLike[str], name: str = SOCKET_NAME) -> "Any":
    """A connected socket to the warm process of ``name`` in ``folder``, or None when none answers."""
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.connect(os.path.join(os.fspath(folder), name))
    except OSError:  # none there, or a dead one's socket: refused
        sock.close()
        return None
    return sock


def encode(message: "dict[str, Any]") -> bytes:
    """One message as it goes over the socket: its length and its marshal data."""
    data = marshal.dumps(message)
    return len(data).to_bytes(_LENGTH_SIZE, "big") + data


def send(sock: "Any", message: "dict[str, Any]", fds: "Sequence[int]" = ()) -> None:
    """Send ``message`` (str, int, float, bool, None, lists and dicts of them) with the file descriptors ``fds``."""
    data = encode(message)
    rights = b"".join(fd.to_bytes(4, sys.byteorder, signed=True) for fd in fds)  # C ints
    ancillary = [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, rights)] if fds else []
    sent = sock.sendmsg([data], ancillary)
    if sent < len(data):  # never an empty send: the peer may have answered and closed already (EPIPE)
        sock.sendall(data[sent:])


def receive_exactly(sock: "Any", size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def decode(sock: "Any", data: bytes = b"") -> "Any":
    """The message that starts with ``data`` (what was read of it already) and goes on in ``sock``."""
    if len(data) < _LENGTH_SIZE:
        data += receive_exactly(sock, _LENGTH_SIZE - len(data))
    size = int.from_bytes(data[:_LENGTH_SIZE], "big")
    body = data[_LENGTH_SIZE:]
    if len(body) < size:
        body += receive_exactly(sock, size - len(body))
    return marshal.loads(body)


def _stream(stream: "Any") -> list[str]:
    return [getattr(stream, "encoding", None) or "utf-8", getattr(stream, "errors", None) or "strict"]


def flush_standard_streams() -> None:
    """Write out what this process's stdout and stderr hold, before another process writes to the same
    descriptors or this one ends with ``os._exit`` (which flushes nothing); a closed or broken stream is let be."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


_ASKED: list[bool] = []  # answer() asks once a process


def answer(argv: "Sequence[str]") -> int | None:
    """Have the warm process run ``kg ARGV``; its exit code, or None when the caller must run it itself."""
    if _ASKED or not enabled(argv):
        return None
    _ASKED.append(True)
    folder = private_dir(create=False)
    sock = connect(folder) if folder else None
    if sock is None:
        return None
    try:
        flush_standard_streams()
        request = {
            "op": "run",
            "argv": list(argv),
            "cwd": os.getcwd(),
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
            while chunk := sock.recv(4096):
                reply += chunk
        except KeyboardInterrupt:  # closing the socket stops the worker
            return 130
        except OSError:
            pass
    finally:
        sock.close()
    if not reply.startswith(ACCEPTED):  # declined, or gone before its worker started: nothing ran
        return None
    code, _, said = reply[len(ACCEPTED) :].decode("utf-8", "replace").partition(" ")
    if code.lstrip("-").isdigit():
        if said:  # the worker died in its query (past its memory ceiling): what a cold run says then
            print(said, file=sys.stderr)
        return int(code)
    print(
        f"kg query: error: the warm query process stopped ({code or 'no exit code'} {said}".rstrip()
        + "); run again with --no-cache",
        file=sys.stderr,
    )
    return 3


def start(argv: "Sequence[str]") -> None:
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

    try:
        subprocess.Popen(
            [sys.executable, "-m", "kg.warm_server", "--cwd", os.getcwd(), "--", *argv],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd="/",
            start_new_session=True,
            close_fds=True,
        )
    except OSError:
        pass


def _ask(op: str, name: str = SOCKET_NAME) -> "dict[str, Any] | None":
    folder = private_dir(create=False)
    sock = connect(folder, name) if folder else None
    if sock is None:
        return None
    try:
        send(sock, {"op": op})
        reply = decode(sock)
        return reply if isinstance(reply, dict) else None
    except (OSError, ValueError, EOFError, TypeError):
        return None
    finally:
        sock.close()


def _others() -> list[str]:
    """The sockets in the cache folder of other installations' warm processes."""
    folder = private_dir(create=False)
    try:
        names = sorted(os.listdir(folder)) if folder else []
    except OSError:
        return []
    return [n for n in names if n.startswith(SOCKET_PREFIX) and n.endswith(SOCKET_SUFFIX) and n != SOCKET_NAME]


def info(name: str = SOCKET_NAME) -> "dict[str, Any] | None":
    """What this kg's warm process holds (its pid, age, stores and their inputs), or None when none runs;
    ``name``: the socket of another installation's (:func:`names`)."""
    return _ask("info", name)


def clear() -> "dict[str, Any] | None":
    """Stop the warm processes of the cache folder (their stores go with them); this kg's state, or None.

    The processes of other installations (another checkout, another virtual environment) are
    stopped too; None when this kg had none and no other either.
    """
    others = [_ask("stop", name) for name in _others()]
    mine = _ask("stop")
    return mine or next((s for s in others if s is not None), None)


def describe(state: "dict[str, Any] | None") -> str:
    """``kg cache info`` as text: this kg's warm process (``state``, from :func:`info`), then other installations'."""
    others = [s for s in (_ask("info", name) for name in _others()) if s is not None]
    states = ([state] if state is not None else []) + others
    if not states:
        return f"no warm query process ({os.path.join(cache_dir(), SOCKET_NAME)})\n"
    lines = []
    for one in states:
        where = os.path.join(cache_dir(), one.get("socket", SOCKET_NAME))
        lines += [
            f"warm query process {one['pid']} at {where}",
            f"  kg {one['version']} in {one.get('kg_dir', '?')}; up {one['up']:.0f} s, idle {one['idle']:.0f} s "
            f"(stops after {one['idle_limit']:g} s idle); {one['rss_mb']:.0f} MB resident",
            f"  {len(one['stores'])} of at most {one['max_stores']} stores, most recently used first:",
        ]
        for store in one["stores"]:
            lines.append(
                f"  - {store['triples']} triples, entailment {store['entailment']}, "
                f"used {store['uses']} time{'' if store['uses'] == 1 else 's'}"
            )
            lines.extend(f"      {path}" for path in store["inputs"])
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- a process that exists for one query

#: Where a process's last words start in its pipe to its supervisor, and where its peak memory goes in them.
WORDS, PEAK = b"\0", "\ue000peak\ue000"  # a private-use character: not in any message kg writes
#: Between the words for the memory ceiling and those for a crash; where the crash's signal name goes.
CRASH, SIGNAL = "\ue000crash\ue000", "\ue000signal\ue000"


def query_in_place(command: str, words: int, engine_err: int | None = None) -> None:
    """Make this process, which exists for one ``kg COMMAND`` (a warm process's worker, a cold ``kg query``'s own
    process), the limited process of its next local query (:func:`kg.sparql.sandbox.in_place`): no second fork.

    At the time limit it says so on standard error and ends with the error's exit code. Before its query
    starts it writes to the pipe ``words`` what its supervisor is to say if it dies in it (:func:`died_in_query`);
    ``engine_err``: where the engine's own standard error goes during the query (default: nowhere).
    """
    from kg.sparql import sandbox
    from kg.terminal import printable

    def said(exc: Exception) -> str:  # what kg.cli.main prints for a KgError
        return f"kg {command}: error: {printable(str(exc))}"

    def report(exc: Exception) -> None:  # the time limit passed while the query ran: say so, and end
        try:
            sys.stdout.flush()
        except (OSError, ValueError):
            pass
        os.write(2, (said(exc) + "\n").encode(sys.stderr.encoding or "utf-8", sys.stderr.errors or "strict"))
        os._exit(int(getattr(exc, "exit_code", 4)))

    def last_words(ceiling: Exception | None, crash: Exception | None) -> None:  # if this process dies in its query
        text = "" if ceiling is None else f"{int(getattr(ceiling, 'exit_code', 4))} {said(ceiling)}"
        if crash is not None:
            text += f"{CRASH}{int(getattr(crash, 'exit_code', 3))} {said(crash)}"
        os.write(words, WORDS + text.encode("utf-8", "replace"))

    sandbox.in_place(report, last_words, peak=PEAK, signal_name=SIGNAL, engine_err=engine_err)


def read_words(fd: int) -> str:
    """The last words a process left in its pipe ``fd`` (empty if none, or taken back); the pipe is closed."""
    if fd < 0:
        return ""
    data = b""
    try:
        while chunk := os.read(fd, 1 << 16):
            data += chunk
    except OSError:
        pass
    os.close(fd)
    return data.rpartition(WORDS)[2].decode("utf-8", "replace")


def died_in_query(number: int, words: str, peak_mb: int, engine_said: bytes | None = None) -> str | None:
    """``"CODE MESSAGE"``: what to say of a process killed by signal ``number`` in its query, from its last
    ``words`` (:func:`query_in_place`) and its peak memory; None when it left none (it died elsewhere).

    Past the memory ceiling pyoxigraph aborts (SIGABRT) saying "memory allocation of N bytes failed" and the
    kernel's OOM killer sends SIGKILL; SIGSEGV, SIGBUS, SIGILL and SIGFPE are a crash of the engine. With
    ``engine_said`` (the engine's standard error, when it was kept), an abort without those words is a crash.
    """
    ceiling, _, crash = words.partition(CRASH)
    if crash and (not ceiling or crashed(number, engine_said)):
        return crash.replace(SIGNAL, signal_name(number))
    if ceiling:
        code, _, said = ceiling.partition(" ")
        return f"{code} {said.replace(PEAK, str(peak_mb))}"
    return None


def crashed(number: int, engine_said: bytes | None = None) -> bool:
    """Whether a process dead by signal ``number`` in its query crashed rather than met its memory ceiling
    (see :func:`died_in_query`)."""
    import signal

    from kg.sparql.sandbox import ALLOCATION_FAILED, CRASHES

    if number == signal.SIGABRT and engine_said is not None:
        return ALLOCATION_FAILED not in engine_said
    return number in CRASHES and number != signal.SIGABRT


def signal_name(number: int) -> str:
    """``SIGSEGV`` for 11; the number itself for a signal Python does not name."""
    import signal

    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)
