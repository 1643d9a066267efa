"""kg.resources: the shipped files are found in a clone or inside an installed wheel, and named when missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import resources
from kg.errors import LoadError


@pytest.fixture
def fresh_root(monkeypatch):
    """resources.root() computed again for a package placed at a given folder."""

    def place(package: Path) -> None:
        monkeypatch.setattr(resources, "_PACKAGE", package)
        resources.root.cache_clear()

    yield place
    resources.root.cache_clear()


def test_in_a_clone_every_shipped_file_is_there():
    root = resources.root()
    assert (root / "pyproject.toml").is_file()
    for path in (
        *resources.ontology_paths(),
        resources.shapes_path(),
        resources.data_path(),
        resources.article_text_path(),
        resources.wikidata_reference_path(),
    ):
        assert path.is_file(), path
    assert [p.name for p in resources.ontology_paths()] == ["kg.ttl", "vocabularies.ttl"]
    assert sorted(resources.queries_dir().glob("cq01*.rq"))


def test_an_installed_package_reads_its_bundled_copy(tmp_path, fresh_root):
    package = tmp_path / "site-packages" / "kg"
    (package / "_resources" / "ontology").mkdir(parents=True)
    (package / "_resources" / "ontology" / "kg.ttl").write_text("", encoding="utf-8")
    fresh_root(package)
    assert resources.root() == package / "_resources"
    assert resources.data_path() == package / "_resources" / "data" / "article.ttl"


def test_a_clone_needs_its_pyproject_to_be_taken_for_one(tmp_path, fresh_root):
    """An ontology/kg.ttl two folders up is not the project unless a pyproject.toml is beside it."""
    (tmp_path / "ontology").mkdir()
    (tmp_path / "ontology" / "kg.ttl").write_text("", encoding="utf-8")
    package = tmp_path / "src" / "kg"
    (package / "_resources" / "ontology").mkdir(parents=True)
    (package / "_resources" / "ontology" / "kg.ttl").write_text("", encoding="utf-8")
    fresh_root(package)
    assert resources.root() == package / "_resources"
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    resources.root.cache_clear()
    assert resources.root() == tmp_path


def test_no_shipped_ontology_is_a_load_error_naming_both_places(tmp_path, fresh_root):
    package = tmp_path / "src" / "kg"
    package.mkdir(parents=True)
    fresh_root(package)
    with pytest.raises(LoadError) as caught:
        resources.root()
    assert str(caught.value) == f"cannot find the shipped ontology: looked in {tmp_path} and {package / '_resources'}"
