"""The static site's dumps: the whole graph in every syntax (``kg export --format all``), gzipped.

``kg publish`` makes them in a process of their own (:class:`DumpsApart`), forked
before anything is read: the exports read the files again anyway, so the dumps
are made beside the publication's loading, while the second core would have
nothing to do, instead of after the rest in this process. ``kg serve`` makes
them on the first request for one (:mod:`kg.publish.routes`).
"""

from __future__ import annotations

import gzip
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.processes import close_pool

if TYPE_CHECKING:
    from kg.sources import Sources


def dump_names() -> list[str]:
    """The gzipped dumps of the static site, one per syntax of :mod:`kg.formats`."""
    from kg.formats import FORMATS

    return [f"kg.{fmt.extension}.gz" for fmt in FORMATS.values()]


def write_dumps(data: Sequence[str | Path] | None = None, *, sources: Sources | None = None) -> dict[str, bytes]:
    """The whole graph in every syntax (``kg export --format all``), gzipped reproducibly (no name, no time)."""
    from kg.export import exported
    from kg.sources import Sources

    sources = sources if sources is not None else Sources(data)
    return {
        f"kg.{fmt.extension}.gz": gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)
        for fmt, text in exported(sources).items()
    }


class DumpsApart:
    """The dumps of ``sources`` (:func:`write_dumps`) made by a process forked at :meth:`start`, which inherits
    them; :meth:`result` waits for them, or raises the error the process met."""

    def __init__(self, sources: Sources) -> None:
        context = multiprocessing.get_context("fork")
        self._pool = ProcessPoolExecutor(1, mp_context=context, initializer=_adopt, initargs=(sources,))
        self._made: Any = None

    def start(self) -> None:
        self._made = self._pool.submit(_dumps_of_adopted)

    def result(self) -> dict[str, bytes]:
        return self._made.result()

    def close(self, *, failed: bool = False) -> None:
        close_pool(self._pool, failed=failed)


#: The Sources the dumps' process inherited (:func:`_adopt`, its pool's initializer).
_ADOPTED: list[Any] = []


def _adopt(sources: Sources) -> None:
    _ADOPTED[:] = [sources]


def _dumps_of_adopted() -> dict[str, bytes]:
    return write_dumps(sources=_ADOPTED[0])
