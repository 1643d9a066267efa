"""Result tables as people and programs read them: terminal tables, Markdown, HTML, and SPARQL CSV, TSV and JSON.

A table is drawn from :class:`Solutions` (a :class:`kg.sparql.results.Result`). In
the terminal, cells fit the width (cut with "…"), right-to-left cells are isolated
so a bidi-aware terminal keeps them in their column, and a label column ``?xLabel``
takes the place of its IRI column ``?x`` (:func:`label_columns`). The HTML table
(Jupyter, the site) escapes every string and isolates each cell (``dir=auto``).
SPARQL 1.1 CSV, TSV and JSON are written as the standard says (JSON one binding a
line, Persian as itself).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple, Protocol

from kg.i18n import digits, text
from kg.namespaces import PREFIXES
from kg.sparql.values import DATATYPES, IRI_CHARS, n3
from kg.terminal import printable
from kg.terms import PackedTerm, pack_term, prefixed

if TYPE_CHECKING:
    from rdflib import Graph


class Solutions(Protocol):
    """What a table is drawn from: the parts of a :class:`kg.sparql.results.Result` the tables read
    (the solutions as :data:`~kg.terms.PackedTerm`, plain data: no RDF library is needed to write them)."""

    kind: str
    variables: list[str]
    packed_rows: list[dict[str, PackedTerm]]
    boolean: bool | None
    graph: Graph | None
    truncated: bool
    max_rows: int | None
    labels: dict[str, str]

    @property
    def notice(self) -> str: ...


def _plain(term: PackedTerm | None) -> str:
    """SPARQL CSV: IRIs and literals as their bare text, blank nodes as _:label."""
    if term is None:
        return ""
    if term[0] == "b":
        return f"_:{term[1]}"
    return term[1]


def format_csv(result: Solutions) -> str:
    import csv  # csv, io, json: imported by the format that writes with them
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.packed_rows:
        writer.writerow([_plain(row.get(v)) for v in result.variables])
    return out.getvalue()


_TURTLE_NUMBER = {
    DATATYPES["integer"]: re.compile(r"^[+-]?[0-9]+$"),
    DATATYPES["decimal"]: re.compile(r"^[+-]?[0-9]*\.[0-9]+$"),
    DATATYPES["boolean"]: re.compile(r"^(true|false)$"),
}


def tsv_term(term: PackedTerm | None) -> str:
    """SPARQL TSV: terms in Turtle syntax, numbers and booleans abbreviated."""
    if term is None:
        return ""
    kind, value = term[0], term[1]
    if kind == "b":
        return f"_:{value}"
    if kind == "l" and term[2] is not None:
        pattern = _TURTLE_NUMBER.get(term[2])
        if pattern is not None and pattern.match(value):
            return value
    if kind == "i" and not IRI_CHARS.match(value):
        return f"<{value}>"
    return n3(term)


def format_tsv(result: Solutions) -> str:
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(tsv_term(row.get(v)) for v in result.variables) for row in result.packed_rows]
    return "\n".join(lines) + "\n"


def term_to_json(term: PackedTerm) -> dict[str, str]:
    """One term in the SPARQL 1.1 Query Results JSON Format."""
    kind, value = term[0], term[1]
    if kind == "i":
        return {"type": "uri", "value": value}
    if kind == "b":
        return {"type": "bnode", "value": value}
    json_term = {"type": "literal", "value": value}
    if term[3]:
        json_term["xml:lang"] = term[3]
    elif term[2] is not None:
        json_term["datatype"] = term[2]
    return json_term


def format_json(result: Solutions) -> str:
    """SPARQL 1.1 JSON results, one binding per line, Persian as itself (not \\u escapes)."""
    import json

    head = json.dumps({"vars": result.variables}, ensure_ascii=False)
    rows = [json.dumps({k: term_to_json(v) for k, v in row.items()}, ensure_ascii=False) for row in result.packed_rows]
    bindings = "[\n  " + ",\n  ".join(rows) + "\n]" if rows else "[]"
    return f'{{"head": {head},\n"results": {{"bindings": {bindings}}}}}\n'


def _display(term: PackedTerm | None, labels: Mapping[str, str]) -> str:
    """A term as a reader sees it: an IRI's label (else its prefixed name), a literal's bare value."""
    if term is None:
        return ""
    kind, value = term[0], term[1]
    if kind == "i":
        return labels.get(value) or prefixed(value)
    if kind == "b":
        return f"_:{value}"
    return value


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


#: Code points whose terminal width is known without importing wcwidth: the characters of the graph's
#: tables (Latin-1 and Latin Extended, combining diacritics, Arabic with its supplements and presentation
#: forms, general punctuation with ZWNJ and the directional isolates). Each takes one column but those of
#: :data:`_ZERO_WIDTH`. Both are wcwidth's own answers, copied: importing wcwidth (0.9) costs about 0.8
#: of a whole cold ``kg query`` of pyoxigraph's, for characters whose widths it only looks up; wcwidth
#: 0.2.13 to 0.9.5 agree on every one, and tests/test_tables.py checks them against the installed wcwidth.
_KNOWN_WIDTH = ((0x00A0, 0x036F), (0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0x2000, 0x206F),
                (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))  # fmt: skip
_ZERO_WIDTH = ((0x0300, 0x036F), (0x0610, 0x061A), (0x061C, 0x061C), (0x064B, 0x065F), (0x0670, 0x0670),
               (0x06D6, 0x06DC), (0x06DF, 0x06E4), (0x06E7, 0x06E8), (0x06EA, 0x06ED), (0x08CA, 0x08E1),
               (0x08E3, 0x08FF), (0x200B, 0x200F), (0x2028, 0x202E), (0x2060, 0x206F), (0xFEFF, 0xFEFF))  # fmt: skip


def _within(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


class _Widths(dict[str, int]):
    """Terminal columns of each character met so far, each found once per distinct character.

    Printable ASCII is one column (as :func:`_width` counts it); a character of :data:`_KNOWN_WIDTH` is
    one column or none (:data:`_ZERO_WIDTH`), as wcwidth says; any other is asked of wcwidth, imported
    then (about 17 ms on this machine's idle cores: more than a warm ``kg query`` of a table costs in all).
    """

    def __missing__(self, char: str) -> int:
        code = ord(char)
        if char.isascii() and char.isprintable():
            width = 1
        elif _within(code, _KNOWN_WIDTH):
            width = 0 if _within(code, _ZERO_WIDTH) else 1
        else:
            from wcwidth import wcwidth

            width = max(wcwidth(char), 0)
        self[char] = width
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
    if text.isascii() and text.isprintable():  # a column a character: no width to ask of wcwidth
        return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"
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


def format_table(
    result: Solutions,
    labels: Mapping[str, str],
    *,
    width: int | None = None,
    iris: bool = False,
    lang: str = "en",
) -> str:
    """Aligned columns, fitted to ``width`` terminal columns (None: never cut a cell).

    A label column replaces its IRI column unless ``iris`` (see :func:`label_columns`).
    Right-to-left cells are wrapped in Unicode isolates (RLI ... PDI) so that a
    bidi-aware terminal keeps them in their column, and mostly-RTL columns are
    right-aligned. Cells too wide are cut with "…"; headers are never cut.
    """
    columns = [v for v, _ in label_columns(result.variables, iris=iris)]
    header = [f"?{v}" for v in columns]
    # Control characters of the data (an ESC sequence in a label) are shown as escapes, never obeyed.
    texts = [[printable(" ".join(_display(row.get(v), labels).split()), lines=False) for v in columns]
             for row in result.packed_rows]  # fmt: skip
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
    count = len(result.packed_rows)
    if result.truncated:
        footer = text("sparql", "table_cut", lang, n=count, max=digits(str(result.max_rows), lang))
    else:
        footer = text("sparql", "table_rows", lang, n=count)
    return "\n".join([*lines, footer]) + "\n"


class Cell(NamedTuple):
    """A result cell as a reader sees it: ``text``, the ``iri`` it stands for or links to, a ``tip``
    (the datatype or language of a literal, the prefixed name of an IRI)."""

    text: str
    iri: str | None = None
    tip: str = ""


def _cell_of(term: PackedTerm | None, labels: Mapping[str, str], link: PackedTerm | None = None) -> Cell:
    if term is not None and term[0] == "i":
        return Cell(_display(term, labels), term[1], prefixed(term[1]))
    target = link[1] if link is not None and link[0] == "i" else None
    if term is not None and term[0] == "l":
        tip = f"@{term[3]}" if term[3] else prefixed(term[2] or PREFIXES["xsd"] + "string")
        return Cell(term[1], target, tip)
    return Cell(_display(term, labels), target)


def display_table(result: Solutions, *, iris: bool = False) -> tuple[list[str], list[list[Cell]]]:
    """The column names and cells of a result as a reader sees it: labels in place of IRI columns
    (:func:`label_columns`), IRIs as labels, literals as their bare values; an ASK answer as one
    ``boolean`` cell, a graph as ``subject, predicate, object`` rows."""
    labels = {} if iris else result.labels
    if result.kind == "boolean":
        return ["boolean"], [[Cell("true" if result.boolean else "false", tip="xsd:boolean")]]
    if result.kind == "graph":
        triples = sorted(result.graph or (), key=lambda t: tuple(str(x) for x in t))
        return ["subject", "predicate", "object"], [[_cell_of(pack_term(x), labels) for x in t] for t in triples]
    columns = label_columns(result.variables, iris=iris)
    rows = [
        [_cell_of(row.get(v), labels, row.get(link) if link else None) for v, link in columns]
        for row in result.packed_rows
    ]
    return [v for v, _ in columns], rows


class LinkSite:
    """Where the IRIs of an HTML result table link (:func:`link_site`): the site's address and page language;
    no address: to the IRIs themselves."""

    def __init__(self, url: str | None = None, lang: str = "en") -> None:
        self.url = url
        self.lang = lang

    def href(self, iri: str) -> str:
        """The link of ``iri``: its page on the site (``id/kazakhstan.html``), else the IRI itself."""
        if self.url is None:
            return iri
        from kg.publish.paths import page_path  # the site's paths: only for links to a site

        path = page_path(iri, self.lang)
        return self.url + path if path is not None else iri


#: The one setting of the tables' links (a notebook sets it with kg.notebook.link_site).
LINKS = LinkSite()
_TO_IRIS = (
    "Links go to the graph's IRIs under https://w3id.org/iran-kazakhstan-kg/, which resolve only once that "
    "address is registered; kg.notebook.link_site(URL) links them to the pages of a kg serve or a static site."
)


def link_site(url: str | None, lang: str = "en") -> None:
    """Link the IRIs of HTML result tables (a notebook's ``Result``) to their pages on the site at ``url`` (a
    running ``kg serve``, ``http://127.0.0.1:7878/``, or a static site from ``kg publish``, which has the same
    paths), in ``lang``; ``None``: back to the IRIs themselves."""
    from kg.i18n import LANGUAGES

    if url is not None and (not url.startswith(("http://", "https://", "file:///")) or not url.endswith("/")):
        raise ValueError(f"the site must be an http(s) or file URL ending in '/', not {url!r}")
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    LINKS.url, LINKS.lang = url, lang


def render_html_table(result: Solutions) -> str:
    """The result as one HTML ``<table>``: escaped text, each cell ``dir=auto`` (isolated), IRIs linked (to
    their pages on the site :func:`link_site` names, else to the IRIs, which the table's title says), a
    literal's datatype or language as its tooltip; a note when the rows were cut."""
    from markupsafe import escape  # HTML only

    columns, rows = display_table(result)
    where = f"Links go to the pages of {LINKS.url}" if LINKS.url else _TO_IRIS
    out = [f'<table class="kg-result" title="{escape(where)}">', "<thead><tr>"]
    out += [f"<th>{escape(c)}</th>" for c in columns]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>")
        for cell in row:
            text = str(escape(cell.text))  # the dir=auto cell isolates it (a <bdi> would hide its direction)
            if cell.iri:
                text = f'<a href="{escape(LINKS.href(cell.iri))}">{text}</a>'
            tip = f' title="{escape(cell.tip)}"' if cell.tip else ""
            out.append(f'<td dir="auto"{tip}>{text}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    if result.notice:
        out.append(f"<p>{escape(result.notice)}</p>")
    return "".join(out)


def format_md(result: Solutions, labels: Mapping[str, str]) -> str:
    def cell(term: PackedTerm | None) -> str:
        text = _display(term, labels).replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")
        if term is not None and term[0] == "i":
            return f"[{text}](<{term[1]}>)"
        return text

    lines = ["| " + " | ".join(result.variables) + " |", "|" + "---|" * len(result.variables)]
    lines += ["| " + " | ".join(cell(row.get(v)) for v in result.variables) + " |" for row in result.packed_rows]
    return "\n".join(lines) + "\n"
