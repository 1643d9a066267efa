"""kg.cli.projection, in-process on the explorer's fixture data: kg stats and kg path print what the library
finds and exit 0, 1 (nothing found, not connected) or 2 (a bad option), with the reason on stderr."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.errors import ExitCode

MINI = str(Path(__file__).parent / "fixtures" / "explorer" / "mini.ttl")


def test_stats_counts_the_network_and_ranks_the_top_nodes_in_the_language_asked(run_kg):
    code, out, err = run_kg("stats", "--data", MINI, "--top", "2")
    assert (code, err) == (ExitCode.OK, "")
    lines = out.splitlines()
    assert lines[:2] == ["nodes: 24", "edges: 27"]
    assert "      5  kg:Country  (country)" in lines
    assert lines[lines.index("top 2 by degree (in + out):") + 3] == ""  # two nodes, then a blank line
    assert "connected components: 4 (sizes 16, 4, 2, 2)" in lines
    assert lines[-1] == "  kgi:tajikistan, post:president-of-tajikistan"


def test_a_persian_stats_is_persian_throughout(run_kg):
    """Headings from the UI-string catalogue, Persian digits and separators, each piece of graph text isolated."""
    code, out, err = run_kg("stats", "--data", MINI, "--top", "2", "--lang", "fa")
    assert (code, err) == (ExitCode.OK, "")
    lines = out.splitlines()
    assert lines[:4] == ["گره‌ها: ۲۴", "یال‌ها: ۲۷", "", "گره‌ها به تفکیک رده:"]
    assert "      ۵  \u2068kg:Country\u2069  (\u2068کشور\u2069)" in lines
    assert "یال‌ها به تفکیک ویژگی:" in lines
    assert lines[lines.index("۲ گرهٔ نخست به ترتیب درجه (ورودی + خروجی):") + 3] == ""
    centrality = lines[lines.index("۲ گرهٔ نخست به ترتیب مرکزیت (PageRank):") + 1]
    assert re.fullmatch(r"  ۰٫[۰-۹]{4}  \u2068[^\u2069]+\u2069  \[\u2068\w+:[\w-]+\u2069\]", centrality), centrality
    assert "مؤلفه‌های همبند: ۴ (اندازه‌ها: ۱۶، ۴، ۲، ۲)" in lines
    assert lines[-1] == "  \u2068kgi:tajikistan\u2069، \u2068post:president-of-tajikistan\u2069"
    assert not re.search(r"[0-9]", out.replace("PageRank", "").split("گره‌ها به تفکیک رده:")[0])
    english = ("nodes", "edges", "per class", "per property", "top ", "by degree", "centrality:", "components")
    assert [word for word in english if word in out] == []


@pytest.mark.parametrize(("top", "message"), [("0", "'0' is not a whole number ≥ 1"), ("x", "'x' is not a whole")])
def test_stats_refuses_a_top_that_is_no_whole_number(run_kg, top, message):
    code, _, err = run_kg("stats", "--data", MINI, f"--top={top}")
    assert code == ExitCode.USAGE
    assert f"kg stats: error: argument --top: {message}" in err


def test_path_prints_each_step_as_its_triple_whatever_letters_the_names_are_typed_in(run_kg):
    code, out, err = run_kg("path", "--data", MINI, "توكايف", "تهران")
    assert (code, err) == (ExitCode.OK, "")
    assert out.splitlines() == [
        "Kassym-Jomart Tokayev → Tehran: 2 steps",
        "  Tokayev's state visit to Tehran —visitor→ Kassym-Jomart Tokayev",
        "  Tokayev's state visit to Tehran —destination→ Tehran",
    ]
    code, out, _ = run_kg("path", "--data", MINI, "Tokayev", "Tehran", "--lang", "fa")
    assert out.splitlines() == [
        "\u2068قاسم‌ژومارت توکایف\u2069 ← \u2068تهران\u2069: ۲ گام",
        "  \u2068سفر رسمی توکایف به تهران\u2069 —\u2068مهمان\u2069← \u2068قاسم‌ژومارت توکایف\u2069",
        "  \u2068سفر رسمی توکایف به تهران\u2069 —\u2068مقصد\u2069← \u2068تهران\u2069",
    ]


@pytest.mark.parametrize(
    ("source", "target", "err"),
    [
        ("Tokayev", "Turkmenistan", "no connection between 'Tokayev' and 'Turkmenistan'\n"),
        ("Tokayev", "Ankara", "kg path: error: no entity is labelled 'Ankara' (in English or Persian)\n"),
        ("Tokayev", "\x1b[2J", "kg path: error: no entity is labelled '\\x1b[2J' (in English or Persian)\n"),
    ],
)
def test_path_exits_1_when_nothing_connects_or_nothing_is_named(run_kg, source, target, err):
    assert run_kg("path", "--data", MINI, source, target) == (ExitCode.NOT_CONFORMING, "", err)


def test_a_persian_path_says_in_persian_that_nothing_connects(run_kg):
    code, out, err = run_kg("path", "--data", MINI, "Tokayev", "Turkmenistan", "--lang", "fa")
    assert (code, out) == (ExitCode.NOT_CONFORMING, "")
    assert err == "میان \u2068'Tokayev'\u2069 و \u2068'Turkmenistan'\u2069 پیوندی نیست\n"


@pytest.mark.parametrize("option", [["--hops", "0", "--focus", "Tokayev"], ["--top", "0"], ["--budget", "0"]])
def test_explore_refuses_a_view_of_less_than_one_before_writing(run_kg, tmp_path, option):
    out = tmp_path / "explorer.html"
    code, _, err = run_kg("explore", "--data", MINI, "--out", str(out), *option)
    assert (code, err) == (ExitCode.USAGE, "kg explore: error: --budget, --top and --hops must be at least 1\n")
    assert not out.exists()
