"""A file known by its content: the SHA-256 of its bytes, taken again only when the file may have changed.

The inputs a process keeps something made of (a store, a file's statements) are known by their content,
never by names, sizes or modification times: a file rewritten with other content of the same size and an
old time is another input. What is kept is made from the very bytes known (:class:`Contents`), so a file
rewritten during the work cannot be kept under the old content.

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

A process that reads its inputs once never hashes them (the import of OpenSSL's hashes is some 3 ms of a
cold command's CPU): :class:`Contents` holds the bytes read and takes their hash only when files of the
same sizes are compared with them, in a process that reads again.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO

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
#: At most this many values are kept in a :class:`Memo`.
MEMO_ENTRIES = 32


def content_digest(handle: IO[bytes]) -> str:
    """The SHA-256 (hexadecimal) of the content of the file open in ``handle`` (at its start), taken again only if
    the file may have changed since this process last hashed it (the rule is in the module docstring)."""
    started = _clock()
    status = _status(os.fstat(handle.fileno()))
    known = _HASHED.get(status[:2])
    if known is not None and known[0] == status:
        return known[1]
    digest = _sha256_of_file(handle)
    _remember(handle.fileno(), status, digest, started)
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
    import hashlib  # OpenSSL's, about 3 ms to import: only where inputs are hashed (see the module docstring)

    return hashlib.file_digest(handle, "sha256").hexdigest()


def _remember(fd: int, status: tuple[int, ...], digest: str, started: int) -> None:
    """Keep ``digest`` for the file open in ``fd``, of ``status``, whose hash began at ``started`` (ns), if it may be
    trusted later: its file system keeps change times and its last change is more than :data:`RACY_NS` older; else
    forget any older hash of the file."""
    if not _keeps_change_times(fd):
        return
    where = status[:2]
    _HASHED.pop(where, None)
    if status[4] < started - RACY_NS:
        if len(_HASHED) >= _HASHED_MAX:
            del _HASHED[next(iter(_HASHED))]
        _HASHED[where] = (status, digest)


def read_digested(handle: IO[bytes]) -> tuple[bytes, str]:
    """The bytes of the file open in ``handle`` (at its start) and their SHA-256, remembered as
    :func:`content_digest` remembers a hash (the rule is in the module docstring)."""
    import hashlib

    started = _clock()
    status = _status(os.fstat(handle.fileno()))
    content = handle.read()
    digest = hashlib.sha256(content).hexdigest()
    _remember(handle.fileno(), status, digest, started)
    return content, digest


def file_digest(path: str | Path) -> str:
    """:func:`content_digest` of the file at ``path``."""
    with Path(path).open("rb") as handle:
        return content_digest(handle)


class Contents:
    """The bytes of files as read for some work, in order, known by their content when compared.

    Their SHA-256 is taken only when files of the same sizes are compared with them (:meth:`held_by`), and then
    once: the bytes go, the hashes stay. So a process that reads its files once never hashes them.
    """

    __slots__ = ("_bytes", "_digests", "sizes")

    def __init__(self, contents: Sequence[bytes]) -> None:
        self.sizes = tuple(len(content) for content in contents)
        self._bytes: Sequence[bytes] | None = contents
        self._digests: tuple[str, ...] | None = None

    def digests(self) -> tuple[str, ...]:
        """The SHA-256 of each file's bytes."""
        if self._digests is None:
            import hashlib

            assert self._bytes is not None
            self._digests, self._bytes = tuple(hashlib.sha256(content).hexdigest() for content in self._bytes), None
        return self._digests

    def held_by(self, paths: Sequence[str | Path]) -> bool:
        """Whether the files at ``paths`` hold these bytes now: their sizes first, their hashes only if the sizes
        are the same (by :func:`content_digest`'s rule)."""
        if len(paths) != len(self.sizes) or any(
            Path(p).stat().st_size != n for p, n in zip(paths, self.sizes, strict=True)
        ):
            return False
        return all(file_digest(path) == digest for path, digest in zip(paths, self.digests(), strict=True))


class Memo:
    """Values made from single files' bytes, found again by the files' content: a process that reads the same
    file again (a test suite, a notebook, a command that loads its inputs twice) skips the work.

    A value is kept with the bytes it was made from (:class:`Contents`: hashed only when a file of the same size is
    looked up) and a ``kind`` (what else it was made with: a format, a base IRI), at most ``capacity`` in weight
    and :data:`MEMO_ENTRIES` values (the least recently used go first; a heavier value is not kept): the memory
    a memo holds stays bounded, and so does a look-up's walk.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._entries: list[tuple[object, Contents, object, int]] = []
        self._weight = 0

    def find(self, path: Path, kind: object) -> object | None:
        """The value kept for a file of ``kind`` holding what ``path`` holds now, else None."""
        size = path.stat().st_size
        for at, (known, held, value, _) in enumerate(self._entries):
            if known == kind and held.sizes == (size,) and held.held_by([path]):
                self._entries.append(self._entries.pop(at))  # the most recently used last
                return value
        return None

    def add(self, kind: object, content: bytes, value: object, weight: int) -> None:
        """Keep ``value``, made with ``kind`` from a file's bytes ``content``; ``weight``: its share of the capacity."""
        if weight > self.capacity:
            return
        self._entries.append((kind, Contents([content]), value, weight))
        self._weight += weight
        while self._weight > self.capacity or len(self._entries) > MEMO_ENTRIES:
            self._weight -= self._entries.pop(0)[3]

    def clear(self) -> None:
        self._entries.clear()
        self._weight = 0
