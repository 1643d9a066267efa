"""The warm query process itself (``python -m kg.warm_server``): see :mod:`kg.warm` for what it promises.

It holds an exclusive lock for its life, listens on its socket, keeps the stores
of the last inputs loaded, and hands each request to a worker; the worker takes
the caller's folder, environment and standard streams and runs ``kg`` as the
command line would, its local query in place (:func:`kg.sparql.sandbox.in_place`:
the worker is the query's limited process, no second fork). What a cold run
says when its query child dies past its memory ceiling, the worker leaves in a
pipe before its query starts ("last words"); a worker killed in its query has
them passed to the caller with its peak memory. Started by :func:`kg.warm.start`;
stopped by ``kg cache clear``, by SIGTERM, or after its idle time.

A worker is forked for a request and, once its command ended, waits for the next
request on the same stores (at most one waits; up to :data:`kg.warm_worker.WORKER_REQUESTS`):
a fork costs little, but the copies of this process's pages that the worker's
first query makes (Python's reference counts, the allocators', the store's) cost
most of a short query's CPU: 1 200 to 1 600 page faults, some 6 ms of a 8 to
12 ms worker on the article, against 2 ms for the same query answered again by
the same worker. A worker that waits holds only what it had: it is let go when
the stores change (one loaded or dropped), when the warm process ends, or when it
died in its query (the time limit, the memory ceiling, a crash end it); each
request still gets its own folder, environment, streams, limits and last words.
Its CPU is counted in the state's ``cpu`` as it reports it after each request.
"""

from __future__ import annotations

import contextlib
import gc
import os
import socket
import struct
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kg.source_watch import SourceWatch
from kg.warm import (
    ACCEPTED,
    CACHE_IDLE_ENV,
    CACHE_STORES_ENV,
    DECLINE,
    LOCK_NAME,
    LOG_NAME,
    SOCKET_NAME,
    decode,
    died_in_query,
    encode,
    fingerprint,
    private_dir,
    read_words,
    send,
)
from kg.warm_worker import ready_for_workers, receive, use_environment, work

#: Seconds a connected caller has to send its request (the callers send it at once).
_REQUEST_TIMEOUT = 10.0


class _Store:
    """One loaded engine and what it was loaded from."""

    def __init__(self, key: tuple[Any, ...], engine: Any, inputs: list[str], entailment: str) -> None:
        self.key, self.engine, self.inputs, self.entailment = key, engine, inputs, entailment
        self.uses = 0
        # Counted once (the store is never written after its load): pyoxigraph counts by walking every
        # statement, 12 ms at 1 000 articles, which every state (a benchmark's reading) would repeat.
        self.triples = len(engine.store)


class _Server:
    """The warm process's state and loop (see the module docstring)."""

    def __init__(self, folder: str, lock_fd: int, watch: SourceWatch | None = None) -> None:
        from kg import limits
        from kg.cli import _version

        self.folder, self.lock_fd = Path(folder), lock_fd
        self.idle_limit = _number(CACHE_IDLE_ENV, limits.CACHE_IDLE)
        self.max_stores = max(1, int(_number(CACHE_STORES_ENV, limits.CACHE_STORES)))
        self.stores: list[_Store] = []  # most recently used first
        self.workers: dict[int, socket.socket] = {}  # busy worker pid -> its caller's connection
        self.words: dict[int, int] = {}  # worker pid -> the read end of its last-words pipe
        self.controls: dict[int, socket.socket] = {}  # worker pid -> where it reports and takes requests
        self.idle: list[int] = []  # workers waiting for a request (at most one)
        self.born: dict[int, int] = {}  # worker pid -> the stores' generation it was forked with
        self.generation = 0  # counts the changes of the stores held (one loaded or dropped)
        self.worker_cpu: dict[int, float] = {}  # CPU seconds the live workers reported
        self.forked = 0  # workers forked since the start, for the state
        self.watched: set[socket.socket] = set()
        self.selector: Any = None
        self.started = self.last = time.monotonic()
        self.kg = fingerprint()
        # Looked up once (importlib.metadata reads the installed metadata again on every call, 0.8 ms): a
        # benchmark reads the state before and after each request, and what that costs would count as the request's.
        self.kg_dir = str(Path(__file__).resolve().parent)
        self.watch = watch if watch is not None else SourceWatch(self.kg_dir)  # kg's files: changed, it steps down
        self.version = _version()

    # ------------------------------------------------------------------ stores

    def store_for(self, argv: Sequence[str], cwd: str, env: dict[str, str]) -> _Store | None:
        """Make the store ``kg ARGV`` queries the most recent one, loading it if its inputs changed; that store,
        or None when it queries none here (another command, a remote endpoint, a usage or load error)."""
        from kg.cli import shared_parser
        from kg.cli.options import reading
        from kg.sparql import index
        from kg.sparql.engines import OxigraphEngine

        index.keep(None)  # nothing kept unless these inputs load now
        try:
            args = shared_parser().parse_args(list(argv))
        except SystemExit:  # a usage error: the worker reports it
            return None
        if getattr(args, "command", None) != "query" or args.endpoint or args.show:
            return None
        if (args.engine or "oxigraph") != "oxigraph" or args.allow_external:  # its worker keeps the network
            return None
        saved_env, saved_cwd = dict(os.environ), str(Path.cwd())
        try:
            use_environment(env)
            os.chdir(cwd)
            with reading(args):  # --base: part of the key, and what relative IRIs resolve against
                # each request: the content (not times), hashed again unless the file's status says it is the
                # one hashed (index.content_digest); a new one is read into memory and loaded from the bytes
                # that were hashed (read_keyed)
                # without the search for triple terms: a store's bytes passed it when they were loaded
                key, inputs = index.inputs_key(args.data, args.entailment, scan=False)
                found = next((s for s in self.stores if s.key == key), None)
                if found is None:
                    key, inputs, contents = index.read_keyed(args.data, args.entailment)
                    engine = OxigraphEngine.from_files(args.data, entailment=args.entailment, contents=contents)
                    if index.reread(args.data) and index.inputs_key(args.data, args.entailment)[0] != key:
                        return None  # an input changed while it loaded: the worker loads it again itself
                    found = _Store(key, engine, inputs, args.entailment)
                    self.generation += 1
                else:
                    self.stores.remove(found)
                self.stores.insert(0, found)
                if len(self.stores) > self.max_stores:
                    del self.stores[self.max_stores :]
                    self.generation += 1
                found.uses += 1
                index.keep(found.engine, args.data, args.entailment, checked=True)  # checked as hashed
        except Exception:  # noqa: BLE001 - a load error is the worker's to report, with its message
            return None
        finally:
            os.chdir(saved_cwd)
            use_environment(saved_env)
        for pid in [pid for pid in self.idle if self.born.get(pid) != self.generation]:
            self.retire(pid)  # it holds the stores of before: let its memory go
        return found

    # ------------------------------------------------------------------ requests

    def state(self) -> dict[str, Any]:
        now = time.monotonic()
        rss = int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        return {
            "pid": os.getpid(),
            "socket": SOCKET_NAME,
            "kg_dir": self.kg_dir,
            "version": self.version,
            "cpu": _cpu() + sum(self.worker_cpu.values()),
            "forked": self.forked,
            "up": now - self.started,
            "idle": now - self.last,
            "idle_limit": self.idle_limit,
            "rss_mb": rss,
            "max_stores": self.max_stores,
            "stores": [
                {"inputs": s.inputs, "entailment": s.entailment, "triples": s.triples, "uses": s.uses}
                for s in self.stores
            ],
        }

    def handle(self, conn: socket.socket) -> bool:
        """Serve one connection; False when the process should stop."""
        if not _same_user(conn):
            conn.close()
            return True
        try:
            message, fds = receive(conn)
        except (OSError, ValueError, struct.error):
            conn.close()
            return True
        op = message.get("op")
        if op in ("info", "stop"):
            with contextlib.suppress(OSError):
                conn.sendall(encode(self.state()))
            conn.close()
            return op != "stop"
        if op != "run" or len(fds) != 3 or message.get("kg") != self.kg or self.watch.changed():
            for fd in fds:
                os.close(fd)
            with contextlib.suppress(OSError):
                conn.sendall(DECLINE)
            conn.close()
            return op != "run" or len(fds) != 3  # another Python asked, or kg's files changed: step down for it
        self.last = time.monotonic()
        store = self.store_for(message["argv"], message["cwd"], message["env"])
        try:
            conn.sendall(ACCEPTED)
        except OSError:  # the caller went away
            for fd in fds:
                os.close(fd)
            conn.close()
            return True
        words_read, words_write = os.pipe()
        pid = self.hand_over(message, [*fds, words_write], store) if store is not None else None
        if pid is None:
            pid = self.fork_worker(message, fds, conn, words_read, words_write, reusable=store is not None)
        os.close(words_write)
        os.set_blocking(words_read, False)
        for fd in fds:
            os.close(fd)
        self.workers[pid] = conn
        self.words[pid] = words_read
        return True

    def hand_over(self, message: dict[str, Any], fds: list[int], store: _Store) -> int | None:
        """Send the request to the waiting worker, if one waits on these stores; its pid, or None."""
        while self.idle:
            pid = self.idle.pop()
            if self.born.get(pid) == self.generation:
                try:
                    send(self.controls[pid], {**message, "store": store.key}, fds=fds)
                    return pid
                except OSError:  # it died meanwhile: reap() says the rest
                    pass
            self.retire(pid)
        return None

    def fork_worker(
        self, message: dict[str, Any], fds: list[int], conn: socket.socket, words_read: int, words: int, *,
        reusable: bool,
    ) -> int:  # fmt: skip
        """Fork a worker for the request; ``reusable``: it may then wait for the next (see the module docstring)."""
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM) if reusable else (None, None)
        gc.freeze()  # the worker's collections leave this process's objects (and their pages) alone
        pid = os.fork()
        if pid == 0:
            os.close(words_read)
            for other in self.workers.values():  # another caller's socket held here would keep it waiting
                other.close()
            for other_words in self.words.values():
                os.close(other_words)
            for control in [*self.controls.values(), mine]:
                if control is not None:
                    control.close()
            work(self.stores, message, fds, conn, words, theirs)  # never returns
        gc.unfreeze()  # here they are collected as before
        self.forked += 1
        if mine is not None and theirs is not None:
            theirs.close()
            self.controls[pid] = mine
            self.born[pid] = self.generation
            if self.selector is not None:
                import selectors

                self.selector.register(mine, selectors.EVENT_READ, ("control", pid))
        return pid

    def finished(self, pid: int) -> None:
        """Worker ``pid`` reports on its control socket: the exit code of its command for its caller."""
        control = self.controls.get(pid)
        try:
            report = decode(control) if control is not None else None
        except (OSError, ValueError, EOFError, TypeError):
            report = None
        if not isinstance(report, dict):  # it died or let go: reap() tells its caller
            self.retire(pid)
            return
        self.worker_cpu[pid] = float(report.get("cpu", 0.0))
        read_words(self.words.pop(pid, -1))
        conn = self.workers.pop(pid, None)
        if conn is not None:
            if conn in self.watched:
                self.watched.discard(conn)
                self.selector.unregister(conn)
            with contextlib.suppress(OSError):
                conn.sendall(str(int(report.get("code", 70))).encode())
            conn.close()
        if report.get("more") and self.born.get(pid) == self.generation and not self.idle:
            self.idle.append(pid)
        else:
            self.retire(pid)

    def retire(self, pid: int) -> None:
        """Let worker ``pid`` go: it ends at once if it waits (its control socket closed), or after its command."""
        control = self.controls.pop(pid, None)
        if control is not None:
            if self.selector is not None:
                with contextlib.suppress(KeyError, ValueError):
                    self.selector.unregister(control)
            control.close()
        with contextlib.suppress(ValueError):
            self.idle.remove(pid)
        self.born.pop(pid, None)

    def reap(self) -> None:
        """Collect every child that exited; tell each caller whose worker finished its exit code.

        The children are the workers and the query children they leave exiting (adopted: this
        process is their subreaper), which would stay zombies if only workers were collected.
        """
        while True:
            try:
                pid, status, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.workers.pop(pid, None)
            words = read_words(self.words.pop(pid, -1))
            self.worker_cpu.pop(pid, None)  # counted in this process's children's from now on
            self.retire(pid)
            if conn is None:
                continue
            if conn in self.watched:
                self.watched.discard(conn)
                self.selector.unregister(conn)
            code = os.waitstatus_to_exitcode(status)
            if code >= 0:
                reply = str(code)
            else:  # died in its query (a crash, the memory ceiling): what a cold run says then
                reply = died_in_query(-code, words, usage.ru_maxrss // 1024) or f"killed by signal {-code}"
            with contextlib.suppress(OSError):
                conn.sendall(reply.encode("utf-8", "replace"))
            conn.close()

    def hang_up(self, conn: socket.socket) -> None:
        """A caller went away (Ctrl-C): stop its worker and the worker's query child."""
        for pid, worker_conn in list(self.workers.items()):
            if worker_conn is conn:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, 9)

    def serve(self, listener: socket.socket) -> None:
        import selectors
        import signal

        wake_read, wake_write = os.pipe()
        os.set_blocking(wake_write, False)
        os.set_blocking(wake_read, False)
        signal.set_wakeup_fd(wake_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.signal(signal.SIGTERM, _stop)
        self.selector = selector = selectors.DefaultSelector()
        selector.register(listener, selectors.EVENT_READ, "listen")
        selector.register(wake_read, selectors.EVENT_READ, "wake")
        running = True
        while running or self.workers:
            for conn in self.workers.values():
                if conn not in self.watched:
                    self.watched.add(conn)
                    selector.register(conn, selectors.EVENT_READ, "worker")
            remaining = self.idle_limit - (time.monotonic() - self.last)
            if running and remaining <= 0 and not self.workers:
                break
            events = selector.select(timeout=max(0.05, remaining) if running else 0.5)
            for key, _ in events:
                if key.data == "listen" and running:
                    with contextlib.suppress(BlockingIOError, InterruptedError):
                        conn, _ = listener.accept()
                        conn.settimeout(_REQUEST_TIMEOUT)  # a caller that connects and says nothing holds no one up
                        running = self.handle(conn)
                        if not running:
                            selector.unregister(listener)
                            self.close(listener)
                elif key.data == "wake":
                    with contextlib.suppress(BlockingIOError):
                        os.read(wake_read, 512)
                elif key.data == "worker":
                    conn = key.fileobj
                    assert isinstance(conn, socket.socket)
                    selector.unregister(conn)
                    self.watched.discard(conn)
                    if conn in self.workers.values():
                        self.hang_up(conn)
                elif isinstance(key.data, tuple):  # ("control", pid): a worker reports
                    self.finished(key.data[1])
            self.reap()
        for pid in list(self.controls):
            self.retire(pid)
        if running:
            self.close(listener)

    def close(self, listener: socket.socket) -> None:
        """Stop taking requests: the socket goes first, then the lock, so that a new process may start while
        this one's workers finish (stepping down, it used to hold the lock until they had: the ``kg query``
        that ran cold meanwhile started a new one, which found the lock held and gave up).

        Unlocked explicitly: the workers forked from this process hold the lock's descriptor too, and a
        ``flock`` lives as long as any descriptor of it does."""
        if listener.fileno() >= 0:
            with contextlib.suppress(OSError):
                (self.folder / SOCKET_NAME).unlink()
            listener.close()
        if self.lock_fd >= 0:
            import fcntl

            with contextlib.suppress(OSError):
                fcntl.flock(self.lock_fd, fcntl.LOCK_UN)
            os.close(self.lock_fd)
            self.lock_fd = -1


def _cpu() -> float:
    """CPU seconds of this process and of the children it collected (workers, their query children)."""
    import resource

    mine, theirs = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + theirs.ru_utime + theirs.ru_stime


def _adopt_orphans() -> None:
    """Become the "child subreaper" (Linux): the query child a worker leaves exiting is reaped here, not by init.

    Its resources are then counted in this process's children's (what a benchmark reads).
    """
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def _stop(*_: Any) -> None:
    raise SystemExit(0)


def _number(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    try:
        return float(value) if value else default
    except ValueError:
        return default


def _same_user(conn: socket.socket) -> bool:
    if not hasattr(socket, "SO_PEERCRED"):
        return True  # the socket is 0600 in a 0700 folder
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _, uid, _ = struct.unpack("3i", creds)
    return uid == os.getuid()


def serve(preload: Sequence[str] = (), cwd: str = "/") -> int:
    """Run the warm process (``python -m kg.warm``): one per user, loading ``kg PRELOAD``'s inputs first."""
    import fcntl

    watch = SourceWatch(str(Path(__file__).resolve().parent))  # first: its code is what it imported until now
    folder = private_dir(create=True)
    if folder is None:
        return 2
    lock_fd = os.open(Path(folder) / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # another one runs
        return 0
    log = os.open(Path(folder) / LOG_NAME, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 2)  # what it has to say (a traceback if it fails), from its start on
    os.close(log)
    _adopt_orphans()
    server = _Server(folder, lock_fd, watch)
    path = Path(folder) / SOCKET_NAME
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # a killed one's; we hold the lock
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_mask = os.umask(0o177)
    try:
        listener.bind(str(path))
    finally:
        os.umask(old_mask)
    listener.listen(64)
    listener.setblocking(False)
    if preload:
        server.store_for(preload, cwd, dict(os.environ))
    ready_for_workers()
    try:
        server.serve(listener)
    finally:
        server.close(listener)
    return 0


if __name__ == "__main__":
    _argv = sys.argv[1:]
    _cwd = "/"
    if _argv[:1] == ["--cwd"]:
        _cwd, _argv = _argv[1], _argv[2:]
    if _argv[:1] == ["--"]:
        _argv = _argv[1:]
    sys.exit(serve(_argv, _cwd))
