"""kg.site.editor: the ad-hoc page's listing marks each mistake at its character (code points, Persian included),
refused operations are said as such, and the policy is the Oxigraph server's reading."""

from __future__ import annotations

import pytest

from kg.errors import QueryError, QuerySyntaxError
from kg.site.editor import ADHOC_EXAMPLE, _listing, _query_problems, refuse_service
from kg.sparql.explain import Problem


def marked(listing) -> list[str]:
    """Each line with its marked characters in brackets."""
    return ["".join(f"[{text}]" if mark else text for text, mark in line["segments"]) for line in listing]


def test_each_mistake_and_the_place_that_explains_it_are_marked_in_code_points():
    text = "SELECT ?x {\r\n  ?x کشور ?y\n}"
    listing = _listing(text, [Problem("a", {}, 2, 6), Problem("b", {}, 1, 11, related=(3, 1))])
    assert marked(listing) == ["SELECT ?x [{]", "  ?x [ک]شور ?y", "[}]"]  # the \r is not part of the line
    assert [line["marked"] for line in listing] == [True, True, True]


def test_a_place_past_the_end_of_its_line_marks_a_space_and_a_mark_is_made_once():
    assert marked(_listing("ab", [Problem("a", {}, 1, 9)])) == ["ab[ ]"]
    assert marked(_listing("abc", [Problem("a", {}, 1, 2), Problem("b", {}, 1, 2)])) == ["a[b]c"]
    assert marked(_listing("abc", [Problem("a", {}, 1, None)])) == ["[a]bc"]  # no column: the line's start


def test_lines_without_a_mistake_are_listed_unmarked():
    listing = _listing("SELECT *\nWHERE { ?s ?p ?o }\n", [Problem("a", {}, 2, 7)])
    assert [line["marked"] for line in listing] == [False, True, False]
    assert marked(listing) == ["SELECT *", "WHERE [{] ?s ?p ?o }", ""]


def test_a_refused_operation_is_said_as_refused_at_its_place():
    error = QueryError("SERVICE is refused: queries do not reach the network", line=1, column=12)
    (problem,) = _query_problems("SELECT * { SERVICE <http://x/> {} }", error, "en")
    assert (problem.key, problem.line, problem.column) == ("refused_query", 1, 12)
    assert problem.detail == "1:12: SERVICE is refused: queries do not reach the network"


def test_a_syntax_error_is_explained_not_called_refused():
    error = QuerySyntaxError("SPARQL syntax error: unexpected 'refused'", line=1, column=18)
    problems = _query_problems("SELECT * WHERE { refused }", error, "en")
    assert problems and all(p.key != "refused_query" for p in problems)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICEab:x { ?s ?p ?o } }",  # SERVICE to Oxigraph, whatever follows it
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "DELETE WHERE { ?s ?p ?o }",
    ],
)
def test_the_site_refuses_what_the_oxigraph_server_would_run_beyond_reading(text):
    with pytest.raises(QueryError, match=r"^<request>:1:\d+: .* (is|are) refused"):
        refuse_service(text)


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_example_asks_in_the_page_s_language_and_passes_the_policy(lang):
    example = ADHOC_EXAMPLE.format(lang=lang)
    assert f'LANG(?agreementLabel) = "{lang}"' in example
    refuse_service("PREFIX kg: <https://w3id.org/iran-kazakhstan-kg/ontology#>\n" + example)


@pytest.mark.server
@pytest.mark.parametrize(("lang", "more"), [("en", "… and 4980 more mistakes"), ("fa", "… و ۴۹۸۰ اشتباه دیگر")])
def test_a_text_of_thousands_of_mistakes_gets_a_page_of_the_first_ones_not_one_thirty_times_its_size(site, lang, more):
    """5 000 unknown prefixes (60 KB) once made a page listing every one (80 000: 21 MB, the loop held ~1 s)."""
    import urllib.error
    import urllib.parse
    import urllib.request

    text = "SELECT * { " + " ".join(f"p{i}:a" for i in range(5000)) + " }"
    body = urllib.parse.urlencode({"query": text}).encode()
    request = urllib.request.Request(f"{site}ad-hoc?lang={lang}", data=body)
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=60)
    page = caught.value.read().decode("utf-8")
    assert caught.value.code == 400
    assert page.count("p19:") >= 1 and "p20:" not in page.split("<ol", 1)[0]  # the first 20 said, no more
    assert more in page
    assert len(page) < 3 * len(text)
