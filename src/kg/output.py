"""Writing outputs: check a target is writable before any work, then write atomically.

Every command and build step that writes a file goes through here, so no output
is ever half-written and every file gets the usual permissions. Three more
promises live here, for every writer at once:

- **An input is never an output.** Every file read as input in this process is
  registered (:func:`register_input`, called by the reader); a target that is
  the same file (same device and inode, so links and ``./`` spellings count) is
  refused with an :class:`~kg.errors.OutputError` (exit 7) before anything is
  written.
- **Symbolic links are written through**: the temporary file is made beside the
  link's target and renamed over it, so the link stays a link.
- **No litter after a crash.** Temporary names carry the writer's process id
  (``.NAME.kg<pid>.XXXX.tmp``); a later write to the same folder removes the
  ones whose process is gone (a ``kill -9`` mid-write leaves one behind).

Our own code on :func:`os.replace` (POSIX ``rename(2)``, atomic within a file
system) because the three promises above are not in any library's contract:
``atomicwrites``, the usual one, is archived and writes a link's replacement
over the link itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO, NamedTuple

from kg.errors import OutputError

#: (device, inode, modification time) of every file read as input by this process: the time
#: keeps a reused inode of a deleted input from being taken for it.
_INPUTS: set[tuple[int, int, int]] = set()

_TEMP_PID = re.compile(r"\.kg(\d+)\.[^.]*\.tmp$")


def register_input(path: str | Path) -> None:
    """Remember that ``path`` was read as input, so no output may replace it (no-op if it is not a file)."""
    try:
        st = Path(path).stat()
    except OSError:
        return
    _INPUTS.add((st.st_dev, st.st_ino, st.st_mtime_ns))


def refuse_input(target: Path) -> None:
    """Raise OutputError if ``target`` is a file registered as an input of this process."""
    try:
        st = target.stat()
    except OSError:
        return
    if (st.st_dev, st.st_ino, st.st_mtime_ns) in _INPUTS:
        raise OutputError("is an input of this command; refusing to overwrite it (choose another output)", path=target)


class Export(NamedTuple):
    """What a writing command produced: the text (when no file was asked for) and the (title, path) written."""

    text: str | None = None
    written: Sequence[tuple[str, Path]] = ()


def refuse_special(target: Path) -> None:
    """An OutputError if ``target`` is a device, FIFO or socket (through links too): a finished output is
    renamed over its target, which would replace the node itself (as root, ``--out /dev/null`` made
    /dev/null a regular file for every program of the machine)."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return  # does not exist (yet), or unreadable: the write itself reports that
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        kind = "a socket"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
            kind = "a device"
        elif stat.S_ISFIFO(mode):
            kind = "a FIFO"
        raise OutputError(f"is {kind}, not a regular file: kg writes whole files only (give a file name)", path=target)


def check_output(out: str | Path, *, directory: bool) -> Path:
    """Fail with OutputError, before anything is written, if ``out`` cannot be written or is an input."""
    out = Path(out)
    refuse_special(out)
    if directory and out.exists() and not out.is_dir():
        raise OutputError("exists and is not a directory", path=out)
    if not directory and out.is_dir():
        raise OutputError("is a directory; give a file name, or use --format all for a directory", path=out)
    if not directory:
        refuse_input(out)
    ancestor = out if directory else out.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError(f"cannot create it: {ancestor} is not a directory", path=out)
    import tempfile  # shutil and random with it: 3 ms a command that reads only (kg query)

    try:
        fd, probe = tempfile.mkstemp(prefix=".kg-probe-", dir=ancestor)
        os.close(fd)
        Path(probe).unlink()
    except OSError as exc:
        raise OutputError(f"cannot write in {ancestor}: {exc.strerror}", path=out) from None
    return out


def process_is_alive(pid: int) -> bool:
    """Whether process ``pid`` runs (this process counts as running)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale_temporaries(folder: Path, name: str) -> list[Path]:
    """Remove ``.NAME.kg<pid>.*.tmp`` files in ``folder`` left by processes that no longer run."""
    removed = []
    try:
        candidates = list(folder.glob(f".{glob_escape(name)}.kg*.tmp"))
    except OSError:
        return removed
    for path in candidates:
        match = _TEMP_PID.search(path.name)
        if match and not process_is_alive(int(match.group(1))):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def glob_escape(name: str) -> str:
    """``name`` with glob's special characters quoted (``[``, ``*``, ``?``)."""
    return re.sub(r"([\[\]*?])", r"[\1]", name)


#: What :func:`write_atomically` writes to a file: a text, or a function that writes the file's bytes to the
#: open temporary file (its handle and path: it may read back what it wrote) and raises if it fails.
Content = str | Callable[[BinaryIO, Path], object]


def write_atomically(files: Mapping[Path, Content]) -> None:
    """Write each text to a temporary file beside its target, then rename them all into place.

    A function in place of a text writes the file itself, as it goes (:data:`Content`).
    If any write fails, or the process is interrupted, the temporary files are removed, and the folders
    made for the targets, and no target is touched.
    A target that is a symbolic link is written through (the link stays); a target
    that is an input of this process is refused (OutputError) before any write.
    """
    targets = {
        Path(target).resolve() if Path(target).is_symlink() else Path(target): text for target, text in files.items()
    }
    for target in targets:
        if target.is_dir():
            raise OutputError("is a directory; give a file name", path=target)
        refuse_special(target)
        refuse_input(target)
    import tempfile

    staged: list[tuple[Path, Path]] = []
    created: list[Path] = []  # folders made here: removed again if the write fails (a writing function reads)
    writer = None
    done = False
    try:
        for target, text in targets.items():
            try:
                missing = [folder for folder in (target.parent, *target.parent.parents) if not folder.exists()]
                target.parent.mkdir(parents=True, exist_ok=True)
                created += missing
                remove_stale_temporaries(target.parent, target.name)
                fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.kg{os.getpid()}.", suffix=".tmp", dir=target.parent)
                os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; a published file is readable
                staged.append((Path(tmp), target))
                if callable(text):
                    with os.fdopen(fd, "wb") as binary:
                        writer = text  # an OS error of another file while it writes is named as it is
                        text(binary, Path(tmp))
                        writer = None
                    continue
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                    handle.write(text)
            except OSError as exc:
                if writer is not None and exc.filename not in (None, tmp):
                    raise
                raise OutputError(f"cannot write: {exc.strerror}", path=target) from None
        while staged:
            tmp, target = staged[0]
            try:
                tmp.replace(target)
            except OSError as exc:
                raise OutputError(f"cannot write: {exc.strerror}", path=target) from None
            staged.pop(0)
        done = True
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        for folder in created if not done else ():  # deepest first; a folder that holds anything stays
            with contextlib.suppress(OSError):
                folder.rmdir()


_RENAME_EXCHANGE = 2  # linux/fs.h: swap the two names in one step


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically with Linux's renameat2(RENAME_EXCHANGE); False where unsupported.

    The standard library has no binding for it (only rename/replace), hence ctypes.
    """
    try:
        import ctypes  # only for this call

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if done == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system or kernel cannot
        return False
    raise OSError(errno, os.strerror(errno), str(b))


def replace_path(new: Path, target: Path) -> None:
    """Put ``new`` (a file or a folder) in place of ``target``, keeping the old one until the new one is in.

    A folder target is swapped in one step (renameat2 RENAME_EXCHANGE) and the old
    folder deleted afterwards, so a reader, or a ``kill -9``, never sees it
    half-deleted; where the exchange is not supported the old folder is first
    renamed aside, then the new one moved in. A folder gets the mode a folder made there would have: one
    made by :func:`tempfile.mkdtemp` is private (0700), and a published site that a web server's user cannot
    enter answers 403 for every page. Raises OutputError.
    """
    import shutil

    try:
        if new.is_dir() and not new.is_symlink():
            new.chmod(0o777 & ~_umask())
        if target.is_dir() and not target.is_symlink():
            if _exchange(new, target):
                shutil.rmtree(new)
                return
            aside = target.with_name(f".{target.name}.kg{os.getpid()}.old")
            target.replace(aside)
            new.replace(target)
            shutil.rmtree(aside, ignore_errors=True)
        else:
            new.replace(target)
    except OSError as exc:
        raise OutputError(f"cannot put the new output in place: {exc.strerror}", path=target) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
