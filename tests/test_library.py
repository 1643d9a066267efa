"""kg.sparql.library's own checks: values the data cannot answer are usage errors naming the allowed ones, and
the text --show prints. (Running queries on every engine and the library's rows: tests/test_query.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import UsageError
from kg.namespaces import ID
from kg.sparql import library
from kg.sparql.engines import open_engine
from kg.sparql.files import read_query_text
from kg.sparql.library import check_values, prepare_query, show

MINI = [Path(__file__).parent / "fixtures" / "query" / "mini.ttl"]
LABELS = read_query_text(
    '# param: lang | string | "en" | language\n'
    "# param: country | iri kg:Country | kgi:kazakhstan | a country\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX kgi: <https://w3id.org/iran-kazakhstan-kg/id/>\n"
    'SELECT ?l WHERE {\n  VALUES ?lang { "en" }\n  VALUES ?country { kgi:kazakhstan }\n'
    "  ?country rdfs:label ?l FILTER(LANG(?l) = ?lang)\n}\n",
    name="labels",
)


@pytest.fixture(scope="module")
def engine():
    return open_engine("oxigraph", data=MINI)


@pytest.mark.parametrize(
    "bindings",
    [
        {"lang": ("l", "fa", None, None)},
        {"lang": ("l", "en", None, None)},  # the default
        {"lang": ("l", 'en", None, None) || true || ("')},  # not a language tag: one literal that matches nothing
        {"country": ("i", str(ID["iran"]))},
        {"country": None},
        {"unknown": ("l", "x", None, None)},
    ],
)
def test_values_the_data_can_answer_pass(engine, bindings):
    check_values(LABELS, bindings, engine)


def test_a_language_the_labels_do_not_have_names_the_ones_they_have(engine):
    with pytest.raises(UsageError) as caught:
        check_values(LABELS, {"lang": ("l", "de", None, None)}, engine)
    assert str(caught.value) == "labels: parameter 'lang': 'de' is not a language of the data's labels; allowed: en, fa"


def test_an_iri_not_of_its_parameter_s_class_names_the_instances(engine):
    with pytest.raises(UsageError) as caught:
        check_values(LABELS, {"country": ("i", str(ID["tehran"]))}, engine)
    message = str(caught.value)
    assert message.startswith("labels: parameter 'country': kgi:tehran is not a kg:Country; allowed: ")
    assert "kgi:iran" in message and "kgi:kazakhstan" in message


def test_show_writes_only_what_changed_from_the_defaults():
    assert prepare_query(LABELS).text == LABELS.text  # defaults: the file as it is
    text = prepare_query(LABELS, {"country": "kgi:iran"}, lang="fa").text
    assert 'VALUES ?lang { "fa" }' in text and f"VALUES ?country {{ <{ID['iran']}> }}" in text
    assert show(text="SELECT * WHERE { ?s ?p ?o }") == "SELECT * WHERE { ?s ?p ?o }"


def test_the_languages_of_one_dataset_are_never_taken_for_another_s(tmp_path, monkeypatch):
    """Regression: the data's label languages were cached by id(engine); CPython gives a new engine the id of
    one just freed, so after a query on Spanish labels, 'lang=de' on German ones was refused ('allowed: es').
    Every engine is given the same id here, as a freed one's is given to the next."""
    monkeypatch.setattr(library, "id", lambda obj: 1, raising=False)
    engines = {}
    for lang in ("es", "de"):
        data = tmp_path / f"{lang}.nt"
        data.write_text(f'<urn:a> <http://www.w3.org/2000/01/rdf-schema#label> "x"@{lang} .\n', encoding="utf-8")
        engines[lang] = open_engine("oxigraph", data=[data], entailment="none")
        check_values(LABELS, {"lang": ("l", lang, None, None)}, engines[lang])  # each dataset: its own languages
    with pytest.raises(UsageError, match=r"'de' is not a language of the data's labels; allowed: en, es, fa$"):
        check_values(LABELS, {"lang": ("l", "de", None, None)}, engines["es"])
