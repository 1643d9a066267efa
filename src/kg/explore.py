"""Render the projection as one self-contained HTML page that works offline (``kg explore``).

The page is built with pyvis and the project's own template (``templates/explorer.html``):
vis-network is inlined from the copy pyvis ships, nothing is loaded from anywhere else, and a
Content-Security-Policy allows only the inline assets. All data (nodes, edges, labels in both
languages, the article text, the mentions, the folding table of :mod:`kg.text`) is embedded as
JSON in ``<script type="application/json">`` elements, escaped so that no label can close its
element; the page's script sets every label as text, never as HTML.

>>> from kg import resources
>>> html = render_html(as_projection(data=[resources.root() / "tests/fixtures/explorer/mini.ttl"]))
>>> html.startswith("<!DOCTYPE html>"), "<link" in html, html.count("</script>")
(True, False, 6)
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import networkx as nx
import pyvis
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from pyvis.network import Network
from rdflib import Graph

from kg.errors import OutputError
from kg.load import article_text
from kg.output import write_atomically
from kg.project import as_projection
from kg.stats import centrality
from kg.text import fold

TEMPLATE = "explorer.html"
VIS_JS = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"

#: Only inline scripts and styles; no network, no plugins, no forms, no base URL.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
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

#: vis-network options: the layout settles (then the page turns physics off) and is reproducible.
VIS_OPTIONS: dict[str, Any] = {
    "autoResize": True,
    "layout": {"randomSeed": 7, "improvedLayout": True},
    "nodes": {
        "borderWidth": 1,
        "font": {
            "size": 14,
            "face": "Vazirmatn, Tahoma, DejaVu Sans, sans-serif",
            "strokeWidth": 3,
            "strokeColor": "#ffffff",
        },
        "scaling": {"min": 8, "max": 34, "label": {"enabled": False}},
        "widthConstraint": {"maximum": 170},
    },
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        "color": {"color": "#9aa3ad", "highlight": "#2b2b2b", "hover": "#2b2b2b"},
        "font": {"size": 10, "align": "middle", "color": "#5f6770", "strokeWidth": 3, "strokeColor": "#ffffff"},
        "smooth": {"enabled": True, "type": "continuous", "roundness": 0.3},
        "selectionWidth": 2,
        "width": 1,
    },
    "physics": {
        "enabled": True,
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {
            "gravitationalConstant": -160,
            "centralGravity": 0.01,
            "springLength": 110,
            "springConstant": 0.05,
            "avoidOverlap": 0.7,
        },
        "minVelocity": 1,
        "stabilization": {"enabled": True, "iterations": 400, "updateInterval": 40, "fit": True},
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
        "relayout": "Re-run layout",
        "busy": "Laying out the graph…",
        "classes": "Classes",
        "all": "all",
        "none": "none",
        "neighbourhood": "Only the neighbourhood of the selected node",
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
    },
    "fa": {
        "title": "همکاری ایران و قزاقستان: گراف دانش یک خبر ایسنا",
        "search": "جست‌وجوی موجودیت، به فارسی یا انگلیسی…",
        "noMatch": "چیزی یافت نشد",
        "switchLang": "English",
        "relayout": "چیدمان دوباره",
        "busy": "در حال چیدن گراف…",
        "classes": "رده‌ها",
        "all": "همه",
        "none": "هیچ",
        "neighbourhood": "فقط همسایگی گرهٔ برگزیده",
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
    },
}


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
    ranges of combining marks (dropped after NFKD) and every whitespace character (dropped)."""
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


def _tooltip(attrs: dict[str, Any], classes: dict[str, dict[str, str]], lang: str) -> str:
    cls = classes.get(attrs["cls"], {}).get(lang, attrs["cls"])
    return f"{attrs[f'label_{lang}']} — {cls}"


def build_network(graph: nx.MultiDiGraph, lang: str = "en", scores: dict[str, float] | None = None) -> Network:
    """The pyvis network of a projection: colour and shape by group, size by centrality, labels in ``lang``.

    Nodes and edges are added one by one (``Network.from_nx`` would copy every attribute, ours
    included, into vis options). ``scores`` are the centralities (computed if not given).
    """
    groups = {g["key"]: g for g in graph.graph["groups"]}
    classes = graph.graph["classes"]
    properties = graph.graph["properties"]
    if scores is None:
        scores = centrality(graph) if graph.number_of_nodes() else {}
    net = Network(height="100%", width="100%", directed=True, heading=UI_TEXT[lang]["title"], cdn_resources="in_line")
    for node, attrs in graph.nodes(data=True):
        group = groups[attrs["group"]]
        net.add_node(
            node,
            label=attrs[f"label_{lang}"],
            shape=group["shape"],
            color=group["color"],
            value=round(math.sqrt(scores.get(node, 0.0)), 4),
            title=_tooltip(attrs, classes, lang),
            kgGroup=attrs["group"],
        )
    pair_count: dict[frozenset[str], int] = {}
    for index, (u, v, attrs) in enumerate(graph.edges(data=True)):
        prop = attrs["prop"]
        label = attrs.get(f"label_{lang}") or properties.get(prop, {}).get(lang, prop)
        options: dict[str, Any] = {"id": f"e{index}", "label": label, "title": label, "prop": prop}
        if "label_en" in attrs:
            options["labels"] = {"en": attrs["label_en"], "fa": attrs["label_fa"]}
        pair = frozenset((u, v))
        seen = pair_count[pair] = pair_count.get(pair, 0) + 1
        if seen > 1:  # parallel edges: curve each one differently so that all show
            options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.18 * (seen - 1)}
        net.add_edge(u, v, **options)
    net.options = json.loads(json.dumps(VIS_OPTIONS))
    return net


def _page_data(graph: nx.MultiDiGraph, text: str, lang: str) -> dict[str, Any]:
    """Everything the page's script needs besides the vis nodes and edges."""
    counts: dict[str, int] = {}
    meta: dict[str, Any] = {}
    limit = len(text)
    for node, attrs in graph.nodes(data=True):
        counts[attrs["group"]] = counts.get(attrs["group"], 0) + 1
        entry: dict[str, Any] = {
            "iri": attrs["iri"],
            "cls": attrs["cls"],
            "group": attrs["group"],
            "label": {"en": attrs["label_en"], "fa": attrs["label_fa"]},
            "alt": [list(pair) for pair in attrs["alt_labels"]],
            "wd": attrs["wikidata"],
            "lit": attrs["literals"],
            "val": attrs["values"],
            "men": [list(span) for span in attrs["mentions"] if 0 <= span[0] < span[1] <= limit],
            "slips": attrs["slips"],
        }
        if "slip" in attrs:
            entry["slip"] = attrs["slip"]
        meta[node] = entry
    groups = [{**g, "count": counts.get(g["key"], 0)} for g in graph.graph["groups"]]
    return {
        "lang": lang,
        "groups": groups,
        "classes": graph.graph["classes"],
        "props": graph.graph["properties"],
        "meta": meta,
        "text": text,
        "sentences": [list(span) for span in sentence_spans(text)],
        "fold": fold_table(),
        "foldGeneric": fold_generic(),
        "i18n": UI_TEXT,
    }


def render_html(graph: nx.MultiDiGraph | Graph, *, text: str | None = None, lang: str = "en") -> str:
    """The explorer page for ``graph`` (a projection or an RDF graph), as one HTML string.

    ``text`` is the article the mentions point into: by default the graph's own ``nif:isString``,
    else the shipped ``data/article.txt``. ``lang`` (``en`` or ``fa``) is the language it opens in.
    """
    if lang not in UI_TEXT:
        raise OutputError(f"unknown language {lang!r}: use one of {', '.join(UI_TEXT)}")
    projection = as_projection(graph)
    if text is None:
        text = projection.graph.get("text") or article_text()
    net = build_network(projection, lang)
    template_dir = files("kg").joinpath("templates")
    net.set_template_dir(str(template_dir) + os.sep, TEMPLATE)
    # pyvis's own Environment does not escape; ours escapes by default and gets the page's assets.
    env = Environment(loader=FileSystemLoader(str(template_dir)), autoescape=True, keep_trailing_newline=True)
    env.filters["json_script"] = json_for_script
    env.globals.update(
        csp=CSP,
        kg=_page_data(projection, text, lang),
        css=_inline_asset(_read_template_file("explorer.css"), "</style"),
        app_js=_inline_asset(_read_template_file("explorer.js"), "</script"),
        vis_js=_inline_asset(VIS_JS.read_text(encoding="utf-8"), "</script"),
    )
    net.templateEnv = env
    return net.generate_html(name=TEMPLATE)


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

    def format(self) -> str:
        return (
            f"wrote explorer: {self.path} ({self.nodes} nodes, {self.edges} edges, "
            f"{self.size / 1024:.0f} KiB, {self.seconds:.2f} s)"
        )


def write_explorer(
    out: str | Path = "build/explorer.html", data: Sequence[str | Path] | None = None, lang: str = "en"
) -> ExplorerResult:
    """Load ``data`` (default: the shipped data), project it and write the explorer page to ``out``."""
    started = time.perf_counter()
    projection = as_projection(data=data)
    html = render_html(projection, lang=lang)
    path = Path(out)
    write_atomically({path: html})
    return ExplorerResult(
        path,
        projection.number_of_nodes(),
        projection.number_of_edges(),
        len(html.encode("utf-8")),
        time.perf_counter() - started,
    )
