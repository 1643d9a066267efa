"""Render the projection as one self-contained HTML page that works offline (``kg explore``).

The page is the project's own template (``templates/explorer.html``, Jinja2 with autoescape)
with everything inlined: vis-network, the page's script and styles, and the data as JSON in
``<script type="application/json">`` elements, escaped so that no label can close its element.
A Content-Security-Policy allows only the inline assets; the script sets every label as text.

Why not pyvis: its ``Network`` checks every added node against a list (quadratic: 26 s at
35 000 nodes), copies our attributes into vis options, and its copy of vis-network sits at a
private path of one pinned version. The page needs none of that: the nodes, edges and the
options are JSON the page hands to vis-network itself. vis-network 9.1.9 is vendored verbatim
(``templates/vendor/vis-network``: the ``dist`` build of the npm package, which includes
vis-data's ``DataSet``) with its MIT and Apache-2.0 licences; the page cannot fetch it at
runtime (no request off the page), so it has to ship with the package.

Positions are computed at build time (:func:`layout`, networkx's seeded spring layout), so the
page opens with physics off and shows a readable view at once. Above :data:`NODE_BUDGET` nodes
the page shows a focus view (:func:`focus_view`): the neighbourhood of one entity, or the
most central nodes, and says how much is hidden and how to change it.

>>> from kg import resources
>>> html = render_html(as_projection(data=[resources.root() / "tests/fixtures/explorer/mini.ttl"]))
>>> html.startswith("<!DOCTYPE html>"), "<link" in html, html.count("</script>")
(True, False, 4)
"""

from __future__ import annotations

import json
import math
import statistics
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import networkx as nx
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from rdflib import Graph, Literal, URIRef

from kg.errors import KgError, OutputError, UsageError
from kg.limits import FOCUS_HOPS, MAX_HTML_BYTES, NODE_BUDGET, QUESTION_ROWS
from kg.load import article_text
from kg.output import write_atomically
from kg.project import SPEC, as_projection, to_curie, to_networkx, undirected
from kg.stats import centrality, find_node
from kg.text import fold

TEMPLATE = "explorer.html"
VIS_DIR = files("kg").joinpath("templates", "vendor", "vis-network")
VIS_JS = VIS_DIR.joinpath("vis-network.min.js")
VIS_VERSION = "9.1.9"

#: Only inline scripts and styles; no network, no plugins, no forms, no base URL.
#: ``img-src`` allows data: and blob: only for the PNG export's preview; nothing is fetched.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; "
    "font-src data:; base-uri 'none'; form-action 'none'"
)

#: Code-point ranges whose folding is embedded in the page (Latin, combining marks, Arabic and its
#: presentation forms, general punctuation): the page folds exactly as :func:`kg.text.fold` does.
FOLD_RANGES = (
    (0x0000, 0x024F),
    (0x0300, 0x036F),
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0x1E00, 0x1EFF),
    (0x2000, 0x206F),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)

#: Font sizes (canvas px at zoom 1) from the least to the most central node: labels by importance.
#: At the first view only the labels of the more central nodes are large enough to be drawn;
#: zooming in draws the others.
FONT_MIN, FONT_MAX = 12, 22
#: The first view is the neighbourhood of the most central node of these groups (the visit and
#: its agreements, for the article), else of the most central node.
START_GROUPS = ("event",)
#: Labels drawn smaller than this on screen are not drawn at all (vis-network hides those under
#: ``drawThreshold - 1``), so every label one can see is at least 10 px high.
LABEL_THRESHOLD = 11
#: Median edge length of the precomputed layout, in canvas px.
EDGE_LENGTH = 190
#: From this many nodes the layout runs on dense numpy arrays (see :func:`layout`).
DENSE_LAYOUT_FROM = 500
#: Arc between two neighbours on one ring of the first view, in canvas px.
OVERVIEW_SPACING = 200

#: vis-network options: positions come with the nodes, physics stays off (the page can run it).
VIS_OPTIONS: dict[str, Any] = {
    "autoResize": True,
    "layout": {"randomSeed": 7, "improvedLayout": False},
    "nodes": {
        "borderWidth": 1,
        "font": {
            "size": FONT_MIN,
            "face": "Vazirmatn, Tahoma, DejaVu Sans, sans-serif",
            "strokeWidth": 3,
            "strokeColor": "#ffffff",
        },
        "scaling": {"min": 8, "max": 34, "label": {"enabled": False, "drawThreshold": LABEL_THRESHOLD}},
        "widthConstraint": {"maximum": 170},
    },
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        "color": {"color": "#9aa3ad", "highlight": "#2b2b2b", "hover": "#2b2b2b"},
        "font": {"size": 10, "align": "middle", "color": "#5f6770", "strokeWidth": 3, "strokeColor": "#ffffff"},
        "smooth": False,
        "selectionWidth": 2,
        "width": 1,
    },
    "physics": {
        "enabled": False,
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {
            "gravitationalConstant": -160,
            "centralGravity": 0.01,
            "springLength": 110,
            "springConstant": 0.05,
            "avoidOverlap": 0.7,
        },
        "minVelocity": 1,
        "stabilization": {"enabled": False, "iterations": 300, "updateInterval": 40, "fit": False},
    },
    "interaction": {"hover": True, "tooltipDelay": 250, "multiselect": False, "keyboard": {"enabled": False}},
}

#: Every string of the page's interface, in both languages (a test keeps the two key sets equal).
UI_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Iran–Kazakhstan cooperation: the knowledge graph of one ISNA article",
        "search": "Find an entity, in English or Persian…",
        "noMatch": "No match",
        "switchLang": "فارسی",
        "relayout": "Layout",
        "busy": "Laying out the graph…",
        "classes": "Classes",
        "all": "all",
        "none": "none",
        "neighbourhood": "Only the neighbourhood of the selected node (at first: of the starting point)",
        "hops": "hops",
        "edgeLabels": "Edge labels",
        "counts": "{nodes} of {totalNodes} nodes, {edges} of {totalEdges} edges shown",
        "details": "Details",
        "article": "Article",
        "empty": (
            "Click a node or an edge, or search for an entity: its labels, class, relations "
            "and the sentences of the article it comes from show here."
        ),
        "class": "Class",
        "id": "Id",
        "wikidata": "Wikidata",
        "alsoCalled": "Also called",
        "relations": "Relations",
        "attributes": "Attributes",
        "inArticle": "In the article",
        "noMention": "The article does not name it; it comes from a correction (see the slip).",
        "moreSentences": "… and {n} more sentences: read the whole article",
        "readArticle": "Read the whole article with every mention marked",
        "marked": "{n} mentions of «{label}» are marked.",
        "noneMarked": "Select a node to mark its mentions. Slips of the article are underlined.",
        "slip": "A slip of the article",
        "written": "As written",
        "intended": "Intended",
        "kind": "Kind",
        "reason": "Reason",
        "claimed": "The article claims (not asserted)",
        "corrected": "Correction (asserted in the graph)",
        "slipsHere": "The article slips here",
        "edge": "Relation",
        "property": "Property",
        "edgeSentences": "Sentences that name both ends",
        "subjectSentences": "Sentences of {label}",
        "zoomIn": "Zoom in",
        "zoomOut": "Zoom out",
        "fit": "Fit",
        "reset": "Reset",
        "png": "PNG",
        "csv": "CSV",
        "network": "Network",
        "questions": "Questions",
        "timeline": "Timeline",
        "filterRows": "Filter rows…",
        "rows": "{n} of {total} rows",
        "coverage": "The article gives {column} for {n} of the {total}.",
        "note": "Curator's note",
        "focusNote": (
            "Focus view: {shownNodes} of {totalNodes} nodes and {shownEdges} of {totalEdges} edges are shown "
            "({hiddenNodes} nodes and {hiddenEdges} edges hidden). A page draws at most {budget} nodes: rebuild "
            "with kg explore --budget N to change it, or pick the part with --focus ENTITY --hops K or --top K."
        ),
        "focusOn": "Centred on {label} (steps around it: {hops}).",
        "noAnswer": "This question could not be answered on this graph.",
        "noRows": "No rows.",
        "truncated": "Only the first {n} rows are kept.",
        "solarHijri": "Solar Hijri",
        "gregorian": "Gregorian",
        "showInNetwork": "Show in the network",
        "selectionCsv": "Relations as CSV",
    },
    "fa": {
        "title": "همکاری ایران و قزاقستان: گراف دانش یک خبر ایسنا",
        "search": "جست‌وجوی موجودیت، به فارسی یا انگلیسی…",
        "noMatch": "چیزی یافت نشد",
        "switchLang": "English",
        "relayout": "چیدمان",
        "busy": "در حال چیدن گراف…",
        "classes": "رده‌ها",
        "all": "همه",
        "none": "هیچ",
        "neighbourhood": "فقط همسایگی گرهٔ برگزیده (در آغاز: همسایگی نقطهٔ شروع)",
        "hops": "گام",
        "edgeLabels": "برچسب یال‌ها",
        "counts": "{nodes} از {totalNodes} گره و {edges} از {totalEdges} یال نمایش داده شده است",
        "details": "جزئیات",
        "article": "متن خبر",
        "empty": (
            "روی یک گره یا یال کلیک کنید یا موجودیتی را جست‌وجو کنید: برچسب‌ها، رده، پیوندها "
            "و جمله‌هایی از خبر که از آن‌ها آمده است اینجا نمایش داده می‌شود."
        ),
        "class": "رده",
        "id": "شناسه",
        "wikidata": "ویکی‌داده",
        "alsoCalled": "نام‌های دیگر",
        "relations": "پیوندها",
        "attributes": "ویژگی‌ها",
        "inArticle": "در متن خبر",
        "noMention": "متن خبر نامی از آن نمی‌برد؛ از یک اصلاح آمده است (لغزش را ببینید).",
        "moreSentences": "… و {n} جملهٔ دیگر: خواندن کل خبر",
        "readArticle": "خواندن کل خبر با نشانه‌گذاری همهٔ اشاره‌ها",
        "marked": "{n} اشاره به «{label}» نشانه‌گذاری شده است.",
        "noneMarked": "گره‌ای را برگزینید تا اشاره‌هایش نشانه‌گذاری شود. لغزش‌های متن زیرخط دارند.",
        "slip": "لغزش متن",
        "written": "نوشتهٔ متن",
        "intended": "صورت درست",
        "kind": "نوع",
        "reason": "دلیل",
        "claimed": "ادعای متن (اظهار نشده)",
        "corrected": "اصلاح (اظهارشده در گراف)",
        "slipsHere": "لغزش متن در این باره",
        "edge": "پیوند",
        "property": "ویژگی",
        "edgeSentences": "جمله‌هایی که هر دو سر را نام می‌برند",
        "subjectSentences": "جمله‌های {label}",
        "zoomIn": "بزرگ‌نمایی",
        "zoomOut": "کوچک‌نمایی",
        "fit": "همه",
        "reset": "بازنشانی",
        "png": "PNG",
        "csv": "CSV",
        "network": "شبکه",
        "questions": "پرسش‌ها",
        "timeline": "گاه‌شمار",
        "filterRows": "پالایش سطرها…",
        "rows": "{n} از {total} سطر",
        "coverage": "متن خبر {column} را برای {n} از {total} مورد آورده است.",
        "note": "یادداشت ویراستار",
        "focusNote": (
            "نمای کانونی: {shownNodes} از {totalNodes} گره و {shownEdges} از {totalEdges} یال نمایش داده شده "
            "({hiddenNodes} گره و {hiddenEdges} یال پنهان است). هر صفحه دست‌بالا {budget} گره دارد: برای تغییر آن "
            "دوباره بسازید: kg explore --budget N، یا بخشی را برگزینید: --focus ENTITY --hops K یا --top K."
        ),
        "focusOn": "با محوریت {label} (گام‌های پیرامون آن: {hops}).",
        "noAnswer": "این پرسش روی این گراف پاسخ داده نشد.",
        "noRows": "سطری نیست.",
        "truncated": "تنها {n} سطر نخست نگه داشته شده است.",
        "solarHijri": "هجری خورشیدی",
        "gregorian": "میلادی",
        "showInNetwork": "نمایش در شبکه",
        "selectionCsv": "پیوندها به صورت CSV",
    },
}


#: The table views: one per main class, each column read from the projection by the page
#: (``out``/``in``: the nodes at the end of a property; ``via``: two steps, or the node itself
#: when it is already of ``self``; ``lit``: literals, in ``lang`` when given, else in the UI's;
#: ``val``: concept values; ``claim``: a slip's claim or correction). Columns name projection
#: attributes and property names as they are: nothing is renamed on the way to the page.
TABLES: tuple[dict[str, Any], ...] = (
    {
        "group": "agreement",
        "columns": [
            {"kind": "label", "label": {"en": "Agreement", "fa": "سند"}},
            {"kind": "val", "prop": "kg:agreementKind", "label": {"en": "Kind", "fa": "نوع"}},
            {"kind": "out", "prop": "kg:party", "label": {"en": "Parties", "fa": "طرف‌ها"}},
            {
                "kind": "via",
                "props": ["kg:party", "kg:country"],
                "self": ["country"],
                "label": {"en": "Countries", "fa": "کشورها"},
            },
            {"kind": "out", "prop": "kg:signatory", "label": {"en": "Signatories", "fa": "امضاکنندگان"}},
            {"kind": "val", "prop": "kg:cooperationDomain", "label": {"en": "Domains", "fa": "حوزه‌ها"}},
            {"kind": "out", "prop": "kg:concludedDuring", "label": {"en": "Concluded during", "fa": "منعقدشده در"}},
        ],
    },
    {
        "group": "person",
        "columns": [
            {"kind": "label", "label": {"en": "Person", "fa": "شخص"}},
            {"kind": "out", "prop": "org:holds", "label": {"en": "Posts", "fa": "سمت‌ها"}},
            {"kind": "in", "prop": "kg:speaker", "label": {"en": "Statements", "fa": "گفته‌ها"}, "count": True},
        ],
    },
    {
        "group": "statement",
        "columns": [
            {"kind": "out", "prop": "kg:speaker", "label": {"en": "Speaker", "fa": "گوینده"}},
            {"kind": "lit", "prop": "schema:text", "lang": "fa", "label": {"en": "Persian text", "fa": "متن فارسی"}},
            {
                "kind": "lit",
                "prop": "kg:gloss",
                "lang": "en",
                "label": {"en": "English gloss", "fa": "برگردان انگلیسی"},
            },
            {"kind": "label", "label": {"en": "Statement", "fa": "گفته"}},
        ],
    },
    {
        "group": "figure",
        "columns": [
            {"kind": "label", "label": {"en": "Figure", "fa": "رقم"}},
            {"kind": "lit", "prop": "schema:value", "label": {"en": "Value", "fa": "مقدار"}},
            {"kind": "val", "prop": "kg:unit", "label": {"en": "Unit", "fa": "یکا"}},
            {"kind": "out", "prop": "kg:period", "label": {"en": "Period", "fa": "دوره"}},
        ],
    },
    {
        "group": "slip",
        "columns": [
            {"kind": "label", "label": {"en": "Slip", "fa": "لغزش"}},
            {"kind": "claim", "which": "claimed", "label": {"en": "The article claims", "fa": "ادعای متن"}},
            {"kind": "claim", "which": "corrected", "label": {"en": "Correction", "fa": "اصلاح"}},
            {"kind": "lit", "prop": "kg:reason", "label": {"en": "Reason", "fa": "دلیل"}},
        ],
    },
)

#: Literal datatypes the timeline places on its axis.
DATE_TYPES = ("xsd:date", "xsd:dateTime", "xsd:gYearMonth", "xsd:gYear")


@cache
def fold_table() -> dict[str, str]:
    """Every character of :data:`FOLD_RANGES` that :func:`kg.text.fold` changes, with its folded form."""
    table: dict[str, str] = {}
    for first, last in FOLD_RANGES:
        for code in range(first, last + 1):
            ch = chr(code)
            folded = fold(ch)
            if folded != ch:
                table[ch] = folded
    return table


@cache
def fold_generic() -> dict[str, Any]:
    """What the page needs to fold any other character as :func:`kg.text.fold` does: the code-point
    ranges of combining marks (dropped after NFKD) and every whitespace character (dropped).

    Read from :mod:`kg._fold_generic` (generated by :func:`write_fold_generic`) when it was made
    with this Python's Unicode database; otherwise computed (:func:`compute_fold_generic`, a scan
    of all 1.1 M code points: 0.3-0.5 s, most of an article's page data).
    """
    from kg import _fold_generic as shipped

    if unicodedata.unidata_version == shipped.UNIDATA_VERSION:
        return {"marks": [list(r) for r in shipped.MARKS], "spaces": "".join(map(chr, shipped.SPACES))}
    return compute_fold_generic()


def write_fold_generic(path: str | Path | None = None) -> Path:
    """Write :mod:`kg._fold_generic` (``path``: default, the module's own file) from this Python's Unicode database."""
    target = Path(path) if path is not None else Path(__file__).with_name("_fold_generic.py")
    table = compute_fold_generic()
    ranges = "".join(f"    ({a}, {b}),\n" for a, b in table["marks"])
    spaces = "".join(f"    {ord(ch)},\n" for ch in table["spaces"])
    text = (
        '"""Generated by kg.explore.write_fold_generic: see kg.explore.fold_generic. Do not edit."""\n\n'
        f'UNIDATA_VERSION = "{unicodedata.unidata_version}"\n'
        "#: Code points of the whitespace characters.\n"
        f"SPACES = (\n{spaces})\n"
        "#: Code-point ranges (first, last) of the combining marks.\n"
        f"MARKS = (\n{ranges})\n"
    )
    target.write_text(text, encoding="utf-8")
    return target


def compute_fold_generic() -> dict[str, Any]:
    """:func:`fold_generic`, computed from this Python's Unicode database (every code point)."""
    marks: list[list[int]] = []
    spaces: list[str] = []
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if ch.isspace():
            spaces.append(ch)
        if unicodedata.combining(ch):
            if marks and marks[-1][1] == code - 1:
                marks[-1][1] = code
            else:
                marks.append([code, code])
    return {"marks": marks, "spaces": "".join(spaces)}


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of ``text`` as code-point spans (end exclusive), split at line breaks and . ! ? ؟

    >>> t = "یک. دو؟ سه\\nچهار"
    >>> [t[b:e] for b, e in sentence_spans(t)]
    ['یک.', 'دو؟', 'سه', 'چهار']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for index, ch in enumerate(text):
        ends = ch == "\n" or (ch in ".!?؟" and (index + 1 == len(text) or text[index + 1].isspace()))
        if ends:
            spans.append((start, index if ch == "\n" else index + 1))
            start = index + 1
    spans.append((start, len(text)))
    out = []
    for begin, end in spans:
        while begin < end and text[begin].isspace():
            begin += 1
        while end > begin and text[end - 1].isspace():
            end -= 1
        if end > begin:
            out.append((begin, end))
    return out


def json_for_script(value: Any) -> Markup:
    """``value`` as JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` become ``\\u003c`` ``\\u003e`` ``\\u0026`` (so ``</script>`` and ``<!--``
    cannot appear), as do the line separators U+2028/U+2029; Persian stays readable UTF-8.

    >>> str(json_for_script({"label": "</script><img src=x>"}))
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x\\\\u003e"}'
    """
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return Markup(text)


def _inline_asset(text: str, closing: str) -> Markup:
    """A script or style to inline; it must not contain its own closing tag."""
    if closing in text.lower():
        raise OutputError(f"an inline asset contains {closing!r}; it cannot be inlined safely")
    return Markup(text)


def _read_template_file(name: str) -> str:
    return files("kg").joinpath("templates", name).read_text(encoding="utf-8")


def layout(graph: nx.MultiDiGraph) -> dict[str, tuple[int, int]]:
    """Positions of the nodes in canvas px, seeded: the same data gives the same page.

    Fruchterman–Reingold, as networkx's ``spring_layout(method="force")``, which we call below
    :data:`DENSE_LAYOUT_FROM` nodes. From there networkx switches to a sparse variant that loops
    over the nodes in Python (12.7 s at 1 500 nodes on the 2-core machine; its "energy" method
    6 s, Kamada–Kawai 5 s at 150 nodes): :func:`_spring` is the same algorithm on dense numpy
    arrays (float32; O(n²) memory: 18 MB at 1 500 nodes). Scaled so that the median edge
    is :data:`EDGE_LENGTH` px long.
    """
    simple = undirected(graph)
    n = simple.number_of_nodes()
    if n == 0:
        return {}
    if n < DENSE_LAYOUT_FROM:
        pos = nx.spring_layout(simple, seed=7, iterations=100, k=1.5 / math.sqrt(n), method="force")
    else:
        pos = _spring(simple, iterations=60)
    lengths = [math.dist(pos[u], pos[v]) for u, v in simple.edges()]
    median = statistics.median(lengths) if lengths else 1.0
    factor = EDGE_LENGTH / (median or 1.0)
    return {node: (round(float(x) * factor), round(float(y) * factor)) for node, (x, y) in pos.items()}


def _spring(simple: nx.Graph, iterations: int) -> dict[str, Any]:
    """Fruchterman–Reingold on dense arrays: repulsion k²/d between all pairs, attraction d²/k along
    edges, each step capped by a temperature that cools linearly (networkx's dense algorithm)."""
    import numpy as np

    nodes = list(simple)
    n = len(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    adjacency = np.zeros((n, n), dtype=np.float32)
    for u, v in simple.edges():
        adjacency[index[u], index[v]] = adjacency[index[v], index[u]] = 1.0
    pos = np.random.default_rng(7).random((n, 2), dtype=np.float32)
    k = 1.5 / math.sqrt(n)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.maximum(np.linalg.norm(delta, axis=-1), 0.01)
        force = k * k / distance**2 - adjacency * distance / k
        displacement = np.einsum("ijk,ij->ik", delta, force)
        length = np.maximum(np.linalg.norm(displacement, axis=-1), 0.01)
        pos += displacement * (temperature / length)[:, None]
        temperature -= cooling
    return {node: pos[index[node]] for node in nodes}


def importance(scores: dict[str, float], nodes: Sequence[str]) -> dict[str, float]:
    """Each node's rank among ``nodes`` by score, from 1 (the most central) down to 0."""
    ranked = sorted(nodes, key=lambda n: (-scores.get(n, 0.0), n))
    last = max(len(ranked) - 1, 1)
    return {node: 1 - index / last for index, node in enumerate(ranked)}


@dataclass(frozen=True)
class View:
    """What the page shows of a projection: ``graph`` (all of it, or a focus view) and what is hidden."""

    graph: nx.MultiDiGraph
    total_nodes: int
    total_edges: int
    budget: int
    focus: str | None = None
    hops: int | None = None
    top: int | None = None

    @property
    def partial(self) -> bool:
        return self.graph.number_of_nodes() < self.total_nodes

    def info(self) -> dict[str, Any]:
        return {
            "totalNodes": self.total_nodes,
            "totalEdges": self.total_edges,
            "shownNodes": self.graph.number_of_nodes(),
            "shownEdges": self.graph.number_of_edges(),
            "budget": self.budget,
            "focus": self.focus,
            "hops": self.hops,
            "top": self.top,
        }


def focus_view(
    graph: nx.MultiDiGraph,
    scores: dict[str, float],
    *,
    focus: str | None = None,
    hops: int | None = None,
    top: int | None = None,
    budget: int = NODE_BUDGET,
) -> View:
    """The part of ``graph`` the page draws.

    With ``focus`` (a node id, or an entity named by label as ``kg path`` finds it): the nodes within ``hops``
    steps of it (edges walked either way). With ``top``: the ``top`` most central nodes. Otherwise
    the whole graph if it has at most ``budget`` nodes, else the ``budget`` most central nodes.
    A focus ball larger than the budget keeps its ``budget`` most central nodes (the focus always).
    Raises UsageError for an unknown or ambiguous focus, or a budget, top or hops below 1.
    """
    hops = FOCUS_HOPS if hops is None else hops
    if budget < 1 or hops < 1 or (top is not None and top < 1):
        raise UsageError("--budget, --top and --hops must be at least 1")
    total_nodes, total_edges = graph.number_of_nodes(), graph.number_of_edges()
    rank = sorted(graph, key=lambda n: (-scores.get(n, 0.0), n))
    keep: set[str]
    start = (focus if focus in graph else find_node(graph, focus)) if focus is not None else None
    if start is not None:
        ball = set(nx.single_source_shortest_path_length(undirected(graph), start, cutoff=hops))
        keep = ball if len(ball) <= budget else {start, *[n for n in rank if n in ball][: budget - 1]}
    elif top is not None:
        keep = set(rank[: min(top, budget)])
    elif total_nodes <= budget:
        return View(graph, total_nodes, total_edges, budget)
    else:
        keep = set(rank[:budget])
    sub = graph.subgraph(sorted(keep)).copy()
    sub.graph.update(graph.graph)
    return View(sub, total_nodes, total_edges, budget, start, hops if start else None, top)


def timeline(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """The dated nodes, earliest first: ``{"node", "prop", "start", "end"}`` with ISO dates or year-months.

    A node's dated literals (:data:`DATE_TYPES`) are points; the dates of its ``time:hasBeginning``
    and ``time:hasEnd`` values make an interval.
    """
    out: list[dict[str, Any]] = []
    for node, attrs in graph.nodes(data=True):
        for lit in attrs["literals"]:
            if lit["lang"] in DATE_TYPES:
                out.append({"node": node, "prop": lit["prop"], "start": lit["text"], "end": None})
        ends = {v["prop"]: v.get("date") for v in attrs["values"] if v.get("date")}
        if "time:hasBeginning" in ends or "time:hasEnd" in ends:
            out.append(
                {
                    "node": node,
                    "prop": "time:hasBeginning",
                    "start": ends.get("time:hasBeginning"),
                    "end": ends.get("time:hasEnd"),
                }
            )
    return sorted(out, key=lambda e: (e["start"] or e["end"] or "", e["end"] or "", e["node"]))


def library_answers(graph: Graph, projection: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """The library's questions in both languages, each with its rows as the real query engine returns them.

    The one place where the explorer runs queries (through the public :func:`kg.sparql.query`). A row is a
    list of cells ``{"text": label}`` (plus ``"node"`` when the value is a node of the page); an
    ``?x`` column with an ``?xLabel`` column is folded into it. A query that fails keeps its
    ``{"error": true}`` instead of rows. At most :data:`QUESTION_ROWS` rows are kept. The queries
    run in this process, without a time limit: they are the library's own read-only queries, and a
    forked child per query (how a time limit is enforced) cost 1.3 s of 1.4 s on the article.
    """
    from kg.sparql import list_queries, open_engine, query

    engine = open_engine("oxigraph", graph=graph)
    nodes = {projection.nodes[n]["iri"]: n for n in projection}
    out = []
    for q in list_queries():
        if q.form != "SELECT":
            continue
        entry: dict[str, Any] = {"name": q.name, "title": q.title, "question": dict(q.questions), "answers": {}}
        for lang in ("en", "fa"):
            params = {"lang": lang} if any(p.name == "lang" for p in q.params) else {}
            try:
                result = query(
                    q.name, params, engine=engine, lang=lang, labels=True, max_rows=QUESTION_ROWS, timeout=None
                )
            except KgError:  # its message names files: the page says only that it has no answer
                entry["answers"][lang] = {"error": True}
                continue
            shown = [
                v for v in result.variables if not (v.endswith("Label") and v[: -len("Label")] in result.variables)
            ]
            rows = []
            for row in result.rows:
                cells = []
                for var in shown:
                    value, named = row.get(var), row.get(f"{var}Label")
                    cell: dict[str, Any] = {"text": "" if value is None else str(value)}
                    if isinstance(value, URIRef):
                        node = nodes.get(str(value))
                        label = projection.nodes[node][f"label_{lang}"] if node else None
                        cell["text"] = (
                            str(named) if named is not None else label or result.labels.get(value) or to_curie(value)
                        )
                        if node:
                            cell["node"] = node
                    elif isinstance(value, Literal) and value.language:
                        cell["lang"] = value.language
                    cells.append(cell)
                rows.append(cells)
            entry["answers"][lang] = {"vars": shown, "rows": rows, "truncated": result.truncated}
        out.append(entry)
    return out


def _page_data(
    view: View, text: str, lang: str, scores: dict[str, float], questions: list[dict[str, Any]]
) -> dict[str, Any]:
    """Everything the page's script needs: the projection's nodes with their attributes under the
    projection's own names (plus ``x``, ``y`` and ``font``), its edges, and the views' specs."""
    graph = view.graph
    counts: dict[str, int] = {}
    limit = len(text)
    positions = layout(graph)
    rank = importance(scores, list(graph))
    start = _start(graph, scores)
    nodes: dict[str, Any] = {}
    for node, attrs in graph.nodes(data=True):
        counts[attrs["group"]] = counts.get(attrs["group"], 0) + 1
        entry = dict(attrs)
        entry["alt_labels"] = [list(pair) for pair in attrs["alt_labels"]]
        entry["mentions"] = [list(span) for span in attrs["mentions"] if 0 <= span[0] < span[1] <= limit]
        entry["x"], entry["y"] = positions[node]
        entry["font"] = round(FONT_MIN + (FONT_MAX - FONT_MIN) * rank[node] ** 2)
        entry["size"] = round(9 + 22 * rank[node] ** 2)
        nodes[node] = entry
    edges = []
    for index, (u, v, attrs) in enumerate(graph.edges(data=True)):
        edges.append({"id": f"e{index}", "from": u, "to": v, **attrs})
    groups = [{**g, "count": counts.get(g["key"], 0)} for g in graph.graph["groups"]]
    present = {g["key"] for g in groups if g["count"]}
    return {
        "lang": lang,
        "groups": groups,
        "classes": graph.graph["classes"],
        "props": graph.graph["properties"],
        "nodes": nodes,
        "edges": edges,
        "start": start,
        "overview": overview_layout(graph, start),
        "view": view.info(),
        "tables": [t for t in TABLES if t["group"] in present],
        "questions": questions,
        "timeline": timeline(graph),
        "notes": [to_curie(p) for p in SPEC.notes],
        "text": text,
        "sentences": [list(span) for span in sentence_spans(text)],
        "fold": fold_table(),
        "foldGeneric": fold_generic(),
        "i18n": UI_TEXT,
    }


def _start(graph: nx.MultiDiGraph, scores: dict[str, float]) -> str | None:
    candidates = [n for n, g in graph.nodes(data="group") if g in START_GROUPS] or list(graph)
    return max(candidates, key=lambda n: (scores.get(n, 0.0), n), default=None)


def overview_layout(graph: nx.MultiDiGraph, start: str | None) -> dict[str, tuple[int, int]]:
    """Positions for the first view: ``start`` in the middle, its neighbours around it on two
    alternating rings (so that neighbouring labels do not touch), grouped by class, then by label."""
    if start is None:
        return {}
    simple = undirected(graph)
    ring = sorted(simple.adj[start], key=lambda n: (graph.nodes[n]["group"], graph.nodes[n]["label_en"], n))
    inner = max(1.3 * EDGE_LENGTH, math.ceil(len(ring) / 2) * OVERVIEW_SPACING / (2 * math.pi))
    out = {start: (0, 0)}
    for index, node in enumerate(ring):
        angle = 2 * math.pi * index / max(len(ring), 1) - math.pi / 2
        radius = inner * (1.4 if index % 2 else 1.0)
        out[node] = (round(radius * math.cos(angle)), round(radius * math.sin(angle)))
    return out


def render_html(
    graph: nx.MultiDiGraph | Graph | View,
    *,
    text: str | None = None,
    lang: str = "en",
    questions: list[dict[str, Any]] | None = None,
    scores: dict[str, float] | None = None,
) -> str:
    """The explorer page for ``graph`` (a projection, an RDF graph or a :class:`View`), as one HTML string.

    ``text`` is the article the mentions point into: by default the graph's own ``nif:isString``,
    else the shipped ``data/article.txt``. ``lang`` (``en`` or ``fa``) is the language it opens in.
    ``questions`` are :func:`library_answers` (computed here when ``graph`` is RDF, else none);
    ``scores`` the centralities (computed once here if not given). A projection larger than
    :data:`NODE_BUDGET` is shown as its focus view.
    """
    if lang not in UI_TEXT:
        raise OutputError(f"unknown language {lang!r}: use one of {', '.join(UI_TEXT)}")
    if isinstance(graph, Graph) and questions is None:
        questions = library_answers(graph, projection := to_networkx(graph))
        graph = projection
    if isinstance(graph, View):
        view = graph
    else:
        projection = as_projection(graph)
        if scores is None:
            scores = centrality(projection)
        view = focus_view(projection, scores)
    if scores is None:
        scores = centrality(view.graph)
    if text is None:
        text = view.graph.graph.get("text") or article_text()
    template_dir = files("kg").joinpath("templates")
    env = Environment(loader=FileSystemLoader(str(template_dir)), autoescape=True, keep_trailing_newline=True)
    env.filters["json_script"] = json_for_script
    data = _page_data(view, text, lang, scores, questions or [])
    return env.get_template(TEMPLATE).render(
        csp=CSP,
        kg=data,
        heading=UI_TEXT[lang]["title"],
        options=VIS_OPTIONS,
        vis_version=VIS_VERSION,
        css=_inline_asset(_read_template_file("explorer.css"), "</style"),
        app_js=_inline_asset(_read_template_file("explorer.js"), "</script"),
        vis_js=_inline_asset(VIS_JS.read_text(encoding="utf-8"), "</script"),
    )


def write_html(graph: Graph, path: Path) -> None:
    """The build's writer: the explorer page of ``graph`` at ``path``."""
    write_atomically({Path(path): render_html(graph)})


@dataclass(frozen=True)
class ExplorerResult:
    path: Path
    nodes: int
    edges: int
    size: int
    seconds: float
    view: dict[str, Any] = field(default_factory=dict)

    def format(self) -> str:
        line = (
            f"wrote explorer: {self.path} ({self.nodes} nodes, {self.edges} edges, "
            f"{self.size / 1024:.0f} KiB, {self.seconds:.2f} s)"
        )
        info = self.view
        if info and info["shownNodes"] < info["totalNodes"]:
            line += (
                f"\n  focus view: {info['shownNodes']} of {info['totalNodes']} nodes and {info['shownEdges']} of "
                f"{info['totalEdges']} edges shown (budget {info['budget']}; change it with --budget N, "
                "or pick with --focus ENTITY --hops K or --top K)"
            )
        return line


def write_explorer(
    out: str | Path = "build/explorer.html",
    data: Sequence[str | Path] | None = None,
    lang: str = "en",
    *,
    focus: str | None = None,
    hops: int | None = None,
    top: int | None = None,
    budget: int | None = None,
) -> ExplorerResult:
    """Load ``data`` (default: the shipped data), project it and write the explorer page to ``out``.

    Above ``budget`` nodes (default :data:`NODE_BUDGET`), or with ``focus`` (``hops`` steps around
    it, default :data:`FOCUS_HOPS`) or ``top``, the page is a focus view (:func:`focus_view`). A page
    larger than :data:`MAX_HTML_BYTES` (nodes with long texts) is rendered again with a budget of
    two thirds of the nodes it drew, until it fits; the page gives the budget it ended with.
    """
    from kg.load import load_graph

    started = time.perf_counter()
    graph = load_graph(data)
    projection = to_networkx(graph)
    scores = centrality(projection)
    hops = FOCUS_HOPS if hops is None else hops
    view = focus_view(
        projection, scores, focus=focus, hops=hops, top=top, budget=NODE_BUDGET if budget is None else budget
    )
    questions = library_answers(graph, projection)
    html = render_html(view, lang=lang, questions=questions, scores=scores)
    while len(html.encode("utf-8")) > MAX_HTML_BYTES and view.graph.number_of_nodes() > 1:
        smaller = max(1, view.graph.number_of_nodes() * 2 // 3)
        view = focus_view(projection, scores, focus=focus, hops=hops, top=top, budget=smaller)
        html = render_html(view, lang=lang, questions=questions, scores=scores)
    path = Path(out)
    write_atomically({path: html})
    return ExplorerResult(
        path,
        view.graph.number_of_nodes(),
        view.graph.number_of_edges(),
        len(html.encode("utf-8")),
        time.perf_counter() - started,
        view.info(),
    )
