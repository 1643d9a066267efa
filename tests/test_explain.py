"""SPARQL mistakes in words (kg.sparql.explain): the cause, where it is, and what to write instead."""

from __future__ import annotations

import pytest

from kg.errors import QuerySyntaxError
from kg.sparql import explain as explain_module
from kg.sparql import query
from kg.sparql.explain import explain, find_problems
from kg.sparql.syntax import Lines, offset_of, position


def _explained(text: str) -> list:
    try:
        query(text=text, timeout=30)
    except QuerySyntaxError as exc:
        return explain(text, exc)
    return explain(text)


@pytest.mark.parametrize(
    ("text", "english", "fix"),
    [
        (
            "SELECT * WHERE {\n  ?s foaf:name ?o\n}",
            "line 2, column 6: The prefix foaf: is not declared, and it is not one of the project's prefixes.",
            "PREFIX foaf: <…>",
        ),
        (
            "SELECT * WHERE { ?a kg:party ?b }",
            "line 1, column 21: The prefix kg: is not declared. Add this line at the top of the query:",
            "PREFIX kg: <https://w3id.org/iran-kazakhstan-kg/ontology#>",
        ),
    ],
)
def test_an_undeclared_prefix_comes_with_the_prefix_line_to_add(text, english, fix):
    (problem,) = find_problems(text, project_prefixes=False)
    assert problem.english().startswith(english)
    assert problem.fix == fix and problem.english().endswith(fix)


def test_a_declared_prefix_and_the_prefix_declaration_itself_are_no_problem():
    text = "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nSELECT * WHERE { ?s foaf:name ?o }"
    assert find_problems(text, project_prefixes=False) == []
    assert find_problems("SELECT * WHERE { ?a kg:party ?b }") == [], "the site and -e add the project's prefixes"


@pytest.mark.parametrize(
    ("text", "key", "where", "related"),
    [
        ("SELECT * WHERE { ?s ?p ?o FILTER(?o = 1 }", "mismatched_bracket", (1, 41), (1, 33)),
        ("SELECT * WHERE {\n  ?s ?p ?o .\n  OPTIONAL { ?s ?q ?r \n", "unclosed_bracket", (3, 22), (3, 12)),
        ("SELECT * WHERE { ?s ?p ?o } }", "stray_bracket", (1, 29), None),
        ('SELECT * WHERE { ?s ?p "Tehran }', "unclosed_string", (1, 24), None),
        ("SELECT * WHERE { ?s ?p ?o } LIMT 3", "unexpected_token", (1, 29), None),
    ],
)
def test_brackets_strings_and_the_parsers_position_in_words(text, key, where, related):
    (problem,) = _explained(text)
    assert problem.key == key
    if where:
        assert (problem.line, problem.column) == where
    assert problem.related == related


def test_a_missing_parenthesis_names_where_it_opened_in_both_languages():
    (problem,) = _explained("SELECT * WHERE { ?s ?p ?o FILTER(?o = 1 }")
    assert problem.say("en") == (
        "The parenthesis ( opened at line 1, column 33 is closed by } at line 1, column 41: close it with ) first."
    )
    said = problem.say("fa")
    assert "سطر ۱، ستون ۳۳" in said and "\u2066(\u2069" in said, "Persian digits; code isolated left to right"
    assert "GROUP_CONCAT" not in said


def test_the_parsers_own_words_are_kept_as_the_detail():
    (problem,) = _explained("SELECT * WHERE { ?s ?p ?o } LIMT 3")
    assert "LIMT" in problem.detail and problem.english().startswith("line 1, column 29:")


def test_a_query_that_ends_too_early_is_said_so():
    error = QuerySyntaxError("SPARQL syntax error: unexpected end of query", line=1, column=28)
    (problem,) = explain("SELECT * WHERE { ?s ?p ?o } ", error)
    assert problem.key == "unexpected_end" and "ends too early (line 1, column 28)" in problem.say("en")


class _CountedLines(Lines):
    """:class:`Lines` that counts the places looked up."""

    looked = 0

    def position(self, offset: int) -> tuple[int, int]:
        type(self).looked += 1
        return super().position(offset)


@pytest.mark.parametrize(
    ("text", "key", "looked"),
    [
        ("SELECT * WHERE " + "{" * 20_000 + "}" * 20_000, None, 0),
        ("ASK {" + "(" * 20_000 + ")" * 20_000 + "}", None, 0),
        ("ASK {" + "[" * 20_000 + "}", "mismatched_bracket", 2),
        ("ASK {" + "(" * 20_000, "unclosed_bracket", 2),
        ("ASK {}" + "}" * 20_000, "stray_bracket", 1),
        ("ASK {" + "\n".join(f"?s p{i}:x ?o ." for i in range(5_000)) + "}", "unknown_prefix", 5_000),
    ],
    ids=["braces", "parentheses", "mismatched", "unclosed", "stray", "many-prefixes"],
)
def test_a_hostile_text_is_read_in_one_pass(monkeypatch, text, key, looked):
    """Places are looked up only for what is reported, each in the lines found once: a scan from the start per
    bracket made 100 000 nested braces (a 200 KB request) hold ``kg serve``'s event loop for over a minute."""
    _CountedLines.looked = 0
    monkeypatch.setattr(explain_module, "Lines", _CountedLines)
    problems = find_problems(text, project_prefixes=False)
    assert [p.key for p in problems][:1] == ([key] if key else [])
    assert _CountedLines.looked == looked
    for problem in problems[:1] + problems[-1:]:  # the places are still right
        assert problem.line is not None
        offset = offset_of(text, problem.line, problem.column)
        assert position(text, offset) == (problem.line, problem.column)
    if key == "unknown_prefix":
        assert (problems[-1].line, problems[-1].column, problems[-1].values) == (5_000, 4, {"prefix": "p4999:"})
