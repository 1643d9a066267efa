"""`kg build`: outputs whose inputs did not change are kept; a missing Graphviz is reported, never silent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.build import INPUTS_FILE, NO_GRAPHVIZ, build

DOCS = "ontology documentation (HTML, English and Persian)"


@pytest.mark.slow  # four full builds
def test_docs_are_kept_when_their_inputs_did_not_change_and_rewritten_when_they_did(tmp_path):
    first = build(tmp_path)
    assert DOCS in [name for name, _ in first.outputs]
    page = tmp_path / "ontology-docs" / "index.html"
    page.write_text("an earlier build's page", encoding="utf-8")  # what a kept output keeps

    second = build(tmp_path)
    assert (DOCS, tmp_path / "ontology-docs") in second.kept
    assert DOCS not in [name for name, _ in second.outputs]
    assert "explorer (one offline HTML page)" in [name for name, _ in second.outputs]  # depends on the data
    assert page.read_text(encoding="utf-8") == "an earlier build's page"

    recorded = json.loads((tmp_path / INPUTS_FILE).read_text(encoding="utf-8"))
    (tmp_path / INPUTS_FILE).write_text(json.dumps({**recorded, "ontology-docs": "0" * 64}), encoding="utf-8")
    changed = build(tmp_path)
    assert DOCS in [name for name, _ in changed.outputs]
    assert '<html lang="en"' in page.read_text(encoding="utf-8")

    page.write_text("an earlier build's page", encoding="utf-8")
    forced = build(tmp_path, force=True)
    assert DOCS in [name for name, _ in forced.outputs] and not forced.kept
    assert '<html lang="en"' in page.read_text(encoding="utf-8")


def test_build_without_graphviz_says_the_svg_is_missing(tmp_path):
    bin_dir = Path(sys.executable).parent  # the venv's python and kg, and no Graphviz
    env = {**os.environ, "PATH": str(bin_dir)}
    done = subprocess.run(
        [str(bin_dir / "kg"), "build", "--out", str(tmp_path)],
        capture_output=True, text=True, encoding="utf-8", env=env, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"warning: skipped class diagram (SVG): {NO_GRAPHVIZ}\n" in done.stderr
    assert (tmp_path / "diagram.dot").is_file()
    assert not (tmp_path / "diagram.svg").exists()


def test_regression_build_with_data_describes_that_data(tmp_path, monkeypatch):
    """Issue 10: `kg build --data X` dated its VoID/DCAT description from the shipped files, not from X."""
    from kg import resources

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    data = tmp_path / "article.ttl"
    data.write_bytes(resources.data_path().read_bytes())
    newest = 1893542400  # 2030-01-02 UTC: newer than every shipped file, so it dates the description
    os.utime(data, (newest, newest))
    result = build(tmp_path / "out", data=[data])
    assert result.report.conforms
    created = '"2030-01-02"^^xsd:date'
    assert created in (tmp_path / "out" / "void.ttl").read_text(encoding="utf-8")
    assert created in (tmp_path / "out" / "export" / "kg.trig").read_text(encoding="utf-8")
