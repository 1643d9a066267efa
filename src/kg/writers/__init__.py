"""Write RDF in the six standard syntaxes, every term exactly as read, byte for byte the same on every run.

This is a bottom package: it imports terms, formats, namespaces and errors, and
nothing that loads files or orchestrates. Input is an rdflib Graph, a mapping
of graph name to rdflib Graph (named graphs, in order), a pyoxigraph Dataset, a
:class:`~kg.writers.stored.Stored` or an iterable of pyoxigraph quads or triples.

One module per concept:

- :mod:`kg.writers.quads`: any source as quads, blank nodes canonically labelled
  (RDFC-1.0, written ``bN``), so output does not depend on the input's labels;
- :mod:`kg.writers.order`: the order every writer writes in (terms' sort keys, a
  subject's predicates) and the memo of terms' keys and written forms;
- :mod:`kg.writers.stored`: a dataset written straight from pyoxigraph stores
  (:class:`~kg.writers.stored.Stored`), subject by subject, with no Python object per
  statement: the same bytes as from its statements held as quads;
- :mod:`kg.writers.sink`: where a writer's pieces go, joined into a string or written to
  its file as they are made (:func:`write_to`), the file then read back from the disk;
- :mod:`kg.writers.check`: the re-read check (:func:`verify`): every writer re-reads its
  own output with pyoxigraph's strict parser and checks it is isomorphic to what it was
  asked to write before returning it; a mismatch, or a term a syntax cannot hold, is an
  :class:`~kg.errors.OutputError` (exit 7);
- one module per syntax: :mod:`~kg.writers.ntriples` (N-Triples, N-Quads),
  :mod:`~kg.writers.turtle` (Turtle, TriG), :mod:`~kg.writers.jsonld`,
  :mod:`~kg.writers.rdfxml`.

Which serialiser writes what, and why:

================  =============  =====================================================
format            serialiser     why
================  =============  =====================================================
N-Triples         pyoxigraph     canonical escaping from a W3C-conformant library;
N-Quads           pyoxigraph     we only sort its lines
Turtle            ours           the normal form of data/article.ttl: sorted subjects,
                                 ``a`` first, only the prefixes used, objects
                                 grouped; pyoxigraph and rdflib write neither sorted
                                 nor (rdflib) stable output (rdflib #1457, #3545)
TriG              ours           the same normal form, one block per named graph
JSON-LD           ours           a compact ``@context`` of the prefixes used, with
                                 JSON-LD 1.1 collision-safe compaction; pyoxigraph
                                 writes only expanded JSON-LD
RDF/XML           ours           sorted ``rdf:Description`` blocks; rdflib's writer
                                 is unordered and turns ``rdf:li`` into ``rdf:_n``
================  =============  =====================================================

>>> from rdflib import Literal
>>> from kg.namespaces import ID, RDFS, new_graph
>>> g = new_graph()
>>> _ = g.add((ID["kazakhstan"], RDFS.label, Literal("قزاقستان", lang="fa")))
>>> print(write_turtle(g), end="")
@prefix kgi:  <https://w3id.org/iran-kazakhstan-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<BLANKLINE>
kgi:kazakhstan rdfs:label "قزاقستان"@fa .
>>> print(write_ntriples(g), end="")
<https://w3id.org/iran-kazakhstan-kg/id/kazakhstan> <http://www.w3.org/2000/01/rdf-schema#label> "قزاقستان"@fa .
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from kg.formats import RdfFormat, rdf_format
from kg.writers.check import verify
from kg.writers.jsonld import write_jsonld
from kg.writers.ntriples import write_nquads, write_ntriples
from kg.writers.order import node_key
from kg.writers.quads import Canonical, Source, to_quads
from kg.writers.rdfxml import write_rdfxml
from kg.writers.stored import Stored
from kg.writers.turtle import write_trig, write_turtle

__all__ = [
    "WRITERS",
    "Canonical",
    "Source",
    "Stored",
    "node_key",
    "serialize",
    "to_quads",
    "verify",
    "write_jsonld",
    "write_nquads",
    "write_ntriples",
    "write_rdfxml",
    "write_to",
    "write_trig",
    "write_turtle",
]

WRITERS: dict[str, Callable[..., Any]] = {
    "turtle": write_turtle,
    "nt": write_ntriples,
    "nquads": write_nquads,
    "trig": write_trig,
    "jsonld": write_jsonld,
    "xml": write_rdfxml,
}


def serialize(source: Source, fmt: str | RdfFormat) -> str:
    """``source`` written in ``fmt`` (a format, its name or alias); the triple formats merge named graphs."""
    chosen = fmt if isinstance(fmt, RdfFormat) else rdf_format(fmt)
    return WRITERS[chosen.name](source)


def write_to(source: Source, fmt: str | RdfFormat, handle: BinaryIO, path: Path) -> Path:
    """``source`` written in ``fmt`` to ``handle`` (a binary file open for writing at ``path``) as it is made,
    and read back from the file (:mod:`kg.writers.sink`): the same bytes as :func:`serialize`'s text, never
    held as a whole."""
    chosen = fmt if isinstance(fmt, RdfFormat) else rdf_format(fmt)
    return WRITERS[chosen.name](source, (handle, Path(path)))
