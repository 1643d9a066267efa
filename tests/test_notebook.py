"""kg.notebook: the explorer inline in Jupyter, and the graph as a pyvis Network to restyle (offline, bidi-safe)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import UsageError
from kg.explore.layout import layout
from kg.i18n import FSI, PDI
from kg.notebook import explorer, network
from kg.project import load_projection

FIXTURE = Path(__file__).parent / "fixtures" / "explorer" / "mini.ttl"
TOKAYEV = "kgi:kassym-jomart-tokayev"
#: Anything that would make a browser fetch: an attribute URL, a CSS url() or @import of http(s).
REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import""", re.I)


@pytest.fixture(scope="module")
def evil_data(tmp_path_factory) -> list[Path]:
    """The mini graph, with a label that would be HTML (and says "href") if a page ever took it as markup."""
    extra = tmp_path_factory.mktemp("notebook") / "evil.ttl"
    extra.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/iran-kazakhstan-kg/id/kassym-jomart-tokayev> "
        'rdfs:label "<a href=x onmouseover=alert(1)>T</a>"@en .\n',
        encoding="utf-8",
    )
    return [FIXTURE, extra]


@pytest.fixture(scope="module")
def net():
    return network([FIXTURE], lang="fa")


def test_the_network_has_the_projections_nodes_colours_positions_and_labels(net):
    projection = load_projection([FIXTURE])
    positions = layout(projection)
    assert sorted(n["id"] for n in net.nodes) == sorted(projection)
    assert len(net.edges) == projection.number_of_edges()
    node = next(n for n in net.nodes if n["id"] == TOKAYEV)
    group = next(g for g in projection.graph["groups"] if g["key"] == projection.nodes[TOKAYEV]["group"])
    assert (node["label"], node["color"], node["shape"]) == (
        projection.nodes[TOKAYEV]["label_fa"],
        group["color"],
        group["shape"],
    )
    assert (node["x"], node["y"]) == positions[TOKAYEV]
    assert node["physics"] is False and node["kg_group"] == group["key"]


def test_titles_isolate_every_piece_of_text(net):
    node = next(n for n in net.nodes if n["id"] == TOKAYEV)
    lines = node["title"].split("\n")
    attrs = load_projection([FIXTURE]).nodes[TOKAYEV]
    assert lines[0] == f"{FSI}{attrs['label_fa']}{PDI}" and "\u200c" in attrs["label_fa"]  # Persian first, ZWNJ kept
    assert lines[1] == f"{FSI}Kassym-Jomart Tokayev{PDI}"
    assert lines[2].endswith(f"{FSI}{TOKAYEV}{PDI}")
    edge = next(e for e in net.edges if e["from"] == TOKAYEV)
    assert edge["title"].startswith(FSI) and edge["title"].endswith(PDI) and edge["arrows"] == "to"


def test_generate_html_in_line_requests_nothing_and_holds_vis_network(net):
    html = net.generate_html()
    assert REMOTE.findall(html) == []
    assert "bootstrap" not in html
    assert "vis.Network(" in html and len(html) > 400_000  # vis-network itself, inline
    assert "\\u0642\\u0627\\u0633\\u0645" in html or "قاسم" in html  # the Persian label is in the data


def test_show_in_a_notebook_writes_the_same_offline_page(net, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net.write_html("graph.html", notebook=True)
    html = (tmp_path / "graph.html").read_text(encoding="utf-8")
    assert REMOTE.findall(html) == [] and "vis.Network(" in html


def test_a_label_with_markup_stays_text_in_the_page(evil_data):
    """pyvis puts a title that contains "href" into the page with innerHTML; the network kg builds never does."""
    html = network(evil_data).generate_html()
    assert "popup.innerHTML" not in html
    assert "<a href=x" not in html  # the label is in the page as JSON, its < escaped


def test_an_unknown_language_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown language 'de'"):
        network([FIXTURE], lang="de")


def test_without_pyvis_network_names_the_extra_to_install(monkeypatch):
    for hidden in ("pyvis", "pyvis.network"):  # as if never installed, even when another test imported it
        monkeypatch.setitem(sys.modules, hidden, None)
    with pytest.raises(UsageError) as caught:
        network()
    assert str(caught.value) == "kg.notebook.network needs pyvis: pip install 'kg-iran-kazakhstan[notebook]'"
    assert caught.value.exit_code == 2


def test_the_command_line_and_kg_notebook_do_not_import_pyvis():
    code = (
        "import sys, contextlib, io\n"
        "import kg.notebook\n"
        "from kg.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])\n"
        "print(sorted(m for m in ('pyvis', 'IPython') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_the_explorer_shows_inline_in_a_sandboxed_frame():
    shown = explorer([FIXTURE], height=500)._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts"' in shown and "height: 500px" in shown


@pytest.mark.browser
def test_the_network_page_draws_every_node_in_chromium_with_the_network_off(tabs, net, tmp_path):
    """generate_html's page, opened from disk with the network off: vis-network draws every node, nothing is fetched."""
    path = tmp_path / "graph.html"
    path.write_text(net.generate_html(), encoding="utf-8")
    with tabs.open(offline=True) as tab:
        page, requests, errors = tab.page, tab.requests, tab.errors
        page.goto(path.as_uri())
        drawn = page.evaluate("() => network.body.nodeIndices.length")
        assert drawn == len(net.nodes)
        assert requests == [path.as_uri()] and errors == []


# ------------------------------------------------------------------ where a result table's IRIs link


@pytest.fixture
def links():
    """Each test names its own site; the default (the IRIs themselves) is back after it."""
    from kg.notebook import link_site

    yield link_site
    link_site(None)


@pytest.fixture(scope="module")
def countries():
    import kg

    return kg.query(
        text="PREFIX kg: <https://w3id.org/iran-kazakhstan-kg/ontology#> "
        "SELECT ?country ?item WHERE { ?country a kg:Country ; <http://www.w3.org/2002/07/owl#sameAs> ?item } "
        "ORDER BY ?country"
    )


def _hrefs(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)">', html)


def test_a_result_table_links_the_iris_by_default_and_says_where_they_lead(countries, links):
    html = countries._repr_html_()
    hrefs = _hrefs(html)
    assert "https://w3id.org/iran-kazakhstan-kg/id/kazakhstan" in hrefs
    assert "http://www.wikidata.org/entity/Q232" in hrefs
    assert 'title="Links go to the graph&#39;s IRIs under https://w3id.org/iran-kazakhstan-kg/' in html
    assert "kg.notebook.link_site(URL)" in html


@pytest.mark.server
@pytest.mark.parametrize("lang", ["en", "fa"])
def test_linked_to_a_kg_serve_every_link_opens_its_page_there(countries, links, site, lang):
    """Each IRI of the table, ours and Wikidata's, links to the page the site has for it, in the language asked."""
    import urllib.request

    links(site.rstrip("/") + "/", lang)
    html = countries._repr_html_()
    hrefs = _hrefs(html)
    assert f"{site.rstrip('/')}/id/kazakhstan{'.fa' if lang == 'fa' else ''}.html" in hrefs
    assert f"{site.rstrip('/')}/ext/wd/Q232{'.fa' if lang == 'fa' else ''}.html" in hrefs
    assert all(h.startswith(site.rstrip("/")) for h in hrefs)
    for href in hrefs:
        with urllib.request.urlopen(href, timeout=60) as response:
            page = response.read().decode("utf-8")
        assert response.status == 200 and f'<html lang="{lang}"' in page, href
    assert f'title="Links go to the pages of {site.rstrip("/")}/"' in html


@pytest.mark.slow
def test_linked_to_a_static_site_every_link_is_a_file_of_it(countries, links, built):
    site = built.folder / "site"
    links(site.as_uri() + "/")
    hrefs = _hrefs(countries._repr_html_())
    assert hrefs and all(Path(h.removeprefix("file://")).is_file() for h in hrefs), hrefs


@pytest.mark.parametrize("url", ["127.0.0.1:7878/", "http://127.0.0.1:7878", "ftp://example.org/", "javascript:x/"])
def test_a_site_that_is_not_an_address_is_refused(links, url):
    with pytest.raises(ValueError, match="http\\(s\\) or file URL ending in '/'"):
        links(url)


def test_an_unknown_language_is_refused_and_none_restores_the_iris(countries, links):
    with pytest.raises(ValueError, match="unknown language"):
        links("http://127.0.0.1:7878/", "de")
    links("http://127.0.0.1:7878/")
    links(None)
    assert "https://w3id.org/iran-kazakhstan-kg/id/kazakhstan" in _hrefs(countries._repr_html_())
