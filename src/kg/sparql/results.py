"""Query results: the :class:`Result` of a query, its output formats, and the comparison with expected rows.

SELECT rows print as ``table`` (labels, right-to-left text kept in its
column), SPARQL 1.1 ``csv``, ``tsv`` and ``json``, or ``md``; an ASK answer
as ``true``/``false`` or JSON. A CONSTRUCT or DESCRIBE graph prints in an RDF
format: JSON-LD and N-Triples come from the exporter's deterministic writers
(:mod:`kg.export`: the compact ``@context`` of the project prefixes, sorted
lines), the other formats from rdflib.

Comparing with expected results
-------------------------------
``queries/NAME.srj`` beside ``NAME.rq`` holds the expected result (SPARQL
1.1 JSON; for ASK ``{"head": {}, "boolean": true}``). Rows are compared in
order when the query has a top-level ``ORDER BY``, otherwise as a multiset.
Terms are compared exactly except that (a) numeric literals
(``xsd:integer``, ``xsd:decimal``, ``xsd:double`` ... and the integer
subtypes) compare by datatype and value, because engines print the same
value differently (rdflib ``"265200000.0"``, Oxigraph ``"265200000"``),
(b) booleans compare by value, (c) a simple literal equals the same
``xsd:string`` literal, (d) language tags compare case-insensitively, and
(e) blank nodes match any blank node, since their labels are the engine's.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier

from kg.errors import LoadError, UsageError
from kg.export import write_jsonld, write_ntriples
from kg.load import read_text
from kg.namespaces import PREFIXES, XSD
from kg.sparql.engines import Outcome, parse_results_json
from kg.sparql.syntax import IRI_CHARS, Query, n3

BINDINGS_FORMATS = ("table", "csv", "tsv", "json", "md")
GRAPH_FORMATS = ("turtle", "nt", "n3", "xml", "json-ld", "trig", "nquads")
_FORMAT_ALIASES = {"ttl": "turtle", "ntriples": "nt", "rdfxml": "xml", "rdf": "xml", "jsonld": "json-ld"}
FORMATS = BINDINGS_FORMATS + GRAPH_FORMATS + tuple(_FORMAT_ALIASES)
#: Graph formats written by :mod:`kg.export`, so that query output and exports agree byte for byte.
_EXPORT_WRITERS: dict[str, Callable[[Graph], str]] = {"json-ld": write_jsonld, "nt": write_ntriples}


# --------------------------------------------------------------------------- results


@dataclass
class Result:
    """The answer to a query: SELECT rows, an ASK boolean, or a CONSTRUCT/DESCRIBE graph.

    ``rows`` are dicts from variable name to rdflib term (unbound variables
    are absent); :meth:`values` gives Python values instead.
    """

    query: Query
    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Identifier]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    truncated: bool = False
    max_rows: int | None = None
    engine: str = ""
    labels: dict[URIRef, str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[dict[str, Identifier]]:
        return iter(self.rows)

    def __len__(self) -> int:
        if self.kind == "graph":
            return len(self.graph or ())
        return len(self.rows) if self.kind == "bindings" else int(bool(self.boolean))

    @property
    def empty(self) -> bool:
        """No rows, a false ASK, or no triples: ``kg query`` exits 1, like grep."""
        return len(self) == 0

    def values(self) -> list[dict[str, Any]]:
        """The rows with literals as Python values (int, Decimal, date, str ...) and IRIs as URIRef."""
        return [{k: v.toPython() if isinstance(v, Literal) else v for k, v in row.items()} for row in self.rows]

    @property
    def notice(self) -> str:
        """What the reader must know besides the rows: that they were cut."""
        if not self.truncated:
            return ""
        what = "triples" if self.kind == "graph" else "rows"
        return f"the result was cut at {self.max_rows} {what} (--max-rows)"

    def format(self, fmt: str = "table", *, labels: bool = True) -> str:
        """The result as text: table, csv, tsv, json, md for rows; any RDF format for graphs."""
        fmt = check_format(self.kind, fmt)
        if self.kind == "graph":
            return _format_graph(self.graph or Graph(), fmt)
        if self.kind == "boolean":
            if fmt == "json":
                return json.dumps({"head": {}, "boolean": bool(self.boolean)}) + "\n"
            return ("true" if self.boolean else "false") + "\n"
        shown = self.labels if labels else {}
        if fmt == "csv":
            return _format_csv(self)
        if fmt == "tsv":
            return _format_tsv(self)
        if fmt == "json":
            return _format_json(self)
        if fmt == "md":
            return _format_md(self, shown)
        return _format_table(self, shown)


def check_format(kind: str, fmt: str) -> str:
    """The canonical output format for a result kind, or a UsageError."""
    fmt = _FORMAT_ALIASES.get(fmt, fmt)
    if kind == "graph":
        fmt = {"table": "turtle", "md": "turtle", "json": "json-ld"}.get(fmt, fmt)
        if fmt not in GRAPH_FORMATS:
            raise UsageError(f"--format {fmt} is for SELECT results; a graph can be {', '.join(GRAPH_FORMATS)}")
    elif fmt not in BINDINGS_FORMATS:
        raise UsageError(f"--format {fmt} is for graphs; SELECT and ASK results can be {', '.join(BINDINGS_FORMATS)}")
    return fmt


def compact(iri: str) -> str:
    """``https://w3id.org/iran-kazakhstan-kg/id/kazakhstan`` -> ``kgi:kazakhstan`` (else ``<iri>``)."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            local = iri[len(namespace) :]
            if re.fullmatch(r"(?:[\w-](?:[\w.-]*[\w-])?)?", local):
                best = prefix
    return f"{best}:{iri[len(PREFIXES[best]) :]}" if best else f"<{iri}>"


def _plain(term: Identifier | None) -> str:
    """SPARQL CSV: IRIs and literals as their bare text, blank nodes as _:label."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _format_csv(result: Result) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_plain(row.get(v)) for v in result.variables])
    return out.getvalue()


_TURTLE_NUMBER = {
    str(XSD.integer): re.compile(r"^[+-]?[0-9]+$"),
    str(XSD.decimal): re.compile(r"^[+-]?[0-9]*\.[0-9]+$"),
    str(XSD.boolean): re.compile(r"^(true|false)$"),
}


def _tsv_term(term: Identifier | None) -> str:
    """SPARQL TSV: terms in Turtle syntax, numbers and booleans abbreviated."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal) and term.datatype is not None:
        pattern = _TURTLE_NUMBER.get(str(term.datatype))
        if pattern is not None and pattern.match(str(term)):
            return str(term)
    if isinstance(term, URIRef) and not IRI_CHARS.match(str(term)):
        return f"<{term}>"
    return n3(term)


def _format_tsv(result: Result) -> str:
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(_tsv_term(row.get(v)) for v in result.variables) for row in result.rows]
    return "\n".join(lines) + "\n"


def term_to_json(term: Identifier) -> dict[str, str]:
    """One term in the SPARQL 1.1 Query Results JSON Format."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    value = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype is not None and term.datatype != XSD.string:
        value["datatype"] = str(term.datatype)
    return value


def _format_json(result: Result) -> str:
    """SPARQL 1.1 JSON results, one binding per line, Persian as itself (not \\u escapes)."""
    head = json.dumps({"vars": result.variables}, ensure_ascii=False)
    rows = [json.dumps({k: term_to_json(v) for k, v in row.items()}, ensure_ascii=False) for row in result.rows]
    bindings = "[\n  " + ",\n  ".join(rows) + "\n]" if rows else "[]"
    return f'{{"head": {head},\n"results": {{"bindings": {bindings}}}}}\n'


def _display(term: Identifier | None, labels: Mapping[URIRef, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return labels.get(term) or compact(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _width(text: str) -> int:
    """Terminal columns: combining marks and format characters (ZWNJ, isolates) take none."""
    width = 0
    for char in text:
        if unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _rtl(text: str) -> bool:
    """True when the first strong character is right-to-left (Persian, Arabic, Hebrew)."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def _cell(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    if _width(text) <= limit:
        return text
    out = ""
    for char in text:
        if _width(out + char) > limit - 1:
            break
        out += char
    return out + "…"


def _format_table(result: Result, labels: Mapping[URIRef, str]) -> str:
    """Aligned columns. Right-to-left cells are wrapped in Unicode isolates (RLI ... PDI) so that
    a bidi-aware terminal keeps them in their column, and mostly-RTL columns are right-aligned."""
    header = [f"?{v}" for v in result.variables]
    cells = [[_cell(_display(row.get(v), labels)) for v in result.variables] for row in result.rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(header)]
    right = []
    for i in range(len(header)):
        column = [r[i] for r in cells if r[i]]
        right.append(bool(column) and sum(_rtl(c) for c in column) * 2 > len(column))

    def line(values: list[str]) -> str:
        parts = []
        for i, value in enumerate(values):
            pad = " " * (widths[i] - _width(value))
            shown = f"\u2067{value}\u2069" if _rtl(value) else value
            parts.append(pad + shown if right[i] else shown + pad)
        return "  ".join(parts).rstrip()

    lines = [line(header), "  ".join("-" * w for w in widths)]
    lines += [line(r) for r in cells]
    count = len(result.rows)
    footer = f"({count} row{'' if count == 1 else 's'}"
    footer += f"; cut at --max-rows {result.max_rows})" if result.truncated else ")"
    return "\n".join([*lines, footer]) + "\n"


def _format_md(result: Result, labels: Mapping[URIRef, str]) -> str:
    def cell(term: Identifier | None) -> str:
        text = _display(term, labels).replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")
        if isinstance(term, URIRef):
            return f"[{text}](<{term}>)"
        return text

    lines = ["| " + " | ".join(result.variables) + " |", "|" + "---|" * len(result.variables)]
    lines += ["| " + " | ".join(cell(row.get(v)) for v in result.variables) + " |" for row in result.rows]
    return "\n".join(lines) + "\n"


def _format_graph(graph: Graph, fmt: str) -> str:
    writer = _EXPORT_WRITERS.get(fmt)
    if writer is not None:
        return writer(graph)
    text = graph.serialize(format=fmt)
    if fmt == "nquads":
        text = "".join(sorted(text.splitlines(keepends=True)))
    return text


# --------------------------------------------------------------------------- expected results

_NUMERIC = {
    str(XSD[name])
    for name in (
        "integer", "decimal", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
    )
}  # fmt: skip
_FLOATING = {str(XSD.double), str(XSD.float)}


def canonical(term: Identifier | None) -> tuple[Any, ...]:
    """A comparison key for a term (see "Comparing with expected results" above).

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
            return ("number", datatype, format(value.normalize(), "f") if value else "0")
        if datatype in _FLOATING:
            return ("number", datatype, repr(float(lexical.strip())))
    except (InvalidOperation, ValueError):
        pass
    if datatype == str(XSD.boolean) and lexical.strip() in ("true", "false", "1", "0"):
        return ("boolean", lexical.strip() in ("true", "1"))
    return ("literal", lexical, datatype)


def _row_key(row: Mapping[str, Identifier]) -> tuple[Any, ...]:
    return tuple(sorted((name, canonical(term)) for name, term in row.items()))


def _show_row(row: Mapping[str, Identifier]) -> str:
    return "{" + ", ".join(f"{k}: {_tsv_term(v)}" for k, v in sorted(row.items())) + "}"


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
