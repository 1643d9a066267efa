"""The query library and ``kg query``: read ``.rq`` files, bind parameters, run, format, compare.

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
value above it. Other keys are kept in :attr:`Query.meta`.

A ``param`` line is ``name | type | default | description``. The parameter
is bound as the variable ``?name``. Types: ``iri`` (a prefixed name or
``<IRI>``), ``string``, ``langstring`` (``text@lang``), ``integer``,
``decimal``, ``boolean`` (``true``/``false``), ``date`` (``YYYY-MM-DD``).
A default may be quoted (``"en"``, ``"Tehran"@en``); an empty default or
``-`` leaves the variable unbound unless a value is given. On the command
line values are written bare: ``--param lang=fa``,
``--param country=kgi:iran``, ``--param name=Tehran@en``.

Queries may leave out ``PREFIX`` lines for the project prefixes
(:data:`kg.namespaces.PREFIXES`); the missing ones are put in front of the
query on a single line, so reported positions still count lines of the file.

Binding
-------
Values are never pasted into the query text. Each one is parsed into an RDF
term of its declared type (a value that is not a valid term of that type is
an error), then the terms are joined to the query as a ``VALUES`` block
placed at the start of the outermost group pattern (the ``WHERE`` clause),
written in N-Triples syntax from the typed terms. Every engine, local or
remote, sees the same standard SPARQL, so they return the same rows.

Safety
------
Before any engine sees a query, it is refused if it is a SPARQL Update
(``INSERT``, ``DELETE``, ``LOAD`` ...: ``kg query`` only reads), or, unless
``allow_external`` is set, if it uses ``SERVICE`` or ``FROM``/``FROM NAMED``
(which would fetch remote or ``file:`` data). The check reads the query's
tokens twice, as written and with ``\\u`` escapes expanded as rdflib does.
Local queries also run in a child process with a time limit and a row cap
(see :mod:`kg.engines`).

Comparing with expected results
-------------------------------
``queries/NAME.srj`` beside ``NAME.rq`` holds the expected result (SPARQL
1.1 JSON; for ASK ``{"head": {}, "boolean": true}``). Rows are compared in
order when the query has a top-level ``ORDER BY``, otherwise as a multiset.
Terms are compared exactly except that (a) numeric literals
(``xsd:integer``, ``xsd:decimal``, ``xsd:double`` ... and the integer
subtypes) compare by datatype and value, because engines print the same
value differently (rdflib ``"265200000.0"``, Oxigraph ``"265200000"``),
(b) booleans compare by value, (c) a simple literal equals the same
``xsd:string`` literal, (d) language tags compare case-insensitively, and
(e) blank nodes match any blank node, since their labels are the engine's.

>>> q = read_query_text("# title: Countries\\nSELECT ?c WHERE { ?c a kg:Country }", name="countries")
>>> q.title, q.form
('Countries', 'SELECT')
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import functools
import io
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier

from kg import resources
from kg.engines import (
    EndpointEngine,
    Engine,
    Outcome,
    as_graph,
    open_engine,
    parse_results_json,
    run_isolated,
)
from kg.errors import KgError, LoadError, QueryError, QueryTimeout, UsageError
from kg.load import read_text
from kg.namespaces import PREFIXES, XSD

DEFAULT_TIMEOUT = 5.0  # seconds
DEFAULT_MAX_ROWS = 10_000
PARAM_TYPES = ("iri", "string", "langstring", "integer", "decimal", "boolean", "date")
BINDINGS_FORMATS = ("table", "csv", "tsv", "json", "md")
GRAPH_FORMATS = ("turtle", "nt", "n3", "xml", "json-ld", "trig", "nquads")
_FORMAT_ALIASES = {"ttl": "turtle", "ntriples": "nt", "rdfxml": "xml", "rdf": "xml", "jsonld": "json-ld"}
FORMATS = BINDINGS_FORMATS + GRAPH_FORMATS + tuple(_FORMAT_ALIASES)
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


# --------------------------------------------------------------------------- tokens

_ESC = r"\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_LOCAL_CHAR = rf"(?:[\w:\-\u00B7]|%[0-9A-Fa-f]{{2}}|{_ESC})"
_TOKEN = re.compile(
    rf"""
     (?P<ws>\s+)
    |(?P<comment>\#[^\n\r]*)
    |(?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{{4}}|\\U[0-9A-Fa-f]{{8}})*>)
    |(?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    |(?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
    |(?P<bnode>_:\w(?:[\w.\-\u00B7]*[\w\-\u00B7])?)
    |(?P<pname>(?:[^\W\d_](?:[\w.\-\u00B7]*[\w\-\u00B7])?)?:
               (?:(?:[\w:]|%[0-9A-Fa-f]{{2}}|{_ESC})(?:(?:{_PN_LOCAL_CHAR}|\.)*{_PN_LOCAL_CHAR})?)?)
    |(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    |(?P<word>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
    |(?P<punct>\^\^|\|\||&&|!=|<=|>=|.)
    """,
    re.VERBOSE | re.DOTALL,
)
_RDFLIB_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-f]{4}(?:[0-9a-f]{4})?)", re.IGNORECASE)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


def tokenize(text: str) -> Iterator[Token]:
    """SPARQL tokens (whitespace and comments dropped), enough to find keywords, groups and prefixes."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            yield Token(kind, match.group(), match.start())


def _expand_escapes(text: str) -> tuple[str, list[int]]:
    """``text`` with ``\\uXXXX`` escapes expanded as rdflib's parser does, and each character's origin."""
    out: list[str] = []
    origin: list[int] = []
    last = 0
    for match in _RDFLIB_UNICODE_ESCAPE.finditer(text):
        try:
            char = chr(int(match.group(1), 16))
        except (ValueError, OverflowError):
            continue
        out.append(text[last : match.start()])
        origin.extend(range(last, match.start()))
        out.append(char)
        origin.append(match.start())
        last = match.end()
    out.append(text[last:])
    origin.extend(range(last, len(text)))
    return "".join(out), origin


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in code points) of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


# --------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class Param:
    """A declared parameter: bound as ``?name`` to a term of ``type``."""

    name: str
    type: str
    default: Identifier | None
    default_text: str
    description: str


@dataclass(frozen=True)
class Query:
    """A query as read from its file (or the command line) with its header."""

    name: str
    text: str
    path: Path | None = None
    title: str = ""
    questions: Mapping[str, str] = field(default_factory=dict)
    params: tuple[Param, ...] = ()
    meta: Mapping[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        """How errors name this query: its file (relative to the project when shipped) or its name."""
        if self.path is None:
            return self.name
        for base in (Path.cwd(), resources.root()):
            with contextlib.suppress(ValueError, OSError, LoadError):
                return str(self.path.resolve().relative_to(base.resolve()))
        return str(self.path)

    @property
    def form(self) -> str:
        return _analyse(self.text).form

    @property
    def ordered(self) -> bool:
        """True when the query has a top-level ORDER BY, so its rows are compared in order."""
        return _analyse(self.text).ordered

    def question(self, lang: str = "en") -> str:
        return self.questions.get(lang, "") or self.questions.get("en", "")

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def expected_path(self) -> Path | None:
        """``NAME.srj`` beside the query file, if there is one."""
        if self.path is None:
            return None
        path = self.path.with_suffix(".srj")
        return path if path.is_file() else None


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
    declared = _analyse(text).declared
    for key, value, number, column in fields:
        if key == "title":
            title = value
        elif key.startswith("question"):
            questions[key.partition("@")[2] or "en"] = value
        elif key == "param":
            param = _read_param(value, declared, where, number, column)
            if any(p.name == param.name for p in params):
                raise QueryError(f"parameter {param.name!r} is declared twice", path=where, line=number, column=column)
            params.append(param)
        else:
            meta[key] = value
    return Query(name, text, path, title, questions, tuple(params), meta)


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
    if kind not in PARAM_TYPES:
        raise QueryError(
            f"parameter {name!r} has unknown type {kind!r}; types: {', '.join(PARAM_TYPES)}",
            path=where,
            line=line,
            column=kind_at,
        )
    default = None
    if default_text not in ("", "-"):
        try:
            default = parse_value(kind, _unquote_default(kind, default_text), declared)
        except QueryError as exc:
            message = f"default of {name!r}: {exc.message}"
            raise QueryError(message, path=where, line=line, column=default_at) from None
    return Param(name, kind, default, default_text, description)


_FIELD = re.compile(r"[^|]+|(?<=\|)(?=\||$)|^(?=\|)")


def _unquote_default(kind: str, text: str) -> str:
    """Header defaults may be written as SPARQL literals: ``"en"``, ``"Tehran"@en``, ``"5"``."""
    match = re.fullmatch(r'"((?:[^"\\]|\\.)*)"(@[A-Za-z0-9-]+)?', text)
    if not match:
        return text
    body = re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)), match.group(1))
    return body + (match.group(2) or "") if kind == "langstring" else body


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
    close = (starting or containing)[:5] or difflib.get_close_matches(stem, names, n=3, cutoff=0.7)
    hint = f"; did you mean {_either(close)}?" if close else ""
    raise QueryError(f"unknown query {name!r}{hint} (`kg queries` lists them)")


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
        if not path.is_file():
            raise QueryError("no such query file", path=path)
        return read_query(path)
    return find_query(str(source), library)


# --------------------------------------------------------------------------- values


_IRI_CHARS = re.compile(r'^[^<>"{}|^`\\\x00-\x20]*$')
_LANG_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
_PREFIXED = re.compile(r"^([^\W\d_][\w.-]*)?:([\w\-.:%/~]*)$")


def expand_iri(text: str, prefixes: Mapping[str, str] | None = None) -> URIRef:
    """``kgi:kazakhstan`` or ``<https://...>`` as an IRI; anything else is a QueryError."""
    prefixes = {**PREFIXES, **(prefixes or {})}
    if text.startswith("<") and text.endswith(">"):
        iri = text[1:-1]
    else:
        match = _PREFIXED.match(text)
        if not match:
            raise QueryError(f"{text!r} is not a prefixed name or <IRI>")
        prefix = match.group(1) or ""
        if prefix not in prefixes:
            raise QueryError(f"{text!r}: unknown prefix {prefix + ':'!r}")
        iri = prefixes[prefix] + match.group(2)
    if not _IRI_CHARS.match(iri) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri):
        raise QueryError(f"{text!r} is not an absolute IRI")
    return URIRef(iri)


def parse_value(kind: str, text: str, prefixes: Mapping[str, str] | None = None) -> Identifier:
    """A parameter value, as written on the command line, as an RDF term of type ``kind``.

    >>> parse_value("integer", "12")
    rdflib.term.Literal('12', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    >>> parse_value("langstring", "قزاقستان@fa")
    rdflib.term.Literal('قزاقستان', lang='fa')
    """
    if kind == "iri":
        return expand_iri(text, prefixes)
    if kind == "string":
        return Literal(text)
    if kind == "langstring":
        body, at, tag = text.rpartition("@")
        if not at or not _LANG_TAG.match(tag):
            raise QueryError(f"{text!r} is not TEXT@LANG (e.g. Tehran@en)")
        return Literal(body, lang=tag)
    if kind == "integer":
        if not _INTEGER.match(text):
            raise QueryError(f"{text!r} is not an integer")
        return Literal(text, datatype=XSD.integer)
    if kind == "decimal":
        if not _DECIMAL.match(text):
            raise QueryError(f"{text!r} is not a decimal number")
        return Literal(text, datatype=XSD.decimal, normalize=False)
    if kind == "boolean":
        if text not in ("true", "false"):
            raise QueryError(f"{text!r} is not a boolean (true or false)")
        return Literal(text, datatype=XSD.boolean)
    if kind == "date":
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError
            date.fromisoformat(text)
        except ValueError:
            raise QueryError(f"{text!r} is not a date (YYYY-MM-DD)") from None
        return Literal(text, datatype=XSD.date)
    raise QueryError(f"unknown parameter type {kind!r}")


def parse_term(text: str, prefixes: Mapping[str, str] | None = None) -> Identifier:
    """A value for an undeclared parameter, written as a SPARQL term: ``<iri>``, ``kgi:x``, ``"text"@fa``, ``5``."""
    literal = re.fullmatch(r'"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^(\S+))?', text, re.DOTALL)
    if literal:
        body = _unquote_default("string", f'"{literal.group(1)}"')
        if literal.group(2):
            return parse_value("langstring", f"{body}@{literal.group(2)}")
        if literal.group(3):
            return Literal(body, datatype=expand_iri(literal.group(3), prefixes), normalize=False)
        return Literal(body)
    for kind in ("integer", "decimal", "boolean"):
        try:
            return parse_value(kind, text)
        except QueryError:
            pass
    try:
        return expand_iri(text, prefixes)
    except QueryError:
        raise QueryError(f'{text!r} is not a SPARQL term (<iri>, prefix:name, "text", "text"@lang, number)') from None


def bind_params(
    query: Query, given: Mapping[str, Any] | None = None, *, lang: str | None = None
) -> dict[str, Identifier]:
    """The terms each parameter is bound to: given values (parsed by declared type) over defaults.

    ``lang`` fills a declared ``lang`` parameter that was not given.
    """
    given = dict(given or {})
    if lang and query.param("lang") is not None and "lang" not in given:
        given["lang"] = lang
    declared = _analyse(query.text).declared
    bound: dict[str, Identifier] = {}
    for name, value in given.items():
        param = query.param(name)
        if param is None and query.params:
            names = [p.name for p in query.params]
            close = difflib.get_close_matches(name, names, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise QueryError(f"{query.where}: unknown parameter {name!r}{hint} (parameters: {', '.join(names)})")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"{query.where}: parameter name {name!r} is not a SPARQL variable name")
        try:
            if isinstance(value, Identifier):
                bound[name] = _check_term(param.type, value) if param else value
            elif param is None:
                bound[name] = parse_term(str(value), declared)
            else:
                bound[name] = parse_value(param.type, str(value), declared)
        except QueryError as exc:
            kind = f" ({param.type})" if param else ""
            raise QueryError(f"{query.where}: parameter {name!r}{kind}: {exc.message}") from None
    for param in query.params:
        if param.name not in bound and param.default is not None:
            bound[param.name] = param.default
    return bound


def _check_term(kind: str, term: Identifier) -> Identifier:
    """A term given from Python must already be of the declared type."""
    if kind == "iri" and isinstance(term, URIRef):
        return expand_iri(f"<{term}>")
    if isinstance(term, Literal):
        if kind == "langstring" and term.language:
            return parse_value(kind, f"{term}@{term.language}")
        if kind == "string" and not term.language and term.datatype in (None, XSD.string):
            return Literal(str(term))
        datatypes = {"integer": XSD.integer, "decimal": XSD.decimal, "boolean": XSD.boolean, "date": XSD.date}
        if datatypes.get(kind) == term.datatype:
            return parse_value(kind, str(term))
    raise QueryError(f"{term!r} is not a {kind}")


def n3(term: Identifier) -> str:
    """A term in N-Triples syntax, safe to put into a query: IRIs are checked, strings escaped.

    >>> print(n3(Literal('a "b"\\n}', lang="en")))
    "a \\"b\\"\\n}"@en
    """
    if isinstance(term, URIRef):
        if not _IRI_CHARS.match(str(term)):
            raise QueryError(f"not a valid IRI: {str(term)!r}")
        return f"<{term}>"
    if isinstance(term, BNode):
        raise QueryError("a blank node cannot be a parameter value")
    if isinstance(term, Literal):
        escaped = (
            str(term)
            .replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
            .replace("\b", "\\b")
            .replace("\f", "\\f")
        )
        if term.language:
            if not _LANG_TAG.match(term.language):
                raise QueryError(f"not a language tag: {term.language!r}")
            return f'"{escaped}"@{term.language}'
        if term.datatype and term.datatype != XSD.string:
            return f'"{escaped}"^^{n3(URIRef(term.datatype))}'
        return f'"{escaped}"'
    raise QueryError(f"cannot bind {term!r}")


# --------------------------------------------------------------------------- preparing


@dataclass(frozen=True)
class _Shape:
    """What the tokens say about a query text (offsets into it)."""

    form: str  # SELECT, ASK, CONSTRUCT, DESCRIBE, an update word, or ""
    form_at: int
    declared: Mapping[str, str]
    group_at: int | None  # just after the '{' of the outermost group pattern (the WHERE clause)
    template: tuple[int, str] | None  # CONSTRUCT WHERE: where WHERE starts, and the triples of its group
    modifiers_at: int | None  # the first top-level ORDER, LIMIT, OFFSET, VALUES ... (for DESCRIBE without WHERE)
    ordered: bool
    tokens: tuple[Token, ...]


_MODIFIERS = {"GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"}


@functools.lru_cache(maxsize=256)
def _analyse(text: str) -> _Shape:
    tokens = tuple(tokenize(text))
    declared: dict[str, str] = {}
    i = 0
    while i < len(tokens) and tokens[i].kind == "word" and tokens[i].text.upper() in ("PREFIX", "BASE"):
        if tokens[i].text.upper() == "PREFIX" and i + 2 < len(tokens) and tokens[i + 1].kind == "pname":
            declared[tokens[i + 1].text[:-1]] = tokens[i + 2].text[1:-1]
            i += 3
        else:
            i += 2
    first = tokens[i] if i < len(tokens) else None
    form = first.text.upper() if first is not None and first.kind == "word" else ""
    short_construct = form == "CONSTRUCT" and i + 1 < len(tokens) and tokens[i + 1].text.upper() == "WHERE"
    braces = parens = 0
    group_at = modifiers_at = None
    template = None
    ordered = False
    previous = ""
    for index in range(i, len(tokens)):
        token = tokens[index]
        word = token.text.upper() if token.kind == "word" else ""
        if token.kind == "punct" and token.text == "(":
            parens += 1
        elif token.kind == "punct" and token.text == ")":
            parens -= 1
        elif token.kind == "punct" and token.text == "{":
            if braces == 0 and parens == 0 and group_at is None and (form != "CONSTRUCT" or previous == "WHERE"):
                group_at = token.start + 1
                if short_construct:
                    template = (tokens[i + 1].start, " ".join(t.text for t in _group(tokens, index)))
            braces += 1
        elif token.kind == "punct" and token.text == "}":
            braces -= 1
        elif braces == 0 and parens == 0 and word in _MODIFIERS and modifiers_at is None:
            modifiers_at = token.start
        if braces == 0 and parens == 0 and word == "BY" and previous == "ORDER":
            ordered = True
        previous = word
    return _Shape(form, first.start if first else 0, declared, group_at, template, modifiers_at, ordered, tokens)


def _group(tokens: Sequence[Token], opening: int) -> list[Token]:
    """The tokens strictly inside the group that opens at ``tokens[opening]``."""
    depth = 0
    for index in range(opening, len(tokens)):
        if tokens[index].kind == "punct" and tokens[index].text == "{":
            depth += 1
        elif tokens[index].kind == "punct" and tokens[index].text == "}":
            depth -= 1
            if depth == 0:
                return list(tokens[opening + 1 : index])
    return list(tokens[opening + 1 :])


def _refuse(query: Query, text: str, offset: int, message: str) -> QueryError:
    line, column = position(text, offset)
    return QueryError(message, path=query.where, line=line, column=column)


def check_policy(query: Query, *, allow_external: bool = False) -> None:
    """Refuse SPARQL Update always, and SERVICE and FROM unless ``allow_external``."""
    shape = _analyse(query.text)
    if shape.form in _UPDATE_WORDS:
        raise _refuse(
            query, query.text, shape.form_at,
            f"SPARQL Update ({shape.form}) is refused: kg query only reads (kg push uploads data to a server)",
        )  # fmt: skip
    if allow_external:
        return
    expanded, origin = _expand_escapes(query.text)
    for text, mapping in ((query.text, None), (expanded, origin)):
        for token in tokenize(text):
            word = token.text.upper() if token.kind == "word" else ""
            at = mapping[token.start] if mapping is not None else token.start
            if word in _UPDATE_WORDS and word not in ("WITH", "ADD", "COPY", "MOVE", "CREATE"):
                raise _refuse(query, query.text, at, f"SPARQL Update ({word}) is refused: kg query only reads")
            if word == "SERVICE":
                raise _refuse(
                    query, query.text, at,
                    "SERVICE is refused: queries do not reach the network (--allow-external permits it)",
                )  # fmt: skip
            if word == "FROM":
                raise _refuse(
                    query, query.text, at,
                    "FROM and FROM NAMED are refused: queries do not load remote or file: graphs "
                    "(--allow-external permits it)",
                )  # fmt: skip


def _check_prefixes(query: Query) -> None:
    shape = _analyse(query.text)
    known = set(PREFIXES) | set(shape.declared)
    for token in shape.tokens:
        if token.kind == "pname":
            prefix = token.text.split(":", 1)[0]
            if prefix not in known:
                raise _refuse(query, query.text, token.start, f"unknown prefix {prefix + ':'!r} in {token.text!r}")


@dataclass(frozen=True)
class Prepared:
    """The text an engine runs, and how to map its positions back to the query file."""

    query: Query
    text: str
    #: What was inserted into the file's text: (line, column, length), each within one line.
    insertions: tuple[tuple[int, int, int], ...] = ()

    def locate(self, error: QueryError) -> QueryError:
        """An engine's error with its position moved from the run text to the query file."""
        if error.line is None or error.line < 2:  # the prologue is the first line
            return QueryError(error.message, path=self.query.where)
        line, column = error.line - 1, error.column
        if column is not None:
            shift = 0
            for _, at, length in sorted(i for i in self.insertions if i[0] == line):
                if column <= at + shift:
                    break
                if column < at + shift + length:  # inside what was inserted: point at where it went
                    return QueryError(error.message, path=self.query.where, line=line, column=at)
                shift += length
            column -= shift
        return QueryError(error.message, path=self.query.where, line=line, column=column)


def prepare(query: Query, bindings: Mapping[str, Identifier] | None = None) -> Prepared:
    """The query text to run: missing project prefixes on one line in front, parameter values as VALUES.

    The VALUES block goes at the start of the outermost group pattern. A
    ``CONSTRUCT WHERE { T }`` becomes ``CONSTRUCT { T } WHERE { VALUES ... T }``
    and a DESCRIBE without WHERE gets ``WHERE { VALUES ... }``, because
    rdflib ignores a trailing VALUES clause there.
    """
    shape = _analyse(query.text)
    used = {t.text.split(":", 1)[0] for t in shape.tokens if t.kind == "pname"}
    prologue = " ".join(f"PREFIX {p}: <{u}>" for p, u in PREFIXES.items() if p in used and p not in shape.declared)
    inserts: list[tuple[int, str]] = []
    if bindings:
        names = list(bindings)
        block = f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(n3(bindings[n]) for n in names)}) }}"
        if shape.group_at is not None:
            inserts.append((shape.group_at, f" {block} "))
            if shape.template is not None:
                inserts.append((shape.template[0], f"{{ {shape.template[1]} }} "))
        elif shape.modifiers_at is not None:
            inserts.append((shape.modifiers_at, f"WHERE {{ {block} }} "))
        else:
            inserts.append((len(query.text), f"\nWHERE {{ {block} }}\n"))
    body = query.text
    for offset, text in sorted(inserts, reverse=True):
        body = body[:offset] + text + body[offset:]
    insertions = tuple((*position(query.text, offset), len(text)) for offset, text in inserts if "\n" not in text)
    return Prepared(query, f"{prologue}\n{body}", insertions)


def _rdflib_position(prepared: Prepared) -> QueryError | None:
    """rdflib's parser points at the token where a syntax error starts; Oxigraph's at where it gave up."""
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(prepared.text)
    except Exception as exc:  # noqa: BLE001 - pyparsing's exceptions, or rdflib's bare ones
        line, column, offset = getattr(exc, "lineno", None), getattr(exc, "col", None), getattr(exc, "loc", None)
        if line is None or not isinstance(offset, int):
            return None
        token = _TOKEN.match(prepared.text, offset) if offset < len(prepared.text) else None
        while token is not None and token.lastgroup in ("ws", "comment"):
            token = _TOKEN.match(prepared.text, token.end())
        what = f"unexpected {token.group()[:40]!r}" if token is not None else "unexpected end of query"
        return QueryError(f"SPARQL syntax error: {what}", line=line, column=column)
    return None


# --------------------------------------------------------------------------- results


@dataclass
class Result:
    """The answer to a query: SELECT rows, an ASK boolean, or a CONSTRUCT/DESCRIBE graph.

    ``rows`` are dicts from variable name to rdflib term (unbound variables
    are absent); :meth:`values` gives Python values instead.
    """

    query: Query
    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Identifier]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    truncated: bool = False
    max_rows: int | None = None
    engine: str = ""
    labels: dict[URIRef, str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[dict[str, Identifier]]:
        return iter(self.rows)

    def __len__(self) -> int:
        if self.kind == "graph":
            return len(self.graph or ())
        return len(self.rows) if self.kind == "bindings" else int(bool(self.boolean))

    @property
    def empty(self) -> bool:
        """No rows, a false ASK, or no triples: ``kg query`` exits 1, like grep."""
        return len(self) == 0

    def values(self) -> list[dict[str, Any]]:
        """The rows with literals as Python values (int, Decimal, date, str ...) and IRIs as URIRef."""
        return [{k: v.toPython() if isinstance(v, Literal) else v for k, v in row.items()} for row in self.rows]

    @property
    def notice(self) -> str:
        """What the reader must know besides the rows: that they were cut."""
        if not self.truncated:
            return ""
        what = "triples" if self.kind == "graph" else "rows"
        return f"the result was cut at {self.max_rows} {what} (--max-rows)"

    def format(self, fmt: str = "table", *, labels: bool = True) -> str:
        """The result as text: table, csv, tsv, json, md for rows; any RDF format for graphs."""
        fmt = check_format(self.kind, fmt)
        if self.kind == "graph":
            return _format_graph(self.graph or Graph(), fmt)
        if self.kind == "boolean":
            if fmt == "json":
                return json.dumps({"head": {}, "boolean": bool(self.boolean)}) + "\n"
            return ("true" if self.boolean else "false") + "\n"
        shown = self.labels if labels else {}
        if fmt == "csv":
            return _format_csv(self)
        if fmt == "tsv":
            return _format_tsv(self)
        if fmt == "json":
            return _format_json(self)
        if fmt == "md":
            return _format_md(self, shown)
        return _format_table(self, shown)


def check_format(kind: str, fmt: str) -> str:
    """The canonical output format for a result kind, or a UsageError."""
    fmt = _FORMAT_ALIASES.get(fmt, fmt)
    if kind == "graph":
        fmt = {"table": "turtle", "md": "turtle", "json": "json-ld"}.get(fmt, fmt)
        if fmt not in GRAPH_FORMATS:
            raise UsageError(f"--format {fmt} is for SELECT results; a graph can be {', '.join(GRAPH_FORMATS)}")
    elif fmt not in BINDINGS_FORMATS:
        raise UsageError(f"--format {fmt} is for graphs; SELECT and ASK results can be {', '.join(BINDINGS_FORMATS)}")
    return fmt


def compact(iri: str) -> str:
    """``https://w3id.org/iran-kazakhstan-kg/id/kazakhstan`` -> ``kgi:kazakhstan`` (else ``<iri>``)."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            local = iri[len(namespace) :]
            if re.fullmatch(r"(?:[\w-](?:[\w.-]*[\w-])?)?", local):
                best = prefix
    return f"{best}:{iri[len(PREFIXES[best]) :]}" if best else f"<{iri}>"


def _plain(term: Identifier | None) -> str:
    """SPARQL CSV: IRIs and literals as their bare text, blank nodes as _:label."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _format_csv(result: Result) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_plain(row.get(v)) for v in result.variables])
    return out.getvalue()


_TURTLE_NUMBER = {
    str(XSD.integer): re.compile(r"^[+-]?[0-9]+$"),
    str(XSD.decimal): re.compile(r"^[+-]?[0-9]*\.[0-9]+$"),
    str(XSD.boolean): re.compile(r"^(true|false)$"),
}


def _tsv_term(term: Identifier | None) -> str:
    """SPARQL TSV: terms in Turtle syntax, numbers and booleans abbreviated."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal) and term.datatype is not None:
        pattern = _TURTLE_NUMBER.get(str(term.datatype))
        if pattern is not None and pattern.match(str(term)):
            return str(term)
    if isinstance(term, URIRef) and not _IRI_CHARS.match(str(term)):
        return f"<{term}>"
    return n3(term)


def _format_tsv(result: Result) -> str:
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(_tsv_term(row.get(v)) for v in result.variables) for row in result.rows]
    return "\n".join(lines) + "\n"


def term_to_json(term: Identifier) -> dict[str, str]:
    """One term in the SPARQL 1.1 Query Results JSON Format."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    value = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype is not None and term.datatype != XSD.string:
        value["datatype"] = str(term.datatype)
    return value


def _format_json(result: Result) -> str:
    """SPARQL 1.1 JSON results, one binding per line, Persian as itself (not \\u escapes)."""
    head = json.dumps({"vars": result.variables}, ensure_ascii=False)
    rows = [json.dumps({k: term_to_json(v) for k, v in row.items()}, ensure_ascii=False) for row in result.rows]
    bindings = "[\n  " + ",\n  ".join(rows) + "\n]" if rows else "[]"
    return f'{{"head": {head},\n"results": {{"bindings": {bindings}}}}}\n'


def _display(term: Identifier | None, labels: Mapping[URIRef, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return labels.get(term) or compact(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _width(text: str) -> int:
    """Terminal columns: combining marks and format characters (ZWNJ, isolates) take none."""
    width = 0
    for char in text:
        if unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _rtl(text: str) -> bool:
    """True when the first strong character is right-to-left (Persian, Arabic, Hebrew)."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def _cell(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    if _width(text) <= limit:
        return text
    out = ""
    for char in text:
        if _width(out + char) > limit - 1:
            break
        out += char
    return out + "…"


def _format_table(result: Result, labels: Mapping[URIRef, str]) -> str:
    """Aligned columns. Right-to-left cells are wrapped in Unicode isolates (RLI ... PDI) so that
    a bidi-aware terminal keeps them in their column, and mostly-RTL columns are right-aligned."""
    header = [f"?{v}" for v in result.variables]
    cells = [[_cell(_display(row.get(v), labels)) for v in result.variables] for row in result.rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(header)]
    right = []
    for i in range(len(header)):
        column = [r[i] for r in cells if r[i]]
        right.append(bool(column) and sum(_rtl(c) for c in column) * 2 > len(column))

    def line(values: list[str]) -> str:
        parts = []
        for i, value in enumerate(values):
            pad = " " * (widths[i] - _width(value))
            shown = f"\u2067{value}\u2069" if _rtl(value) else value
            parts.append(pad + shown if right[i] else shown + pad)
        return "  ".join(parts).rstrip()

    lines = [line(header), "  ".join("-" * w for w in widths)]
    lines += [line(r) for r in cells]
    count = len(result.rows)
    footer = f"({count} row{'' if count == 1 else 's'}"
    footer += f"; cut at --max-rows {result.max_rows})" if result.truncated else ")"
    return "\n".join([*lines, footer]) + "\n"


def _format_md(result: Result, labels: Mapping[URIRef, str]) -> str:
    def cell(term: Identifier | None) -> str:
        text = _display(term, labels).replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")
        if isinstance(term, URIRef):
            return f"[{text}](<{term}>)"
        return text

    lines = ["| " + " | ".join(result.variables) + " |", "|" + "---|" * len(result.variables)]
    lines += ["| " + " | ".join(cell(row.get(v)) for v in result.variables) + " |" for row in result.rows]
    return "\n".join(lines) + "\n"


def _format_graph(graph: Graph, fmt: str) -> str:
    text = graph.serialize(format=fmt)
    if fmt in ("nt", "nquads"):
        text = "".join(sorted(text.splitlines(keepends=True)))
    return text


# --------------------------------------------------------------------------- running


def run_query(
    query: Query,
    params: Mapping[str, Any] | None = None,
    *,
    engine: Engine,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    lang: str | None = None,
    labels: bool = False,
    allow_external: bool = False,
    fmt: str | None = None,
) -> Result:
    """Run ``query`` on ``engine`` with ``params`` bound; see :func:`query` for the options."""
    if fmt is not None:
        check_format("graph" if query.form in ("CONSTRUCT", "DESCRIBE") else "bindings", fmt)
    if engine.local:
        check_policy(query, allow_external=allow_external)
        _check_prefixes(query)
    elif query.form in _UPDATE_WORDS:
        check_policy(query, allow_external=True)
    bindings = bind_params(query, params, lang=lang)
    prepared = prepare(query, bindings)
    cap = max_rows if max_rows and max_rows > 0 else None

    def execute() -> Outcome:
        return engine.run(prepared.text, max_rows=cap, allow_external=allow_external)

    try:
        outcome = run_isolated(execute, timeout, allow_external=allow_external) if engine.local else execute()
    except QueryError as exc:
        if exc.message.startswith("SPARQL syntax error"):
            plain = prepare(query)
            better = _rdflib_position(plain)
            raise plain.locate(better) if better is not None else prepared.locate(exc) from None
        raise prepared.locate(exc) from None
    except QueryTimeout as exc:
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
    timeout: float | None = DEFAULT_TIMEOUT,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    lang: str | None = None,
    labels: bool = False,
    allow_external: bool = False,
    library: str | Path | None = None,
    fmt: str | None = None,
) -> Result:
    """Run a library query by name, a ``.rq`` file, or SPARQL ``text``, and return its :class:`Result`.

    ``params`` maps parameter names to values (strings as on the command
    line, or rdflib terms). The query runs on ``engine`` (``"oxigraph"``,
    the default, or ``"rdflib"``, or an :class:`kg.engines.Engine`) loaded
    with the ontology, vocabularies and ``data`` (default
    ``data/article.ttl``), or on an rdflib ``graph`` you loaded, or on a
    remote ``endpoint`` (``endpoint_graph``: its graph to query, ``user``
    and ``password``: basic auth). ``timeout`` seconds and ``max_rows`` cap
    the work (None: no limit); ``lang`` fills a ``lang`` parameter and picks
    the language of display ``labels``.
    """
    q = load_query(source, text=text, library=library)
    if endpoint:
        runner: Engine = EndpointEngine(endpoint, timeout=timeout, user=user, password=password, graph=endpoint_graph)
    else:
        runner = open_engine(engine, data=data, graph=graph)
    return run_query(
        q, params, engine=runner, timeout=timeout, max_rows=max_rows, lang=lang, labels=labels,
        allow_external=allow_external, fmt=fmt,
    )  # fmt: skip


# --------------------------------------------------------------------------- expected results

_NUMERIC = {
    str(XSD[name])
    for name in (
        "integer", "decimal", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
    )
}  # fmt: skip
_FLOATING = {str(XSD.double), str(XSD.float)}


def canonical(term: Identifier | None) -> tuple[Any, ...]:
    """A comparison key for a term (see "Comparing with expected results" above).

    >>> canonical(Literal("265200000.0", datatype=XSD.decimal)) == canonical(Literal("265200000", datatype=XSD.decimal))
    True
    """
    if term is None:
        return ("unbound",)
    if isinstance(term, URIRef):
        return ("iri", str(term))
    if isinstance(term, BNode):
        return ("bnode",)
    assert isinstance(term, Literal)
    if term.language:
        return ("literal", str(term), "@" + term.language.lower())
    datatype = str(term.datatype or XSD.string)
    lexical = str(term)
    try:
        if datatype in _NUMERIC:
            value = Decimal(lexical.strip())
            return ("number", datatype, format(value.normalize(), "f") if value else "0")
        if datatype in _FLOATING:
            return ("number", datatype, repr(float(lexical.strip())))
    except (InvalidOperation, ValueError):
        pass
    if datatype == str(XSD.boolean) and lexical.strip() in ("true", "false", "1", "0"):
        return ("boolean", lexical.strip() in ("true", "1"))
    return ("literal", lexical, datatype)


def _row_key(row: Mapping[str, Identifier]) -> tuple[Any, ...]:
    return tuple(sorted((name, canonical(term)) for name, term in row.items()))


def _show_row(row: Mapping[str, Identifier]) -> str:
    return "{" + ", ".join(f"{k}: {_tsv_term(v)}" for k, v in sorted(row.items())) + "}"


def read_expected(path: str | Path) -> Outcome:
    """An expected result: SPARQL 1.1 JSON (``.srj``)."""
    path = Path(path)
    try:
        return parse_results_json(read_text(path))
    except (ValueError, KeyError, TypeError) as exc:
        raise LoadError(f"not SPARQL 1.1 JSON results: {exc}", path=path) from None


def compare(result: Result, expected: Outcome, *, ordered: bool | None = None) -> list[str]:
    """Differences between a result and the expected one, in words (empty when they agree)."""
    if expected.kind == "boolean" or result.kind == "boolean":
        if expected.kind != result.kind or expected.boolean != result.boolean:
            return [f"expected {expected.boolean if expected.kind == 'boolean' else 'rows'}, got {result.boolean}"]
        return []
    if result.kind != "bindings":
        return [f"expected rows, got a {result.kind}"]
    problems = []
    if set(expected.variables) != set(result.variables):
        problems.append(f"variables: expected {sorted(expected.variables)}, got {sorted(result.variables)}")
    ordered = result.query.ordered if ordered is None else ordered
    want = [_row_key(r) for r in expected.rows]
    got = [_row_key(r) for r in result.rows]
    if Counter(want) != Counter(got):
        shown = {k: r for k, r in zip(want, expected.rows, strict=True)} | dict(zip(got, result.rows, strict=True))
        missing = Counter(want) - Counter(got)
        extra = Counter(got) - Counter(want)
        if len(want) != len(got):
            problems.append(f"expected {len(want)} rows, got {len(got)}")
        problems += [f"missing: {_show_row(shown[k])}" for k in missing.elements()][:20]
        problems += [f"unexpected: {_show_row(shown[k])}" for k in extra.elements()][:20]
    elif ordered and want != got:
        first = next(i for i, (a, b) in enumerate(zip(want, got, strict=True)) if a != b)
        problems.append(f"same rows in another order (ORDER BY): first difference at row {first + 1}")
    return problems


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
    timeout: float | None = DEFAULT_TIMEOUT,
) -> CheckReport:
    """Run every library query that has a ``.srj`` with its defaults and compare (``kg queries --check``)."""
    if endpoint:
        runner: Engine = EndpointEngine(endpoint, timeout=timeout, graph=endpoint_graph)
    else:
        runner = open_engine(engine, data=data)
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
