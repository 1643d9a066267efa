"""Query files: ``queries/NAME.rq``, their header and parameters, and the library of them.

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
value above it. Other keys are kept in :attr:`kg.sparql.syntax.Query.meta`.

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

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from kg import resources
from kg.errors import LoadError, QueryError, UsageError
from kg.i18n import LANGUAGES
from kg.load import read_text
from kg.sparql.syntax import PARAM_TYPES, Param, Query, analyse
from kg.sparql.values import check_slots, parse_value, unquote_default

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
    # The prefixes a param line's values may use: read only where there is one (a text is read whole for them,
    # before the query policy could refuse it at its first bracket nested too deep).
    declared = analyse(text).declared if any(key == "param" for key, *_ in fields) else {}
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
        classes = tuple(parse_value("iri", c, declared)[1] for c in class_names)
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
    import difflib  # only for a name that is not found

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


def format_library(library: str | Path | None = None, lang: str = "en") -> str:
    """``kg queries``: each query's name and title (its question for ``lang`` other than en), then its
    parameters, each described in ``lang`` (``# param@LANG:``); the words around them from the UI-string
    catalogue. The names and types are what ``--param`` takes, as typed."""
    from kg.i18n import isolate, text

    show = isolate if lang == "fa" else str
    lines = []
    for q in list_queries(library):
        heading = q.question(lang) if lang != "en" and q.question(lang) else q.title or q.question(lang)
        lines.append(f"{q.name}  {heading}".rstrip())
        for p in q.params:
            usage = f"--param {p.name}=<{p.type}>"
            if p.default is not None:
                usage += " " + text("cli", "queries_default", lang, value=show(p.default_text))
            lines.append(f"    {usage}  {q.param_text(p.name, lang)}".rstrip())
    return "\n".join(lines) + "\n" if lines else text("cli", "queries_empty", lang) + "\n"
