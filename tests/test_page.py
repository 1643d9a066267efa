"""kg.explore.page, the parts that need no rendering: data for a script element that cannot close it, assets
inlined only when they cannot close their element, the page's languages and policy. The whole page is
rendered and read in tests/test_explore.py."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from kg.errors import OutputError
from kg.explore.page import CSP, _inline_asset, json_for_script, render_html


def test_json_for_script_cannot_close_its_element():
    text = str(json_for_script({"a": "</script><!--<script>&\u2028\u2029"}))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!--<script>&\u2028\u2029"}


@pytest.mark.parametrize("value", [{"label": "همکاری‌های ایران و قزاقستان", "n": 1}, ["قزاقستان", None, 2.5]])
def test_json_for_a_script_keeps_persian_readable_and_round_trips(value):
    text = str(json_for_script(value))
    assert json.loads(text) == value
    assert "\\u06" not in text  # Persian as itself, not escaped


def test_text_already_json_is_made_safe_as_it_is():
    assert str(json_for_script('{"a":"</script>"}')) == '{"a":"\\u003c/script\\u003e"}'


@pytest.mark.parametrize(
    ("text", "closing"),
    [("a { }</style><script>", "</style"), ("x = 1; // </SCRIPT>", "</script"), ("x</Script >", "</script")],
)
def test_an_asset_that_could_close_its_element_is_never_inlined(text, closing):
    with pytest.raises(OutputError) as caught:
        _inline_asset(text, closing)
    assert str(caught.value) == f"an inline asset contains {closing!r}; it cannot be inlined safely"


def test_an_asset_that_cannot_close_its_element_is_inlined_as_it_is():
    assert str(_inline_asset("const s = '<\\/script>';", "</script")) == "const s = '<\\/script>';"


def test_an_unknown_language_is_refused_before_any_work():
    with pytest.raises(OutputError, match=r"^unknown language 'de': use one of en, fa$"):
        render_html(nx.MultiDiGraph(), lang="de")


def test_the_page_s_policy_allows_nothing_from_elsewhere():
    assert CSP.startswith("default-src 'none';")
    assert "http" not in CSP and "unsafe-eval" not in CSP and "'self'" not in CSP  # one file, opened offline
