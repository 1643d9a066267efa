"""The SPARQL 1.1 Protocol's answers: query results and graphs parsed strictly into an :class:`Outcome`.

Answers are parsed, never executed or followed. SELECT and ASK answers are
SPARQL 1.1 Query Results in JSON, XML or TSV (pyoxigraph's parsers) or CSV
(read here: values become plain literals, ``_:`` blank nodes and
``http(s):``/``urn:`` IRIs, as the lossy CSV format allows). CONSTRUCT and
DESCRIBE answers are parsed by pyoxigraph (N-Triples, Turtle, RDF/XML,
JSON-LD, ...), which never loads a remote JSON-LD ``@context``. Every literal
keeps its lexical form (``"01"^^xsd:integer`` stays ``01``; an ill-typed
``"12"^^xsd:duration`` is shown as ``12``).

Virtuoso 7 answers every ASK query as a table of the variable ``__ASK_RETVAL``
(one row ``1`` for true, no row for false) instead of a boolean;
:func:`virtuoso_ask` reads exactly that shape as the boolean it means.
"""

from __future__ import annotations

import csv
import io
import re

import pyoxigraph
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from kg.namespaces import XSD
from kg.scan import structure_fault
from kg.sparql.engines import Outcome, capped
from kg.terms import answer_term, quiet_literals

#: What a SELECT or ASK asks for: JSON first, then the other standard result formats.
RESULTS_ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "text/tab-separated-values;q=0.8, text/csv;q=0.5"
)
#: What a CONSTRUCT or DESCRIBE asks for.
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8, application/ld+json;q=0.5"

_XSD_STRING = str(XSD.string)
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_RESULT_FORMATS = {
    "application/sparql-results+json": pyoxigraph.QueryResultsFormat.JSON,
    "application/json": pyoxigraph.QueryResultsFormat.JSON,
    "application/sparql-results+xml": pyoxigraph.QueryResultsFormat.XML,
    "application/xml": pyoxigraph.QueryResultsFormat.XML,
    "text/xml": pyoxigraph.QueryResultsFormat.XML,
    "text/tab-separated-values": pyoxigraph.QueryResultsFormat.TSV,
}


def term_from_json(value: dict[str, str]) -> Identifier:
    """One RDF term of the SPARQL 1.1 Query Results JSON Format, its lexical form kept."""
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            return Literal(value["value"], lang=value["xml:lang"])
        datatype = value.get("datatype")
        if datatype and datatype not in (_XSD_STRING, _LANG_STRING):
            with quiet_literals():
                return Literal(value["value"], datatype=URIRef(datatype), normalize=False)
        return Literal(value["value"])
    raise ValueError(f"unknown term type {kind!r}")


def parse_results_json(text: str, *, max_rows: int | None = None) -> Outcome:
    """A SPARQL 1.1 JSON results document (SELECT or ASK) as an :class:`Outcome`; ValueError if it is not one."""
    try:
        return parse_results(text.encode("utf-8"), "application/sparql-results+json", max_rows=max_rows)
    except SyntaxError as exc:
        raise ValueError(str(exc.msg if exc.msg else exc)) from None


def parse_results(body: bytes, media_type: str, *, max_rows: int | None = None) -> Outcome:
    """SPARQL 1.1 Query Results (JSON, XML, TSV or CSV by ``media_type``) as an :class:`Outcome`.

    Raises SyntaxError (pyoxigraph's, or ours for CSV) when ``body`` is not
    such a document, ValueError for a media type that is none of these.
    """
    if media_type == "text/csv":
        return _parse_csv(body, max_rows)
    fmt = _RESULT_FORMATS.get(media_type)
    if fmt is None:
        raise ValueError(f"not a SPARQL results format: {media_type or 'no content type'}")
    parsed = pyoxigraph.parse_query_results(body, format=fmt)
    if isinstance(parsed, pyoxigraph.QueryBoolean):
        return Outcome("boolean", boolean=bool(parsed))
    variables = [v.value for v in parsed.variables]
    solutions, truncated = capped(iter(parsed), max_rows)
    rows = []
    with quiet_literals():
        for solution in solutions:
            row = {}
            for name in variables:
                value = solution[name]
                if value is not None:
                    row[name] = answer_term(value)
            rows.append(row)
    return Outcome("bindings", variables=variables, rows=rows, truncated=truncated)


def _parse_csv(body: bytes, max_rows: int | None) -> Outcome:
    """SPARQL 1.1 Query Results CSV: lossy by design, so values are plain literals, bnodes or obvious IRIs."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SyntaxError(f"CSV results are not UTF-8: {exc}") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        variables = [v.lstrip("?") for v in next(reader)]
    except StopIteration:
        raise SyntaxError("CSV results have no header line") from None
    except csv.Error as exc:
        raise SyntaxError(f"CSV results: {exc}") from None
    rows: list[dict[str, Identifier]] = []
    truncated = False
    try:
        for record in reader:
            if max_rows is not None and len(rows) >= max_rows:
                truncated = True
                break
            if len(record) != len(variables):
                raise SyntaxError(f"CSV results: {len(record)} values in a row of {len(variables)} variables")
            row: dict[str, Identifier] = {}
            for name, value in zip(variables, record, strict=True):
                if value == "":
                    continue
                if value.startswith("_:"):
                    row[name] = BNode(value[2:])
                elif re.fullmatch(r"(https?://|urn:)[^\s<>\"{}|\\^`]*", value):
                    row[name] = URIRef(value)
                else:
                    row[name] = Literal(value)
            rows.append(row)
    except csv.Error as exc:
        raise SyntaxError(f"CSV results: {exc}") from None
    return Outcome("bindings", variables=variables, rows=rows, truncated=truncated)


def virtuoso_ask(outcome: Outcome) -> Outcome:
    """Virtuoso 7's ASK answer, a table ``__ASK_RETVAL`` (one row ``1`` for true, no row for false), as a boolean."""
    if outcome.kind != "bindings" or outcome.variables != ["__ASK_RETVAL"] or len(outcome.rows) > 1:
        return outcome
    if not outcome.rows:
        return Outcome("boolean", boolean=False)
    value = str(outcome.rows[0].get("__ASK_RETVAL", ""))
    if value in ("0", "1", "true", "false"):
        return Outcome("boolean", boolean=value in ("1", "true"))
    return outcome


def parse_graph(body: bytes, media_type: str, base: str) -> list[tuple[Identifier, Identifier, Identifier]]:
    """An RDF answer's triples (pyoxigraph's parser; a remote JSON-LD ``@context`` is refused, never loaded)."""
    fmt = pyoxigraph.RdfFormat.from_media_type(media_type) if media_type else None
    if fmt is None:
        raise ValueError(f"not an RDF format: {media_type or 'no content type'}")
    nested = {
        pyoxigraph.RdfFormat.TURTLE: "turtle",
        pyoxigraph.RdfFormat.TRIG: "trig",
        pyoxigraph.RdfFormat.N3: "turtle",
    }
    fault = structure_fault(body, "xml" if fmt == pyoxigraph.RdfFormat.RDF_XML else nested.get(fmt, ""))
    if fault is not None:  # the parser would overflow its stack, or expand entities without end
        raise SyntaxError(f"line {fault[0]} column {fault[1]}: {fault[2]}")
    triples = []
    with quiet_literals():
        for quad in pyoxigraph.parse(body, format=fmt, base_iri=base):
            triples.append((answer_term(quad.subject), answer_term(quad.predicate), answer_term(quad.object)))
    return triples


def cut_short(body: bytes, media_type: str, error: str) -> bool:
    """Whether a parse failure is the document ending early (a server that stopped mid-answer)."""
    if not body.strip():
        return False
    if "json" in media_type:
        return _json_unclosed(body.decode("utf-8", "replace"))
    return bool(re.search(r"\b(EOF|end of (file|input|the file|document))\b|unexpected end|unclosed", error, re.I))


def _json_unclosed(text: str) -> bool:
    """Whether JSON text ends inside a string, object or array."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
    return in_string or depth > 0
