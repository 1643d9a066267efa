"""kg.site.questions: a question's form built from its header (input types, labels in the reader's language,
values given or the defaults), and a failed run said in the reader's words."""

from __future__ import annotations

import pytest

from kg.errors import EndpointError, QueryTimeout, UsageError
from kg.i18n import text
from kg.site.questions import CSV_BOM, DOWNLOADS, INPUT_TYPES, _run_refusal, form_fields
from kg.sparql.files import read_query_text

HEADER = """# param: lang | string | "en" | language
# param: n | integer | 5 | how many
# param@fa: n | چند تا
# param: d | decimal | - | amount
# param: ok | boolean | true | flag
# param: day | date | 2022-06-19 | day
# param: c | iri | kgi:iran | country
# param: t | langstring | "Tehran"@en | name
SELECT * WHERE { VALUES ?lang { "en" } VALUES ?n { 5 } VALUES ?d { UNDEF } VALUES ?ok { true }
  VALUES ?day { "2022-06-19"^^xsd:date } VALUES ?c { kgi:iran } VALUES ?t { "Tehran"@en } ?s ?p ?o }"""


@pytest.fixture(scope="module")
def q():
    return read_query_text(HEADER, name="q")


def test_each_parameter_but_lang_is_a_field_of_its_html_input_type(q):
    fields = form_fields(q, {})
    assert [(f["name"], f["input"], f["step"], f["placeholder"], f["value"]) for f in fields] == [
        ("n", "number", "1", "", "5"),
        ("d", "number", "any", "", ""),  # no default: an empty field
        ("ok", "select", "", "", "true"),
        ("day", "date", "", "", "2022-06-19"),
        ("c", "text", "", "kgi:…", "kgi:iran"),
        ("t", "text", "", "text@lang", "Tehran@en"),  # bare, as typed
    ]
    assert set(INPUT_TYPES.values()) <= {"number", "date", "select"}


def test_labels_and_types_are_in_the_reader_s_language_and_given_values_are_kept(q):
    persian = {f["name"]: f for f in form_fields(q, {"n": "12", "c": "kgi:kazakhstan"}, "fa")}
    assert persian["n"]["label"] == "چند تا" and persian["n"]["value"] == "12"
    assert persian["d"]["label"] == "amount"  # no Persian description: the English one
    assert persian["c"]["value"] == "kgi:kazakhstan"
    for f in persian.values():
        assert f["type_text"] == text("site", f"type_{f['type']}", "fa") != text("site", f"type_{f['type']}", "en")


@pytest.mark.parametrize(("lang", "label"), [("en", "how many"), ("fa", "چند تا")])
def test_a_bad_value_is_named_as_its_field_is_with_its_type(q, lang, label):
    error = UsageError("q: parameter 'n' (integer): 'x' is not an integer")
    refusal = _run_refusal(error, q, {"n": "x"}, lang)
    assert refusal.status == 400
    assert refusal.message == text("site", "bad_value", lang, name=f"\u2068{label}\u2069", value="\u2068x\u2069",
                                   type=text("site", "type_integer", lang))  # fmt: skip
    assert refusal.detail == str(error)


@pytest.mark.parametrize(
    ("error", "status", "key"),
    [
        (QueryTimeout("past 5 s"), 504, ("site", "timeout")),
        (EndpointError("refused"), 502, ("site", "endpoint_down")),
        (UsageError("something else"), 400, ("sparql", "not_run")),
    ],
)
def test_other_failures_have_their_status_and_words(q, error, status, key):
    refusal = _run_refusal(error, q, {"n": "3"}, "fa")
    assert (refusal.status, refusal.message) == (status, text(*key, "fa"))


def test_downloads_are_the_standard_formats_and_the_csv_carries_a_bom_for_spreadsheets():
    assert DOWNLOADS["srj"] == ("json", "application/sparql-results+json; charset=utf-8")
    assert DOWNLOADS["csv"][1] == "text/csv; charset=utf-8" and CSV_BOM == "\ufeff"
