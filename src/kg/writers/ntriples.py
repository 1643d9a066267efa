"""N-Triples and N-Quads, written by pyoxigraph's serialiser (canonical escaping from a W3C-conformant
library); we only sort its lines, so the same graph gives the same bytes on every run."""

from __future__ import annotations

import pyoxigraph
from pyoxigraph import Quad

from kg.formats import FORMATS
from kg.writers.check import verify
from kg.writers.quads import Source, to_quads
from kg.writers.stored import Stored


def _sorted_lines(quads: list[Quad] | Stored, fmt: pyoxigraph.RdfFormat) -> str:
    """pyoxigraph's text of ``quads`` with its lines sorted, each once.

    Split and sorted as UTF-8 bytes: a line ends only at a line feed there, where ``str.splitlines``
    also breaks at U+2028, U+0085 and the other separators pyoxigraph writes unescaped inside a
    literal; and bytes sort in code-point order, as the text's characters would.
    """
    data = quads.serialize(fmt) if isinstance(quads, Stored) else pyoxigraph.serialize(quads, format=fmt)
    lines = sorted(set(data.splitlines(keepends=True)))
    del data  # each copy let go as soon as the next is made: at 1 000 articles each is about 30 MB
    joined = b"".join(lines)
    del lines
    return joined.decode("utf-8")


def write_ntriples(source: Source) -> str:
    """N-Triples by pyoxigraph's writer, one triple a line, lines sorted."""
    quads = to_quads(source, triples=True)  # all in the default graph: pyoxigraph writes them as triples
    return verify(_sorted_lines(quads, FORMATS["nt"].oxigraph), FORMATS["nt"], quads)


def write_nquads(source: Source) -> str:
    """N-Quads by pyoxigraph's writer, every triple with the name of its graph, lines sorted."""
    quads = to_quads(source)
    return verify(_sorted_lines(quads, FORMATS["nquads"].oxigraph), FORMATS["nquads"], quads)
