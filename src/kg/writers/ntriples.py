"""N-Triples and N-Quads, written by pyoxigraph's serialiser (canonical escaping from a W3C-conformant
library); we only sort its lines, so the same graph gives the same bytes on every run.

Written from a :class:`~kg.writers.stored.Stored` dataset, N-Triples is the sorted distinct lines
of Oxigraph's own serialisation of the stores' graphs, and the re-read check compares in
Oxigraph's and the standard library's code (:func:`_reads_as_written`): the text's lines are
the serialisation's lines, each once, one for each statement the stores hold, and the strict
parser reads the text back as statements that serialise as the text itself, byte for byte.
Otherwise, and for N-Quads (whose statements the general check finds in the stores without making a
quad of each: it was the faster there), the general check (:func:`kg.writers.check.verify`) decides,
and names what differs.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pyoxigraph
from pyoxigraph import Quad

from kg.formats import FORMATS
from kg.writers.check import verify
from kg.writers.quads import Source, to_quads
from kg.writers.sink import File, Target
from kg.writers.stored import Stored


def _lines(quads: list[Quad] | Stored, fmt: pyoxigraph.RdfFormat) -> set[bytes]:
    """The distinct lines of pyoxigraph's text of ``quads``, as UTF-8 bytes.

    Split as bytes: a line ends only at a line feed there, where ``str.splitlines`` also breaks at
    U+2028, U+0085 and the other separators pyoxigraph writes unescaped inside a literal.
    """
    data = quads.serialize(fmt) if isinstance(quads, Stored) else pyoxigraph.serialize(quads, format=fmt)
    return set(data.splitlines(keepends=True))


def _sorted_lines(lines: set[bytes]) -> bytes:
    """The lines sorted as bytes (code-point order, as the text's characters would sort) and joined."""
    return b"".join(sorted(lines))


def _reads_as_written(data: bytes, fmt: pyoxigraph.RdfFormat, lines: set[bytes], count: int) -> bool:
    """Whether ``data`` is ``lines``, each once, ``count`` of them, and the strict parser reads it back as
    statements that serialise as ``data`` again."""
    written = data.splitlines(keepends=True)
    if len(written) != count or len(lines) != count or not lines.issuperset(written):
        return False
    del written
    try:
        again = pyoxigraph.serialize(pyoxigraph.parse(data, format=fmt), format=fmt)
    except (SyntaxError, MemoryError, ValueError):
        return False
    return again == data


def _file_reads_as_written(path: Path, fmt: pyoxigraph.RdfFormat) -> bool:
    """Whether the strict parser reads the file at ``path`` back as statements that serialise as the file
    itself, byte for byte (the serialisation written to a scratch file and the two compared a block at a
    time: neither text is held)."""
    try:
        with tempfile.TemporaryFile(dir=path.parent) as again, path.open("rb") as written:
            pyoxigraph.serialize(pyoxigraph.parse(path=str(path), format=fmt), again, format=fmt)
            again.seek(0)
            while True:
                block = written.read(_BLOCK)
                if block != again.read(_BLOCK):
                    return False
                if not block:
                    return True
    except (SyntaxError, MemoryError, ValueError):
        return False


_BLOCK = 1 << 20


def _write(source: Source, name: str, *, triples: bool, to: Target = None) -> Any:
    fmt = FORMATS[name]
    quads = to_quads(source, triples=triples)
    lines = _lines(quads, fmt.oxigraph)
    checked = triples and isinstance(quads, Stored)  # checked here, in Oxigraph's code (see the module's text)
    if to is not None:  # the sorted lines straight to the file, read back from it
        out = File(*to)
        out.lines(sorted(lines))
        path = out.close()
        count = len(lines)
        del lines
        if checked and count == len(quads) and _file_reads_as_written(path, fmt.oxigraph):
            return path
        return verify(path, fmt, quads)
    data = _sorted_lines(lines)
    if checked and _reads_as_written(data, fmt.oxigraph, lines, len(quads)):
        return data.decode("utf-8")
    del lines
    text = data.decode("utf-8")
    del data  # each copy let go as soon as the next is made: at 1 000 articles each is about 30 MB
    return verify(text, fmt, quads)


def write_ntriples(source: Source, to: Target = None) -> Any:
    """N-Triples by pyoxigraph's writer, one triple a line, lines sorted (``to``: a binary file open for writing
    and its path, where the lines go as they are sorted; its path returned)."""
    return _write(source, "nt", triples=True, to=to)  # all in the default graph: pyoxigraph writes them as triples


def write_nquads(source: Source, to: Target = None) -> Any:
    """N-Quads by pyoxigraph's writer, every triple with the name of its graph, lines sorted (``to``: as
    :func:`write_ntriples`)."""
    return _write(source, "nquads", triples=False, to=to)
