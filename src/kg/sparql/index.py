"""Which store a local query runs on: the content key of its inputs, and a store kept loaded for them.

A store is identified by what it was loaded from: the entailment and, for each
input file in reading order (ontology, vocabularies, data), its format and the
SHA-256 of its bytes. Never by names, sizes or modification times: a file
rewritten with other content of the same size and an old time is another store.
A store is loaded from the very bytes that were hashed (:func:`read_keyed`), so
each input is read and hashed once, and a file rewritten during the load cannot
be kept under the old key.

A file's hash is taken again only when the file may have changed (git's rule
for "racily clean" index entries): beside each hash this process keeps the
file's status when it was hashed (device, inode, size, modification and change
times in nanoseconds), and trusts that hash for a file whose status is the same,
but only if the file's last change (``st_ctime``) was more than :data:`RACY_NS`
older than the moment the hash was taken. Why that is exact: any write to a file,
and any ``utime`` or ``chmod``, sets its change time to the clock's present
(which no program can set back; a file put in its place is another inode), so
content that differs from the hashed bytes was written after the hash began, and
carries a change time later than the one recorded, unless both fall in the same
tick of the file system's timestamps: the margin covers the coarsest tick (FAT's
2 s; ext4 and tmpfs stamp with the kernel's clock tick, a few ms). A file changed
within the margin of its hash is hashed again at every request until a hash is
taken more than the margin after its last change. So a file rewritten with its modification time put back is
hashed again (its change time moved) and is another store; a file only touched is
hashed again and, its bytes the same, is the same store, not loaded again. Assumed,
as git assumes it: the file system keeps a change time of its own (Linux's own file
systems, tmpfs and NFS do; FAT and exFAT keep none on disk, and what FUSE and SMB
file systems keep is their servers': a file there is hashed at every request,
:data:`NO_CHANGE_TIME`), it stamps changes with this machine's clock (a
network file system whose server's clock runs behind by more than the margin could
hide a change made in the same tick as the hash), the clock is not set back by
more than the margin, and a program writing through a shared memory mapping
calls ``msync`` (the kernel stamps such writes only at a page's first write since
it was last written back). Why not hash every time: hashing costs little beside
parsing (7 MB, 1 000 synthetic articles, in about 5 ms; 64 MiB, the input limit,
in about 40 ms), but a repeated query answered warm costs some 20 ms in all.

The warm query process (:mod:`kg.warm`) loads stores once and, before it forks
the worker that answers a request, marks the one for that request's inputs
(:func:`keep`); :func:`kept_engine` hands it to the worker's
:func:`kg.sparql.engines.open_engine`.

Any process keeps the engine it last opened itself for a call of the library
(:func:`opened_engine`: :func:`kg.sparql.query` and ``check_queries``), one per
engine kind, under the content key of its inputs: a notebook, a test or a script
that queries the same files again and again loads them once (the article: 12 ms
of CPU a query with oxigraph, 124 ms with rdflib, against some 1 ms to check and
key the inputs). Only engines no caller holds, and only for queries that cannot
load into them: an engine or graph the caller passed, and an engine handed to a
caller (the browser's store), are never kept; nor are the engines of queries that
may load FROM graphs (``allow_external``) or run in this process rather than a
child (no time limit).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from kg.base_iri import current_base
from kg.load import check_input, loads_directly, source_paths
from kg.output import register_input

#: (resolved input paths, entailment, base IRI of the inputs, engine, inputs checked) for this process's next query.
_KEPT: tuple[tuple[Path, ...], str, str | None, Any, bool] | None = None
#: How much older than the moment a file's hash was taken its last change must be for that hash to be trusted
#: while the file's status stays the same (see the module docstring): FAT's 2 s timestamps and the kernel's
#: clock tick (coarse timestamps), with room to spare.
RACY_NS = 3_000_000_000
#: The clock a hash's start is read from (nanoseconds; the one the kernel stamps files' changes with).
_clock = time.time_ns
#: The file systems (Linux ``statfs`` types) whose change times are not the files' own last change: FAT and exFAT
#: keep none on disk (a file rewritten with its old size and modification time looks unchanged once its inode is
#: read again), FUSE and SMB/CIFS give their servers'. A file on one of them is hashed at every request.
NO_CHANGE_TIME = frozenset({0x4D44, 0x2011BAB0, 0x65735546, 0x517B, 0xFF534D42, 0xFE534D42})
#: The hashes this process may trust: (device, inode) -> (the file's status when it was hashed, its SHA-256).
_HASHED: dict[tuple[int, int], tuple[tuple[int, ...], str]] = {}
#: At most this many files' hashes are kept (the oldest go first).
_HASHED_MAX = 256
#: The engine this process last opened for a call of the library, per engine kind: kind -> (content key, engine).
_OPENED: dict[str, tuple[tuple[Any, ...], Any]] = {}


def _resolved(data: Sequence[str | Path] | None) -> tuple[Path, ...]:
    return tuple(Path(p).resolve() for p in source_paths(data))


def inputs_key(
    data: Sequence[str | Path] | None, entailment: str, *, scan: bool = True
) -> tuple[tuple[Any, ...], list[str]]:
    """The content key of the inputs of a query on ``data`` with ``entailment``, and the inputs' paths.

    The key is (entailment, each input's (format, SHA-256), the base IRI of the inputs' relative IRIs).

    Each file passes :func:`kg.load.check_input` first (kind, size limit,
    byte-order mark), as a load would; its LoadError propagates. ``scan=False``: without the search
    for triple terms, for a caller that uses the key only to find a store loaded (by :func:`read_keyed`,
    which makes every check) from the same bytes, and else reads them with :func:`read_keyed`.
    """
    parts: list[tuple[str, str]] = []
    names: list[str] = []
    for path in source_paths(data):
        checked, fmt = check_input(path, scan=scan)
        with checked.open("rb") as handle:
            parts.append((fmt.name, content_digest(handle)))
        names.append(str(checked.resolve()))
    return (entailment, tuple(parts), current_base()), names


def content_digest(handle: IO[bytes]) -> str:
    """The SHA-256 (hexadecimal) of the content of the file open in ``handle`` (at its start), taken again only if
    the file may have changed since this process last hashed it (the rule is in the module docstring)."""
    started = _clock()
    status = _status(os.fstat(handle.fileno()))
    known = _HASHED.get(status[:2])
    if known is not None and known[0] == status:
        return known[1]
    digest = _sha256_of_file(handle)
    if _keeps_change_times(handle.fileno()):
        _remember(status, digest, started)
    return digest


def _keeps_change_times(fd: int) -> bool:
    """Whether the file system of the open file ``fd`` keeps each file's own change time (not one of
    :data:`NO_CHANGE_TIME`); asked of Linux (``fstatfs``), where it answers; True elsewhere."""
    return _file_system_type(fd) not in NO_CHANGE_TIME


def _file_system_type(fd: int) -> int | None:
    """``f_type`` of ``fstatfs(fd)`` on Linux (the first field of its ``struct statfs``, a C long), else None."""
    import sys

    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    buffer = ctypes.create_string_buffer(256)  # more than any architecture's struct statfs
    try:
        if ctypes.CDLL(None, use_errno=True).fstatfs(fd, buffer) != 0:
            return None
    except (OSError, AttributeError):
        return None
    return ctypes.c_long.from_buffer(buffer).value & 0xFFFFFFFF


def _status(info: os.stat_result) -> tuple[int, ...]:
    """What a file's hash is trusted for: the same device, inode, size, modification and change times."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _sha256_of_file(handle: IO[bytes]) -> str:
    import hashlib  # OpenSSL's, about 3 ms to import: only where inputs are hashed (the warm query process)

    return hashlib.file_digest(handle, "sha256").hexdigest()


def _remember(status: tuple[int, ...], digest: str, started: int) -> None:
    """Keep ``digest`` for a file of ``status`` whose hash began at ``started`` (ns), if it may be trusted later:
    the file's last change is more than :data:`RACY_NS` older; else forget any older hash of the file."""
    where = status[:2]
    _HASHED.pop(where, None)
    if status[4] < started - RACY_NS:
        if len(_HASHED) >= _HASHED_MAX:
            del _HASHED[next(iter(_HASHED))]
        _HASHED[where] = (status, digest)


def read_keyed(data: Sequence[str | Path] | None, entailment: str) -> tuple[tuple[Any, ...], list[str], list[bytes]]:
    """:func:`inputs_key` of ``data`` with ``entailment``, and the bytes it hashed, to load (each input read once).

    A store loaded from these bytes is the store of this key; only the files that are not
    loaded from them (:func:`loads_directly`) can have changed since: see :func:`reread`.
    """
    import hashlib

    parts: list[tuple[str, str]] = []
    names: list[str] = []
    contents: list[bytes] = []
    for path in source_paths(data):
        checked, fmt = check_input(path)
        with checked.open("rb") as handle:
            started = _clock()
            status = _status(os.fstat(handle.fileno()))
            contents.append(handle.read())
            trusted = _keeps_change_times(handle.fileno())
        parts.append((fmt.name, hashlib.sha256(contents[-1]).hexdigest()))
        if trusted:
            _remember(status, parts[-1][1], started)
        names.append(str(checked.resolve()))
    return (entailment, tuple(parts), current_base()), names, contents


def reread(data: Sequence[str | Path] | None) -> bool:
    """Whether a load of ``data`` reads some file again rather than the bytes :func:`read_keyed` gave."""
    base = current_base()
    return any(not loads_directly(check_input(path)[1], base) for path in source_paths(data))


def keep(engine: Any, data: Sequence[str | Path] | None = None, entailment: str = "", *, checked: bool = False) -> None:
    """Mark ``engine`` as the store of ``data`` with ``entailment`` for this process's next query (None: none).

    ``checked``: the inputs have just passed :func:`kg.load.check_input` for this very request (its
    environment and folder: the warm process checks them as it hashes them), so the query does
    not check them again (at 10 000 articles a second pass over 69 MB: 36 ms a query).
    """
    global _KEPT
    _KEPT = None if engine is None else (_resolved(data), entailment, current_base(), engine, checked)


def kept_engine(data: Sequence[str | Path] | None, entailment: str) -> Any | None:
    """The engine :func:`keep` marked for these inputs and entailment, after the input checks; else None."""
    if _KEPT is None:
        return None
    paths, kept_entailment, base, engine, checked = _KEPT
    if kept_entailment != entailment or base != current_base() or paths != _resolved(data):
        return None
    for path in source_paths(data):
        if checked:
            register_input(path)  # what check_input registers: no output of this run may replace an input
        else:
            check_input(path)  # the limits of this request's environment; registers the inputs
    return engine


def opened_engine(
    kind: str, data: Sequence[str | Path] | None, entailment: str, load: Callable[[list[bytes]], Any]
) -> Any:
    """The ``kind`` of engine on ``data`` with ``entailment`` for one call of the library: the one this process
    opened last for the same content key (:func:`inputs_key`), else ``load(contents)`` from the bytes hashed
    (:func:`read_keyed`), kept for the next call in place of the one before.

    The input checks run on every call (:func:`kg.load.check_input`, as they do for :func:`kept_engine`,
    which comes first: the warm query process's store). One engine is kept per kind, the last: memory stays
    bounded by one store of each (the article's store is a few MB, 1 000 articles' some 190 MB), and the
    calls this is for (a notebook's, a test file's, a script's) query one set of inputs many times in a row;
    the old engine is let go before the new one loads. An engine whose files were read again by its load
    (:func:`reread`) is kept only if their key after the load is still the one it was loaded for.
    Only for an engine no caller holds, on which no query can load anything: see the module docstring.
    """
    warm = kept_engine(data, entailment) if kind == "oxigraph" else None
    if warm is not None:
        return warm
    held = _OPENED.get(kind)
    if held is not None:
        key, _ = inputs_key(data, entailment)
        if held[0] == key:
            return held[1]
        del _OPENED[kind], held  # its memory goes before the new engine's load
    key, _, contents = read_keyed(data, entailment)
    engine = load(contents)
    if not reread(data) or inputs_key(data, entailment)[0] == key:
        _OPENED[kind] = (key, engine)
    return engine


def forget_opened() -> None:
    """Let go of the engines :func:`opened_engine` keeps (their memory is freed once no call holds them)."""
    _OPENED.clear()
