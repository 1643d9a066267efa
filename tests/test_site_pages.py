"""kg.site.pages: links that never leave the site, the status and the reader's words for each failure, and a
parameter's default as a form shows it."""

from __future__ import annotations

import pytest

from kg.errors import EndpointError, KgError, LoadError, QueryError, QuerySyntaxError, QueryTimeout
from kg.i18n import text
from kg.namespaces import ID
from kg.site.pages import CSP, Library, explorer_link, failure_message, href, status_of
from kg.sparql.files import read_query_text


@pytest.mark.parametrize(
    ("iri", "lang", "link"),
    [
        (str(ID["kazakhstan"]), "en", "/id/kazakhstan.html"),
        (str(ID["kazakhstan"]), "fa", "/id/kazakhstan.fa.html"),
        ("http://www.wikidata.org/entity/Q232", "en", "/ext/wd/Q232.html"),
        ("javascript:alert(1)", "en", None),
        ("data:text/html,<script>alert(1)</script>", "en", None),
        ("file:///etc/passwd", "fa", None),
        ("http://example.org/elsewhere", "en", None),  # no page here: shown as text, never linked off the site
    ],
)
def test_a_cell_links_only_to_a_page_of_this_site(iri, lang, link):
    assert href(iri, lang) == link


@pytest.mark.parametrize(
    ("iri", "link"),
    [
        (str(ID["kazakhstan"]), "/explorer#node=kgi:kazakhstan"),
        ("http://example.org/a b#c", "/explorer#node=http://example.org/a%20b%23c"),
        (
            "https://fa.wikipedia.org/wiki/تهران",
            "/explorer#node=https://fa.wikipedia.org/wiki/%D8%AA%D9%87%D8%B1%D8%A7%D9%86",
        ),
    ],
)
def test_the_explorer_link_names_the_node_in_its_fragment_quoted(iri, link):
    assert explorer_link(iri) == link


@pytest.mark.parametrize(
    ("error", "status", "key"),
    [
        (QueryTimeout("past 5 s"), 504, ("site", "timeout")),
        (EndpointError("connection refused"), 502, ("site", "endpoint_down")),
        (QueryError("SERVICE is refused: queries do not reach the network"), 400, ("site", "refused")),
        (QuerySyntaxError("SPARQL syntax error: unexpected '}'"), 400, ("sparql", "not_run")),
        (LoadError("broken.ttl:1:1: oops"), 400, ("sparql", "not_run")),
        (KgError("anything"), 400, ("sparql", "not_run")),
    ],
)
def test_each_failure_has_its_status_and_words_in_both_languages(error, status, key):
    assert status_of(error) == status
    for lang in ("en", "fa"):
        assert failure_message(error, lang) == text(*key, lang)
    assert failure_message(error, "en") != failure_message(error, "fa")


def test_a_default_is_shown_bare_as_typed_in_a_form():
    q = read_query_text(
        '# param: lang | string | "en" | l\n# param: name | langstring | "Tehran"@en | n\n'
        "# param: c | iri | kgi:iran | c\n# param: n | integer | - | n\n"
        'SELECT * WHERE { VALUES ?lang { "en" } VALUES ?name { "Tehran"@en } VALUES ?c { kgi:iran } '
        "VALUES ?n { UNDEF } ?s ?p ?o }"
    )
    assert [Library.default(p) for p in q.params] == ["en", "Tehran@en", "kgi:iran", ""]
    assert q.param("name").default == ("l", "Tehran", None, "en")


def test_the_site_s_policy_allows_only_itself():
    assert "default-src 'self'" in CSP and "base-uri 'none'" in CSP and "frame-ancestors 'self'" in CSP
    assert "http" not in CSP and "unsafe-eval" not in CSP
