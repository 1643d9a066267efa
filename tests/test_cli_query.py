"""kg.cli.query's own parts: --param NAME=VALUE pairs and the table's width (the command end to end:
tests/test_query_cli.py)."""

from __future__ import annotations

import argparse
import io

import pytest

from kg.cli.query import _params, _table_width
from kg.errors import UsageError


@pytest.mark.parametrize(
    ("pairs", "params"),
    [
        (None, {}),
        (["lang=fa"], {"lang": "fa"}),
        (["q=a=b"], {"q": "a=b"}),  # the value is everything after the first =
        (["name=Tehran@en", " country =kgi:iran"], {"name": "Tehran@en", "country": "kgi:iran"}),
        (["lang=en", "lang=fa"], {"lang": "fa"}),  # the last one given
        (["text="], {"text": ""}),
        (["نام=تهران"], {"نام": "تهران"}),  # kept as given: binding names the parameter that is unknown
    ],
)
def test_param_pairs_are_read_as_given(pairs, params):
    assert _params(pairs) == params


@pytest.mark.parametrize("pair", ["lang", "=fa", ""])
def test_a_pair_without_a_name_and_an_equals_sign_is_a_usage_error(pair):
    with pytest.raises(UsageError) as caught:
        _params([pair])
    assert str(caught.value) == f"--param takes NAME=VALUE, not {pair!r}"


def namespace(**given) -> argparse.Namespace:
    return argparse.Namespace(**{"no_truncate": False, "width": None, **given})


def test_the_table_width_is_asked_else_columns_else_none_when_piped(monkeypatch):
    monkeypatch.setattr("sys.stdout", io.StringIO())  # not a terminal
    monkeypatch.delenv("COLUMNS", raising=False)
    assert _table_width(namespace()) is None  # piped: never cut
    assert _table_width(namespace(width=60)) == 60
    assert _table_width(namespace(width=60, no_truncate=True)) is None
    monkeypatch.setenv("COLUMNS", "73")
    assert _table_width(namespace()) == 73
    monkeypatch.setenv("COLUMNS", "wide")
    assert _table_width(namespace()) is None
