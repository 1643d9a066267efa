"""kg.sparql.files: query files, their header (title, questions, typed parameters, column names) read with
positions, and the library found by name, number or prefix."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal

from kg.errors import LoadError, QueryError, UsageError
from kg.namespaces import ID, XSD
from kg.sparql.files import find_query, format_library, list_queries, load_query, read_query, read_query_text
from kg.terms import unpack_term

LIBRARY = Path(__file__).parent / "fixtures" / "query" / "queries"


def write_query(tmp_path: Path, text: str, name: str = "probe.rq") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_header_gives_title_questions_and_typed_parameters():
    q = read_query(LIBRARY / "fx01-agreements.rq")
    assert q.name == "fx01-agreements"
    assert q.title == "Agreements, their kinds and parties"
    assert q.questions["en"] == (
        "Which agreements were concluded during the visit, of what kind, "
        "and which party from the given country concluded each?"
    )
    assert q.questions["fa"] == "چه اسنادی در جریان سفر منعقد شد، از چه نوعی، و کدام طرفِ کشورِ داده‌شده آن را منعقد کرد؟"
    assert [(p.name, p.type, p.default, p.description) for p in q.params] == [
        ("lang", "string", ("l", "en", None, None), "language of the labels returned"),
        ("country", "iri", ("i", str(ID["kazakhstan"])), "the country whose parties to list"),
    ]
    assert (q.form, q.ordered) == ("SELECT", True)


def test_defaults_of_every_type_are_terms_of_that_type():
    q = read_query(LIBRARY / "fx07-figures-at-least.rq")
    defaults = {p.name: None if p.default is None else unpack_term(p.default) for p in q.params}
    assert defaults == {
        "min": Literal("1000000.0", datatype=XSD.decimal),
        "approximate": None,
        "limit": Literal(10),
        "after": Literal("2022-01-01", datatype=XSD.date),
    }
    assert read_query(LIBRARY / "fx06-entity-by-label.rq").params[0].default == ("l", "قزاقستان", None, "fa")
    assert read_query(LIBRARY / "fx03-neighbours.rq").params[1].default == ("i", str(ID["iran"]))


def test_an_unknown_parameter_type_is_reported_at_its_position(tmp_path):
    path = write_query(tmp_path, "# title: t\n# param: x | uri | - | d\nSELECT * { ?x ?p ?o }\n")
    with pytest.raises(QueryError) as caught:
        read_query(path)
    assert str(caught.value) == (
        f"{path}:2:14: parameter 'x' has unknown type 'uri'; "
        "types: iri, string, langstring, integer, decimal, boolean, date"
    )


def test_a_default_that_is_not_of_its_type_is_reported_at_its_position(tmp_path):
    path = write_query(tmp_path, "# param: n | integer | 1.5 | how many\nSELECT * { ?x ?p ?n }\n")
    with pytest.raises(QueryError) as caught:
        read_query(path)
    assert str(caught.value) == f"{path}:1:24: default of 'n': '1.5' is not an integer"


def test_a_query_is_found_by_name_or_unique_prefix():
    assert find_query("fx04-agreements-by-kind", LIBRARY).name == "fx04-agreements-by-kind"
    assert find_query("fx04", LIBRARY).name == "fx04-agreements-by-kind"
    assert find_query("fx04-agreements-by-kind.rq", LIBRARY).name == "fx04-agreements-by-kind"


def test_an_unknown_name_lists_the_close_matches():
    with pytest.raises(UsageError) as caught:
        find_query("fx1-agrements", LIBRARY)
    assert str(caught.value) == "unknown query 'fx1-agrements'; did you mean fx01-agreements? (`kg queries` lists them)"
    with pytest.raises(UsageError, match=r"did you mean fx01-agreements, fx02-trade-figures, "):
        find_query("fx0", LIBRARY)


def test_a_file_that_does_not_exist_is_named(tmp_path):
    with pytest.raises(LoadError, match=r"missing\.rq: no such query file$"):  # a missing input: exit 2
        load_query(tmp_path / "missing.rq")


def test_the_library_is_listed_in_name_order():
    assert [q.name for q in list_queries(LIBRARY)] == [
        "fx01-agreements",
        "fx02-trade-figures",
        "fx03-neighbours",
        "fx04-agreements-by-kind",
        "fx05-labels-of",
        "fx06-entity-by-label",
        "fx07-figures-at-least",
    ]


def test_column_and_translation_lines_are_read_and_checked(tmp_path):
    text = (
        "# title: Countries\n# title@fa: کشورها\n# column: c | Country | کشور\n"
        '# param: lang | string | "en" | language\n# param@fa: lang | زبان\n'
        'SELECT ?c ?n WHERE {\n  VALUES ?lang { "en" }\n  ?c ?p ?lang\n}\n'
    )
    q = read_query(write_query(tmp_path, text))
    assert (q.title_in("fa"), q.title_in("de")) == ("کشورها", "Countries")
    assert (q.column("c", "fa"), q.column("c", "en"), q.column("n", "fa")) == ("کشور", "Country", "?n")
    assert (q.param_text("lang", "fa"), q.param_text("lang", "en")) == ("زبان", "language")
    for bad, message in [
        ("# column: c | Country\n", ":1:11: a header line is 'column: variable | name@en | name@fa'"),
        ("# column: ?c | C | ک\n", ":1:11: '?c' is not a SPARQL variable name"),
        ("# column: c | C | ک\n# column: c | C | ک\n", ":2:11: column 'c' is named twice"),
        ("# param@fa: x | ایکس\n", ": param@: no parameter 'x' is declared"),
    ]:
        with pytest.raises(QueryError) as caught:
            read_query(write_query(tmp_path, bad + "SELECT ?c WHERE { ?c ?p ?o }\n"))
        assert str(caught.value).endswith(message), str(caught.value)


def test_a_comment_indented_two_spaces_continues_the_value_above_and_other_keys_are_kept():
    q = read_query_text(
        "# title: Agreements\n#   and their parties\n# question@fa: کدام اسناد؟\n# source: ISNA\n"
        "# a comment, not a header line\nSELECT * WHERE { ?s ?p ?o }\n# title: not the header any more\n"
    )
    assert (q.title, q.questions, dict(q.meta)) == (
        "Agreements and their parties",
        {"fa": "کدام اسناد؟"},
        {"source": "ISNA"},
    )
    assert read_query_text("# question: Which?\nASK {}").question("en") == "Which?"  # no language: English


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("# param: x | iri\n", "probe.rq:1:10: a param line is 'name | type | default | description'"),
        ("# param: ?x | iri | - | d\n", "probe.rq:1:10: parameter name '?x' is not a SPARQL variable name"),
        (
            "# param: n | integer kg:Country | - | d\n",
            "probe.rq:1:14: only an iri parameter names classes ('n' is integer)",
        ),
        ("# param: c | iri foo:Country | - | d\n", "probe.rq:1:14: class of 'c': 'foo:Country': unknown prefix 'foo:'"),
        (
            "# param: x | string | - | d\n# param: x | string | - | d\n",
            "probe.rq:2:10: parameter 'x' is declared twice",
        ),
        (
            '# param: d | date | "2022-02-30" | d\n',
            "probe.rq:1:21: default of 'd': '2022-02-30' is not a date (YYYY-MM-DD)",
        ),
        ("# param@fa: x\n", "probe.rq:1:13: a header line is 'param@LANG: name | text'"),
    ],
)
def test_a_header_mistake_is_reported_at_its_field(tmp_path, header, message):
    path = write_query(tmp_path, header + "SELECT * WHERE { VALUES ?x { UNDEF } ?s ?p ?x }\n")
    with pytest.raises(QueryError) as caught:
        read_query(path)
    assert str(caught.value).endswith(message)
    assert str(caught.value).startswith(str(tmp_path))


def test_an_iri_parameter_names_its_classes_and_a_description_may_hold_bars():
    q = read_query_text(
        "# param: c | iri kg:Country schema:Place | kgi:iran | the country | or its region\n"
        "SELECT * WHERE { VALUES ?c { kgi:iran } ?s ?p ?c }"
    )
    (param,) = q.params
    assert param.classes == (
        "https://w3id.org/iran-kazakhstan-kg/ontology#Country",
        "https://schema.org/Place",
    )
    assert param.description == "the country | or its region"
    assert param.default == ("i", str(ID["iran"])) and param.default_text == "kgi:iran"


@pytest.mark.parametrize(
    ("name", "suggested"),
    [
        ("fx1", "did you mean fx01-agreements?"),  # the same number, written without its zero
        ("fx001", "did you mean fx01-agreements?"),
        ("neighbors", None),
        ("trade", "did you mean fx02-trade-figures?"),  # a word of the name
        ("", "did you mean fx01-agreements, fx02-trade-figures, fx03-neighbours, fx04-agreements-by-kind or "),
    ],
)
def test_an_unknown_name_suggests_the_same_number_the_names_holding_it_or_close_spellings(name, suggested):
    with pytest.raises(UsageError) as caught:
        find_query(name, LIBRARY)
    message = str(caught.value)
    assert message.startswith(f"unknown query {name!r}") and message.endswith("(`kg queries` lists them)")
    if suggested is None:
        assert "did you mean fx03-neighbours?" in message  # a close spelling
    else:
        assert suggested in message


def test_a_query_loads_from_text_a_file_or_a_library_name(tmp_path):
    assert load_query(text="ASK {}").name == "<-e>"
    path = write_query(tmp_path, "ASK {}", name="mine.rq")
    assert load_query(path).path == path
    assert load_query("fx02", library=LIBRARY).name == "fx02-trade-figures"
    with pytest.raises(UsageError, match=r"^give a query name, a \.rq file or -e 'SPARQL'$"):
        load_query()


def test_the_library_lists_each_query_with_its_parameters_in_the_language_asked(tmp_path):
    text = format_library(LIBRARY).splitlines()
    assert text[0] == "fx01-agreements  Agreements, their kinds and parties"
    assert text[1] == '    --param lang=<string> (default "en")  language of the labels returned'
    persian = format_library(LIBRARY, lang="fa").splitlines()
    assert persian[0].startswith("fx01-agreements  چه اسنادی در جریان سفر منعقد شد")
    # the fixture has no param@fa: the English description
    assert persian[1] == '    --param lang=<string> (پیش‌فرض: \u2068"en"\u2069)  language of the labels returned'
    assert format_library(tmp_path) == "the query library is empty\n"
    assert format_library(tmp_path, lang="fa") == "کتابخانهٔ پرس‌وجوها خالی است\n"
    assert [q.name for q in list_queries(tmp_path)] == []


def test_a_parameter_is_described_in_the_language_asked_where_the_file_says_it(tmp_path):
    write_query(
        tmp_path,
        "# title: Mine\n# question@fa: کدام؟\n# param: country | iri | kgi:iran | the country\n"
        "# param@fa: country | کشور\n"
        "PREFIX kgi: <https://w3id.org/iran-kazakhstan-kg/id/>\n"
        "SELECT ?x WHERE { VALUES ?country { kgi:iran } ?x ?p ?country }\n",
        name="q1-mine.rq",
    )
    english, persian = format_library(tmp_path).splitlines(), format_library(tmp_path, lang="fa").splitlines()
    assert english == ["q1-mine  Mine", "    --param country=<iri> (default kgi:iran)  the country"]
    assert persian == ["q1-mine  کدام؟", "    --param country=<iri> (پیش‌فرض: \u2068kgi:iran\u2069)  کشور"]
