"""``kg query`` and ``kg queries --check``: run a query of the library, a file or a text; check the library.

Reading a query (a ``.rq`` file, its header and parameters, the library folder) is
:mod:`kg.sparql.files`; how a query becomes the text an engine runs (typed parameters,
refusals, positions) is :mod:`kg.sparql.values` and :mod:`kg.sparql.policy`; its
:class:`~kg.sparql.results.Result` and output formats are :mod:`kg.sparql.results`, the
comparison with expected rows :mod:`kg.sparql.compare`.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import KgError, QueryError, QueryMemoryLimit, QueryTimeout, UsageError
from kg.limits import DEFAULT_ENTAILMENT, MAX_MEMORY_MB, MAX_ROWS, QUERY_TIMEOUT
from kg.namespaces import BASE, PREFIXES
from kg.sparql.engines import Engine, Outcome, PackedOutcome, as_graph, open_engine, packed_solutions, unpack_outcome
from kg.sparql.files import list_queries, load_query
from kg.sparql.policy import check_bounds, check_policy
from kg.sparql.results import Result, check_format
from kg.sparql.sandbox import run_isolated
from kg.sparql.syntax import Query, check_prefixes
from kg.sparql.values import Prepared, bind_params, prepare
from kg.terms import prefixed

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.sparql.compare import CheckReport

# --------------------------------------------------------------------------- running


def prepare_query(query: Query, params: Mapping[str, Any] | None = None, *, lang: str | None = None) -> Prepared:
    """The standalone SPARQL 1.1 text that runs: ``query`` with ``params`` written into its VALUES lines.

    A parameter left at its default keeps the text as written in the file.
    This is what ``kg query NAME --show`` prints.
    """
    bindings = bind_params(query, params, lang=lang)
    changed = {}
    for name, value in bindings.items():
        param = query.param(name)
        if param is None or value != param.default:
            changed[name] = value
    return prepare(query, changed)


#: The graph's own namespaces and Wikidata's, whose IRIs have labels in the data or none: only a table's other
#: IRIs are looked up among the catalogue's names of standard terms.
_OWN = (BASE, PREFIXES["wd"])


def run_query(
    query: Query,
    params: Mapping[str, Any] | None = None,
    *,
    engine: Engine,
    timeout: float | None = QUERY_TIMEOUT,
    max_rows: int | None = MAX_ROWS,
    lang: str | None = None,
    labels: bool = False,
    allow_external: bool = False,
    fmt: str | None = None,
    max_memory: int | None = MAX_MEMORY_MB,
) -> Result:
    """Run ``query`` on ``engine`` with ``params`` bound; see :func:`query` for the options."""
    if fmt is not None:
        check_format("graph" if query.form in ("CONSTRUCT", "DESCRIBE") else "bindings", fmt)
    if params or lang:
        check_values(query, bind_params(query, params, lang=lang), engine)
    # A remote endpoint is the network already; only Update is refused there.
    parser = "oxigraph" if engine.name == "oxigraph" else "rdflib"  # the parser that will execute the text
    cap = max_rows if max_rows and max_rows > 0 else None

    def checked() -> Prepared:
        check_bounds(query)  # first: a text nested too deep is refused before it is read whole
        prepared = prepare_query(query, params, lang=lang)
        if engine.local:
            check_prefixes(query)
        check_policy(prepared, allow_external=allow_external or not engine.local, parser=parser)
        return prepared

    def execute() -> PackedOutcome:
        # In the query process, so that --timeout covers the checks too: the policy's parse of a
        # 5 MB VALUES query took longer than the query's own limit (rdflib: over 60 s).
        prepared = checked()
        try:
            return engine.run_packed(prepared.text, max_rows=cap, allow_external=allow_external)
        except QueryError as exc:
            raise prepared.locate(exc) from None

    try:
        if engine.local:  # the child sends plain tuples back
            answer: PackedOutcome | Outcome = run_isolated(
                execute, timeout, allow_external=allow_external, max_memory=max_memory, where=query.where
            )
        else:
            prepared = checked()
            try:
                answer = engine.run(prepared.text, max_rows=cap, allow_external=allow_external)
            except QueryError as exc:
                raise prepared.locate(exc) from None
    except (QueryTimeout, QueryMemoryLimit) as exc:
        if exc.path is None:
            exc.path = query.where
        raise
    done = {"truncated": answer.truncated, "max_rows": cap, "engine": engine.name}
    if isinstance(answer, PackedOutcome) and answer.kind != "graph":  # rows stay plain data (rdflib at first use)
        rows = packed_solutions(answer)
        result = Result(query, answer.kind, answer.variables, None, answer.boolean, packed_rows=rows, **done)
    else:
        outcome = unpack_outcome(answer) if isinstance(answer, PackedOutcome) else answer
        graph = as_graph(outcome.triples) if outcome.kind == "graph" else None
        result = Result(query, outcome.kind, outcome.variables, outcome.rows, outcome.boolean, graph, **done)
    if labels and result.kind == "bindings":
        iris = {t[1] for row in result.packed_rows for t in row.values() if t[0] == "i"}
        result.labels = _table_labels(engine, iris, lang or "en")
    return result


def _table_labels(engine: Engine, iris: set[str], lang: str) -> dict[str, str]:
    """The names a table shows for ``iris`` in ``lang``: their labels in the data, else a standard term's
    name in the catalogue (``rdfs:label`` is «برچسب»), as the site's pages name it."""
    found = engine.labels(sorted(iris), lang) if iris else {}
    standard = [iri for iri in iris if iri not in found and not iri.startswith(_OWN)]
    if standard:
        from kg.i18n import term_label  # the catalogue, read only when a standard term is shown

        for iri in standard:
            name = term_label(prefixed(iri), lang)
            if name:
                found[iri] = name
    return found


def query(
    source: str | Path | None = None,
    params: Mapping[str, Any] | None = None,
    *,
    text: str | None = None,
    data: Sequence[str | Path] | None = None,
    engine: str | Engine | None = None,
    graph: Graph | None = None,
    endpoint: str | None = None,
    endpoint_graph: str | None = None,
    user: str | None = None,
    password: str | None = None,
    timeout: float | None = QUERY_TIMEOUT,
    max_rows: int | None = MAX_ROWS,
    lang: str | None = None,
    labels: bool = False,
    allow_external: bool = False,
    library: str | Path | None = None,
    fmt: str | None = None,
    entailment: str = DEFAULT_ENTAILMENT,
    max_memory: int | None = MAX_MEMORY_MB,
) -> Result:
    """Run a library query by name, a ``.rq`` file, or SPARQL ``text``, and return its :class:`Result`.

    ``params`` maps parameter names to values (strings as on the command
    line, :data:`~kg.terms.PackedTerm` or rdflib terms). The query runs on ``engine`` (``"oxigraph"``,
    the default, or ``"rdflib"``, or a :class:`kg.sparql.engines.Engine`) loaded
    with the ontology, vocabularies and ``data`` (default
    ``data/article.ttl``), or on an rdflib ``graph`` you loaded, or on a
    remote ``endpoint`` (``endpoint_graph``: its graph to query, ``user``
    and ``password``: Basic or Digest auth). ``timeout`` seconds and ``max_rows`` cap
    the work (None: no limit), and a local query's process may grow by
    ``max_memory`` MB (None: no ceiling); ``lang`` fills a ``lang`` parameter
    and picks the language of display ``labels``. ``entailment`` is
    ``"rdfs"`` (the default: superclass types and superproperty statements
    are in the store, :mod:`kg.sparql.entailment`) or ``"none"`` (the
    asserted triples only); it does not apply to an endpoint. The engine loaded from the files is kept
    for the next call on the same content (:func:`kg.sparql.index.opened_engine`), unless the query may
    load into it (``allow_external``) or runs in this process (``timeout=None``).

    Errors: :class:`~kg.errors.UsageError` (exit 2) for an unknown query,
    parameter, engine or entailment; :class:`~kg.errors.QuerySyntaxError`
    and other :class:`~kg.errors.QueryError` (exit 3); ``QueryTimeout`` and
    ``QueryMemoryLimit`` (exit 4); ``EndpointError`` (exit 5).
    """
    q = load_query(source, text=text, library=library)
    if endpoint:
        from kg.sparql.endpoint import EndpointEngine  # the HTTP client, only for an endpoint

        runner: Engine = EndpointEngine(endpoint, timeout=timeout, user=user, password=password, graph=endpoint_graph)
    else:
        # An engine this call opens from files is kept for the next call on the same content, unless the query
        # may load FROM graphs into it (allow_external) or runs in this process (no time limit).
        kept = not allow_external and timeout is not None
        runner = open_engine(engine, data=data, graph=graph, entailment=entailment, kept=kept)
    return run_query(
        q, params, engine=runner, timeout=timeout, max_rows=max_rows, lang=lang, labels=labels,
        allow_external=allow_external, fmt=fmt, max_memory=max_memory,
    )  # fmt: skip


def show(
    source: str | Path | None = None,
    params: Mapping[str, Any] | None = None,
    *,
    text: str | None = None,
    lang: str | None = None,
    library: str | Path | None = None,
) -> str:
    """``kg query NAME --show``: the standalone SPARQL 1.1 text with ``params`` bound, as it would run."""
    return prepare_query(load_query(source, text=text, library=library), params, lang=lang).text


# --------------------------------------------------------------------------- values the data can answer

_RDFS = "http://www.w3.org/2000/01/rdf-schema#"


def check_values(query: Query, bindings: Mapping[str, Any], engine: Engine) -> None:
    """A :class:`~kg.errors.UsageError` (exit 2) naming the allowed values for a given value the data
    cannot answer: a ``lang`` not among the languages of the data's labels, an IRI that is not an
    instance of its parameter's classes (``# param: country | iri kg:Country | ...``). Defaults pass."""
    for name, value in bindings.items():
        param = query.param(name)
        if param is None or value is None or value == param.default:
            continue
        if name == "lang" and value[0] == "l" and _LANGUAGE_TAG.fullmatch(value[1]):
            known = _label_languages(engine)
            if known and value[1] not in known:
                raise UsageError(
                    f"{query.name}: parameter 'lang': {value[1]!r} is not a language of the data's labels; "
                    f"allowed: {', '.join(sorted(known))}"
                )
        elif param.classes and value[0] == "i" and not _is_instance(engine, value[1], param.classes):
            shown, total = _instances(engine, param.classes)
            more = f", … ({total} in all)" if total > len(shown) else ""
            classes = " or ".join(prefixed(c) for c in param.classes)
            raise UsageError(
                f"{query.name}: parameter {name!r}: {prefixed(value[1])} is not a {classes}; "
                f"allowed: {', '.join(shown)}{more}"
            )


#: What a language tag looks like (BCP 47's shape): only such a value is checked against the data's languages;
#: any other string stays one literal that matches nothing (the hostile tests bind injection attempts so).
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")

#: The languages found, per endpoint URL (the site makes an engine per request) and per local engine, held
#: weakly: an id() would be given to the next engine once this one is freed, with another dataset's languages.
_LABEL_LANGUAGES: dict[str, set[str]] = {}
_ENGINE_LANGUAGES: weakref.WeakKeyDictionary[Engine, set[str]] = weakref.WeakKeyDictionary()


def _label_languages(engine: Engine) -> set[str]:
    """The language tags of the data's ``rdfs:label`` values, asked once per engine (per endpoint URL)."""
    url = getattr(engine, "url", None)
    cache: Any = _LABEL_LANGUAGES if url else _ENGINE_LANGUAGES
    key = url or engine
    if key not in cache:
        text = f"SELECT DISTINCT (LANG(?l) AS ?lang) WHERE {{ ?s <{_RDFS}label> ?l }}"
        outcome = engine.run_packed(text, max_rows=MAX_ROWS)
        cache[key] = {row[0][1] for row in outcome.rows if row[0] is not None and row[0][1]}
    return cache[key]


def _typed(subject: str, classes: Sequence[str]) -> str:
    """The pattern "SUBJECT is an instance of one of CLASSES" (asserted, or by one rdfs:subClassOf step)."""
    return " UNION ".join(
        f"{{ {subject} a <{c}> }} UNION {{ {subject} a ?t . ?t <{_RDFS}subClassOf> <{c}> }}" for c in classes
    )


def _is_instance(engine: Engine, iri: str, classes: Sequence[str]) -> bool:
    return bool(engine.run_packed(f"ASK {{ {_typed(f'<{iri}>', classes)} }}").boolean)


def _instances(engine: Engine, classes: Sequence[str], shown: int = 12) -> tuple[list[str], int]:
    """The first ``shown`` instances of ``classes`` as prefixed names, and how many there are."""
    text = f"SELECT DISTINCT ?x WHERE {{ {_typed('?x', classes)} }} ORDER BY ?x"
    outcome = engine.run_packed(text, max_rows=MAX_ROWS)
    names = [prefixed(row[0][1]) for row in outcome.rows if row[0] is not None and row[0][0] == "i"]
    return names[:shown], len(names)


# --------------------------------------------------------------------------- checking the library


def check_queries(
    library: str | Path | None = None,
    *,
    data: Sequence[str | Path] | None = None,
    engine: str | Engine | None = None,
    endpoint: str | None = None,
    endpoint_graph: str | None = None,
    timeout: float | None = QUERY_TIMEOUT,
    entailment: str = DEFAULT_ENTAILMENT,
) -> CheckReport:
    """Run every library query that has a ``.srj`` with its defaults and compare (``kg queries --check``)."""
    from kg.sparql.compare import Check, CheckReport, compare, read_expected  # not on a query's path

    if endpoint:
        from kg.sparql.endpoint import EndpointEngine  # the HTTP client, only for an endpoint

        runner: Engine = EndpointEngine(endpoint, timeout=timeout, graph=endpoint_graph)
    else:
        # kept for the next check or query on the same content, as in query(): the library's queries load nothing
        runner = open_engine(engine, data=data, entailment=entailment, kept=timeout is not None)
    report = CheckReport()
    for q in list_queries(library):
        expected_path = q.expected_path()
        if expected_path is None:
            continue
        try:
            result = run_query(q, engine=runner, timeout=timeout, max_rows=None)
            problems = tuple(compare(result, read_expected(expected_path)))
            report.checks.append(Check(q, problems, len(result)))
        except KgError as exc:
            report.checks.append(Check(q, (str(exc),), 0))
    return report
