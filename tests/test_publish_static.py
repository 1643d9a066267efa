"""``kg publish``: the static site, its links, and the w3id.org rules proved on a real Apache httpd.

The site is the one the run's ``kg build`` wrote with ``write_site`` (the shipped data; conftest.py).
Apache serves it at ``/static/`` and the w3id.org folder (its ``.htaccess``) at ``/iran-kazakhstan-kg/``,
as w3id.org and a static host would, on a free loopback port.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph
import pytest

from apache import error_log, running_apache
from kg.cli import main
from kg.formats import FORMATS
from kg.load import read_quads, source_paths
from kg.namespaces import BASE
from kg.publish.apache import w3id_rules
from kg.publish.paths import RDF_SUFFIXES
from raw_iris import RawIris


@pytest.fixture(scope="module")
def site(built) -> Path:
    """The static site of the run's one ``kg build`` (conftest.py), which ``write_site`` wrote; read only."""
    out = built.folder / "site"
    assert sum(len(files) for _, _, files in os.walk(out)) > 5000
    return out


class _Links(HTMLParser):
    """A page's links (href and src), its links off the site that are not marked as leaving (class and rel
    ``external``), and the http(s) IRIs written as text outside code, scripts and the page's downloads
    (tests/raw_iris.py: every IRI a reader sees is a name, linked)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.unmarked: list[str] = []
        self.text = RawIris()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.text.handle_starttag(tag, attrs)
        if tag == "base":  # the error pages' base: the host's path of the site (tests/test_publish_static_hostile.py)
            return
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)
        found = dict(attrs)
        marked = "external" in (found.get("class") or "").split() and "external" in (found.get("rel") or "")
        if tag == "a" and (found.get("href") or "").startswith(("http:", "https:")) and not marked:
            self.unmarked.append(found["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        self.text.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        self.text.handle_data(data)


def test_kg_publish_writes_every_document_of_kazakhstan(site):
    for name in ("kazakhstan.html", "kazakhstan.fa.html", "kazakhstan.ttl", "kazakhstan.nt", "kazakhstan.jsonld",
                 "kazakhstan.rdf"):  # fmt: skip
        assert (site / "id" / name).is_file(), name
    for name in ("index.html", "index.fa.html", "ontology.html", "ontology.fa.html", "ontology.ttl", "search.html",
                 "search-index.en.json", "explorer.html", "sitemap.xml", ".well-known/void", "dumps/kg.ttl.gz",
                 "dumps/kg.nq.gz", "w3id/.htaccess", ".htaccess", "404.html", "404.fa.html"):  # fmt: skip
        assert (site / name).is_file(), name
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(site.stat().st_mode) == 0o777 & ~mask  # not its staging's 0700: www-data must enter it
    page = (site / "id" / "kazakhstan.fa.html").read_text(encoding="utf-8")
    assert '<html lang="fa" dir="rtl">' in page and '<h1 dir="auto">قزاقستان</h1>' in page
    assert 'href="../site.css"' in page and 'href="../ontology/Country.fa.html"' in page
    assert '<form class="search" role="search" action="../search.fa.html"' in page  # a static host reads no ?lang=


def test_every_rdf_file_of_a_subject_reparses_and_holds_its_triples(site):
    triples: dict[str, set[pyoxigraph.Triple]] = {}
    for quad in (q for path in source_paths() for q in read_quads(path)):
        if isinstance(quad.subject, pyoxigraph.NamedNode):
            triples.setdefault(quad.subject.value, set()).add(quad.triple)
    for iri in ("id/kazakhstan", "id/span/67-75", "id/statement/tokayev-hope", "id/concept/tonne"):
        for ext, name in RDF_SUFFIXES.items():
            data = (site / f"{iri}.{ext}").read_bytes()
            read = {q.triple for q in pyoxigraph.parse(data, format=FORMATS[name].oxigraph)}
            assert triples[BASE + iri] <= read, f"{iri}.{ext}"


@pytest.mark.slow  # every link of some 2 500 pages
def test_the_static_site_has_no_broken_link(site):
    """Every href and src of every page names a file of the site (or a fragment of the page); a link off the
    site (another site's IRI, a Wikidata item) is marked as leaving, and none is to our own IRIs (w3id.org);
    no page writes an http(s) IRI as text where a reader reads (code, scripts and downloads aside)."""
    broken, external, unmarked, raw = [], set(), [], []
    # the site has no symlinks; paths as strings, each link of a folder resolved once (most pages share most links)
    files = {f"{folder}/{name}" for folder, _, names in os.walk(site) for name in names}
    found: dict[tuple[str, str], bool] = {}
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 2000
    for page in pages:
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        folder = str(page.parent)
        for link in parser.links:
            if (folder, link) not in found:
                parts = urllib.parse.urlsplit(link)
                if parts.scheme in ("http", "https"):
                    external.add(parts.netloc)
                    found[folder, link] = True
                elif parts.scheme or not parts.path:  # data:, or only a #fragment / ?query
                    found[folder, link] = True
                else:
                    found[folder, link] = os.path.normpath(f"{folder}/{urllib.parse.unquote(parts.path)}") in files
            if not found[folder, link]:
                broken.append(f"{page.relative_to(site)}: {link}")
        unmarked += [f"{page.relative_to(site)}: {link}" for link in parser.unmarked]
        raw += [f"{page.relative_to(site)}: {iri}" for iri in parser.text.found]
    assert broken == []
    assert "www.wikidata.org" in external and "w3id.org" not in external
    assert unmarked == []
    assert raw == []


def test_the_search_index_holds_folded_keys_and_relative_pages(site):
    records = json.loads((site / "search-index.fa.json").read_text(encoding="utf-8"))
    tokayev = next(r for r in records if r["iri"] == BASE + "id/kassym-jomart-tokayev")
    assert tokayev["href"] == "id/kassym-jomart-tokayev.fa.html" and "توکایف" in tokayev["keys"]


def test_the_sitemap_lists_every_page_at_its_w3id_address(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{BASE}id/kazakhstan.fa.html</loc>" in sitemap
    assert sitemap.count("<loc>") == len(list(site.rglob("*.html"))) - 3  # all but the two 404 pages and the explorer


def test_a_site_published_again_is_the_same_and_links_every_unchanged_file(site, tmp_path):
    """Publishing is deterministic (pages with blank nodes too), and a file the same as in the site it
    replaces is hard-linked from it, not written again. Left out: the question pages (they carry the query
    limits of the process, which the test run sets apart from kg build's)."""
    from kg.publish.static import write_site
    from kg.sources import Sources
    from kg.validate import validate

    sources = Sources()
    sources.report = validate(sources=sources)  # as kg build publishes: validated first (kg.quality measures it)
    result = write_site(tmp_path / "site", sources=sources, previous=site)
    written = sorted(p.relative_to(tmp_path / "site") for p in (tmp_path / "site").rglob("*") if p.is_file())
    assert written == sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    rewritten = [str(p) for p in written if (tmp_path / "site" / p).stat().st_ino != (site / p).stat().st_ino]
    assert set(rewritten) <= {"sparql.html", "sparql.fa.html"}, rewritten[:5]
    assert result.linked == result.files - len(rewritten)


def test_kg_publish_cli_refuses_a_host_that_is_not_an_http_url(tmp_path, capsys):
    assert main(["publish", "--out", str(tmp_path / "x"), "--host", "ftp://example.org/"]) == 2  # a usage error
    assert "--host must be the http(s) URL of the site's folder" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    "host",
    [
        "https://example.org/kg\nRewriteRule ^ https://elsewhere.example/ [R=302,L]\n#/",  # a directive of its own
        "https://example.org/k g/",  # a space: every RewriteRule a syntax error on Apache (500)
        'https://example.org/kg"/',
        "https://example.org/%20/",  # %N and $N are back-references in a RewriteRule's target
        "https://example.org/$1/",
        "https://user:secret@example.org/kg/",  # a password published in the rules
        "https://example.org/kg/?a=b/",
        "https://example.org/kg/#x/",
        "http:///",
        "https://example.org:99999/",
        "https://example.org/kg",
        "https://ایران.example/",
    ],
)
def test_a_host_that_would_break_or_change_the_apache_rules_is_refused(host):
    """The host is written as it is into both .htaccess files (and w3id/.htaccess goes to w3id.org as a pull
    request): every one of these was written, exit 0."""
    from kg.errors import UsageError
    from kg.publish.static import check_host

    with pytest.raises(UsageError, match="--host must be"):
        check_host(host)


@pytest.mark.parametrize(
    "host",
    ["http://127.0.0.1:8000/", "https://example.org/kg/", "https://[::1]:8080/a/b/", "https://xn--mgbaam7a8h.example/"],
)
def test_a_host_of_a_site_folder_passes(host):
    from kg.publish.static import check_host

    check_host(host)


@pytest.fixture(scope="module")
def apache(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Apache with the static site at /static/ and the w3id.org folder, its rules pointing there."""
    folder = tmp_path_factory.mktemp("apache")
    w3id = folder / "w3id"
    w3id.mkdir()
    with running_apache(folder, {"/static/": site, "/iran-kazakhstan-kg/": w3id}) as url:
        (w3id / ".htaccess").write_text(w3id_rules(url + "/static/"), encoding="utf-8")
        yield url


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _get(url: str, accept: str, *, follow: bool) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


@pytest.mark.parametrize(
    ("path", "accept", "target"),
    [
        ("id/kazakhstan", "text/turtle", "id/kazakhstan.ttl"),
        ("id/kazakhstan", "application/ld+json", "id/kazakhstan.jsonld"),
        ("id/kazakhstan", "application/n-triples", "id/kazakhstan.nt"),
        ("id/kazakhstan", "application/rdf+xml", "id/kazakhstan.rdf"),
        ("id/kazakhstan", "text/html,application/xhtml+xml,*/*;q=0.8", "id/kazakhstan.html"),
        ("id/concept/tonne", "text/turtle", "id/concept/tonne.ttl"),
        ("ontology", "text/turtle", "ontology.ttl"),
        ("ontology/0.1.0", "application/rdf+xml", "ontology/0.1.0.rdf"),
        ("ontology", "text/html", "ontology.html"),
        ("dataset", "application/ld+json", "dataset.jsonld"),
    ],
)
def test_the_w3id_rules_on_apache_send_each_accept_to_its_document(apache, site, path, accept, target):
    status, headers, _ = _get(f"{apache}/iran-kazakhstan-kg/{path}", accept, follow=False)
    expected = 303 if path.startswith("id/") else 302  # a thing: see its description; a document: found there
    assert (status, headers.get("location")) == (expected, f"{apache}/static/{target}"), error_log(site.parent)
    status, headers, body = _get(f"{apache}/iran-kazakhstan-kg/{path}", accept, follow=True)
    assert status == 200 and body == (site / target).read_bytes()
    assert headers["content-type"].split(";")[0] == accept.split(",")[0]


@pytest.mark.parametrize(
    ("path", "accept", "language", "target"),
    [
        ("id/kazakhstan", "text/html, text/turtle;q=0.1", "", "id/kazakhstan.html"),  # was the Turtle
        ("id/kazakhstan", "text/turtle;q=0, text/html", "", "id/kazakhstan.html"),  # was the Turtle
        ("id/kazakhstan", "application/ld+json, text/turtle;q=0.5", "", "id/kazakhstan.jsonld"),  # was the Turtle
        ("id/kazakhstan", "text/turtle;q=0.9, application/ld+json", "", "id/kazakhstan.jsonld"),
        ("ontology", "Text/Turtle; charset=utf-8; q=0.2, application/rdf+xml;q=0.8, */*;q=0.1", "", "ontology.rdf"),
        ("ontology", "text/turtle;q=0.4, text/*;q=0.9", "fa-IR,fa;q=0.9,en;q=0.8", "ontology.fa.html"),
        ("id/kazakhstan", "text/html", "en;q=0.1, fa", "id/kazakhstan.fa.html"),  # was the English page
        ("id/kazakhstan", "text/html", "fa;q=0.5, en", "id/kazakhstan.html"),
        # BR: long headers took Apache seconds (regexes that gave runs back): answered, and one too long is not read
        pytest.param("id/kazakhstan", "*/*" + " " * 8000 + "x", "", "id/kazakhstan.html", id="8000-spaces"),
        # (spaces inside the header: HTTP drops those at its end)
        pytest.param("id/kazakhstan", "text/turtle" + " " * 900 + ", x/y", "", "id/kazakhstan.ttl", id="900-spaces"),
        pytest.param("id/kazakhstan", "text/turtle" + " " * 1100 + ", x/y", "", "id/kazakhstan.html", id="too-long"),
        pytest.param("ontology", "text/html", "fa" + " " * 2000 + ", de", "ontology.html", id="too-long-language"),
    ],
)
def test_the_w3id_rules_on_apache_read_q_values(apache, site, path, accept, language, target):
    """mod_rewrite matched Accept as text, so the first RDF type named won whatever its q-value (BR's find);
    the rules now read q-values tier by tier, on a real Apache as in their reader (test_publish_apache)."""
    headers = {"Accept": accept, **({"Accept-Language": language} if language else {})}
    request = urllib.request.Request(f"{apache}/iran-kazakhstan-kg/{path}", headers=headers)
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.build_opener(_NoRedirect).open(request, timeout=30).close()
    assert answer.value.headers.get("location") == f"{apache}/static/{target}", error_log(site.parent)


@pytest.mark.parametrize(
    ("path", "language", "target"),
    [
        ("id/kazakhstan", "fa-IR,fa;q=0.9,en;q=0.8", "id/kazakhstan.fa.html"),
        ("ontology", "fa", "ontology.fa.html"),
        ("id/kazakhstan", "en-US,en;q=0.9", "id/kazakhstan.html"),
    ],
)
def test_the_w3id_rules_on_apache_send_a_reader_of_persian_to_the_persian_page(apache, site, path, language, target):
    request = urllib.request.Request(
        f"{apache}/iran-kazakhstan-kg/{path}", headers={"Accept": "text/html", "Accept-Language": language}
    )
    try:
        urllib.request.build_opener(_NoRedirect).open(request, timeout=30).close()
        location = None
    except urllib.error.HTTPError as exc:
        location = exc.headers.get("location")
    assert location == f"{apache}/static/{target}", error_log(site.parent)


def test_curl_with_accept_turtle_reaches_the_turtle_of_kazakhstan(apache, site, tmp_path):
    """The README's line: curl -L -H 'Accept: text/turtle' …/iran-kazakhstan-kg/id/kazakhstan"""
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    got = tmp_path / "kazakhstan.ttl"
    done = subprocess.run(
        ["curl", "-sSL", "-H", "Accept: text/turtle", "-o", str(got), "-w", "%{url_effective} %{content_type}",
         f"{apache}/iran-kazakhstan-kg/id/kazakhstan"],
        capture_output=True, text=True, check=True, timeout=30,
    )  # fmt: skip
    assert done.stdout == f"{apache}/static/id/kazakhstan.ttl text/turtle; charset=utf-8"
    assert got.read_bytes() == (site / "id" / "kazakhstan.ttl").read_bytes()


@pytest.mark.browser
def test_the_static_site_searches_in_the_browser_and_loads_clean(apache, tabs):
    """Served by Apache as any static host would: an entity page loads with no console error and nothing from
    elsewhere, and a name typed in its box and sent with Enter opens the search page in the page's language
    (Persian pages sent it to the English page: a static host reads no ``lang=``), which finds Tokayev from the
    search index (folded in the browser)."""
    with tabs.open() as tab:
        page, requests = tab.page, tab.requests
        page.goto(f"{apache}/static/id/kazakhstan.fa.html")
        assert page.locator("h1").text_content() == "قزاقستان"
        page.locator("#site-search").fill("xyzxyz")  # the live box over the static index says when nothing matches
        page.locator("#site-search-status bdi").wait_for()
        assert page.locator("#site-search-status").text_content() == "هیچ نامی با «xyzxyz» یافت نشد."
        page.locator("#site-search").fill("توكايف")
        with page.expect_navigation():
            page.locator("#site-search").press("Enter")
        assert urllib.parse.urlsplit(page.url).path == "/static/search.fa.html"
        first = page.locator("#search-results a").first
        first.wait_for()
        assert first.get_attribute("href") == "id/kassym-jomart-tokayev.fa.html"
        assert page.locator("h1 bdi").text_content() == "توكايف"  # the typed text isolated, as kg serve's page has it
        assert [text for kind, text in tab.console if kind == "error"] == []
        assert {urllib.parse.urlsplit(u).netloc for u in requests} == {urllib.parse.urlsplit(apache).netloc}


def test_apache_says_what_its_answers_vary_by_and_compresses_text_for_who_asks(apache, site):
    """A redirect of the w3id rules names the headers it was chosen by (Vary), for shared caches; the dataset
    description at its well-known address has its charset; text comes gzipped only to a client that asks."""
    import gzip

    for accept in ("text/turtle", "text/html"):
        status, headers, _ = _get(f"{apache}/iran-kazakhstan-kg/id/kazakhstan", accept, follow=False)
        assert status == 303 and {v.strip() for v in headers["vary"].split(",")} >= {"Accept", "Accept-Language"}
    status, headers, _ = _get(f"{apache}/static/.well-known/void", "*/*", follow=False)
    assert (status, headers["content-type"]) == (200, "text/turtle; charset=utf-8")
    for page in ("id/kazakhstan.fa.html", "id/kazakhstan.ttl", "search.js"):
        request = urllib.request.Request(f"{apache}/static/{page}", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.headers["Content-Encoding"] == "gzip", page
            assert gzip.decompress(response.read()) == (site / page).read_bytes()
        with urllib.request.urlopen(f"{apache}/static/{page}", timeout=30) as response:
            assert response.headers["Content-Encoding"] is None and response.read() == (site / page).read_bytes()


def test_apache_serves_the_opensearch_documents_whose_page_template_finds_by_name(apache, site):
    """Each language's OpenSearch document, as Apache serves it from the site's .htaccess; its page template
    points at the site's host (kg build publishes at the default host) and names the search page."""
    import xml.etree.ElementTree as ET

    from kg.limits import PUBLISH_HOST
    from kg.publish.opensearch import MEDIA_TYPE

    for name, page in (("opensearch.xml", "search.html"), ("opensearch.fa.xml", "search.fa.html")):
        status, headers, body = _get(f"{apache}/static/{name}", "*/*", follow=False)
        assert (status, headers["content-type"]) == (200, f"{MEDIA_TYPE}; charset=utf-8"), name
        root = ET.fromstring(body)
        templates = {u.get("type"): u.get("template") for u in root.iter("{http://a9.com/-/spec/opensearch/1.1/}Url")}
        assert templates["text/html"] == f"{PUBLISH_HOST}{page}?q={{searchTerms}}"
        assert (site / page).is_file()
    for page, name in (("index.html", "opensearch.xml"), ("id/kazakhstan.fa.html", "opensearch.fa.xml")):
        text = (site / page).read_text(encoding="utf-8")
        assert f'rel="search" type="{MEDIA_TYPE}" href="{"../" * page.count("/")}{name}"' in text
