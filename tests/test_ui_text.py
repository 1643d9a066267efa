"""kg.explore.ui_text: the explorer's strings from the one catalogue, and each table view's labels in both
languages, as the page reads them."""

from __future__ import annotations

import pytest

from kg.explore.ui_text import UI_TEXT, page_strings, ui_text, with_labels
from kg.explore.views import TABLES
from kg.i18n import LANGUAGES, messages


def test_the_page_gets_every_message_of_its_domain_in_every_language():
    assert set(UI_TEXT) == set(LANGUAGES) == {"en", "fa"}
    assert UI_TEXT == page_strings() == {lang: messages("explorer", lang) for lang in LANGUAGES}
    assert UI_TEXT["en"].keys() == UI_TEXT["fa"].keys()


@pytest.mark.parametrize("table", TABLES, ids=[t["group"] for t in TABLES])
def test_a_table_view_carries_each_column_label_and_its_row_noun_in_both_languages(table):
    labelled = with_labels(table)
    assert labelled["group"] == table["group"]
    for column, source in zip(labelled["columns"], table["columns"], strict=True):
        assert column["label"] == {lang: ui_text(source["label"], lang) for lang in LANGUAGES}
        assert column["label"]["en"] != column["label"]["fa"]
        assert {k: v for k, v in column.items() if k != "label"} == {k: v for k, v in source.items() if k != "label"}
    assert labelled["rows"] == {lang: ui_text(f"rows_{table['group']}", lang) for lang in LANGUAGES}
    assert table["columns"][0]["label"].startswith("col_")  # the spec itself is not changed
