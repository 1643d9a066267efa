"""The resources' documents of the static site, written by the processes that share them (:mod:`kg.publish.static`).

Every resource has six files: its page in each language and its description in the four RDF syntaxes
(:mod:`kg.publish.documents`). ``kg publish`` cuts the resources into chunks (:data:`CHUNK`, in the
resources' order) that its processes take as they go (:class:`Chunks`), each with a :class:`Writer` of its
own; a worker forked by :func:`kg.publish.static.write_site` inherits the publication (:func:`adopt`) and
writes its share (:func:`write_share`).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kg.i18n import LANGUAGES
from kg.namespaces import DATASET_IRI
from kg.publish.paths import stem_path


class Writer:
    """Writes files under a folder, counting them.

    A file whose bytes are those of the same file in ``previous`` (the site being replaced) is
    hard-linked from it instead of written: a republished site rewrites only what changed, the
    unchanged files keep their dates (and a static host its cache validators), and deleting the
    old site afterwards frees no data blocks (on a busy disk that deletion took longer than the
    writing).
    """

    def __init__(self, folder: Path, previous: Path | None = None) -> None:
        self.folder = folder
        self.previous = previous
        self.files = 0
        self.bytes = 0
        self.linked = 0
        self._made: set[str] = set()

    def write(self, relative: str, content: str | bytes) -> None:
        path = f"{self.folder}/{relative}"  # the site writes thousands of files: no Path objects on the way
        parent = path.rpartition("/")[0]
        if parent not in self._made:
            Path(parent).mkdir(parents=True, exist_ok=True)
            self._made.add(parent)
        data = content.encode("utf-8") if isinstance(content, str) else content
        self.files += 1
        self.bytes += len(data)
        if self.previous is not None and _link_same(self.previous / relative, Path(path), data):
            self.linked += 1
            return
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
        finally:
            os.close(handle)


def _link_same(old: Path, path: Path, data: bytes) -> bool:
    """Hard-link ``old`` as ``path`` if it is a regular file holding exactly ``data``."""
    try:
        status = old.lstat()
        if not stat.S_ISREG(status.st_mode) or status.st_size != len(data) or old.read_bytes() != data:
            return False
        os.link(old, path, follow_symlinks=False)
    except OSError:  # gone, unreadable, or a file system without hard links: write it
        return False
    return True


#: Resources a worker takes at a time: small enough that the processes finish together, large enough
#: that taking one costs nothing.
CHUNK = 24


def compile_pages() -> None:
    """The resources' page template (and the one it extends) compiled once for all the processes, which would
    each compile it (~0.05 s of CPU with Jinja's import; done while the dumps' process has the other core)."""
    from kg.publish.pages import environment

    environment().get_template("resource.html")


_ADOPTED: list[Any] = []


def adopt(*inherited: Any) -> None:
    _ADOPTED[:] = inherited


def write_share(job: tuple[str, str | None, list[list[str]]]) -> tuple[int, int, int]:
    folder, previous, chunks = job
    writer = Writer(Path(folder), Path(previous) if previous else None)
    return write_chunks(writer, _ADOPTED[0], _ADOPTED[1], chunks)


class Chunks:
    """Which chunks are left, shared by the processes that take them: the workers take them from the first on,
    the process that forked them from the last back, until the two meet.

    Chunks follow the resources' order, so each process keeps to resources of a kind (the pages of the
    properties, the entities, the shapes) and to the nodes they show, whose values, keys and labels it makes
    once: taken in turn, both processes made most of them. The article's chunks in halves, each in a
    process of its own, took 2.17 s of CPU against 2.26 s taken in turn (medians of four, one process all
    2.12 s)."""

    def __init__(self, context: Any, count: int) -> None:
        self._left = context.Array("l", [0, count])  # [the next from the first, the one after the last left]

    def take(self, *, last: bool = False) -> int | None:
        """The index of a chunk left (the last one left if ``last``, else the first), or None if none is."""
        left = self._left
        with left.get_lock():
            first, end = left[0], left[1]
            if first >= end:
                return None
            if last:
                left[1] = end - 1
                return end - 1
            left[0] = first + 1
            return first

    def stop(self) -> None:
        """No chunk is taken any more."""
        with self._left.get_lock():
            self._left[0] = self._left[1]


def write_chunks(
    writer: Writer, publication: Any, taken: Chunks, chunks: list[list[str]], *, last: bool = False
) -> tuple[int, int, int]:
    """The resources of the chunks not yet taken by any process (from the last back if ``last``)."""
    renderers: dict[int, Any] = {}
    while (index := taken.take(last=last)) is not None:
        write_resources(writer, publication, chunks[index], renderers)
    return writer.files, writer.bytes, writer.linked


def write_resources(
    writer: Writer, publication: Any, iris: Sequence[str], renderers: dict[int, Any] | None = None
) -> tuple[int, int, int]:
    """Every document of each of ``iris`` with ``writer``: the page in each language and the four RDF syntaxes;
    what it wrote (files, bytes, files linked unchanged). ``renderers`` (one for each depth of folder, as the
    links are relative) are kept by the caller across calls: each keeps the values it has made."""
    from kg.publish.documents import render_descriptions, render_document
    from kg.publish.pages import Renderer

    renderers = {} if renderers is None else renderers
    documents: dict[str, dict[str, str]] = {}  # a document's RDF: the same whichever of its IRIs it is had by
    for iri in iris:
        stem = publication.stems[iri]
        depth = stem.count("/")
        if depth not in renderers:
            renderers[depth] = Renderer(publication, root="../" * depth, static=True)
        for lang in LANGUAGES:
            writer.write(stem_path(stem, lang), render_document(renderers[depth], iri, "html", lang))
        graph = publication.documents.get(iri)
        texts = documents.get(graph) if graph is not None else None
        if texts is None:
            texts = render_descriptions(renderers[depth], iri)
            if graph is not None:
                documents[graph] = texts
        for ext, text in texts.items():
            writer.write(f"{stem}.{ext}", text)
        if iri == _DATASET:  # the dataset's description at its well-known address too (VoID 6.2): made once
            writer.write(".well-known/void", texts["ttl"])
    return writer.files, writer.bytes, writer.linked


_DATASET = str(DATASET_IRI)
