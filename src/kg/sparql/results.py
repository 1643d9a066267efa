"""Query results: the :class:`Result` of a query, its Python values and DataFrame, and which formats it prints in.

SELECT rows print as ``table`` (labels, right-to-left text kept in its
column), SPARQL 1.1 ``csv``, ``tsv`` and ``json``, or ``md``; an ASK answer
as ``true``/``false`` or JSON. A CONSTRUCT or DESCRIBE graph prints in an RDF
format, written by the exporter's deterministic writers (:mod:`kg.writers`:
sorted output, the compact ``@context`` of the project prefixes). The tables and the
SPARQL result formats are :mod:`kg.sparql.tables`; the comparison with expected
rows is :mod:`kg.sparql.compare`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from kg.errors import UsageError, import_extra
from kg.formats import FORMATS as RDF_FORMATS
from kg.formats import RESULT_FORMATS, format_names, is_rdf_format, rdf_format
from kg.namespaces import PREFIXES
from kg.sparql.syntax import Query
from kg.sparql.tables import format_csv, format_json, format_md, format_table, format_tsv, render_html_table
from kg.terms import PackedTerm, pack_term, unpack_rows

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Identifier

BINDINGS_FORMATS = RESULT_FORMATS
#: Graph formats and their aliases, from the one registry (kg.formats); written by kg.writers like the exports.
GRAPH_FORMATS = tuple(format_names())
FORMATS = BINDINGS_FORMATS + GRAPH_FORMATS
_XSD = PREFIXES["xsd"]


# --------------------------------------------------------------------------- results


class Result:
    """The answer to a query: SELECT rows, an ASK boolean, or a CONSTRUCT/DESCRIBE graph.

    ``rows`` are dicts from variable name to rdflib term (unbound variables
    are absent); :meth:`values` gives Python values instead. ``packed_rows`` are the
    same rows as :data:`~kg.terms.PackedTerm` (plain data): what the tables and the
    SPARQL result formats are written from. A result is made from either; the other
    is made when first asked for (a query answered by pyoxigraph and printed as a table
    never imports rdflib). ``labels`` maps an IRI (its text) to its display label.
    """

    def __init__(
        self,
        query: Query,
        kind: str,
        variables: list[str] | None = None,
        rows: list[dict[str, Identifier]] | None = None,
        boolean: bool | None = None,
        graph: Graph | None = None,
        truncated: bool = False,
        max_rows: int | None = None,
        engine: str = "",
        labels: Mapping[Any, str] | None = None,
        *,
        packed_rows: list[dict[str, PackedTerm]] | None = None,
    ) -> None:
        self.query = query
        self.kind = kind
        self.variables = list(variables or [])
        self._rows = rows
        self._packed_rows = packed_rows
        self.boolean = boolean
        self.graph = graph
        self.truncated = truncated
        self.max_rows = max_rows
        self.engine = engine
        self.labels = labels or {}

    def __repr__(self) -> str:
        return f"Result({self.query.name!r}, {self.kind!r}, {len(self)} solutions, engine={self.engine!r})"

    @property
    def rows(self) -> list[dict[str, Identifier]]:
        """The solutions as dicts of rdflib terms (made from :attr:`packed_rows` at first use)."""
        if self._rows is None:
            self._rows = unpack_rows(self._packed_rows or [])
        return self._rows

    @rows.setter
    def rows(self, rows: list[dict[str, Identifier]]) -> None:
        self._rows, self._packed_rows = rows, None

    @property
    def packed_rows(self) -> list[dict[str, PackedTerm]]:
        """The solutions as dicts of :data:`~kg.terms.PackedTerm` (made from :attr:`rows` at first use)."""
        if self._packed_rows is None:
            self._packed_rows = [{k: pack_term(v) for k, v in row.items()} for row in self._rows or []]
        return self._packed_rows

    @property
    def labels(self) -> dict[str, str]:
        """Each IRI's label in the language asked for (keys: the IRI's text)."""
        return self._labels

    @labels.setter
    def labels(self, labels: Mapping[Any, str]) -> None:
        self._labels = {str(iri): label for iri, label in labels.items()}

    def __iter__(self) -> Iterator[dict[str, Identifier]]:
        return iter(self.rows)

    def __len__(self) -> int:
        if self.kind == "graph":
            return len(self.graph or ())
        if self.kind == "bindings":
            return len(self._packed_rows if self._packed_rows is not None else self._rows or [])
        return int(bool(self.boolean))

    @property
    def empty(self) -> bool:
        """No rows, a false ASK, or no triples: ``kg query`` exits 1, like grep."""
        return len(self) == 0

    def values(self) -> list[dict[str, Any]]:
        """The rows with literals as Python values (int, Decimal, date, str ...) and IRIs as URIRef."""
        from rdflib import Literal

        return [{k: v.toPython() if isinstance(v, Literal) else v for k, v in row.items()} for row in self.rows]

    @property
    def notice(self) -> str:
        """What the reader must know besides the rows: that they were cut."""
        if not self.truncated:
            return ""
        what = "triple" if self.kind == "graph" else "row"
        return f"the result was cut at {self.max_rows} {what}{'' if self.max_rows == 1 else 's'} (--max-rows)"

    def format(self, fmt: str | None = None, *, labels: bool = True, width: int | None = None, lang: str = "en") -> str:
        """The result as text: table (the default), csv, tsv, json, md for rows; any RDF format for graphs
        (Turtle the default, ``json`` is JSON-LD).

        ``labels=False`` shows IRIs as prefixed names and keeps IRI columns
        beside their label columns; ``width`` fits the table to that many
        terminal columns (None: cells are never cut); ``lang``: the language of the table's own words
        (its count of rows).
        """
        fmt = check_format(self.kind, fmt)
        if self.kind == "graph":
            return _format_graph(self.graph, fmt)
        if self.kind == "boolean":
            if fmt == "json":
                import json

                return json.dumps({"head": {}, "boolean": bool(self.boolean)}) + "\n"
            return ("true" if self.boolean else "false") + "\n"
        shown = self.labels if labels else {}
        if fmt == "csv":
            return format_csv(self)
        if fmt == "tsv":
            return format_tsv(self)
        if fmt == "json":
            return format_json(self)
        if fmt == "md":
            return format_md(self, shown)
        return format_table(self, shown, width=width, iris=not labels, lang=lang)

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
        pd = import_extra("pandas", "pandas", "Result.to_dataframe")
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


_INTEGER_TYPES = {_XSD + name for name in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
)}  # fmt: skip


def _series(pd: Any, terms: list[Identifier | None]) -> Any:
    """One typed column (see :meth:`Result.to_dataframe`)."""
    from datetime import date
    from decimal import Decimal, InvalidOperation

    from rdflib import BNode, Literal

    bound = [t for t in terms if t is not None]
    kinds = {
        str(t.datatype) if isinstance(t, Literal) and t.datatype is not None and not t.language else "text"
        for t in bound
    }
    if kinds and kinds <= _INTEGER_TYPES:
        kind = _XSD + "integer"
    elif kinds and kinds <= _INTEGER_TYPES | {_XSD + "decimal"}:
        kind = _XSD + "decimal"  # integers are decimals (XSD 1.1 derivation)
    elif kinds and kinds <= _INTEGER_TYPES | {_XSD + "decimal", _XSD + "double", _XSD + "float"}:
        kind = _XSD + "double"
    else:
        kind = kinds.pop() if len(kinds) == 1 else "text"

    def each(convert: Callable[[Identifier], Any]) -> list[Any]:
        return [pd.NA if t is None else convert(t) for t in terms]

    try:
        if kind in _INTEGER_TYPES:
            return pd.array(each(lambda t: int(str(t))), dtype="Int64")
        if kind == _XSD + "decimal":
            return pd.array(each(lambda t: Decimal(str(t))), dtype=object)
        if kind in (_XSD + "double", _XSD + "float"):
            return pd.array(each(lambda t: float(str(t))), dtype="Float64")
        if kind == _XSD + "boolean":
            return pd.array(each(lambda t: str(t).strip() in ("true", "1")), dtype="boolean")
        if kind == _XSD + "date":
            return pd.array(each(lambda t: date.fromisoformat(str(t).strip())), dtype=object)
        if kind == _XSD + "dateTime":
            return pd.to_datetime(pd.Series(each(lambda t: str(t).strip())), errors="raise")
    except (ValueError, InvalidOperation):
        pass  # an ill-typed lexical form: keep the column as text
    return pd.array(each(lambda t: f"_:{t}" if isinstance(t, BNode) else str(t)), dtype="string")


def check_format(kind: str, fmt: str | None = None) -> str:
    """The canonical output format for a result kind (None: ``table`` for rows, ``turtle`` for a graph), or a
    UsageError: a table, Markdown or CSV asked for a graph is refused, never silently replaced by Turtle.

    >>> check_format("graph"), check_format("graph", "json"), check_format("bindings")
    ('turtle', 'jsonld', 'table')
    """
    if fmt is None:
        return "turtle" if kind == "graph" else "table"
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if kind == "graph":
        fmt = {"json": "jsonld"}.get(fmt, fmt)
        if not is_rdf_format(fmt):
            choices = ", ".join(RDF_FORMATS)
            raise UsageError(
                f"--format {fmt} is for SELECT and ASK results; a graph (CONSTRUCT, DESCRIBE) can be {choices}"
            )
        return rdf_format(fmt).name
    if fmt not in BINDINGS_FORMATS:
        raise UsageError(f"--format {fmt} is for graphs; SELECT and ASK results can be {', '.join(BINDINGS_FORMATS)}")
    return fmt


def _format_graph(graph: Graph | None, fmt: str) -> str:
    from rdflib import Graph

    from kg.writers import serialize  # only for a graph: a table, the common answer, needs no writer

    return serialize(Graph() if graph is None else graph, fmt)
