"""Result tables for readers: CLI tables that fit the terminal, HTML for notebooks (DataFrames: test_results.py)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kg import namespaces
from kg.cli import main
from kg.errors import ExitCode
from kg.notebook import Explorer
from kg.sparql import query
from kg.sparql.files import read_query_text
from kg.sparql.results import Result
from kg.sparql.tables import _width

FIXTURES = Path(__file__).parent / "fixtures" / "query"
MINI = str(FIXTURES / "mini.ttl")
AGREEMENTS = str(FIXTURES / "queries" / "fx01-agreements.rq")


@pytest.fixture
def run(run_kg, monkeypatch):
    """conftest's ``run_kg``, with no COLUMNS from the terminal the tests run in."""
    monkeypatch.delenv("COLUMNS", raising=False)
    return run_kg


# --------------------------------------------------------------------------- kg query tables


def test_label_columns_replace_their_iri_columns(run):
    code, out, _ = run("query", AGREEMENTS, "--data", MINI)
    assert code == ExitCode.OK
    assert out.splitlines()[0].split() == ["?agreementLabel", "?kindLabel", "?partyLabel"]


def test_the_table_fits_width_and_no_truncate_keeps_every_character(run):
    code, out, _ = run("query", AGREEMENTS, "--data", MINI, "--width", "60")
    lines = out.splitlines()
    assert code == ExitCode.OK
    assert max(_width(line) for line in lines) <= 60
    assert lines[2:4] == [
        "Cultural exchange p…  programme           Ministry of Cultu…",
        "Railway cooperation…  memorandum of und…  Kazakhstan Temir …",
    ]
    code, out, _ = run("query", AGREEMENTS, "--data", MINI, "--width", "60", "--no-truncate")
    assert "Ministry of Culture and Sports of Kazakhstan" in out


def test_the_table_follows_columns_and_is_never_cut_when_piped(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    _, out, _ = run("query", AGREEMENTS, "--data", MINI)
    assert max(_width(line) for line in out.splitlines()) <= 50
    monkeypatch.delenv("COLUMNS")
    _, out, _ = run("query", AGREEMENTS, "--data", MINI)  # stdout is not a terminal here
    assert "Ministry of Culture and Sports of Kazakhstan" in out


@pytest.mark.parametrize("width", ["0", "-3", "wide"])
def test_a_bad_width_is_a_usage_error(run, width, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["query", AGREEMENTS, "--width", width])
    assert caught.value.code == ExitCode.USAGE
    assert capsys.readouterr().err.splitlines() == [
        f"kg query: error: argument --width: {width!r} is not a whole number ≥ 1",
        "(see kg query --help)",
    ]


# --------------------------------------------------------------------------- notebooks


def test_the_html_table_for_notebooks_is_labelled_escaped_and_isolated():
    q = read_query_text("SELECT ?place ?placeLabel ?note ?n WHERE {}")
    place = URIRef("https://w3id.org/iran-kazakhstan-kg/id/tehran")
    result = Result(
        q,
        "bindings",
        variables=["place", "placeLabel", "note", "n"],
        rows=[
            {
                "place": place,
                "placeLabel": Literal("تهران", lang="fa"),
                "note": Literal('<script>alert("x")</script>'),
                "n": Literal("3", datatype=namespaces.XSD.integer),
            }
        ],
    )
    from markupsafe import escape

    from kg.sparql.tables import _TO_IRIS

    assert result._repr_html_() == (
        f'<table class="kg-result" title="{escape(_TO_IRIS)}">'
        "<thead><tr><th>placeLabel</th><th>note</th><th>n</th></tr></thead><tbody><tr>"
        f'<td dir="auto" title="@fa"><a href="{place}">تهران</a></td>'
        '<td dir="auto" title="xsd:string">&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</td>'
        '<td dir="auto" title="xsd:integer">3</td></tr></tbody></table>'
    )


def test_a_library_query_shows_as_a_labelled_table_in_jupyter():
    html = query("cq01", labels=True)._repr_html_()
    assert html.count("<tr>") == 1 + 16
    assert "<th>agreementLabel</th><th>kindLabel</th><th>partyLabel</th><th>countryLabel</th>" in html
    assert ">Railways of the Islamic Republic of Iran (RAI)</a>" in html


def test_the_explorer_shows_inline_in_a_notebook_as_an_escaped_srcdoc():
    page = '<html><body><p title="a&b">"quoted" <b>bold</b></p></body></html>'
    shown = Explorer(page, height=300)._repr_html_()
    frame = r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts" title="kg explorer" style="[^"]*300px[^"]*"></iframe>'
    match = re.fullmatch(frame, shown)
    assert match is not None, shown
    assert html.unescape(match.group(1)) == page
