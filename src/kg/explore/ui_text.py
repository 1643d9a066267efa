"""The explorer's interface strings, read from the one UI catalogue (``[explorer]`` of ``kg/i18n.toml``).

The page's script gets every message of its domain in both languages (``i18n`` in its data) and fills
``{name}`` placeholders itself, so that the language switch needs no new page. The table views'
column labels and row nouns are messages of the same domain (``col_*``, ``rows_*``).
"""

from __future__ import annotations

from typing import Any

from kg.i18n import LANGUAGES, messages, text

DOMAIN = "explorer"


def page_strings() -> dict[str, dict[str, Any]]:
    """Every message of the explorer in every UI language: ``{lang: {key: message}}``."""
    return {lang: messages(DOMAIN, lang) for lang in LANGUAGES}


def ui_text(key: str, lang: str) -> str:
    """One message of the explorer in ``lang``, unfilled (the page's title, for its ``<title>``)."""
    return text(DOMAIN, key, lang)


def with_labels(table: dict[str, Any]) -> dict[str, Any]:
    """A table view's spec as the page reads it: each column's label in every language, and the noun
    its rows are counted by (``rows``)."""
    columns = [{**col, "label": {lang: ui_text(col["label"], lang) for lang in LANGUAGES}} for col in table["columns"]]
    rows = {lang: ui_text(f"rows_{table['group']}", lang) for lang in LANGUAGES}
    return {**table, "columns": columns, "rows": rows}


#: Every message of the explorer in both languages (the public name kept from before the catalogue).
UI_TEXT = page_strings()
