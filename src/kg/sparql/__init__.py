"""SPARQL for kg: the query library, running queries on any engine, and their results.

This package is the one public face of the query code; import from here::

    from kg.sparql import query, find_query, run_query, open_engine, compare

Its modules, each one concept:

* :mod:`kg.sparql.syntax`: a query's text, its parameters, its one parse
  (:func:`~kg.sparql.syntax.analyse`), the policy (no Update, no SERVICE or
  FROM unless allowed) and the text an engine runs;
* :mod:`kg.sparql.library`: ``.rq`` files, their header, the library, and
  :func:`query` (``kg.query(...)``) / ``kg query``;
* :mod:`kg.sparql.engines`: the rdflib and pyoxigraph engines, the query
  child process and its limits;
* :mod:`kg.sparql.endpoint`: a remote SPARQL 1.1 endpoint as an engine, the
  one HTTP client (one deadline, Basic and Digest auth) and the parsing of
  its answers;
* :mod:`kg.sparql.entailment`: the RDFS closure queries run on;
* :mod:`kg.sparql.results`: a :class:`Result`, its output formats and the
  comparison with expected rows.

Terms follow SPARQL 1.1: a *query* has a *form* (SELECT, ASK, CONSTRUCT,
DESCRIBE) and gives *solutions* (rows) of *bindings* of variables to RDF
terms.
"""

from kg.errors import QueryError, QueryMemoryLimit, QuerySyntaxError, QueryTimeout
from kg.sparql.endpoint import EndpointEngine
from kg.sparql.engines import (
    Engine,
    Outcome,
    OxigraphEngine,
    RdflibEngine,
    open_engine,
)
from kg.sparql.entailment import add_rdfs_closure, rdfs_closure
from kg.sparql.library import (
    check_queries,
    find_query,
    format_library,
    list_queries,
    load_query,
    prepare_query,
    query,
    read_query,
    read_query_text,
    run_query,
    show,
)
from kg.sparql.policy import check_policy
from kg.sparql.protocol import parse_results_json, term_from_json
from kg.sparql.results import Result, canonical, compare, read_expected
from kg.sparql.sandbox import run_isolated
from kg.sparql.syntax import Param, Query
from kg.sparql.values import bind_params, n3, parse_value, prepare

__all__ = [
    "EndpointEngine",
    "Engine",
    "Outcome",
    "OxigraphEngine",
    "Param",
    "Query",
    "QueryError",
    "QueryMemoryLimit",
    "QuerySyntaxError",
    "QueryTimeout",
    "RdflibEngine",
    "Result",
    "add_rdfs_closure",
    "bind_params",
    "canonical",
    "check_policy",
    "check_queries",
    "compare",
    "find_query",
    "format_library",
    "list_queries",
    "load_query",
    "n3",
    "open_engine",
    "parse_results_json",
    "parse_value",
    "prepare",
    "prepare_query",
    "query",
    "rdfs_closure",
    "read_expected",
    "read_query",
    "read_query_text",
    "run_isolated",
    "run_query",
    "show",
    "term_from_json",
]
