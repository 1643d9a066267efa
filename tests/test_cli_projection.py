"""kg.cli.projection, in-process on the explorer's fixture data: kg stats and kg path print what the library
finds and exit 0, 1 (nothing found, not connected) or 2 (a bad option), with the reason on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.cli import main
from kg.errors import ExitCode

MINI = str(Path(__file__).parent / "fixtures" / "explorer" / "mini.ttl")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_stats_counts_the_network_and_ranks_the_top_nodes_in_the_language_asked(capsys):
    code, out, err = run(capsys, "stats", "--data", MINI, "--top", "2", "--lang", "fa")
    assert (code, err) == (ExitCode.OK, "")
    lines = out.splitlines()
    assert lines[:2] == ["nodes: 24", "edges: 27"]
    assert "      5  kg:Country  (کشور)" in lines
    assert lines[lines.index("top 2 by degree (in + out):") + 3] == ""  # two nodes, then a blank line


@pytest.mark.parametrize(("top", "message"), [("0", "'0' is not a whole number ≥ 1"), ("x", "'x' is not a whole")])
def test_stats_refuses_a_top_that_is_no_whole_number(capsys, top, message):
    with pytest.raises(SystemExit) as caught:  # argparse's own exit
        main(["stats", "--data", MINI, f"--top={top}"])
    assert caught.value.code == ExitCode.USAGE
    assert f"kg stats: error: argument --top: {message}" in capsys.readouterr().err


def test_path_prints_each_step_as_its_triple_whatever_letters_the_names_are_typed_in(capsys):
    code, out, err = run(capsys, "path", "--data", MINI, "توكايف", "تهران")
    assert (code, err) == (ExitCode.OK, "")
    assert out.splitlines() == [
        "Kassym-Jomart Tokayev → Tehran: 2 steps",
        "  Tokayev's state visit to Tehran —visitor→ Kassym-Jomart Tokayev",
        "  Tokayev's state visit to Tehran —destination→ Tehran",
    ]
    code, out, _ = run(capsys, "path", "--data", MINI, "Tokayev", "Tehran", "--lang", "fa")
    assert out.splitlines()[0].endswith(": 2 steps") and "تهران" in out.splitlines()[0]


@pytest.mark.parametrize(
    ("source", "target", "err"),
    [
        ("Tokayev", "Turkmenistan", "no connection between 'Tokayev' and 'Turkmenistan'\n"),
        ("Tokayev", "Ankara", "kg path: error: no entity is labelled 'Ankara' (in English or Persian)\n"),
        ("Tokayev", "\x1b[2J", "kg path: error: no entity is labelled '\\x1b[2J' (in English or Persian)\n"),
    ],
)
def test_path_exits_1_when_nothing_connects_or_nothing_is_named(capsys, source, target, err):
    assert run(capsys, "path", "--data", MINI, source, target) == (ExitCode.NOT_CONFORMING, "", err)


@pytest.mark.parametrize("option", [["--hops", "0", "--focus", "Tokayev"], ["--top", "0"], ["--budget", "0"]])
def test_explore_refuses_a_view_of_less_than_one_before_writing(capsys, tmp_path, option):
    out = tmp_path / "explorer.html"
    code, _, err = run(capsys, "explore", "--data", MINI, "--out", str(out), *option)
    assert (code, err) == (ExitCode.USAGE, "kg explore: error: --budget, --top and --hops must be at least 1\n")
    assert not out.exists()
