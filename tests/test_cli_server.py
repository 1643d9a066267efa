"""kg.cli.server's own parts, in-process: what a count of served or pushed triples counts (kg.sources.counted),
and refusals before anything starts or is sent (kg serve and kg push at work: test_serve.py, test_push.py)."""

from __future__ import annotations

import pytest

from kg.cli import main
from kg.errors import ExitCode
from kg.sources import counted


@pytest.mark.parametrize(
    ("entailment", "said"),
    [
        ("rdfs", "ontology, vocabularies and data with their RDFS entailments, as kg query sees them"),
        ("none", "ontology, vocabularies and data as asserted"),
    ],
)
def test_a_triple_count_says_what_it_counts(entailment, said):
    assert counted(entailment) == said


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["serve", "--port=70000"], "argument --port: '70000' is not a port (1–65535, or 0 for a free one)"),
        (["serve", "--timeout=0"], "argument --timeout: '0' is not a number of seconds > 0"),
        (["push"], "the following arguments are required: --endpoint"),
        (["push", "--endpoint", "http://127.0.0.1:9/store", "--auth", "ntlm"], "argument --auth: invalid choice"),
    ],
)
def test_bad_arguments_are_refused_before_anything_starts(capsys, argv, message):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == ExitCode.USAGE
    assert message in capsys.readouterr().err


def test_push_to_an_endpoint_without_a_scheme_is_a_usage_error_and_sends_nothing(capsys):
    assert main(["push", "--endpoint", "127.0.0.1:9/store"]) == ExitCode.USAGE
    assert "not an http(s) URL: '127.0.0.1:9/store' (give the scheme: http://127.0.0.1:9/store)" in (
        capsys.readouterr().err
    )
