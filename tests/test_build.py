"""`kg build`: outputs whose inputs did not change are kept; a missing Graphviz is reported, never silent."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import kg.build
from kg.build import INPUTS_FILE, NO_GRAPHVIZ, build
from kg.validate import CHECKS, Report

DOCS = "ontology documentation (HTML, English and Persian)"


def _written(stdout: str) -> list[str]:
    """What a ``kg build`` says it wrote (its ``wrote WHAT: PATH`` lines)."""
    return re.findall(r"^wrote (.+): ", stdout, re.M)


MARK = "written by this build"


def _stand_in(sources, path: Path) -> None:
    """An output's writer replaced where a test needs only to see whether the build wrote the output."""
    if path.suffix:
        path.write_text(MARK, encoding="utf-8")
    else:  # a folder: the exports, the static site
        path.mkdir()
        (path / "mark.txt").write_text(MARK, encoding="utf-8")


def test_docs_are_kept_when_their_inputs_did_not_change_and_rewritten_when_they_did(tmp_path, built, monkeypatch):
    """The decisions of three builds into a finished one. Only the documentation's writer runs for real: the
    other outputs' writers are stand-ins that show whether each output was written (their output is tested
    in their own modules and by the run's one real build), and so is validation, which finds the shipped data
    conforming (as test_validate.py and the run's one real build check; it was most of these builds' time)."""
    assert DOCS in _written(built.stdout)  # the first build into a folder writes everything
    out = built.copy(tmp_path / "build")
    page = out / "ontology-docs" / "index.html"
    page.write_text("an earlier build's page", encoding="utf-8")  # what a kept output keeps
    real = kg.build.outputs
    stand_ins = lambda read: [(n, f, w if n == DOCS else _stand_in) for n, f, w in real(read)]  # noqa: E731
    monkeypatch.setattr(kg.build, "outputs", stand_ins)
    monkeypatch.setattr("kg.validate.validate", lambda sources: Report(checks=list(CHECKS)))

    second = build(out)
    assert (DOCS, out / "ontology-docs") in second.kept
    assert DOCS not in [name for name, _ in second.outputs]
    assert "explorer (one offline HTML page)" in [name for name, _ in second.outputs]  # depends on the data
    assert (out / "explorer.html").read_text(encoding="utf-8") == MARK
    assert page.read_text(encoding="utf-8") == "an earlier build's page"

    recorded = json.loads((out / INPUTS_FILE).read_text(encoding="utf-8"))
    (out / INPUTS_FILE).write_text(json.dumps({**recorded, "ontology-docs": "0" * 64}), encoding="utf-8")
    changed = build(out)
    assert DOCS in [name for name, _ in changed.outputs]
    assert '<html lang="en"' in page.read_text(encoding="utf-8")

    page.write_text("an earlier build's page", encoding="utf-8")
    forced = build(out, force=True)
    assert DOCS in [name for name, _ in forced.outputs] and not forced.kept
    assert '<html lang="en"' in page.read_text(encoding="utf-8")
    assert (out / "site" / "mark.txt").read_text(encoding="utf-8") == MARK  # kept by the two builds before


def test_build_without_graphviz_says_the_svg_is_missing(tmp_path, built):
    """The installed script with a PATH that holds no Graphviz, into a copy of a finished build without its
    SVG (so the build keeps its slow outputs, and the SVG could only come from this build)."""
    out = built.copy(tmp_path / "build")
    (out / "diagram.svg").unlink()
    bin_dir = Path(sys.executable).parent  # the venv's python and kg, and no Graphviz
    env = {**os.environ, "PATH": str(bin_dir)}
    done = subprocess.run(
        [str(bin_dir / "kg"), "build", "--out", str(out)],
        capture_output=True, text=True, encoding="utf-8", env=env, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"warning: skipped class diagram (SVG): {NO_GRAPHVIZ}\n" in done.stderr
    assert "class diagram (Graphviz)" in _written(done.stdout)
    assert (out / "diagram.dot").is_file()
    assert not (out / "diagram.svg").exists()


def test_regression_build_with_data_describes_that_data(tmp_path, monkeypatch, built):
    """Issue 10: `kg build --data X` dated its VoID/DCAT description from the shipped files, not from X.
    (Into a copy of a finished build: the outputs that do not describe the data are kept, not written again.)"""
    from kg import resources

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    data = tmp_path / "article.ttl"
    data.write_bytes(resources.data_path().read_bytes())
    newest = 1893542400  # 2030-01-02 UTC: newer than every shipped file, so it dates the description
    os.utime(data, (newest, newest))
    result = build(built.copy(tmp_path / "out"), data=[data])
    assert "dataset description (VoID/DCAT)" in [name for name, _ in result.outputs]
    assert result.report.conforms
    created = '"2030-01-02"^^xsd:date'
    assert created in (tmp_path / "out" / "void.ttl").read_text(encoding="utf-8")
    assert created in (tmp_path / "out" / "export" / "kg.trig").read_text(encoding="utf-8")
