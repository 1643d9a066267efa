"""kg: a knowledge graph of one ISNA article on Iran–Kazakhstan cooperation (June 2022).

``kg.load_graph()`` reads the ontology, vocabularies and data into an rdflib graph
(:func:`kg.load.load_graph`); ``kg.query(...)`` runs a library query, a ``.rq`` file or
SPARQL text (:func:`kg.sparql.query`).

Both are imported on first use (:pep:`562`), so that ``kg --help`` and the commands that
do not read RDF never import rdflib or pyoxigraph.
"""

TYPE_CHECKING = False  # typing is not imported at run time: `kg query` answered warm needs none of it
if TYPE_CHECKING:
    from kg.load import load_graph
    from kg.sparql import query

__all__ = ["load_graph", "query"]


def __getattr__(name: str) -> object:
    """The package's face, imported when first asked for."""
    if name == "load_graph":
        from kg.load import load_graph

        return load_graph
    if name == "query":
        from kg.sparql import query

        return query
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
