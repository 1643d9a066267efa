"""Render the projection as one self-contained HTML page that works offline (``kg explore``).

The page is the project's own template (``templates/explorer.html``, Jinja2 with autoescape)
with everything inlined: vis-network, the page's script (its ES modules joined by
:mod:`kg.explore.script`) and styles, and the data as JSON in ``<script type="application/json">``
elements, escaped so that no label can close its element. A Content-Security-Policy allows only
the inline assets; the script sets every label as text.

Why not pyvis: its ``Network`` checks every added node against a list (quadratic: 26 s at
35 000 nodes), copies our attributes into vis options, and its copy of vis-network sits at a
private path of one pinned version. The page needs none of that: the nodes, edges and the
options are JSON the page hands to vis-network itself. vis-network 9.1.9 is vendored verbatim
(``templates/vendor/vis-network``: the ``dist`` build of the npm package, which includes
vis-data's ``DataSet``) with its MIT and Apache-2.0 licences; the page cannot fetch it at
runtime (no request off the page), so it has to ship with the package.

>>> from kg import resources
>>> from kg.project import as_projection
>>> html = render_html(as_projection(data=[resources.root() / "tests/fixtures/explorer/mini.ttl"]))
>>> html.startswith("<!DOCTYPE html>"), "<link" in html, html.count("</script>")
(True, False, 4)
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import networkx as nx
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from rdflib import Graph

from kg.errors import OutputError
from kg.explore.layout import FONT_MAX, FONT_MIN, VIS_OPTIONS, importance, layout, overview_layout, start_node
from kg.explore.questions import library_answers
from kg.explore.script import bundle_script
from kg.explore.sparql import ConsoleAssets, console_assets, console_csp
from kg.explore.ui_text import page_strings, ui_text, with_labels
from kg.explore.views import TABLES, View, focus_view, timeline
from kg.i18n import LANGUAGES
from kg.limits import FOCUS_HOPS, MAX_HTML_BYTES, NODE_BUDGET
from kg.load import article_text
from kg.output import check_output, register_input, write_atomically
from kg.project import SPEC, as_projection, to_networkx
from kg.stats import centrality
from kg.terms import curie
from kg.text import sentence_spans

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


def page_data(
    view: View, text: str, lang: str, scores: dict[str, float], questions: list[dict[str, Any]]
) -> dict[str, Any]:
    """Everything the page's script needs: the projection's nodes with their attributes under the
    projection's own names (plus ``x``, ``y`` and ``font``), its edges, and the views' specs."""
    graph = view.graph
    counts: dict[str, int] = {}
    limit = len(text)
    positions = layout(graph)
    rank = importance(scores, list(graph))
    start = start_node(graph, scores)
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
        "tables": [with_labels(t) for t in TABLES if t["group"] in present],
        "questions": questions,
        "timeline": timeline(graph),
        "notes": [curie(p) for p in SPEC.notes],
        "factuality": {role: curie(p) for role, p in SPEC.factuality.items()},
        "text": text,
        "sentences": [list(span) for span in sentence_spans(text)],
        "i18n": page_strings(),
    }


def render_html(
    graph: nx.MultiDiGraph | Graph | View,
    *,
    text: str | None = None,
    lang: str = "en",
    questions: list[dict[str, Any]] | None = None,
    scores: dict[str, float] | None = None,
    sparql: ConsoleAssets | None = None,
) -> str:
    """The explorer page for ``graph`` (a projection, an RDF graph or a :class:`View`), as one HTML string.

    ``text`` is the article the mentions point into: by default the graph's own ``nif:isString``,
    else the shipped ``data/article.txt``. ``lang`` (``en`` or ``fa``) is the language it opens in.
    ``questions`` are :func:`library_answers` (computed here when ``graph`` is RDF, else none);
    ``scores`` the centralities (computed once here if not given). A projection larger than
    :data:`NODE_BUDGET` is shown as its focus view. ``sparql`` (:func:`kg.explore.sparql.console_assets`)
    puts the SPARQL console in the page: the engine, its triples, the questions as forms.
    """
    if lang not in LANGUAGES:
        raise OutputError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
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
    data = page_data(view, text, lang, scores, questions or [])
    if sparql is not None:
        data["sparql"] = sparql.settings
        data["i18n"] = {code: {**strings, **sparql.strings.get(code, {})} for code, strings in data["i18n"].items()}
    return env.get_template(TEMPLATE).render(
        csp=CSP if sparql is None else console_csp(CSP),
        sparql=sparql,
        kg=data,
        heading=ui_text("title", lang),
        options=VIS_OPTIONS,
        vis_version=VIS_VERSION,
        css=_inline_asset(_read_template_file("explorer.css"), "</style"),
        app_js=_inline_asset(bundle_script(), "</script"),
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
    sparql: bool = False,
) -> ExplorerResult:
    """Load ``data`` (default: the shipped data), project it and write the explorer page to ``out``.

    With ``sparql`` the page holds the SPARQL console (:mod:`kg.explore.sparql`); the size budget
    below counts the page without the engine and its triples, which it holds besides.

    Above ``budget`` nodes (default :data:`NODE_BUDGET`), or with ``focus`` (``hops`` steps around
    it, default :data:`FOCUS_HOPS`) or ``top``, the page is a focus view (:func:`focus_view`). A page
    larger than :data:`MAX_HTML_BYTES` (nodes with long texts) is rendered again with a budget of
    two thirds of the nodes it drew, until it fits; the page gives the budget it ended with.
    """
    from kg import resources
    from kg.load import load_graph, source_paths

    started = time.perf_counter()
    for path in source_paths(data):  # the files it will read: an --out among them is refused before the work
        register_input(path)
    check_output(out, directory=False)  # an unwritable, special or input path is refused before the work
    graph = load_graph(data)
    projection = to_networkx(graph)
    scores = centrality(projection)
    hops = FOCUS_HOPS if hops is None else hops
    view = focus_view(
        projection, scores, focus=focus, hops=hops, top=top, budget=NODE_BUDGET if budget is None else budget
    )
    questions = library_answers(graph, projection, files=list(data) if data else [resources.data_path()])
    assets = console_assets(data) if sparql else None
    engine_bytes = assets.size if assets is not None else 0
    html = render_html(view, lang=lang, questions=questions, scores=scores, sparql=assets)
    while len(html.encode("utf-8")) - engine_bytes > MAX_HTML_BYTES and view.graph.number_of_nodes() > 1:
        smaller = max(1, view.graph.number_of_nodes() * 2 // 3)
        view = focus_view(projection, scores, focus=focus, hops=hops, top=top, budget=smaller)
        html = render_html(view, lang=lang, questions=questions, scores=scores, sparql=assets)
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
