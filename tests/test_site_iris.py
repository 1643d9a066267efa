"""Every IRI a reader meets on kg serve's pages is a name, linked: never an IRI written whole as text.

A crawl of the pages of the session's kg serve (conftest.py) in both languages: the home page, every question
with its result table, the editor, the ad-hoc page (with a result of other sites' IRIs), search, the endpoint's
page (its service description), and resource pages of each kind that once showed IRIs whole (a QUDT unit, a
version IRI, isna.ir, the dataset's namespaces and citation, the shapes' patterns and declarations). The static
site's ~2 500 pages are checked the same way by tests/test_publish_static.py. Text inside code, scripts and
download lists is exempt (tests/raw_iris.py)."""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from kg.publish.paths import parse_page
from raw_iris import raw_iris

pytestmark = [pytest.mark.server]

#: Resource pages of each kind that showed IRIs whole (they are also in the static site's check).
RESOURCES = ("id/concept/percent", "id/concept/us-dollar", "ext/skos/exactMatch", "ext/owl/versionIRI",
             "ontology/0.1.0", "ext/dcterms/source", "dataset", "void", "shapes", "shapes/MentionShape",
             "ext/sh/message", "ext/sh/declare", "ext/void/uriSpace")  # fmt: skip
#: A query whose answer is other sites' IRIs with no label and no page (the QUDT units).
OTHER_SITES = "SELECT ?unit ?same WHERE { ?unit <http://www.w3.org/2004/02/skos/core#exactMatch> ?same }"
_DOWNLOADS = re.compile(r"\.(csv|json|srj|tsv|ttl|nt|jsonld|rdf|xml|gz)$")


def page_suffix(lang: str) -> str:
    """The suffix of a resource's page in ``lang``."""
    return ".fa.html" if lang == "fa" else ".html"


def fetch(url: str) -> str:
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read().decode("utf-8") if "html" in response.headers.get("content-type", "") else ""
    except urllib.error.HTTPError as answer:  # an error page is a page too
        return answer.read().decode("utf-8")


def site_pages(site: str, lang: str) -> dict[str, str]:
    """The site's own pages in ``lang`` (links followed from the home page; resource pages are the static
    site's check, but for RESOURCES), each once: path -> HTML."""
    todo = [f"/?lang={lang}"] + [f"/{r}{page_suffix(lang)}" for r in RESOURCES]
    todo += ["/ad-hoc?" + urllib.parse.urlencode({"query": OTHER_SITES, "lang": lang}), f"/no/such/page?lang={lang}",
             f"/query?lang={lang}", f"/search?q=iran&lang={lang}"]  # fmt: skip
    seen, pages = set(todo), {}
    while todo:
        path = todo.pop(0)
        pages[path] = page = fetch(site + path.lstrip("/"))
        for link in re.findall(r'href="(/[^"#]*)"', page):
            link = html.unescape(link)
            parts = urllib.parse.urlsplit(link)
            query = dict(urllib.parse.parse_qsl(parts.query))
            if link in seen or _DOWNLOADS.search(parts.path) or query.get("lang", lang) != lang:
                continue
            if parse_page(parts.path.lstrip("/")) is not None or parts.path.startswith(("/id/", "/ext/")):
                continue  # a resource page: the static site's check
            seen.add(link)
            todo.append(link)
    return pages


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_no_page_of_kg_serve_writes_an_iri_whole(site, lang):
    pages = site_pages(site, lang)
    assert len([p for p in pages if p.startswith("/q/")]) >= 30, sorted(pages)
    raw = [f"{path}: {iri}" for path, page in pages.items() for iri in raw_iris(page)]
    assert raw == []


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_another_site_s_iri_is_named_in_the_page_s_language_and_marked_as_leaving(site, lang):
    unit = fetch(f"{site}id/concept/percent{page_suffix(lang)}")
    away = re.search(r'<a class="external" rel="external noopener noreferrer" href="http://qudt\.org/vocab/unit/'
                     r'PERCENT"[^>]*>([^<]*)<span class="visually-hidden"> \(([^)]*)\)</span></a>', unit)  # fmt: skip
    assert away, unit
    assert away.groups() == {"en": ("percent (QUDT unit)", "leaves the site"),
                             "fa": ("درصد (یکای QUDT)", "بیرون از این سایت")}[lang]  # fmt: skip
    table = fetch(site + "ad-hoc?" + urllib.parse.urlencode({"query": OTHER_SITES, "lang": lang}))
    assert {"en": "US dollar (QUDT currency)", "fa": "دلار آمریکا (واحد پول QUDT)"}[lang] in table
    assert 'class="external" rel="external noopener noreferrer" href="http://qudt.org/vocab/currency/USD"' in table


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_our_own_iris_never_leave_the_machine_and_versions_are_named(site, lang):
    suffix = page_suffix(lang)
    versions = fetch(f"{site}ext/owl/versionIRI{suffix}")
    name = {"en": "kg ontology, version 0.1.0", "fa": "هستان‌شناسی kg، نسخهٔ ۰.۱.۰"}[lang]
    assert (
        f'<a href="/ontology/0.1.0{suffix}" title="&lt;https://w3id.org/iran-kazakhstan-kg/ontology/0.1.0&gt;"'
        in versions
    )
    assert f'dir="auto">{name}</a>' in versions
    dataset = fetch(f"{site}dataset{suffix}")
    assert 'href="https://w3id.org' not in dataset and 'href="http://w3id.org' not in dataset
    citation = f'<a href="/dataset{suffix}"><code dir="ltr">https://w3id.org/iran-kazakhstan-kg/dataset</code></a>'
    assert citation in dataset, "the citation's IRI: code, linked to the dataset's page here"


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_a_mention_is_named_by_the_article_s_words_not_by_its_offsets(site, lang):
    """A statement's factuality cues were links reading «span:4419-4427»: a mention is now its words, quoted."""
    suffix = page_suffix(lang)
    page = fetch(f"{site}id/statement/tokayev-hope{suffix}")
    assert f'<a href="/id/span/4419-4427{suffix}" title="span:4419-4427" dir="auto">«امیدوارم»</a>' in page
    assert ">span:" not in page
    mention = fetch(f"{site}id/span/4419-4427{suffix}")
    assert '<h1 dir="auto">«امیدوارم»</h1>' in mention and "<title>«امیدوارم» · " in mention
