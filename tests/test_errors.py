"""kg.errors: positions in messages, one exit code per failure class, the README's exit-code line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import errors
from kg.errors import (
    EndpointError,
    ExitCode,
    KgError,
    LoadError,
    NotFound,
    OutputError,
    QueryError,
    QueryMemoryLimit,
    QuerySyntaxError,
    QueryTimeout,
    ServerError,
    UsageError,
    describe_exit_codes,
)


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"path": "data/article.ttl", "line": 12, "column": 5}, "data/article.ttl:12:5: expected '.'"),
        ({"path": "data/article.ttl", "line": 12}, "data/article.ttl:12: expected '.'"),
        ({"path": Path("q") / "cq01.rq"}, "q/cq01.rq: expected '.'"),
        ({"line": 3, "column": 7}, "3:7: expected '.'"),
        ({}, "expected '.'"),
        ({"path": "خبر.ttl", "line": 1, "column": 1}, "خبر.ttl:1:1: expected '.'"),
    ],
)
def test_a_message_starts_with_as_much_of_the_position_as_is_known(where, expected):
    error = LoadError("expected '.'", **where)
    assert str(error) == expected
    assert error.message == "expected '.'"
    assert error.location() == expected.removesuffix(": expected '.'").removesuffix("expected '.'")


def test_line_and_column_zero_are_positions_not_missing():
    assert str(KgError("x", path="a.ttl", line=0, column=0)) == "a.ttl:0:0: x"


def test_a_path_is_kept_as_text():
    error = OutputError("cannot write", path=Path("/tmp/out.ttl"))
    assert error.path == "/tmp/out.ttl" and isinstance(error.path, str)
    assert error.line is None and error.column is None


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        (KgError, 2),
        (UsageError, 2),
        (LoadError, 2),
        (NotFound, 1),
        (QueryError, 3),
        (QuerySyntaxError, 3),
        (QueryTimeout, 4),
        (QueryMemoryLimit, 4),
        (EndpointError, 5),
        (ServerError, 6),
        (OutputError, 7),
    ],
)
def test_each_failure_class_carries_its_exit_code(kind, code):
    assert kind("m").exit_code == code
    assert isinstance(kind("m"), KgError)


def test_a_syntax_error_is_a_query_error():
    with pytest.raises(QueryError, match=r"^q\.rq:2:9: unexpected '}'$"):
        raise QuerySyntaxError("unexpected '}'", path="q.rq", line=2, column=9)


def test_every_exit_code_has_a_meaning_and_the_line_lists_them_in_order():
    line = describe_exit_codes()
    parts = line.split(" · ")
    assert [int(p.split(" ", 1)[0]) for p in parts] == [0, 1, 2, 3, 4, 5, 6, 7, 130]
    assert parts[0] == "0 ok"
    assert parts[-1].startswith("130 interrupted")
    assert "4 time or memory limit" in parts
    assert all(code.meaning and code.meaning in line for code in ExitCode)


def test_every_exit_code_is_used_by_a_class_or_the_cli():
    """No code is documented that nothing can raise: the ones no class carries are the CLI's own (0, 130)."""
    carried = {
        value.exit_code for value in vars(errors).values() if isinstance(value, type) and issubclass(value, KgError)
    }
    assert set(ExitCode) - carried == {ExitCode.OK, ExitCode.INTERRUPTED}
