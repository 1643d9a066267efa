"""kg: a knowledge graph of one ISNA article on Iran–Kazakhstan cooperation (June 2022).

``kg.load()`` reads the ontology, vocabularies and data into an rdflib graph;
``kg.query(...)`` runs a library query, a ``.rq`` file or SPARQL text (see
:func:`kg.sparql.query`).
"""

from kg.load import load_graph as load
from kg.sparql import query

__all__ = ["load", "query"]
