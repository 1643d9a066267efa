"""SPARQL for kg: the query library, running queries on any engine, and their results.

The public face is what the README uses, two names::

    import kg
    result = kg.query("cq08-trade-figures", {"lang": "fa"})   # kg.sparql.query
    result.values(); result.format("md"); result.to_dataframe()

* :func:`query` runs a library query by name, a ``.rq`` file or SPARQL text on
  the shipped graph, a graph of yours or an endpoint, and returns a
  :class:`Result` (what ``kg query`` prints);
* :class:`Result`: the solutions (or the boolean, or the graph) with their
  values typed, their formats and their table.

The errors a query raises are in :mod:`kg.errors` (:class:`~kg.errors.QueryError`,
:class:`~kg.errors.QuerySyntaxError`, :class:`~kg.errors.QueryTimeout`,
:class:`~kg.errors.QueryMemoryLimit`).

Everything else is imported from its module, each one concept, lowest first:

* :mod:`kg.sparql.syntax`: tokens, the :class:`~kg.sparql.syntax.Query` model, the one reading of
  a text (:func:`~kg.sparql.syntax.analyse`), positions and syntax errors;
* :mod:`kg.sparql.values`: typed parameter values and the prepared text an
  engine runs (values bound, never pasted);
* :mod:`kg.sparql.explain`: a syntax error in words a reader can act on;
* :mod:`kg.sparql.policy`: no Update, no SERVICE or FROM unless allowed, nesting;
* :mod:`kg.sparql.entailment`: the RDFS closure queries run on;
* :mod:`kg.sparql.engines`: the rdflib and pyoxigraph engines
  (:func:`~kg.sparql.engines.open_engine`) and their :class:`~kg.sparql.engines.Outcome`;
* :mod:`kg.sparql.index`: which store a local query runs on (keyed by its inputs' bytes);
* :mod:`kg.sparql.sandbox`: the query child process (time limit, memory
  ceiling, no network);
* :mod:`kg.sparql.protocol`: SPARQL 1.1 result formats and graphs parsed strictly;
* :mod:`kg.sparql.endpoint`: a remote SPARQL 1.1 endpoint as an engine (over
  :mod:`kg.http`, the one HTTP client);
* :mod:`kg.sparql.tables`: terminal, Markdown and HTML tables, SPARQL CSV/TSV/JSON;
* :mod:`kg.sparql.results`: a :class:`Result` and its formats;
* :mod:`kg.sparql.compare`: the comparison with expected rows and the library checked (``compare``,
  ``read_expected``: ``queries/NAME.srj``);
* :mod:`kg.sparql.files`: ``.rq`` files, their header, the library of them
  (``find_query``, ``list_queries``, ``read_query``, ``read_query_text``,
  ``load_query``, ``format_library``: ``kg queries``);
* :mod:`kg.sparql.library`: :func:`query`, ``show`` (the text it would run),
  ``run_query`` (a :class:`~kg.sparql.syntax.Query` on an engine),
  ``check_queries`` (``kg queries --check``);
* :mod:`kg.sparql.browser`: the engine in the browser (WebAssembly) and the library as forms.

Terms follow SPARQL 1.1: a *query* has a *form* (SELECT, ASK, CONSTRUCT,
DESCRIBE) and gives *solutions* (rows) of *bindings* of variables to RDF
terms.
"""

from kg.sparql.library import query
from kg.sparql.results import Result

__all__ = ["Result", "query"]
