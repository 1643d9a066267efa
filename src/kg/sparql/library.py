"""The query library and ``kg query``: read ``.rq`` files, run them, check them against their expected rows.

How a query becomes the text an engine runs (typed parameters, refusals,
positions) is :mod:`kg.sparql.syntax`; its :class:`~kg.sparql.results.Result`,
the output formats and the comparison with expected rows are
:mod:`kg.sparql.results`.

Query files
-----------
Each competency query is ``queries/NAME.rq``. It starts with a header of
comment lines, ``# key: value``, up to the first line that is not a comment::

    # title: Agreements, their kinds and parties
    # question@en: Which agreements were concluded during the visit, of what kind, between which parties?
    # question@fa: چه اسنادی در جریان سفر منعقد شد، از چه نوعی و میان کدام طرف‌ها؟
    # param: lang | string | "en" | language of the labels returned
    # param: country | iri | kgi:kazakhstan | the country whose agreements to list
    SELECT ...

``title`` is one line; ``question@LANG`` states the question in a language;
a comment line indented by two or more spaces after the ``#`` continues the
value above it. Other keys are kept in :attr:`kg.sparql.Query.meta`.

A ``param`` line is ``name | type | default | description``. Types: ``iri``
(a prefixed name or ``<IRI>``), ``string``, ``langstring`` (``text@lang``),
``integer``, ``decimal``, ``boolean`` (``true``/``false``), ``date``
(``YYYY-MM-DD``). A default may be quoted (``"en"``, ``"Tehran"@en``); ``-``
means no default (the variable stays unbound). On the command line values
are written bare: ``--param lang=fa``, ``--param country=kgi:iran``,
``--param name=Tehran@en``.

Parameters in the text: plain SPARQL 1.1
----------------------------------------
A library file is a standalone SPARQL 1.1 query: it declares its own
``PREFIX`` lines and runs as it is, with its defaults, in any SPARQL tool.
Each parameter is a variable ``?name`` with its default in a one-value
``VALUES`` line at the start of the ``WHERE`` group of the query (and of
every subquery that uses it)::

    # param: lang | string | "en" | language of the labels returned
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?c ?label WHERE {
      VALUES ?lang { "en" }
      ?c rdfs:label ?label FILTER (LANG(?label) = ?lang)
    }

kg writes a given value over the default there, as a typed term in
N-Triples syntax (never text pasted in), and ``UNDEF`` for a parameter
without a value; ``kg query NAME --show`` prints the result. Reading a file
refuses, with the position: a parameter without its ``VALUES`` line, a
``VALUES`` default that differs from the header's, a ``VALUES`` line that is
not directly in its (sub)query's ``WHERE`` group, and a use of the variable
in a subquery that has no ``VALUES`` line of its own (a subquery does not
see the outer one's bindings).

Queries given with ``-e`` may leave out ``PREFIX`` lines for the project
prefixes (:data:`kg.namespaces.PREFIXES`); the missing ones are put in front
of the query on a single line, so reported positions still count lines of
the text. Their ``--param`` values go into a ``VALUES`` block at the start
of the ``WHERE`` group.

>>> q = read_query_text("# title: Countries\\nSELECT ?c WHERE { ?c a kg:Country }", name="countries")
>>> q.title, q.form
('Countries', 'SELECT')
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from kg import resources
from kg.errors import KgError, LoadError, QueryError, QueryMemoryLimit, QueryTimeout, UsageError
from kg.i18n import LANGUAGES
from kg.limits import DEFAULT_ENTAILMENT, MAX_MEMORY_MB, MAX_ROWS, QUERY_TIMEOUT
from kg.load import read_text
from kg.sparql.compare import compare, read_expected
from kg.sparql.engines import (
    Engine,
    PackedOutcome,
    as_graph,
    open_engine,
    unpack_outcome,
)
from kg.sparql.policy import check_policy
from kg.sparql.results import Result, check_format
from kg.sparql.sandbox import run_isolated
from kg.sparql.syntax import PARAM_TYPES, Param, Query, analyse, check_prefixes
from kg.sparql.values import Prepared, bind_params, check_slots, parse_value, prepare, unquote_default
from kg.terms import prefixed

# --------------------------------------------------------------------------- the library

_HEADER_LINE = re.compile(r"#\s?(?P<key>[A-Za-z][\w-]*(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*)?)\s*:\s?(?P<value>.*)$")


def read_query_text(text: str, *, name: str = "<query>", path: Path | None = None) -> Query:
    """A :class:`Query` from its text, reading the header (see the module docstring)."""
    where = str(path) if path is not None else name
    fields: list[tuple[str, str, int, int]] = []  # key, value, line, column of the value
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("#"):
            break
        match = _HEADER_LINE.match(line)
        if match:
            column = raw.index("#") + match.start("value") + 1
            fields.append((match.group("key"), match.group("value").strip(), number, column))
        elif re.match(r"#\s{2,}\S", line) and fields:
            key, value, at, column = fields[-1]
            fields[-1] = (key, f"{value} {line[1:].strip()}", at, column)
    title = ""
    questions: dict[str, str] = {}
    params: list[Param] = []
    meta: dict[str, str] = {}
    param_lines: dict[str, tuple[int, int]] = {}
    declared = analyse(text).declared
    titles: dict[str, str] = {}
    columns: dict[str, dict[str, str]] = {}
    param_texts: dict[str, dict[str, str]] = {}
    for key, value, number, column in fields:
        if key == "title":
            title = value
        elif key.startswith("title@"):
            titles[key.partition("@")[2]] = value
        elif key.startswith("question"):
            questions[key.partition("@")[2] or "en"] = value
        elif key == "column":
            variable, names = _read_names(value, where, number, column, "column")
            if variable in columns:
                raise QueryError(f"column {variable!r} is named twice", path=where, line=number, column=column)
            columns[variable] = names
        elif key.startswith("param@"):
            described, (description,) = _split_fields(value, where, number, column, 2, "param@LANG: name | text")
            param_texts.setdefault(described, {})[key.partition("@")[2]] = description
        elif key == "param":
            param = _read_param(value, declared, where, number, column)
            if any(p.name == param.name for p in params):
                raise QueryError(f"parameter {param.name!r} is declared twice", path=where, line=number, column=column)
            params.append(param)
            param_lines[param.name] = (number, column)
        else:
            meta[key] = value
    query = Query(name, text, path, title, questions, tuple(params), meta, titles, columns, param_texts)
    for described in param_texts:
        if query.param(described) is None:
            raise QueryError(f"param@: no parameter {described!r} is declared", path=where)
    for param in params:
        check_slots(query, param, *param_lines[param.name])
    return query


def _split_fields(value: str, where: str, line: int, column: int, count: int, form: str) -> tuple[str, list[str]]:
    """A header value of ``count`` fields split at ``|``: the first (a variable name) and the rest."""
    parts = [part.strip() for part in value.split("|")]
    if len(parts) != count or not all(parts):
        raise QueryError(f"a header line is '{form}'", path=where, line=line, column=column)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", parts[0]):
        raise QueryError(f"{parts[0]!r} is not a SPARQL variable name", path=where, line=line, column=column)
    return parts[0], parts[1:]


def _read_names(value: str, where: str, line: int, column: int, key: str) -> tuple[str, dict[str, str]]:
    """``variable | English | فارسی``: a variable's name in each UI language."""
    form = f"{key}: variable | " + " | ".join(f"name@{lang}" for lang in LANGUAGES)
    variable, names = _split_fields(value, where, line, column, 1 + len(LANGUAGES), form)
    return variable, dict(zip(LANGUAGES, names, strict=True))


def _read_param(value: str, declared: Mapping[str, str], where: str, line: int, column: int) -> Param:
    """One ``param`` line's value: ``name | type | default | description``; errors point at the field."""
    fields = [
        (m.group().strip(), column + m.start() + len(m.group()) - len(m.group().lstrip()))
        for m in _FIELD.finditer(value)
    ]
    if len(fields) < 3:
        raise QueryError("a param line is 'name | type | default | description'", path=where, line=line, column=column)
    (name, name_at), (kind, kind_at), (default_text, default_at) = fields[:3]
    description = " | ".join(text for text, _ in fields[3:])
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise QueryError(
            f"parameter name {name!r} is not a SPARQL variable name", path=where, line=line, column=name_at
        )
    kind, *class_names = kind.split()
    if kind not in PARAM_TYPES:
        raise QueryError(
            f"parameter {name!r} has unknown type {kind!r}; types: {', '.join(PARAM_TYPES)}",
            path=where,
            line=line,
            column=kind_at,
        )
    if class_names and kind != "iri":
        raise QueryError(f"only an iri parameter names classes ({name!r} is {kind})", path=where, line=line,
                         column=kind_at)  # fmt: skip
    try:
        classes = tuple(str(parse_value("iri", c, declared)) for c in class_names)
    except QueryError as exc:
        raise QueryError(f"class of {name!r}: {exc.message}", path=where, line=line, column=kind_at) from None
    default = None
    if default_text not in ("", "-"):
        try:
            default = parse_value(kind, unquote_default(kind, default_text), declared)
        except QueryError as exc:
            message = f"default of {name!r}: {exc.message}"
            raise QueryError(message, path=where, line=line, column=default_at) from None
    return Param(name, kind, default, default_text, description, classes)


_FIELD = re.compile(r"[^|]+|(?<=\|)(?=\||$)|^(?=\|)")


def read_query(path: str | Path) -> Query:
    """The query in a ``.rq`` file."""
    path = Path(path)
    return read_query_text(read_text(path), name=path.stem, path=path)


def library_dir(library: str | Path | None = None) -> Path:
    return Path(library) if library is not None else resources.queries_dir()


def list_queries(library: str | Path | None = None) -> list[Query]:
    """Every query of the library (``queries/*.rq``), sorted by name."""
    folder = library_dir(library)
    return [read_query(path) for path in sorted(folder.glob("*.rq"))]


def find_query(name: str, library: str | Path | None = None) -> Query:
    """A library query by name (``cq01-agreements``, or a unique prefix such as ``cq01``).

    An unknown name is a QueryError that lists the close matches.
    """
    folder = library_dir(library)
    names = sorted(p.stem for p in folder.glob("*.rq"))
    stem = name[:-3] if name.endswith(".rq") else name
    if stem in names:
        return read_query(folder / f"{stem}.rq")
    starting = [n for n in names if n.startswith(stem)]
    if len(starting) == 1 and stem:
        return read_query(folder / f"{starting[0]}.rq")
    containing = [n for n in names if stem and stem in n]
    same_number = [n for n in names if _number(n) is not None and _number(n) == _number(stem)]  # cq1: cq01-...
    close = same_number + [n for n in (starting or containing) if n not in same_number]
    close = close[:5] or difflib.get_close_matches(stem, names, n=3, cutoff=0.7)
    hint = f"; did you mean {_either(close)}?" if close else ""
    raise UsageError(f"unknown query {name!r}{hint} (`kg queries` lists them)")


def _number(name: str) -> tuple[str, int] | None:
    """``cq01-agreements`` and ``cq1`` both as ``("cq", 1)``: the letters and the number they start with."""
    match = re.match(r"([A-Za-z]+)0*([0-9]+)(?![0-9])", name)
    return (match.group(1).lower(), int(match.group(2))) if match else None


def _either(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def load_query(
    source: str | Path | None = None, *, text: str | None = None, library: str | Path | None = None
) -> Query:
    """A query from SPARQL ``text``, an existing ``.rq`` file, or a library name."""
    if text is not None:
        return read_query_text(text, name="<-e>")
    if source is None:
        raise UsageError("give a query name, a .rq file or -e 'SPARQL'")
    path = Path(source)
    if path.suffix == ".rq" or path.is_file():
        if not path.is_file():  # a missing input file, as for --data: a load error (exit 2)
            raise LoadError("no such query file", path=path)
        return read_query(path)
    return find_query(str(source), library)


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
        if engine.local:  # the child sends plain tuples back; rdflib terms are built here, once
            packed = run_isolated(
                execute, timeout, allow_external=allow_external, max_memory=max_memory, where=query.where
            )
            outcome = unpack_outcome(packed)
        else:
            prepared = checked()
            try:
                outcome = engine.run(prepared.text, max_rows=cap, allow_external=allow_external)
            except QueryError as exc:
                raise prepared.locate(exc) from None
    except (QueryTimeout, QueryMemoryLimit) as exc:
        if exc.path is None:
            exc.path = query.where
        raise
    result = Result(
        query,
        outcome.kind,
        variables=outcome.variables,
        rows=outcome.rows,
        boolean=outcome.boolean,
        graph=as_graph(outcome.triples) if outcome.kind == "graph" else None,
        truncated=outcome.truncated,
        max_rows=cap,
        engine=engine.name,
    )
    if labels and result.kind == "bindings":
        iris = {t for row in result.rows for t in row.values() if isinstance(t, URIRef)}
        result.labels = engine.labels(sorted(iris), lang or "en") if iris else {}
    return result


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
    line, or rdflib terms). The query runs on ``engine`` (``"oxigraph"``,
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
    asserted triples only); it does not apply to an endpoint.

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
        runner = open_engine(engine, data=data, graph=graph, entailment=entailment)
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
        if name == "lang" and isinstance(value, Literal) and _LANGUAGE_TAG.fullmatch(str(value)):
            known = _label_languages(engine)
            if known and str(value) not in known:
                raise UsageError(
                    f"{query.name}: parameter 'lang': {str(value)!r} is not a language of the data's labels; "
                    f"allowed: {', '.join(sorted(known))}"
                )
        elif param.classes and isinstance(value, URIRef) and not _is_instance(engine, value, param.classes):
            shown, total = _instances(engine, param.classes)
            more = f", … ({total} in all)" if total > len(shown) else ""
            classes = " or ".join(prefixed(c) for c in param.classes)
            raise UsageError(
                f"{query.name}: parameter {name!r}: {prefixed(str(value))} is not a {classes}; "
                f"allowed: {', '.join(shown)}{more}"
            )


#: What a language tag looks like (BCP 47's shape): only such a value is checked against the data's languages;
#: any other string stays one literal that matches nothing (the hostile tests bind injection attempts so).
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")

_LABEL_LANGUAGES: dict[object, set[str]] = {}


def _label_languages(engine: Engine) -> set[str]:
    """The language tags of the data's ``rdfs:label`` values, asked once per engine (per endpoint URL:
    the site makes an engine per request)."""
    key = getattr(engine, "url", None) or id(engine)
    if key not in _LABEL_LANGUAGES:
        text = f"SELECT DISTINCT (LANG(?l) AS ?lang) WHERE {{ ?s <{_RDFS}label> ?l }}"
        outcome = engine.run(text, max_rows=1000)
        found = {str(row["lang"]) for row in outcome.rows if row.get("lang") is not None and str(row["lang"])}
        _LABEL_LANGUAGES[key] = found
    return _LABEL_LANGUAGES[key]


def _typed(subject: str, classes: Sequence[str]) -> str:
    """The pattern "SUBJECT is an instance of one of CLASSES" (asserted, or by one rdfs:subClassOf step)."""
    return " UNION ".join(
        f"{{ {subject} a <{c}> }} UNION {{ {subject} a ?t . ?t <{_RDFS}subClassOf> <{c}> }}" for c in classes
    )


def _is_instance(engine: Engine, iri: URIRef, classes: Sequence[str]) -> bool:
    return bool(engine.run(f"ASK {{ {_typed(f'<{iri}>', classes)} }}").boolean)


def _instances(engine: Engine, classes: Sequence[str], shown: int = 12) -> tuple[list[str], int]:
    """The first ``shown`` instances of ``classes`` as prefixed names, and how many there are."""
    outcome = engine.run(f"SELECT DISTINCT ?x WHERE {{ {_typed('?x', classes)} }} ORDER BY ?x", max_rows=10_000)
    names = [prefixed(str(row["x"])) for row in outcome.rows if isinstance(row.get("x"), URIRef)]
    return names[:shown], len(names)


# --------------------------------------------------------------------------- checking the library


@dataclass(frozen=True)
class Check:
    """One library query run against its expected result."""

    query: Query
    problems: tuple[str, ...]
    rows: int

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class CheckReport:
    """``kg queries --check``: every query with expected results, and what differed."""

    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def format(self) -> str:
        lines = []
        for check in self.checks:
            rows = f"{check.rows} row{'' if check.rows == 1 else 's'}"
            lines.append(f"{'ok  ' if check.ok else 'FAIL'}  {check.query.name}  ({rows})")
            lines += [f"      {p}" for p in check.problems]
        failed = sum(not c.ok for c in self.checks)
        lines.append(f"{len(self.checks) - failed} of {len(self.checks)} queries gave their expected results")
        return "\n".join(lines) + "\n"


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
    if endpoint:
        from kg.sparql.endpoint import EndpointEngine  # the HTTP client, only for an endpoint

        runner: Engine = EndpointEngine(endpoint, timeout=timeout, graph=endpoint_graph)
    else:
        runner = open_engine(engine, data=data, entailment=entailment)
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


def format_library(library: str | Path | None = None, lang: str = "en") -> str:
    """``kg queries``: each query's name and title (its question for ``lang`` other than en), then its parameters."""
    lines = []
    for q in list_queries(library):
        heading = q.question(lang) if lang != "en" and q.question(lang) else q.title or q.question(lang)
        lines.append(f"{q.name}  {heading}".rstrip())
        for p in q.params:
            default = f" (default {p.default_text})" if p.default is not None else ""
            lines.append(f"    --param {p.name}=<{p.type}>{default}  {p.description}".rstrip())
    return "\n".join(lines) + "\n" if lines else "the query library is empty\n"
