"""Whether kg's own files changed since a long-lived process imported them (the warm query process).

A process that keeps kg imported must not answer with code older than the files: an upgrade
or an edited checkout makes it step down (:mod:`kg.warm_server`). It used to be asked by every
``kg query`` with the status of each of kg's files (about 170 ``stat`` calls and their text, a
tenth of what the client adds to Python's own start-up); now the process watches them itself.

On Linux it asks the kernel (inotify, through the C library: the standard library has no
binding, and no well-kept package is worth a dependency for four calls) to queue an event for
every change in kg's package folder and each of its subfolders: a file written, created,
deleted, renamed, or its status changed (``touch``, ``chmod``), a folder made or removed, the
package folder itself removed or moved. The kernel queues the event before the writing call
returns, so a ``kg query`` run after an edit finds it; asking costs one read of a non-blocking
descriptor. Only the kinds of files kg reads count (:data:`SOURCE_SUFFIXES`; not the bytecode
Python writes in ``__pycache__``, nor an editor's scratch files, until renamed to a source's name).
Elsewhere, or where the kernel refuses (no watch left: ``fs.inotify.max_user_watches``),
:func:`status` (each file's name, size and modification time) is taken again at each question
and compared with the one taken at the start.
"""

from __future__ import annotations

import os
import sys

#: The files whose change makes kg's code another: its modules and the files it reads from its package.
SOURCE_SUFFIXES = (".py", ".toml", ".json", ".js", ".css", ".html")
_BYTECODE = "__pycache__"
# inotify(7): what is watched, and the events that are not a file's but the watch's own.
_IN_MODIFY, _IN_ATTRIB, _IN_CLOSE_WRITE = 0x2, 0x4, 0x8
_IN_MOVED_FROM, _IN_MOVED_TO, _IN_CREATE, _IN_DELETE = 0x40, 0x80, 0x100, 0x200
_IN_DELETE_SELF, _IN_MOVE_SELF, _IN_UNMOUNT, _IN_Q_OVERFLOW, _IN_IGNORED = 0x400, 0x800, 0x2000, 0x4000, 0x8000
_IN_ONLYDIR, _IN_ISDIR = 0x01000000, 0x40000000
_WATCHED = (
    _IN_MODIFY | _IN_ATTRIB | _IN_CLOSE_WRITE | _IN_MOVED_FROM | _IN_MOVED_TO | _IN_CREATE | _IN_DELETE
    | _IN_DELETE_SELF | _IN_MOVE_SELF | _IN_ONLYDIR
)  # fmt: skip
_THE_WATCH_S_OWN = _IN_DELETE_SELF | _IN_MOVE_SELF | _IN_UNMOUNT | _IN_Q_OVERFLOW | _IN_IGNORED
_EVENT_HEAD = 16  # struct inotify_event: int wd; uint32_t mask, cookie, len; then len bytes of name


def folders(package: str) -> list[str]:
    """``package`` and every folder under it but bytecode caches, in a stable order."""
    found, pending = [], [package]
    while pending:
        folder = pending.pop()
        found.append(folder)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        pending += [e.path for e in entries if e.name != _BYTECODE and e.is_dir(follow_symlinks=False)]
    return found


def status(package: str) -> str:
    """The name, size and modification time of each of kg's files under ``package`` (:data:`SOURCE_SUFFIXES`)."""
    parts = []
    for folder in folders(package):
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.endswith(SOURCE_SUFFIXES):
                try:
                    info = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                parts.append(f"{entry.path}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(parts)


class SourceWatch:
    """Watches the files of the package folder ``package`` from now on; :meth:`changed` says whether any changed."""

    def __init__(self, package: str) -> None:
        self.package = package
        self._changed = False
        self._fd = _watch(folders(package))
        self._status = status(package) if self._fd is None else ""

    @property
    def by_kernel(self) -> bool:
        """Whether the kernel tells of the changes (else each question takes every file's status again)."""
        return self._fd is not None

    def changed(self) -> bool:
        """Whether a file of the package changed, was made or went away since the watch began (then always)."""
        if not self._changed:
            self._changed = self._events() if self._fd is not None else status(self.package) != self._status
        return self._changed

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _events(self) -> bool:
        """Whether the events queued since the last question name a change of kg's files (read, then gone)."""
        assert self._fd is not None
        changed = False
        while True:
            try:
                data = os.read(self._fd, 1 << 16)
            except BlockingIOError:  # nothing (more) queued
                return changed
            except OSError:
                return True
            changed = changed or _a_change_in(data)


def _a_change_in(data: bytes) -> bool:
    """Whether the inotify events in ``data`` name a change of kg's files."""
    at = 0
    while at + _EVENT_HEAD <= len(data):
        mask = int.from_bytes(data[at + 4 : at + 8], sys.byteorder)
        size = int.from_bytes(data[at + 12 : at + 16], sys.byteorder)
        name = data[at + _EVENT_HEAD : at + _EVENT_HEAD + size].rstrip(b"\0").decode("utf-8", "surrogateescape")
        at += _EVENT_HEAD + size
        if mask & _THE_WATCH_S_OWN:
            return True
        if mask & _IN_ISDIR:
            if name != _BYTECODE:
                return True
        elif name.endswith(SOURCE_SUFFIXES):
            return True
    return False


def _watch(paths: list[str]) -> int | None:
    """An inotify descriptor watching ``paths`` (non-blocking, closed on exec), or None where there is none."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        init, add = libc.inotify_init1, libc.inotify_add_watch
    except (OSError, AttributeError):  # not Linux, or a C library without inotify
        return None
    fd = init(os.O_NONBLOCK | os.O_CLOEXEC)
    if fd < 0:
        return None
    for path in paths:
        if add(fd, os.fsencode(path), _WATCHED) < 0:  # no watch left, or a folder gone meanwhile: ask by status
            os.close(fd)
            return None
    return fd
