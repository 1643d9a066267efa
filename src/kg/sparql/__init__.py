"""SPARQL for kg: the query library, running queries on any engine, and their results.

The public face is what the README and the CLI use::

    import kg
    result = kg.query("cq08-trade-figures", {"lang": "fa"})   # kg.sparql.query
    from kg.sparql import find_query, list_queries, run_query, open_engine, compare, read_expected

* :func:`query` runs a library query by name, a ``.rq`` file or SPARQL text and
  returns a :class:`Result` (``kg query``); :func:`show` gives the text it would run.
* :func:`find_query`, :func:`list_queries`, :func:`read_query`, :func:`read_query_text`
  and :func:`load_query` read the library (``queries/*.rq``) into :class:`Query`
  objects; :func:`run_query` runs one on an engine from :func:`open_engine`.
* :func:`check_queries` and :func:`format_library` are ``kg queries --check`` and
  ``kg queries``; :func:`compare` and :func:`read_expected` compare a result with
  its expected rows (``queries/NAME.srj``).
* The errors a query raises: :class:`QueryError`, :class:`QuerySyntaxError`,
  :class:`QueryTimeout`, :class:`QueryMemoryLimit` (from :mod:`kg.errors`).

Everything else is imported from its module, each one concept, lowest first:

* :mod:`kg.sparql.syntax`: tokens, the :class:`Query` model, the one reading of
  a text (:func:`~kg.sparql.syntax.analyse`), positions and syntax errors;
* :mod:`kg.sparql.values`: typed parameter values and the prepared text an
  engine runs (values bound, never pasted);
* :mod:`kg.sparql.policy`: no Update, no SERVICE or FROM unless allowed, nesting;
* :mod:`kg.sparql.entailment`: the RDFS closure queries run on;
* :mod:`kg.sparql.engines`: the rdflib and pyoxigraph engines and their
  :class:`~kg.sparql.engines.Outcome`;
* :mod:`kg.sparql.sandbox`: the query child process (time limit, memory
  ceiling, no network);
* :mod:`kg.sparql.protocol`: SPARQL 1.1 result formats and graphs parsed strictly;
* :mod:`kg.sparql.endpoint`: a remote SPARQL 1.1 endpoint as an engine (over
  :mod:`kg.http`, the one HTTP client);
* :mod:`kg.sparql.tables`: terminal, Markdown and HTML tables, SPARQL CSV/TSV/JSON;
* :mod:`kg.sparql.results`: a :class:`Result` and its formats;
* :mod:`kg.sparql.compare`: the comparison with expected rows;
* :mod:`kg.sparql.files`: ``.rq`` files, their header, the library of them;
* :mod:`kg.sparql.library`: :func:`query`, :func:`run_query`, :func:`check_queries`.

Terms follow SPARQL 1.1: a *query* has a *form* (SELECT, ASK, CONSTRUCT,
DESCRIBE) and gives *solutions* (rows) of *bindings* of variables to RDF
terms.
"""

from kg.errors import QueryError, QueryMemoryLimit, QuerySyntaxError, QueryTimeout
from kg.sparql.compare import compare, read_expected
from kg.sparql.engines import open_engine
from kg.sparql.files import find_query, format_library, list_queries, load_query, read_query, read_query_text
from kg.sparql.library import check_queries, query, run_query, show
from kg.sparql.results import Result
from kg.sparql.syntax import Query

__all__ = [
    "Query",
    "QueryError",
    "QueryMemoryLimit",
    "QuerySyntaxError",
    "QueryTimeout",
    "Result",
    "check_queries",
    "compare",
    "find_query",
    "format_library",
    "list_queries",
    "load_query",
    "open_engine",
    "query",
    "read_expected",
    "read_query",
    "read_query_text",
    "run_query",
    "show",
]
