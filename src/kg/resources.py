"""Where the shipped ontology, data, source text and queries are.

In a clone (or an editable install) they are the top-level ``ontology/``,
``data/`` and ``queries/`` folders; in an installed wheel they travel inside
the package as ``kg/_resources/``. Everything else asks this module.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kg.errors import LoadError

_PACKAGE = Path(__file__).resolve().parent
_MARKER = Path("ontology") / "kg.ttl"


@cache
def root() -> Path:
    """The folder that holds ``ontology/``, ``data/`` and ``queries/``."""
    checkout = _PACKAGE.parents[1]
    if (checkout / _MARKER).is_file() and (checkout / "pyproject.toml").is_file():
        return checkout
    bundled = _PACKAGE / "_resources"
    if (bundled / _MARKER).is_file():
        return bundled
    raise LoadError(f"cannot find the shipped ontology: looked in {checkout} and {bundled}")


def ontology_dir() -> Path:
    return root() / "ontology"


def ontology_paths() -> list[Path]:
    """The OWL ontology and its SKOS vocabularies (not the shapes)."""
    return [ontology_dir() / "kg.ttl", ontology_dir() / "vocabularies.ttl"]


def shapes_path() -> Path:
    return ontology_dir() / "shapes.ttl"


def data_path() -> Path:
    """The shipped facts of the article."""
    return root() / "data" / "article.ttl"


def article_text_path() -> Path:
    """The source article, verbatim (offsets count code points of this file)."""
    return root() / "data" / "article.txt"


def wikidata_reference_path() -> Path:
    """The verified Wikidata ids that the data may link to."""
    return root() / "data" / "reference" / "wikidata.tsv"


def queries_dir() -> Path:
    return root() / "queries"
