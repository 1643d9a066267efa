"""Writing outputs: check a target is writable before any work, then write atomically.

Every command and build step that writes a file goes through here, so no output
is ever half-written and every file gets the usual permissions.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import OutputError


@dataclass
class Export:
    """What a writing command produced: the text (when no file was asked for) and the (title, path) written."""

    text: str | None = None
    written: list[tuple[str, Path]] = field(default_factory=list)


def check_output(out: str | Path, *, directory: bool) -> Path:
    """Fail with OutputError, before anything is written, if ``out`` cannot be written."""
    out = Path(out)
    if directory and out.exists() and not out.is_dir():
        raise OutputError("exists and is not a directory", path=out)
    if not directory and out.is_dir():
        raise OutputError("is a directory; give a file name, or use --format all for a directory", path=out)
    ancestor = out if directory else out.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError(f"cannot create it: {ancestor} is not a directory", path=out)
    try:
        fd, probe = tempfile.mkstemp(prefix=".kg-probe-", dir=ancestor)
        os.close(fd)
        Path(probe).unlink()
    except OSError as exc:
        raise OutputError(f"cannot write in {ancestor}: {exc.strerror}", path=out) from None
    return out


def write_atomically(files: Mapping[Path, str]) -> None:
    """Write each text to a temporary file beside its target, then rename them all into place.

    If any write fails, the temporary files are removed and no target is touched.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for target, text in files.items():
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
                os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; a published file is readable
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                    staged.append((Path(tmp), target))
                    handle.write(text)
            except OSError as exc:
                raise OutputError(f"cannot write: {exc.strerror}", path=target) from None
        while staged:
            tmp, target = staged[0]
            try:
                tmp.replace(target)
            except OSError as exc:
                raise OutputError(f"cannot write: {exc.strerror}", path=target) from None
            staged.pop(0)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
