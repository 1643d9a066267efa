"""Every limit is stated once, in kg.limits: the README, SECURITY.md, ``--help`` and the code's defaults agree."""

from __future__ import annotations

import inspect
import re

import pytest

from kg import limits, resources
from kg.cli import build_parser

pytestmark = pytest.mark.limits  # these tests are about the production values themselves

README = (resources.root() / "README.md").read_text(encoding="utf-8")
SECURITY = (resources.root() / "SECURITY.md").read_text(encoding="utf-8")

#: A stated limit: a number (thousands grouped by a space) and its unit.
_STATED = re.compile(r"\b(\d{1,3}(?: \d{3})*|\d+) (MiB|MB|s|rows|redirects|levels|parts|restarts|terms)\b")


def _stated(text: str) -> set[str]:
    return {f"{number} {unit}" for number, unit in _STATED.findall(" ".join(text.split()))}


def _readme_limits_paragraph() -> str:
    match = re.search(r"^Limits, each with its default and its flag:.*?(?=\n\n)", README, re.M | re.S)
    assert match, "the README's Limits paragraph is gone"
    return match.group(0)


def test_the_readme_states_every_limit_with_its_value():
    stated = _stated(_readme_limits_paragraph())
    assert {limit.text for limit in limits.LIMITS} <= stated


def test_the_readme_states_no_limit_that_is_not_in_kg_limits():
    """A value changed in kg.limits but not in the README leaves the old value behind: this finds it."""
    assert _stated(_readme_limits_paragraph()) <= {limit.text for limit in limits.LIMITS}


def test_security_md_states_only_the_limits_of_kg_limits():
    rows = [line.split(" | ") for line in SECURITY.splitlines() if line.startswith("| ") and " | " in line]
    cells = " ".join(row[-2] for row in rows if len(row) >= 3)  # the "Limit (default; flag or variable)" column
    stated = _stated(cells)
    assert {"64 MiB", "1024 MB", "10 000 rows", "1 000 levels"} <= stated  # the column is found
    assert stated <= {limit.text for limit in limits.LIMITS}


def test_a_changed_value_would_be_caught(monkeypatch):
    """The checks above compare values, not names: a limit set to another value no longer matches the README."""
    monkeypatch.setattr(limits, "QUERY_TIMEOUT", 7.0)
    missing = {limit.text for limit in limits.LIMITS} - _stated(_readme_limits_paragraph())
    assert missing == {"7 s"}


def _options(command: str) -> dict[str, object]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")  # argparse keeps subparsers here
    return {opt: action for action in sub.choices[command]._actions for opt in action.option_strings}


@pytest.mark.parametrize(
    ("command", "option", "value"),
    [
        ("query", "--timeout", limits.QUERY_TIMEOUT),
        ("queries", "--timeout", limits.QUERY_TIMEOUT),
        ("serve", "--timeout", limits.SERVE_TIMEOUT),
        ("push", "--timeout", limits.PUSH_TIMEOUT),
        ("query", "--max-rows", limits.MAX_ROWS),
        ("serve", "--max-rows", limits.MAX_ROWS),
        ("query", "--max-memory", limits.MAX_MEMORY_MB),
        ("serve", "--port", limits.SERVE_PORT),
        ("serve", "--host", limits.SERVE_HOST),
        ("stats", "--top", limits.STATS_TOP),
    ],
)
def test_help_shows_the_default_the_option_takes(command, option, value):
    action = _options(command)[option]
    assert action.default == value
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    assert f"default: {shown}" in action.help


@pytest.mark.parametrize(("command", "option"), [("explore", "--hops"), ("explore", "--budget")])
def test_help_of_options_defaulted_in_the_library_names_the_librarys_default(command, option):
    value = {"--hops": limits.FOCUS_HOPS, "--budget": limits.NODE_BUDGET}[option]
    assert f"default: {value})" in _options(command)[option].help


def test_the_library_and_the_site_default_to_the_same_limits():
    from kg.push import push
    from kg.serve import serve
    from kg.site import Site
    from kg.sparql import query
    from kg.sparql.endpoint import EndpointEngine
    from kg.sparql.library import run_query
    from kg.stats import graph_stats

    for function in (query, run_query):
        defaults = inspect.signature(function).parameters
        assert defaults["timeout"].default == limits.QUERY_TIMEOUT
        assert defaults["max_rows"].default == limits.MAX_ROWS
        assert defaults["max_memory"].default == limits.MAX_MEMORY_MB
    served = inspect.signature(serve).parameters
    assert (served["timeout"].default, served["max_rows"].default) == (limits.SERVE_TIMEOUT, limits.MAX_ROWS)
    assert (served["host"].default, served["port"].default) == (limits.SERVE_HOST, limits.SERVE_PORT)
    assert inspect.signature(push).parameters["timeout"].default == limits.PUSH_TIMEOUT
    site = Site("http://127.0.0.1:1/query")
    assert (site.timeout, site.max_rows) == (limits.SERVE_TIMEOUT, limits.MAX_ROWS)
    assert inspect.signature(EndpointEngine).parameters["timeout"].default == limits.QUERY_TIMEOUT
    assert inspect.signature(graph_stats).parameters["top"].default == limits.STATS_TOP


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [(64 * 1024 * 1024, "bytes", "64 MiB"), (10_000, "rows", "10 000 rows"), (5.0, "s", "5 s"), (0.5, "s", "0.5 s")],
)
def test_describe_writes_values_as_the_documents_do(value, unit, text):
    assert limits.describe(value, unit) == text
