"""Values as people read them on the site (kg.readable): numbers, dates, booleans, durations, empty columns."""

from __future__ import annotations

import pytest

from kg.readable import readable_table, readable_value
from kg.sparql import query
from kg.sparql.files import find_query


@pytest.mark.parametrize(
    ("lexical", "datatype", "lang", "text", "kind"),
    [
        ("265200000", "xsd:integer", "en", "265,200,000", "number"),
        ("265200000", "xsd:integer", "fa", "۲۶۵٬۲۰۰٬۰۰۰", "number"),
        ("1400", "xsd:integer", "fa", "۱۴۰۰", "number"),
        ("-12.50", "xsd:decimal", "fa", "\u2212۱۲٫۵۰", "number"),
        ("3000000000", "xsd:decimal", "en", "3,000,000,000", "number"),
        ("NaN", "xsd:double", "en", "NaN", "text"),
        ("2021-03-21", "xsd:date", "fa", "۲۰۲۱-۰۳-۲۱", "date"),
        ("2021-03-21", "xsd:date", "en", "2021-03-21", "date"),
        ("true", "xsd:boolean", "fa", "بله", "text"),
        ("false", "xsd:boolean", "en", "no", "text"),
        ("P1Y", "xsd:duration", "en", "1 year", "number"),
        ("P2Y6M", "xsd:duration", "fa", "۲ سال، ۶ ماه", "number"),
        ("PT5H", "xsd:duration", "en", "PT5H", "text"),
        ("at least 4", "xsd:string", "fa", "at least 4", "text"),
    ],
)
def test_a_value_as_a_reader_reads_it(lexical, datatype, lang, text, kind):
    shown = readable_value(lexical, datatype, lang)
    assert (shown.text, shown.kind) == (text, kind)


@pytest.fixture(scope="module")
def signatories():
    return {lang: query("cq31", {"lang": lang}, lang=lang, labels=True, timeout=60) for lang in ("en", "fa")}


def test_headers_come_from_the_query_file_and_units_read_by_their_labels():
    q = find_query("cq32")
    result = query("cq32", {"lang": "fa"}, lang="fa", labels=True, timeout=60)
    table = readable_table(result, "fa", q)
    assert table.headers[:4] == ["رقم", "شاخص", "مقدار", "یکا"]
    units = {row[3].text for row in table.rows}
    assert units == {"درصد", "دلار آمریکا", "تن"}, "labels, never the codes TNE or USD"
    assert "۲۶۵٬۲۰۰٬۰۰۰" in {row[2].text for row in table.rows}


def test_a_column_given_in_some_rows_gets_a_grammatical_note(signatories):
    q = find_query("cq31")
    en = readable_table(signatories["en"], "en", q)
    assert "Signatory is given in 2 of the 9 rows." in en.notes
    fa = readable_table(signatories["fa"], "fa", q)
    assert "«امضاکننده» در ۲ سطر از ۹ سطر آمده است." in fa.notes


def test_an_ad_hoc_result_shows_its_variables_as_code(signatories):
    table = readable_table(signatories["en"], "en")
    assert table.headers[0] == "?agreementLabel" and table.header_code[0]


@pytest.mark.parametrize(
    ("lexical", "datatype"),
    [("۱۲۳۴۵", "xsd:integer"), ("1_000", "xsd:decimal"), ("P۲Y", "xsd:duration"), ("P1Y۲M", "xsd:duration")],
)
def test_an_ill_typed_number_or_duration_is_shown_as_written(lexical, datatype):
    """Regression: Persian digits and '_' were read as numbers (12,345; "2 years") though no XSD value has them."""
    for lang in ("en", "fa"):
        assert readable_value(lexical, datatype, lang) == readable_value(lexical, "", lang)


def test_an_iri_with_no_label_is_named_where_the_site_knows_a_name_else_shown_as_its_prefixed_name():
    from kg.readable import readable_cell
    from kg.sparql.tables import Cell

    span = "https://w3id.org/iran-kazakhstan-kg/id/span/741-802"
    cell = Cell("span:741-802", span, "span:741-802")  # no label: the prefixed name, as code
    named = readable_cell(cell, "fa", {span: "«انعقاد تفاهمنامه‌ها»"}.get)
    assert (named.text, named.iri, named.tip, named.code) == ("«انعقاد تفاهمنامه‌ها»", span, "span:741-802", False)
    assert readable_cell(cell, "fa", {}.get).code and readable_cell(cell, "fa").text == "span:741-802"
    labelled = Cell("Kazakhstan", "https://w3id.org/iran-kazakhstan-kg/id/kazakhstan", "kgi:kazakhstan")
    assert readable_cell(labelled, "en", lambda iri: "never asked").text == "Kazakhstan"  # a label comes first
