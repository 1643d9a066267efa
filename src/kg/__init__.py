"""kg: a knowledge graph of one ISNA article on Iran–Kazakhstan cooperation (June 2022).

``kg.load()`` reads the ontology, vocabularies and data into an rdflib graph;
``kg.query(...)`` runs a library query, a ``.rq`` file or SPARQL text (see
:func:`kg.sparql.query`).

Both are imported on first use, so that ``kg --help`` and the commands that do not read
RDF never import rdflib or pyoxigraph. They are properties of the package's module
class because the import system binds a submodule to its parent's attribute
(``import kg.load`` sets ``kg.load``): as before, the function keeps the name ``load``.
"""

from __future__ import annotations

import sys
import types

TYPE_CHECKING = False  # typing is not imported at run time: `kg query` answered warm needs none of it
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = ["load", "query"]


class _Package(types.ModuleType):
    @property
    def load(self) -> Callable[..., Any]:
        from kg.load import load_graph

        return load_graph

    @load.setter
    def load(self, _submodule: object) -> None:
        """The import system binding the submodule ``kg.load``: the function keeps the name."""

    @property
    def query(self) -> Callable[..., Any]:
        from kg.sparql import query

        return query


sys.modules[__name__].__class__ = _Package
