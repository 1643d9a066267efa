"""Values as people read them, in the reader's language: for the site's tables (never for CSV or JSON).

A result cell arrives as the literal's lexical form and its datatype; this
module gives the text a reader sees and a kind (``number``, ``date``,
``text``) the page uses to keep the value whole (no line break inside) and
set its direction. The files a researcher downloads keep the raw values.

- Numbers are grouped by thousands in the UI's digits: ``265,200,000`` and
  ``۲۶۵٬۲۰۰٬۰۰۰`` (:func:`kg.i18n.format_number`); numbers of four digits or
  fewer stay ungrouped, so a Solar Hijri year ``1400`` is never ``1,400``.
- Dates (``xsd:date``, ``xsd:gYear``, ``xsd:dateTime``) stay in ISO order,
  the form the data states them in and one no reader misreads, with the UI's
  digits; the page keeps them on one line, left to right.
- Booleans read yes/no, simple durations (``P1Y``) read as a length.

Units are IRIs in the data (``kgc:tonne``) and are shown by their labels like
every IRI; the language-aware parts (digits, separators, words) come from
:mod:`kg.i18n`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from kg.i18n import digits, format_number, term_label, text
from kg.publish.paths import leaves_site, short_name
from kg.sparql.results import Result
from kg.sparql.syntax import Query
from kg.sparql.tables import Cell, display_table

_INTEGER_TYPES = {
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger",
    "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
}  # fmt: skip
_NUMBER_TYPES = _INTEGER_TYPES | {"decimal", "double", "float"}
_DATE_TYPES = {"date", "dateTime", "gYear", "gYearMonth", "time"}
_DURATION = re.compile(r"^P(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)D)?$")


@dataclass(frozen=True)
class Shown:
    """A value as the page shows it: its ``text`` and ``kind`` (``number``, ``date`` or ``text``)."""

    text: str
    kind: str = "text"


def readable_value(lexical: str, datatype: str, lang: str) -> Shown:
    """How the page shows a literal of ``datatype`` (a prefixed name such as ``xsd:integer``, or '')."""
    local = datatype.removeprefix("xsd:") if datatype.startswith("xsd:") else ""
    if local in _NUMBER_TYPES:
        written = format_number(lexical, lang)
        return Shown(written, "number") if written is not None else Shown(lexical)
    if local in _DATE_TYPES:
        return Shown(digits(lexical, lang), "date")
    if local == "boolean" and lexical in ("true", "false", "1", "0"):
        return Shown(text("site", "yes" if lexical in ("true", "1") else "no", lang))
    if local == "duration":
        match = _DURATION.match(lexical)
        if match and any(match.groups()):
            parts = [
                text("site", unit, lang, n=int(amount))
                for amount, unit in zip(match.groups(), ("years", "months", "days"), strict=True)
                if amount
            ]
            return Shown(text("site", "list_separator", lang).join(parts), "number")
    return Shown(lexical)


# --------------------------------------------------------------------------- a result as the site's table


@dataclass(frozen=True)
class ShownCell:
    """A table cell: its text and kind, the IRI it stands for or links to, its tooltip, whether it is code
    (an IRI without a label, shown as a prefixed name: left to right), whether its IRI is another site's
    (``away``: linked off the site, marked so, where the site has no page for it) and whether it is empty."""

    text: str
    kind: str = "text"
    iri: str | None = None
    tip: str = ""
    code: bool = False
    away: bool = False

    @property
    def empty(self) -> bool:
        return not self.text


@dataclass(frozen=True)
class ShownTable:
    """A result as the site shows it: column headers in the reader's language, cells, notes."""

    headers: list[str]
    #: Whether a header is a variable name (``?x``, code) rather than a name from the query file.
    header_code: list[bool]
    rows: list[list[ShownCell]]
    #: Sentences on columns that are empty in some or all rows ("Signatory is given in 2 of the 9 rows.").
    notes: list[str]


def readable_cell(cell: Cell, lang: str, names: Callable[[str], str | None] | None = None) -> ShownCell:
    """A cell of :func:`kg.sparql.tables.display_table` as the reader sees it; ``names`` names an IRI that has
    no label (a mention by the article's words it marks, a standard term in ``lang``), where the site knows one."""
    away = bool(cell.iri) and leaves_site(cell.iri or "")
    if cell.iri and not cell.tip.startswith(("xsd:", "@", "rdf:")) and cell.text == cell.tip:
        named = names(cell.iri) if names is not None else None
        if named:
            return ShownCell(named, iri=cell.iri, tip=cell.tip, away=away)
        if away and cell.tip.startswith("<"):  # another site's IRI, no label, no prefix: named, never shown whole
            return ShownCell(term_label(cell.tip, lang) or short_name(cell.iri), iri=cell.iri, tip=cell.tip, away=True)
        return ShownCell(cell.text, iri=cell.iri, tip=cell.tip, code=True, away=away)  # no label: the prefixed name
    if cell.iri and cell.tip and cell.text != cell.tip and not cell.tip.startswith(("xsd:", "@")):
        return ShownCell(cell.text, iri=cell.iri, tip=cell.tip, away=away)  # an IRI shown by its label
    shown = readable_value(cell.text, cell.tip, lang) if not cell.tip.startswith("@") else Shown(cell.text)
    return ShownCell(shown.text, shown.kind, cell.iri, cell.tip)


def readable_table(
    result: Result, lang: str, query: Query | None = None, names: Callable[[str], str | None] | None = None
) -> ShownTable:
    """The result's table in ``lang``: headers from the query file's ``# column:`` lines (else ``?name``),
    values as people read them (IRIs with no label named by ``names``, where it knows them), and a note for
    each column that is empty in some rows."""
    columns, rows = display_table(result)
    if result.kind == "boolean":
        headers, code = [text("site", "answer", lang)], [False]
    elif result.kind == "graph":
        headers, code = [text("site", name, lang) for name in ("subject", "predicate", "object")], [False] * 3
    else:
        headers = [query.column(c, lang) if query is not None else f"?{c}" for c in columns]
        code = [h == f"?{c}" for h, c in zip(headers, columns, strict=True)]
    shown = [[readable_cell(cell, lang, names) for cell in row] for row in rows]
    notes = []
    total = len(shown)
    for index, header in enumerate(headers):
        given = sum(not row[index].empty for row in shown)
        if total and given == 0:
            notes.append(text("site", "column_empty", lang, column=header))
        elif total and given < total:
            notes.append(text("site", "column_given", lang, column=header, n=given, total=total))
    return ShownTable(headers, code, shown, notes)
