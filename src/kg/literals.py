"""Ill-typed literals: a lexical form outside its datatype's lexical space, kept as written and located.

``"abc"^^xsd:integer`` and ``"2022-13-45"^^xsd:date`` are read unchanged by the strict
reader (:mod:`kg.load`: RDF 1.1 keeps an ill-typed literal as a term); ``kg validate``
reports each with the file, line and column where its lexical form is written. The
parser gives no position per statement, so the position is that of the first
occurrence of the quoted lexical form in the file.

Ill-typed is decided by rdflib's mapping of the lexical form to a value, and, for the
numbers, by the XSD lexical spaces themselves (:func:`is_ill_typed`): Python's ``int``,
``Decimal`` and ``float``, which rdflib maps with, also read Persian and Arabic-Indic
digits and ``_`` separators (``"۱۴۰۱"^^xsd:integer``), which no XSD number holds and
which SPARQL engines (Oxigraph) do not take for numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import Literal, URIRef

from kg.load import iter_quads
from kg.namespaces import XSD
from kg.terms import curie, nt_term, to_rdflib


@dataclass(frozen=True)
class IllTypedLiteral:
    """A literal whose lexical form is not in its datatype's lexical space, with where it first appears."""

    path: Path
    line: int | None
    column: int | None
    subject: Any
    predicate: Any
    literal: Literal

    def location(self) -> str:
        return ":".join(str(p) for p in (self.path, self.line, self.column) if p is not None)

    def report(self) -> tuple[str, str, str, str]:
        """(focus, path, message, value) for a validation finding: the message starts with file:line:col."""
        datatype = curie(URIRef(self.literal.datatype))
        message = f"{self.location()}: ill-typed literal: not a valid {datatype} (kept as written)"
        return curie(self.subject), curie(self.predicate), message, nt_term(self.literal)


_DECIMAL = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_INTEGER_TYPES = (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
)  # fmt: skip
#: The XSD 1.1 lexical spaces of the numbers (after the whitespace collapse their datatypes apply).
_NUMBER_SPACES = {
    **{str(XSD[name]): re.compile(r"[+-]?[0-9]+") for name in _INTEGER_TYPES},
    str(XSD.decimal): re.compile(_DECIMAL),
    str(XSD.double): re.compile(rf"{_DECIMAL}(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN"),
    str(XSD.float): re.compile(rf"{_DECIMAL}(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN"),
}


def is_ill_typed(literal: Literal) -> bool:
    """Whether ``literal``'s lexical form is outside its datatype's lexical space (unknown datatypes: no).

    >>> [is_ill_typed(Literal(year, datatype=XSD.integer, normalize=False)) for year in ("۱۴۰۱", "1401", "1_401")]
    [True, False, True]
    """
    if getattr(literal, "ill_typed", False):
        return True
    space = _NUMBER_SPACES.get(str(literal.datatype)) if literal.datatype is not None else None
    return space is not None and space.fullmatch(str(literal).strip(" \t\n\r")) is None


def ill_typed_literals(paths: Iterable[str | Path]) -> list[IllTypedLiteral]:
    """The ill-typed literals of the files (``"abc"^^xsd:integer``, ``"2022-13-45"^^xsd:date``), in file order.

    A literal is ill-typed when rdflib cannot map its lexical form to a value of a
    datatype it knows (XSD 1.1 lexical spaces); unknown datatypes are not judged.
    The position is that of the first occurrence of the quoted lexical form in the
    file (the parser gives no position per triple), or none when it is written
    differently (escaped, or in RDF/XML or JSON-LD structure).
    """
    found = []
    for path in paths:
        bad = []
        for quad in iter_quads(path):
            if isinstance(quad.object, pyoxigraph.Literal) and not quad.object.language:
                literal = to_rdflib(quad.object)
                if is_ill_typed(literal):
                    bad.append((to_rdflib(quad.subject), URIRef(quad.predicate.value), literal))
        found += locate_ill_typed(Path(path), bad)
    return found


def locate_ill_typed(path: Path, bad: Sequence[tuple[Any, Any, Any]]) -> list[IllTypedLiteral]:
    """The ill-typed literals ``bad`` (rdflib triples read from ``path``) with their positions in the file."""
    if not bad:
        return []
    positions = _positions(Path(path), {str(lit) for _, _, lit in bad})
    return [IllTypedLiteral(Path(path), *positions.get(str(lit), (None, None)), s, p, lit) for s, p, lit in bad]


def _positions(path: Path, lexicals: set[str]) -> dict[str, tuple[int, int]]:
    positions: dict[str, tuple[int, int]] = {}
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, 1):
            for lexical in lexicals - positions.keys():
                for quoted in (f'"{lexical}"', f"'{lexical}'", f">{lexical}<"):
                    column = text.find(quoted)
                    if column >= 0:
                        positions[lexical] = (number, column + 1)
                        break
    return positions
