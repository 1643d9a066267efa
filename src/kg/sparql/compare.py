"""Comparing a result with its expected rows (``queries/NAME.srj``), as ``kg queries --check`` and the tests do;
the check's records (:class:`Check`, :class:`CheckReport`).

``queries/NAME.srj`` beside ``NAME.rq`` holds the expected result (SPARQL
1.1 JSON; for ASK ``{"head": {}, "boolean": true}``). Rows are compared in
order when the query has a top-level ``ORDER BY``, otherwise as a multiset.
Terms are compared exactly except that (a) numeric literals compare by
value: ``xsd:decimal`` and the types derived from it (``xsd:integer`` and
its subtypes) as one number, ``xsd:double`` and ``xsd:float`` as a binary
float, because stores write the same value differently (rdflib
``"265200000.0"``, Oxigraph ``"265200000"``, and Virtuoso 7 gives an
``xsd:integer`` above 2^31 back as ``xsd:decimal``), (b) booleans compare
by value (Virtuoso 7 writes them ``1`` and ``0``), (c) a simple literal equals the same
``xsd:string`` literal, (d) language tags compare case-insensitively, and
(e) blank nodes match any blank node, since their labels are the engine's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from kg.errors import LoadError
from kg.load import read_text
from kg.namespaces import XSD
from kg.sparql.engines import Outcome
from kg.sparql.protocol import parse_results_json
from kg.sparql.results import Result
from kg.sparql.syntax import Query
from kg.sparql.tables import tsv_term
from kg.terms import pack_term

_NUMERIC = {
    str(XSD[name])
    for name in (
        "integer", "decimal", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
    )
}  # fmt: skip
_FLOATING = {str(XSD.double), str(XSD.float)}


def canonical(term: Identifier | None) -> tuple[Any, ...]:
    """A comparison key for a term (see the module docstring).

    >>> canonical(Literal("265200000.0", datatype=XSD.decimal)) == canonical(Literal("265200000", datatype=XSD.decimal))
    True
    """
    if term is None:
        return ("unbound",)
    if isinstance(term, URIRef):
        return ("iri", str(term))
    if isinstance(term, BNode):
        return ("bnode",)
    assert isinstance(term, Literal)
    if term.language:
        return ("literal", str(term), "@" + term.language.lower())
    datatype = str(term.datatype or XSD.string)
    lexical = str(term)
    try:
        if datatype in _NUMERIC:
            value = Decimal(lexical.strip())
            return ("number", "decimal", format(value.normalize(), "f") if value else "0")
        if datatype in _FLOATING:
            return ("number", "double", repr(float(lexical.strip())))
    except (InvalidOperation, ValueError):
        pass
    if datatype == str(XSD.boolean) and lexical.strip() in ("true", "false", "1", "0"):
        return ("boolean", lexical.strip() in ("true", "1"))
    return ("literal", lexical, datatype)


def _row_key(row: Mapping[str, Identifier]) -> tuple[Any, ...]:
    return tuple(sorted((name, canonical(term)) for name, term in row.items()))


def _show_row(row: Mapping[str, Identifier]) -> str:
    return "{" + ", ".join(f"{k}: {tsv_term(pack_term(v))}" for k, v in sorted(row.items())) + "}"


def read_expected(path: str | Path) -> Outcome:
    """An expected result: SPARQL 1.1 JSON (``.srj``)."""
    path = Path(path)
    try:
        return parse_results_json(read_text(path))
    except (ValueError, KeyError, TypeError) as exc:
        raise LoadError(f"not SPARQL 1.1 JSON results: {exc}", path=path) from None


def compare(result: Result, expected: Outcome, *, ordered: bool | None = None) -> list[str]:
    """Differences between a result and the expected one, in words (empty when they agree)."""
    if expected.kind == "boolean" or result.kind == "boolean":
        if expected.kind != result.kind or expected.boolean != result.boolean:
            return [f"expected {expected.boolean if expected.kind == 'boolean' else 'rows'}, got {result.boolean}"]
        return []
    if result.kind != "bindings":
        return [f"expected rows, got a {result.kind}"]
    problems = []
    if set(expected.variables) != set(result.variables):
        problems.append(f"variables: expected {sorted(expected.variables)}, got {sorted(result.variables)}")
    ordered = result.query.ordered if ordered is None else ordered
    want = [_row_key(r) for r in expected.rows]
    got = [_row_key(r) for r in result.rows]
    if Counter(want) != Counter(got):
        shown = {k: r for k, r in zip(want, expected.rows, strict=True)} | dict(zip(got, result.rows, strict=True))
        missing = Counter(want) - Counter(got)
        extra = Counter(got) - Counter(want)
        if len(want) != len(got):
            problems.append(f"expected {len(want)} rows, got {len(got)}")
        problems += [f"missing: {_show_row(shown[k])}" for k in missing.elements()][:20]
        problems += [f"unexpected: {_show_row(shown[k])}" for k in extra.elements()][:20]
    elif ordered and want != got:
        first = next(i for i, (a, b) in enumerate(zip(want, got, strict=True)) if a != b)
        problems.append(f"same rows in another order (ORDER BY): first difference at row {first + 1}")
    return problems


# --------------------------------------------------------------------------- the library checked (kg queries --check)


@dataclass(frozen=True)
class Check:
    """One library query run against its expected result."""

    query: Query
    problems: tuple[str, ...]
    rows: int

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class CheckReport:
    """``kg queries --check``: every query with expected results, and what differed."""

    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def format(self) -> str:
        lines = []
        for check in self.checks:
            rows = f"{check.rows} row{'' if check.rows == 1 else 's'}"
            lines.append(f"{'ok  ' if check.ok else 'FAIL'}  {check.query.name}  ({rows})")
            lines += [f"      {p}" for p in check.problems]
        failed = sum(not c.ok for c in self.checks)
        lines.append(f"{len(self.checks) - failed} of {len(self.checks)} queries gave their expected results")
        return "\n".join(lines) + "\n"
