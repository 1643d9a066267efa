"""The explorer page (kg.explore, `kg explore`): structure, escaping, no remote assets, UTF-8, atomic writes."""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Literal

from kg.build import outputs
from kg.cli import main
from kg.errors import OutputError, UsageError
from kg.explore import (
    CSP,
    NODE_BUDGET,
    TABLES,
    UI_TEXT,
    VIS_DIR,
    VIS_JS,
    focus_view,
    render_html,
    sentence_spans,
    timeline,
    write_explorer,
)
from kg.i18n import messages
from kg.load import load_graph
from kg.namespaces import ID, RDFS
from kg.project import SPEC, load_projection
from kg.sources import Sources
from kg.stats import centrality

FIXTURE = Path(__file__).parent / "fixtures" / "explorer" / "mini.ttl"
TEMPLATES = Path(__file__).parents[1] / "src" / "kg" / "templates"
EVIL = "Tokayev <img src=x onerror=alert(1)></script><script>alert(2)</script> & <!-- \u2028"


class Page(HTMLParser):
    """The tags, attributes and script bodies of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def data_of(page: Page, element_id: str):
    return json.loads(next(text for attrs, text in page.scripts if attrs.get("id") == element_id))


@pytest.fixture(scope="module")
def real_html(page_file: Path) -> str:
    """The explorer of the shipped data as ``kg explore`` writes it: the session's page (conftest.py), which the
    browser tests load too, rendered once for both."""
    return page_file.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def projection() -> nx.MultiDiGraph:
    """The shipped data's projection, made once for the module (six tests read it; ~0.15 s each time); read only."""
    return load_projection()


@pytest.fixture(scope="module")
def evil_html() -> str:
    graph = load_graph([FIXTURE])
    graph.remove((ID["kassym-jomart-tokayev"], RDFS.label, Literal("Kassym-Jomart Tokayev", lang="en")))
    graph.add((ID["kassym-jomart-tokayev"], RDFS.label, Literal(EVIL, lang="en")))
    return render_html(graph)


# --------------------------------------------------------------------------- structure


def test_page_is_one_document_with_csp_first_and_only_inline_assets(real_html):
    page = parse(real_html)
    assert real_html.startswith('<!DOCTYPE html>\n<html lang="en" dir="ltr">')
    metas = [attrs for tag, attrs in page.tags if tag == "meta"]
    assert metas[0] == {"charset": "utf-8"}
    assert metas[1] == {"http-equiv": "Content-Security-Policy", "content": CSP}
    assert "default-src 'none'" in CSP and "unsafe-eval" not in CSP and "http" not in CSP
    loading = [(tag, attrs) for tag, attrs in page.tags if {"src", "href", "srcset", "action", "data"} & set(attrs)]
    assert loading == [("a", {"class": "skip", "href": "#panel-body", "data-i18n": "skip"})]  # a link inside the page
    assert not [tag for tag, _ in page.tags if tag in {"link", "iframe", "img", "object", "embed", "base", "form"}]
    ids = [attrs.get("id") for attrs, _ in page.scripts]
    assert ids == ["kg-options", "kg-data", None, None]
    assert real_html.count("</script>") == 4


def test_no_remote_asset_nor_cdn_library(real_html):
    lowered = real_html.lower()
    for name in ("bootstrap", "tom-select", "tomselect", "cdnjs", "jsdelivr", "unpkg", "@import", "googleapis"):
        assert name not in lowered, name
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", real_html)
    # vis-network is the vendored copy, inlined verbatim, shipped with both of its licences
    assert VIS_JS.read_text(encoding="utf-8") in real_html
    assert "@version 9.1.9" in VIS_JS.read_text(encoding="utf-8")
    assert sorted(p.name for p in VIS_DIR.iterdir()) == ["LICENSE-APACHE-2.0", "LICENSE-MIT", "vis-network.min.js"]


def test_the_html_stays_small(real_html):
    size = len(real_html.encode("utf-8"))
    assert size < 1.5 * 1024 * 1024, f"{size / 1024:.0f} KiB"


def test_every_node_and_edge_of_the_projection_is_in_the_page(real_html, projection):
    kg = data_of(parse(real_html), "kg-data")
    nodes, edges = kg["nodes"], kg["edges"]
    assert sorted(nodes) == sorted(projection)
    assert len(edges) == projection.number_of_edges() == len({e["id"] for e in edges})
    assert sorted((e["from"], e["to"], e["prop"]) for e in edges) == sorted(projection.edges(data="prop"))
    tokayev = nodes["kgi:kassym-jomart-tokayev"]
    assert (tokayev["label_en"], tokayev["label_fa"], tokayev["group"]) == (
        "Kassym-Jomart Tokayev",
        "قاسم ژومارت توکایف",
        "person",
    )
    assert kg["text"] == projection.graph["text"]
    assert kg["view"] == {
        "totalNodes": 161,
        "totalEdges": 416,
        "shownNodes": 161,
        "shownEdges": 416,
        "budget": NODE_BUDGET,
        "focus": None,
        "hops": None,
        "top": None,
    }


def test_one_attribute_name_from_python_to_the_page(real_html, projection):
    """A node in the page has the projection's attributes under the projection's names, plus its place."""
    nodes = data_of(parse(real_html), "kg-data")["nodes"]
    for node, attrs in projection.nodes(data=True):
        assert set(nodes[node]) == set(attrs) | {"x", "y", "font", "size"}, node
    raisi = nodes["kgi:ebrahim-raisi"]
    assert raisi["wikidata"] == projection.nodes["kgi:ebrahim-raisi"]["wikidata"]
    assert raisi["mentions"] == [list(span) for span in projection.nodes["kgi:ebrahim-raisi"]["mentions"]]


def test_positions_are_computed_at_build_time_and_physics_is_off(real_html):
    page = parse(real_html)
    kg, options = data_of(page, "kg-data"), data_of(page, "kg-options")
    assert options["physics"]["enabled"] is False
    assert options["nodes"]["scaling"]["label"]["drawThreshold"] == 11  # no label under 10 px is drawn
    places = {(n["x"], n["y"]) for n in kg["nodes"].values()}
    assert len(places) == len(kg["nodes"])  # every node has its own place
    assert kg["start"] == "event:tokayev-state-visit-2022"
    ring = kg["overview"]
    assert ring["event:tokayev-state-visit-2022"] == [0, 0]
    agreements = {n for n, a in kg["nodes"].items() if a["group"] == "agreement"}
    assert agreements <= set(ring)  # the first view: the visit and its agreements


def test_rendering_is_reproducible_across_hash_seeds(tmp_path):
    """Same data, same bytes: sets and hash order must not leak into the page. A child with a hash seed of its
    own against this process (its seed is random, or the one $PYTHONHASHSEED gives, which the child's differs from)."""
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    script = "import sys; from kg.explore import write_explorer; write_explorer(sys.argv[1], data=[sys.argv[2]])"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "child.html"), str(FIXTURE)], check=True, env=env)
    write_explorer(tmp_path / "here.html", data=[FIXTURE])
    assert (tmp_path / "child.html").read_bytes() == (tmp_path / "here.html").read_bytes()


# --------------------------------------------------------------------------- escaping


def test_a_hostile_label_is_data_not_markup(evil_html):
    assert "<img" not in evil_html and "onerror=alert" in evil_html  # escaped, present only inside JSON
    assert evil_html.count("</script>") == 4
    page = parse(evil_html)
    assert [tag for tag, _ in page.tags if tag == "img"] == []
    assert data_of(page, "kg-data")["nodes"]["kgi:kassym-jomart-tokayev"]["label_en"] == EVIL


def script_sources() -> str:
    """The explorer's script modules, as written."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((TEMPLATES / "explorer").glob("*.js")))


def test_the_page_script_never_parses_html():
    script = script_sources()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "srcdoc"):
        assert sink not in script, sink


def test_the_template_escapes_by_default():
    template = (TEMPLATES / "explorer.html").read_text(encoding="utf-8")
    assert "|safe" not in template.replace(" ", "")
    assert "{% autoescape false" not in template


# --------------------------------------------------------------------------- text and language


def test_sentence_spans_cover_the_article_in_order(projection):
    text = projection.graph["text"]
    spans = sentence_spans(text)
    assert all(b < e for b, e in spans)
    assert all(e1 <= b2 for (_, e1), (b2, _) in itertools.pairwise(spans))
    assert text[spans[0][0] : spans[0][1]] == "خیز ایران به سمت تقویت همکاریهای اقتصادی و سیاسی در آسیای مرکزی"


def test_interface_strings_exist_in_both_languages():
    assert UI_TEXT["en"].keys() == UI_TEXT["fa"].keys()
    template = (TEMPLATES / "explorer.html").read_text("utf-8")
    used = set(re.findall(r'data-i18n(?:-placeholder|-label|-title)?="(\w+)"', template))
    used |= set(re.findall(r'\bt\("(\w+)"', script_sources()))
    console = messages("console", "en").keys()  # the SPARQL console's strings, in the page with --sparql
    assert used <= UI_TEXT["en"].keys() | console, used - UI_TEXT["en"].keys() - console


def test_page_can_open_in_persian():
    html = render_html(load_graph([FIXTURE]), lang="fa")
    assert html.startswith('<!DOCTYPE html>\n<html lang="fa" dir="rtl">')
    assert data_of(parse(html), "kg-data")["lang"] == "fa"


# --------------------------------------------------------------------------- writing


def test_write_explorer_writes_utf8_atomically(tmp_path):
    result = write_explorer(tmp_path / "out" / "explorer.html", data=[FIXTURE])
    assert result.path.read_bytes().decode("utf-8").startswith("<!DOCTYPE html>")
    assert "قاسم‌ژومارت توکایف" in result.path.read_text(encoding="utf-8")  # Persian verbatim, not \u-escaped
    assert (result.nodes, result.edges) == (24, 27)
    assert result.size == result.path.stat().st_size
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["explorer.html"]
    (tmp_path / "plain").write_text("", encoding="utf-8")
    assert result.path.stat().st_mode == (tmp_path / "plain").stat().st_mode  # not mkstemp's 0600


def test_write_explorer_reports_an_unwritable_target(tmp_path):
    (tmp_path / "taken").mkdir()
    with pytest.raises(OutputError, match=r"taken: is a directory; give a file name"):
        write_explorer(tmp_path / "taken", data=[FIXTURE])
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]


def test_writing_under_a_non_utf8_locale(tmp_path):
    """The page is written as UTF-8 whatever the locale (pyvis's write_html was not: pyvis issue #222)."""
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    out = tmp_path / "explorer.html"
    done = subprocess.run(
        [sys.executable, "-m", "kg", "explore", "--data", str(FIXTURE), "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    assert "قاسم‌ژومارت توکایف" in out.read_text(encoding="utf-8")


def test_explore_command(tmp_path, capsys):
    out = tmp_path / "x.html"
    assert main(["explore", "--data", str(FIXTURE), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"wrote explorer: {out} (24 nodes, 27 edges, ")
    assert out.is_file()


def test_an_input_given_as_the_output_is_refused_before_any_work(tmp_path, monkeypatch, capsys):
    """kg explore --data mine.ttl --out mine.ttl loaded, projected and rendered the page before it refused."""
    import kg.load

    data = tmp_path / "mine.ttl"
    data.write_bytes(FIXTURE.read_bytes())
    loaded = []
    monkeypatch.setattr(kg.load, "load_graph", lambda *args, **kwargs: loaded.append(args))
    assert main(["explore", "--data", str(data), "--out", str(data)]) == 7
    assert loaded == [] and data.read_bytes() == FIXTURE.read_bytes()
    assert "is an input of this command" in capsys.readouterr().err


def test_the_build_writes_the_explorer():
    assert ("explorer (one offline HTML page)", "explorer.html") in [
        (name, file) for name, file, _ in outputs(Sources())
    ]


# --------------------------------------------------------------------------- views: tables, questions, timeline


def test_every_table_column_names_what_the_projection_has(real_html, projection):
    props = {p for _, _, p in projection.edges(data="prop")}
    literal_props = {lit["prop"] for _, a in projection.nodes(data=True) for lit in a["literals"]}
    value_props = {v["prop"] for _, a in projection.nodes(data=True) for v in a["values"]}
    groups = {g for _, g in projection.nodes(data="group")}
    for table in TABLES:
        assert table["group"] in groups
        for column in table["columns"]:
            assert column["label"] in UI_TEXT["en"] and column["label"] in UI_TEXT["fa"]  # a key of the catalogue
            needed = {"out": props, "in": props, "lit": literal_props, "val": value_props}.get(column["kind"])
            if needed is not None:
                assert column["prop"] in needed, column
            if column["kind"] == "via":
                assert set(column["props"]) <= props, column
    assert [t["group"] for t in data_of(parse(real_html), "kg-data")["tables"]] == [
        "agreement",
        "person",
        "statement",
        "figure",
        "slip",
    ]


def test_questions_come_with_their_rows_as_labels_linked_to_nodes(real_html):
    questions = {q["name"]: q for q in data_of(parse(real_html), "kg-data")["questions"]}
    assert len(questions) >= 20
    cq01 = questions["cq01-agreements-and-parties"]
    assert cq01["question"]["en"].startswith("Which agreements were concluded during the visit")
    en, fa = cq01["answers"]["en"], cq01["answers"]["fa"]
    assert en["vars"] == ["agreement", "kindLabel", "party", "countryLabel"]  # ?xLabel folded into ?x
    assert len(en["rows"]) == len(fa["rows"]) == 16
    first = en["rows"][0]
    assert first[0] == {
        "text": "MoU on trade and transit of agricultural products between Iran's Ministry of Agriculture Jihad and "
        "Kazakhstan's Ministry of Agriculture",
        "node": "agreement:agricultural-trade-transit-mou-2022",
    }
    assert first[1] == {"text": "memorandum of understanding", "lang": "en"}
    assert fa["rows"][0][1] == {"text": "یادداشت تفاهم", "lang": "fa"}
    for q in questions.values():
        for answer in q["answers"].values():
            for row in answer.get("rows", []):
                for cell in row:
                    assert not cell["text"].startswith(("http://", "https://", "<")), (q["name"], cell)


def test_the_timeline_lists_dated_events_and_periods_in_order(projection):
    entries = timeline(projection)
    assert [(e["node"], e["start"], e["end"]) for e in entries] == [
        ("event:kazakhstan-independence", "1991-12-16", None),
        ("period:past-30-years", "1991-12-16", None),  # P30Y from independence: a duration, no stated end
        ("period:sh-1380s", "2001-03-21", "2011-03-20"),
        ("period:last-two-decades", "2001-03-21", "2021-03-20"),
        ("period:sh-1390s", "2011-03-21", "2021-03-20"),
        ("period:sh-1399", "2020-03-20", "2021-03-20"),
        ("period:sh-1400", "2021-03-21", "2022-03-20"),
        ("event:tokayev-state-visit-2022", "2022-06", None),
        ("kgi:article", "2022-06", None),
    ]


def test_no_user_facing_text_names_a_file(real_html):
    """Labels, notes, questions and interface strings never show a repository path (Raisi's note did)."""
    kg = data_of(parse(real_html), "kg-data")
    shown = [
        kg["i18n"],
        kg["questions"],
        [{k: v for k, v in n.items() if k not in {"iri"}} for n in kg["nodes"].values()],
    ]
    text = json.dumps(shown, ensure_ascii=False)
    assert re.findall(r"[\w.-]+/[\w./-]+\.(?:tsv|ttl|txt|rq|srj|py|json|csv)\b", text) == []
    notes = [lit for lit in kg["nodes"]["kgi:ebrahim-raisi"]["literals"] if lit["prop"] == "skos:editorialNote"]
    assert {n["lang"]: n["text"] for n in notes} == {
        "en": "Not linked to Wikidata: his Wikidata id is not among those the project has verified.",
        "fa": "به ویکی‌داده (Wikidata) پیوند داده نشده است: شناسهٔ ویکی‌دادهٔ او در میان شناسه‌هایی نیست"
        " که پروژه درستی‌شان را بررسی کرده است.",
    }
    assert len(notes) == 2
    assert kg["notes"] == ["skos:editorialNote"] == [f"skos:{p.split('#')[-1]}" for p in map(str, SPEC.notes)]


# --------------------------------------------------------------------------- at scale


def replicate(projection: nx.MultiDiGraph, copies: int) -> nx.MultiDiGraph:
    """``copies`` articles' worth of projection: every node renamed per copy (``kgi:x`` -> ``kgi:x-c3``),
    except countries, which all copies share (so the corpus is connected like a real one)."""
    big = nx.MultiDiGraph()
    big.graph.update(projection.graph)
    shared = {n for n, g in projection.nodes(data="group") if g == "country"}

    def name(node: str, copy: int) -> str:
        return node if node in shared else f"{node}-c{copy}"

    for copy in range(copies):
        for node, attrs in projection.nodes(data=True):
            if node not in big:
                big.add_node(
                    name(node, copy), **{**attrs, "iri": attrs["iri"] + ("" if node in shared else f"-c{copy}")}
                )
        for u, v, key, attrs in projection.edges(keys=True, data=True):
            big.add_edge(name(u, copy), name(v, copy), key=key, **attrs)
    return big


@pytest.fixture(scope="module")
def big(projection: nx.MultiDiGraph) -> nx.MultiDiGraph:
    return replicate(projection, 20)


@pytest.fixture(scope="module")
def scores(big: nx.MultiDiGraph) -> dict[str, float]:
    """The centrality of ``big``'s nodes, computed once for the tests of its views; read only."""
    return centrality(big)


def test_above_the_budget_the_page_is_a_focus_view_of_the_most_central_nodes(big, scores):
    view = focus_view(big, scores, budget=500)
    assert (view.total_nodes, view.graph.number_of_nodes()) == (161 + 19 * (161 - 12), 500)
    assert {"kgi:iran", "kgi:kazakhstan"} <= set(view.graph)
    html = render_html(view, scores=scores)
    info = data_of(parse(html), "kg-data")["view"]
    assert info == {
        "totalNodes": 2992,
        "totalEdges": big.number_of_edges(),
        "shownNodes": 500,
        "shownEdges": view.graph.number_of_edges(),
        "budget": 500,
        "focus": None,
        "hops": None,
        "top": None,
    }
    assert len(html.encode("utf-8")) <= 3 * 1024 * 1024


def test_a_focus_view_is_the_same_whatever_the_hash_seed(big, scores):
    """The view's nodes are sorted and each one's edges in the projection's order, the same on every run: taken
    through networkx's subgraph they came in the order of a set of strings, which changes with the hash seed
    (kg publish wrote another explorer.html for the same 1 000 synthetic articles in every run)."""
    view = focus_view(big, scores, budget=500)
    assert list(view.graph) == sorted(view.graph)
    kept = set(view.graph)
    in_order = [(u, v, k) for u in sorted(kept) for v, keyed in big.adj[u].items() if v in kept for k in keyed]
    assert list(view.graph.edges(keys=True)) == in_order
    assert all(view.graph.edges[e] == big.edges[e] for e in in_order)
    assert all(view.graph.nodes[n] == big.nodes[n] for n in kept) and view.graph.graph == big.graph


def test_a_focus_names_an_entity_and_keeps_its_neighbourhood(big, scores):
    view = focus_view(big, scores, focus="kgi:kassym-jomart-tokayev-c3", hops=1, budget=500)
    simple = nx.Graph(big.to_undirected())
    assert set(view.graph) == {"kgi:kassym-jomart-tokayev-c3", *simple.adj["kgi:kassym-jomart-tokayev-c3"]}
    assert (view.focus, view.hops) == ("kgi:kassym-jomart-tokayev-c3", 1)
    assert set(focus_view(big, scores, top=7).graph) == set(sorted(big, key=lambda n: (-scores[n], n))[:7])
    with pytest.raises(UsageError, match="ambiguous"):
        focus_view(big, scores, focus="Tokayev")
    with pytest.raises(UsageError, match="at least 1"):
        focus_view(big, scores, budget=0)


def test_explore_command_with_a_focus(tmp_path, capsys):
    out = tmp_path / "focus.html"
    assert main(["explore", "--data", str(FIXTURE), "--out", str(out), "--focus", "Tokayev", "--hops", "1"]) == 0
    printed = capsys.readouterr().out
    assert "focus view: " in printed and "of 24 nodes" in printed and "--budget N" in printed
    info = data_of(parse(out.read_text(encoding="utf-8")), "kg-data")["view"]
    assert (info["focus"], info["hops"], info["totalNodes"]) == ("kgi:kassym-jomart-tokayev", 1, 24)


def test_a_page_over_the_size_limit_keeps_fewer_nodes_until_it_fits(tmp_path, monkeypatch, page_file):
    """The whole page is the session's (conftest.py), which ``write_explorer`` wrote under the size limit."""
    import kg.explore.page

    whole_size = page_file.stat().st_size
    whole_nodes = data_of(parse(page_file.read_text(encoding="utf-8")), "kg-data")["view"]["shownNodes"]
    monkeypatch.setattr(kg.explore.page, "MAX_HTML_BYTES", whole_size - 60_000)
    cut = write_explorer(tmp_path / "cut.html")
    assert cut.size <= whole_size - 60_000 < whole_size
    assert cut.nodes < whole_nodes == 161
    info = data_of(parse(cut.path.read_text(encoding="utf-8")), "kg-data")["view"]
    assert (info["shownNodes"], info["totalNodes"], info["budget"]) == (cut.nodes, 161, cut.nodes)
    assert "focus view: " in cut.format()
