"""Query results: the :class:`Result` of a query, its output formats, and the comparison with expected rows.

SELECT rows print as ``table`` (labels, right-to-left text kept in its
column), SPARQL 1.1 ``csv``, ``tsv`` and ``json``, or ``md``; an ASK answer
as ``true``/``false`` or JSON. A CONSTRUCT or DESCRIBE graph prints in an RDF
format, written by the exporter's deterministic writers (:mod:`kg.writers`:
sorted output, the compact ``@context`` of the project prefixes).

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
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from markupsafe import escape
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier
from wcwidth import wcwidth

from kg.errors import LoadError, UsageError
from kg.formats import FORMATS as RDF_FORMATS
from kg.formats import format_names, is_rdf_format, rdf_format
from kg.load import read_text
from kg.namespaces import XSD
from kg.sparql.engines import Outcome
from kg.sparql.protocol import parse_results_json
from kg.sparql.syntax import Query
from kg.sparql.values import IRI_CHARS, n3
from kg.terms import prefixed
from kg.writers import serialize

BINDINGS_FORMATS = ("table", "csv", "tsv", "json", "md")
#: Graph formats and their aliases, from the one registry (kg.formats); written by kg.writers like the exports.
GRAPH_FORMATS = tuple(format_names())
FORMATS = BINDINGS_FORMATS + GRAPH_FORMATS


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

    def format(self, fmt: str = "table", *, labels: bool = True, width: int | None = None) -> str:
        """The result as text: table, csv, tsv, json, md for rows; any RDF format for graphs.

        ``labels=False`` shows IRIs as prefixed names and keeps IRI columns
        beside their label columns; ``width`` fits the table to that many
        terminal columns (None: cells are never cut).
        """
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
        return _format_table(self, shown, width=width, iris=not labels)

    def to_dataframe(self) -> Any:
        """The rows as a :class:`pandas.DataFrame` (needs the ``kg[pandas]`` extra).

        One column per variable, in the query's order; unbound values are
        ``pd.NA``. Columns are typed from their literals' datatypes when all
        bound values share one: ``xsd:integer`` and its subtypes as ``Int64``,
        ``xsd:decimal`` as Python ``Decimal`` (object), ``xsd:double``/``float``
        as ``Float64`` (a column mixing numeric types takes the widest), ``xsd:boolean`` as ``boolean``, ``xsd:date`` as
        ``datetime.date`` (object), ``xsd:dateTime`` as ``datetime64``; strings,
        language-tagged text and IRIs as ``string`` (IRIs as their full text).
        An ASK answer is one column ``boolean``; a graph has columns s, p, o.
        Raises UsageError naming the extra when pandas is not installed.
        """
        try:
            import pandas as pd
        except ImportError:
            raise UsageError("Result.to_dataframe needs pandas: pip install 'kg-iran-kazakhstan[pandas]'") from None
        if self.kind == "boolean":
            return pd.DataFrame({"boolean": pd.array([bool(self.boolean)], dtype="boolean")})
        if self.kind == "graph":
            triples = sorted(self.graph or (), key=lambda t: tuple(str(x) for x in t))
            return pd.DataFrame(
                {k: pd.array([str(t[i]) for t in triples], dtype="string") for i, k in enumerate("spo")}
            )
        return pd.DataFrame({v: _series(pd, [row.get(v) for row in self.rows]) for v in self.variables})

    def _repr_html_(self) -> str:
        """A labelled HTML table for Jupyter: every string escaped, each cell ``dir=auto`` (isolated)."""
        return render_html_table(self)


_INTEGER_TYPES = {str(XSD[name]) for name in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
)}  # fmt: skip


def _series(pd: Any, terms: list[Identifier | None]) -> Any:
    """One typed column (see :meth:`Result.to_dataframe`)."""
    bound = [t for t in terms if t is not None]
    kinds = {
        str(t.datatype) if isinstance(t, Literal) and t.datatype is not None and not t.language else "text"
        for t in bound
    }
    if kinds and kinds <= _INTEGER_TYPES:
        kind = str(XSD.integer)
    elif kinds and kinds <= _INTEGER_TYPES | {str(XSD.decimal)}:
        kind = str(XSD.decimal)  # integers are decimals (XSD 1.1 derivation)
    elif kinds and kinds <= _INTEGER_TYPES | {str(XSD.decimal), str(XSD.double), str(XSD.float)}:
        kind = str(XSD.double)
    else:
        kind = kinds.pop() if len(kinds) == 1 else "text"

    def each(convert: Callable[[Identifier], Any]) -> list[Any]:
        return [pd.NA if t is None else convert(t) for t in terms]

    try:
        if kind in _INTEGER_TYPES:
            return pd.array(each(lambda t: int(str(t))), dtype="Int64")
        if kind == str(XSD.decimal):
            return pd.array(each(lambda t: Decimal(str(t))), dtype=object)
        if kind in (str(XSD.double), str(XSD.float)):
            return pd.array(each(lambda t: float(str(t))), dtype="Float64")
        if kind == str(XSD.boolean):
            return pd.array(each(lambda t: str(t).strip() in ("true", "1")), dtype="boolean")
        if kind == str(XSD.date):
            return pd.array(each(lambda t: date.fromisoformat(str(t).strip())), dtype=object)
        if kind == str(XSD.dateTime):
            return pd.to_datetime(pd.Series(each(lambda t: str(t).strip())), errors="raise")
    except (ValueError, InvalidOperation):
        pass  # an ill-typed lexical form: keep the column as text
    return pd.array(each(lambda t: f"_:{t}" if isinstance(t, BNode) else str(t)), dtype="string")


def check_format(kind: str, fmt: str) -> str:
    """The canonical output format for a result kind, or a UsageError."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if kind == "graph":
        fmt = {"table": "turtle", "md": "turtle", "json": "jsonld"}.get(fmt, fmt)
        if not is_rdf_format(fmt):
            raise UsageError(f"--format {fmt} is for SELECT results; a graph can be {', '.join(RDF_FORMATS)}")
        return rdf_format(fmt).name
    if fmt not in BINDINGS_FORMATS:
        raise UsageError(f"--format {fmt} is for graphs; SELECT and ASK results can be {', '.join(BINDINGS_FORMATS)}")
    return fmt


def compact(iri: str) -> str:
    """``https://w3id.org/iran-kazakhstan-kg/id/kazakhstan`` -> ``kgi:kazakhstan`` (else ``<iri>``)."""
    return prefixed(iri)


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
    """A term as a reader sees it: an IRI's label (else its prefixed name), a literal's bare value."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return labels.get(term) or compact(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def label_columns(variables: Sequence[str], *, iris: bool = False) -> list[tuple[str, str | None]]:
    """The columns a reader sees, as ``(variable, linked IRI variable or None)``.

    A label column ``?xLabel`` takes the place of its IRI column ``?x`` and links
    to it, unless ``iris``.

    >>> label_columns(["agreement", "kindLabel", "agreementLabel"])
    [('agreementLabel', 'agreement'), ('kindLabel', None)]
    """
    if iris:
        return [(v, None) for v in variables]
    names = set(variables)
    shown: list[tuple[str, str | None]] = []
    for v in variables:
        if f"{v}Label" in names:
            shown.append((f"{v}Label", v))
        elif not (v.endswith("Label") and v[: -len("Label")] in names):
            shown.append((v, None))
    return shown


class _Widths(dict[str, int]):
    """Terminal columns of each character met so far, asked of wcwidth once per distinct character."""

    def __missing__(self, char: str) -> int:
        width = self[char] = max(wcwidth(char), 0)
        return width


_WIDTHS = _Widths()


def _char_width(char: str) -> int:
    """Terminal columns of one character (wcwidth: wide East Asian 2; combining, ZWNJ, isolates 0)."""
    return _WIDTHS[char]


def _width(text: str) -> int:
    """Terminal columns of ``text``: combining marks and format characters (ZWNJ, isolates) take none.

    Printable ASCII is one column a character; other text is summed from a
    per-character cache of wcwidth's answers (one dict look-up a character).
    """
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(map(_WIDTHS.__getitem__, text))


def _rtl(text: str) -> bool:
    """True when the first strong character is right-to-left (Persian, Arabic, Hebrew)."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def _cell(text: str, limit: int | None = None) -> str:
    """One line of ``text`` in at most ``limit`` columns, cut with "…" (linear time; None: never cut)."""
    text = " ".join(text.split())
    if limit is None:
        return text
    used, end = 0, len(text)
    for i, char in enumerate(text):
        width = _char_width(char)
        if used + width > limit:
            end = i
            break
        used += width
    else:
        return text
    while end > 0 and used + 1 > limit:  # room for the ellipsis
        end -= 1
        used -= _char_width(text[end])
    while end > 0 and unicodedata.combining(text[end]):  # never separate a mark from its base
        end -= 1
    return text[:end] + "…"


def _fit(widths: list[int], floors: list[int], room: int) -> list[int]:
    """Column widths that fit ``room`` columns: cap the widest columns at one common width (no lower
    than each column's floor), found by bisection, and give what is left to the cut columns; the
    natural widths when they already fit."""
    if sum(widths) <= room:
        return widths
    low, high = 1, max(widths)
    while low < high:  # the largest cap whose total fits
        cap = (low + high + 1) // 2
        if sum(min(w, max(cap, f)) for w, f in zip(widths, floors, strict=True)) <= room:
            low = cap
        else:
            high = cap - 1
    fitted = [min(w, max(low, f)) for w, f in zip(widths, floors, strict=True)]
    spare = room - sum(fitted)
    for i, natural in enumerate(widths):  # what the common cap leaves over goes to the cut columns, left first
        extra = min(max(spare, 0), natural - fitted[i])
        fitted[i] += extra
        spare -= extra
    return fitted


def _format_table(result: Result, labels: Mapping[URIRef, str], *, width: int | None = None, iris: bool = False) -> str:
    """Aligned columns, fitted to ``width`` terminal columns (None: never cut a cell).

    A label column replaces its IRI column unless ``iris`` (see :func:`label_columns`).
    Right-to-left cells are wrapped in Unicode isolates (RLI ... PDI) so that a
    bidi-aware terminal keeps them in their column, and mostly-RTL columns are
    right-aligned. Cells too wide are cut with "…"; headers are never cut.
    """
    columns = [v for v, _ in label_columns(result.variables, iris=iris)]
    header = [f"?{v}" for v in columns]
    texts = [[" ".join(_display(row.get(v), labels).split()) for v in columns] for row in result.rows]
    natural = [max([_width(h)] + [_width(r[i]) for r in texts]) for i, h in enumerate(header)]
    if width is not None:
        room = max(width - 2 * (len(columns) - 1), len(columns))
        widths = _fit(natural, [min(_width(h), n) for h, n in zip(header, natural, strict=True)], room)
    else:
        widths = natural
    cells = [[_cell(t, widths[i] if width is not None else None) for i, t in enumerate(r)] for r in texts]
    rtl = [[_rtl(c) for c in r] for r in cells]  # each cell's direction, found once
    right = []
    for i in range(len(header)):
        column = [d[i] for r, d in zip(cells, rtl, strict=True) if r[i]]
        right.append(bool(column) and sum(column) * 2 > len(column))

    def line(values: list[str], directions: list[bool]) -> str:
        parts = []
        for i, value in enumerate(values):
            pad = " " * max(widths[i] - _width(value), 0)
            shown = f"\u2067{value}\u2069" if directions[i] else value
            parts.append(pad + shown if right[i] else shown + pad)
        return "  ".join(parts).rstrip()

    lines = [line(header, [_rtl(h) for h in header]), "  ".join("-" * w for w in widths)]
    lines += [line(r, d) for r, d in zip(cells, rtl, strict=True)]
    count = len(result.rows)
    footer = f"({count} row{'' if count == 1 else 's'}"
    footer += f"; cut at --max-rows {result.max_rows})" if result.truncated else ")"
    return "\n".join([*lines, footer]) + "\n"


@dataclass(frozen=True)
class Cell:
    """A result cell as a reader sees it: ``text``, the ``iri`` it stands for or links to, a ``tip``
    (the datatype or language of a literal, the prefixed name of an IRI)."""

    text: str
    iri: str | None = None
    tip: str = ""


def _cell_of(term: Identifier | None, labels: Mapping[URIRef, str], link: Identifier | None = None) -> Cell:
    if isinstance(term, URIRef):
        return Cell(_display(term, labels), str(term), compact(str(term)))
    target = str(link) if isinstance(link, URIRef) else None
    if isinstance(term, Literal):
        if term.language:
            tip = f"@{term.language}"
        else:
            tip = compact(str(term.datatype)) if term.datatype is not None else compact(str(XSD.string))
        return Cell(str(term), target, tip)
    return Cell(_display(term, labels), target)


def display_table(result: Result, *, iris: bool = False) -> tuple[list[str], list[list[Cell]]]:
    """The column names and cells of a result as a reader sees it: labels in place of IRI columns
    (:func:`label_columns`), IRIs as labels, literals as their bare values; an ASK answer as one
    ``boolean`` cell, a graph as ``subject, predicate, object`` rows."""
    labels = {} if iris else result.labels
    if result.kind == "boolean":
        return ["boolean"], [[Cell("true" if result.boolean else "false", tip="xsd:boolean")]]
    if result.kind == "graph":
        triples = sorted(result.graph or (), key=lambda t: tuple(str(x) for x in t))
        return ["subject", "predicate", "object"], [[_cell_of(x, labels) for x in t] for t in triples]
    columns = label_columns(result.variables, iris=iris)
    rows = [
        [_cell_of(row.get(v), labels, row.get(link) if link else None) for v, link in columns] for row in result.rows
    ]
    return [v for v, _ in columns], rows


def render_html_table(result: Result) -> str:
    """The result as one HTML ``<table>``: escaped text, each cell ``dir=auto`` (isolated), IRIs
    linked, a literal's datatype or language as its tooltip; a note when the rows were cut."""
    columns, rows = display_table(result)
    out = ['<table class="kg-result">', "<thead><tr>"]
    out += [f"<th>{escape(c)}</th>" for c in columns]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>")
        for cell in row:
            text = str(escape(cell.text))  # the dir=auto cell isolates it (a <bdi> would hide its direction)
            if cell.iri:
                text = f'<a href="{escape(cell.iri)}">{text}</a>'
            tip = f' title="{escape(cell.tip)}"' if cell.tip else ""
            out.append(f'<td dir="auto"{tip}>{text}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    if result.notice:
        out.append(f"<p>{escape(result.notice)}</p>")
    return "".join(out)


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
    return serialize(graph, fmt)


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
