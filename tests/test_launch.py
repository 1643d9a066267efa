"""kg.launch: a kg query goes to the warm process first; the warm process is started after a local query only."""

from __future__ import annotations

import sys

import pytest

from kg import launch, warm


@pytest.fixture
def calls(monkeypatch):
    """The warm process's answer (None: not answered) and what ran, recorded instead of done."""
    record: dict = {"answer": None, "asked": [], "started": [], "ran": [], "code": 0}

    def answer(argv):
        record["asked"].append(argv)
        return record["answer"]

    def run(argv):
        record["ran"].append(argv)
        return record["code"]

    monkeypatch.setattr(warm, "answer", answer)
    monkeypatch.setattr(warm, "start", lambda argv: record["started"].append(argv))
    monkeypatch.setattr("kg.cli.main", run)
    return record


def kg(monkeypatch, *argv: str) -> int:
    monkeypatch.setattr(sys, "argv", ["kg", *argv])
    return launch.main()


@pytest.mark.parametrize("code", [0, 1, 3])
def test_a_query_answered_warm_never_runs_the_cli(calls, monkeypatch, code):
    calls["answer"] = code
    assert kg(monkeypatch, "query", "cq01") == code
    assert calls["asked"] == [["query", "cq01"]] and calls["ran"] == [] and calls["started"] == []


@pytest.mark.parametrize("code", [0, 1])
def test_a_local_query_not_answered_warm_runs_and_starts_the_warm_process_for_the_next(calls, monkeypatch, code):
    calls["code"] = code
    assert kg(monkeypatch, "query", "cq01", "--param", "lang=fa") == code
    assert calls["ran"] == calls["started"] == [["query", "cq01", "--param", "lang=fa"]]


@pytest.mark.parametrize("code", [2, 3, 4, 130])
def test_a_failed_query_starts_nothing(calls, monkeypatch, code):
    calls["code"] = code
    assert kg(monkeypatch, "query", "cq01") == code
    assert calls["started"] == []


@pytest.mark.parametrize(
    "argv",
    [
        ("query", "cq01", "--endpoint", "http://127.0.0.1:9/sparql"),
        ("query", "cq01", "--endpoint=http://127.0.0.1:9/sparql"),
        ("query", "cq01", "--show"),
        ("query", "--help"),
        ("query", "-h"),
    ],
)
def test_a_query_that_is_not_local_starts_no_warm_process(calls, monkeypatch, argv):
    assert kg(monkeypatch, *argv) == 0
    assert calls["ran"] == [list(argv)] and calls["started"] == []


@pytest.mark.parametrize("argv", [("validate",), ("export", "--format", "nt"), (), ("querystring",)])
def test_other_commands_go_straight_to_the_cli(calls, monkeypatch, argv):
    assert kg(monkeypatch, *argv) == 0
    assert calls["asked"] == [] and calls["started"] == [] and calls["ran"] == [list(argv)]
