"""Hostile command-line arguments: every bad number is a usage error (exit 2) naming the option, never a traceback.

SECURITY.md, "Arguments": numbers that would mean "no limit" by accident (negative,
NaN, infinity) are refused by the parser, before any work starts.
"""

from __future__ import annotations

import pytest

from kg.cli import main

CASES = [
    (["query", "cq01", "--timeout", "nan"], "--timeout: 'nan' is not a number of seconds > 0"),
    (["query", "cq01", "--timeout", "inf"], "--timeout: 'inf' is not a number of seconds > 0"),
    (["query", "cq01", "--timeout", "-1"], "--timeout: '-1' is not a number of seconds > 0"),
    (["query", "cq01", "--timeout", "0"], "--timeout: '0' is not a number of seconds > 0"),
    (["query", "cq01", "--timeout", "1e400"], "--timeout: '1e400' is not a number of seconds > 0"),
    (["query", "cq01", "--timeout", "five"], "--timeout: 'five' is not a number of seconds > 0"),
    (["query", "cq01", "--max-rows", "-5"], "--max-rows: '-5' is not a whole number ≥ 0"),
    (["query", "cq01", "--max-rows", "1.5"], "--max-rows: '1.5' is not a whole number ≥ 0"),
    (["query", "cq01", "--max-memory", "-1"], "--max-memory: '-1' is not a whole number ≥ 0"),
    (["query", "cq01", "--entailment", "owl"], "--entailment: invalid choice: 'owl' (choose from 'rdfs', 'none')"),
    (["queries", "--check", "--timeout=-inf"], "--timeout: '-inf' is not a number of seconds > 0"),
    (["serve", "--port", "99999"], "--port: '99999' is not a port (1–65535, or 0 for a free one)"),
    (["serve", "--port", "70000"], "--port: '70000' is not a port (1–65535, or 0 for a free one)"),
    (["serve", "--port", "-1"], "--port: '-1' is not a port (1–65535, or 0 for a free one)"),
    (["serve", "--port", "65536"], "--port: '65536' is not a port (1–65535, or 0 for a free one)"),
    (["serve", "--port", "http"], "--port: 'http' is not a port (1–65535, or 0 for a free one)"),
    (["serve", "--timeout", "nan"], "--timeout: 'nan' is not a number of seconds > 0"),
    (["push", "--endpoint", "http://127.0.0.1:9/store", "--timeout", "-3"], "'-3' is not a number of seconds > 0"),
    (["stats", "--top", "-1"], "--top: '-1' is not a whole number ≥ 1"),
    (["query", "cq01", "--lang", "de"], "--lang: invalid choice: 'de'"),
]


@pytest.mark.parametrize(("argv", "message"), CASES, ids=[" ".join(argv) for argv, _ in CASES])
def test_a_bad_number_is_a_usage_error_naming_the_option(argv, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_a_command_that_does_not_exist_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["serv"])
    assert stopped.value.code == 2
    assert "invalid choice: 'serv'" in capsys.readouterr().err
