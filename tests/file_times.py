"""A file changed in a later tick of its file system's clock, for the tests of kg's racy-clean rule.

A file system stamps a change with a clock of some milliseconds' grain; a change that falls in the tick of a
hash is the racy case, tested on its own (tests/test_index.py). The other tests need a change that moved the
file's change time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path


def in_a_later_tick(path: Path, change: Callable[[], object]) -> None:
    """Make ``change`` to ``path`` until the file's change time differs from the one it had (10 s at most)."""
    before = path.stat().st_ctime_ns
    deadline = time.monotonic() + 10
    change()
    while path.stat().st_ctime_ns == before:
        assert time.monotonic() < deadline, "the file's change time never moved"
        change()
