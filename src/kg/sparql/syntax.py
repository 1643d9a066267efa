"""SPARQL text: tokens, typed parameter values, the policy, and the text an engine runs.

This module turns a :class:`Query` and the values of its parameters into
the standard SPARQL that every engine (:mod:`kg.sparql.engines`) receives,
and maps an engine's error positions back to the query file. The query
library, its file header and the parameter convention are
:mod:`kg.sparql.library`.

Binding
-------
Values are never pasted into the query text. Each one is parsed into an RDF
term of its declared type (a value that is not a valid term of that type is
an error) and written, in N-Triples syntax, over the default of the
parameter's ``VALUES ?name { default }`` line (every such line, subqueries
included). A value for a variable without such a line (an ad-hoc ``-e``
query) goes into a ``VALUES`` block at the start of the outermost group.
Every engine, local or remote, sees the same standard SPARQL, so they
return the same rows.

Safety
------
Before any engine sees a query, :func:`check_policy` refuses a SPARQL
Update (``kg query`` only reads), and, unless ``allow_external`` is set,
``SERVICE`` and ``FROM``/``FROM NAMED``, decided on rdflib's parse and on
Oxigraph's way of reading keywords (see there). Local queries also run in
a child process without network, with a time limit, a memory ceiling and a
row cap (see :func:`kg.sparql.engines.run_isolated`). Syntax errors are a
:class:`~kg.errors.QuerySyntaxError` at the token where the engine's parser
stopped (:func:`syntax_error`).

>>> print(prepare(Query("<-e>", "ASK { kgi:iran ?p ?o }")).text)
PREFIX kgi: <https://w3id.org/iran-kazakhstan-kg/id/>
ASK { kgi:iran ?p ?o }
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from kg import resources
from kg.errors import LoadError, QueryError, QuerySyntaxError, UsageError
from kg.limits import MAX_QUERY_NESTING
from kg.namespaces import PREFIXES, XSD
from kg.terms import nt_term

PARAM_TYPES = ("iri", "string", "langstring", "integer", "decimal", "boolean", "date")
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
        return analyse(self.text).form

    @property
    def ordered(self) -> bool:
        """True when the query has a top-level ORDER BY, so its rows are compared in order."""
        return analyse(self.text).ordered

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


# --------------------------------------------------------------------------- values


IRI_CHARS = re.compile(r'^[^<>"{}|^`\\\x00-\x20]*$')
_LANG_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
_PREFIXED = re.compile(r"^([^\W\d_][\w.-]*)?:([\w\-.:%/~]*)$")


def unquote_default(kind: str, text: str) -> str:
    """Header defaults may be written as SPARQL literals: ``"en"``, ``"Tehran"@en``, ``"5"``."""
    match = re.fullmatch(r'"((?:[^"\\]|\\.)*)"(@[A-Za-z0-9-]+)?', text)
    if not match:
        return text
    body = re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)), match.group(1))
    return body + (match.group(2) or "") if kind == "langstring" else body


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
    if not IRI_CHARS.match(iri) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri):
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
        body = unquote_default("string", f'"{literal.group(1)}"')
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
    declared = analyse(query.text).declared
    bound: dict[str, Identifier] = {}
    for name, value in given.items():
        param = query.param(name)
        if param is None and query.params:
            names = [p.name for p in query.params]
            close = difflib.get_close_matches(name, names, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UsageError(f"{query.where}: unknown parameter {name!r}{hint} (parameters: {', '.join(names)})")
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
        if not IRI_CHARS.match(str(term)):
            raise QueryError(f"not a valid IRI: {str(term)!r}")
        return f"<{term}>"
    if isinstance(term, BNode):
        raise QueryError("a blank node cannot be a parameter value")
    if isinstance(term, Literal):
        if term.language and not _LANG_TAG.match(term.language):
            raise QueryError(f"not a language tag: {term.language!r}")
        if term.datatype and term.datatype != XSD.string:
            n3(URIRef(term.datatype))  # refuses a datatype that is not a valid IRI
        try:
            return nt_term(term)  # N-Triples escaping, written once in kg.terms
        except ValueError as exc:
            raise QueryError(f"not a valid RDF literal: {exc}") from None
    raise QueryError(f"cannot bind {term!r}")


# --------------------------------------------------------------------------- preparing


@dataclass(frozen=True)
class Slot:
    """A parameter's default in the text: the term of a one-variable, one-value ``VALUES ?name { term }``."""

    name: str
    start: int  # offset of the term's first character
    end: int  # offset just after it
    scope: int  # the (sub)query it is in: the offset of its SELECT, or -1 for the whole query
    top: bool  # directly in the WHERE group of that (sub)query, so it binds the whole group


@dataclass(frozen=True)
class Shape:
    """What the tokens say about a query text (offsets into it): the one reading of its tokens."""

    form: str  # SELECT, ASK, CONSTRUCT, DESCRIBE, an update word, or ""
    form_at: int
    declared: Mapping[str, str]
    group_at: int | None  # just after the '{' of the outermost group pattern (the WHERE clause)
    template: tuple[int, str] | None  # CONSTRUCT WHERE: where WHERE starts, and the triples of its group
    modifiers_at: int | None  # the first top-level ORDER, LIMIT, OFFSET, VALUES ... (for DESCRIBE without WHERE)
    ordered: bool
    tokens: tuple[Token, ...]
    slots: tuple[Slot, ...] = ()
    #: Each variable occurrence: (name, offset, scope) with scope as in :class:`Slot`.
    variables: tuple[tuple[str, int, int], ...] = ()
    #: Each subquery's enclosing scope, and the variables it projects (None for ``SELECT *``).
    parents: Mapping[int, int] = field(default_factory=dict)
    projections: Mapping[int, frozenset[str] | None] = field(default_factory=dict)

    def visible(self, name: str, scope: int) -> bool:
        """Whether variable ``name`` of ``scope`` is the same variable in the whole query (projected up)."""
        while scope != -1:
            projected = self.projections.get(scope)
            if projected is not None and name not in projected:
                return False
            scope = self.parents.get(scope, -1)
        return True


_MODIFIERS = {"GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"}


@functools.lru_cache(maxsize=256)
def analyse(text: str) -> Shape:
    """The one reading of a query text's tokens (cached): its form, prefixes, groups, VALUES lines, variables.

    Everything kg decides from the text itself (where values go, the form,
    whether rows are ordered, the policy's token check) reads this.
    """
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
    scopes: list[tuple[int, int]] = [(-1, 0)]  # (scope, brace depth of its SELECT; its WHERE group is one deeper)
    slots: list[Slot] = []
    variables: list[tuple[str, int, int]] = []
    parents: dict[int, int] = {}
    projections: dict[int, frozenset[str] | None] = {}
    projecting: int | None = None
    projecting_parens = 0
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
            while len(scopes) > 1 and braces < scopes[-1][1]:
                scopes.pop()
        elif braces == 0 and parens == 0 and word in _MODIFIERS and modifiers_at is None:
            modifiers_at = token.start
        elif word == "SELECT" and braces > 0:
            parents[token.start] = scopes[-1][0]
            scopes.append((token.start, braces))
            projections[token.start] = frozenset()
            projecting, projecting_parens = token.start, parens
        elif word == "VALUES":
            slot = _slot(tokens, index, scopes[-1][0], braces == scopes[-1][1] + 1)
            if slot is not None:
                slots.append(slot)
        if token.kind == "var":
            variables.append((token.text[1:], token.start, scopes[-1][0]))
        if projecting is not None:
            if word == "WHERE" or token.text == "{":
                projecting = None
            elif token.text == "*":
                projections[projecting] = None
            elif token.kind == "var" and (parens == projecting_parens or previous == "AS"):
                projected = projections[projecting]
                if projected is not None:
                    projections[projecting] = projected | {token.text[1:]}
        if braces == 0 and parens == 0 and word == "BY" and previous == "ORDER":
            ordered = True
        previous = word
    return Shape(
        form, first.start if first else 0, declared, group_at, template, modifiers_at, ordered, tokens,
        tuple(slots), tuple(variables), parents, projections,
    )  # fmt: skip


def _slot(tokens: Sequence[Token], at: int, scope: int, top: bool) -> Slot | None:
    """``VALUES ?name { term }`` starting at ``tokens[at]``, where the term is one RDF term or UNDEF."""
    if at + 3 >= len(tokens) or tokens[at + 1].kind != "var" or tokens[at + 2].text != "{":
        return None
    close = next((k for k in range(at + 3, min(at + 8, len(tokens))) if tokens[k].text == "}"), None)
    if close is None or close == at + 3:
        return None
    body = tokens[at + 3 : close]
    kinds = [t.kind for t in body]
    single = len(body) == 1 and kinds[0] in ("iri", "pname", "string", "number", "word")
    tagged = kinds == ["string", "lang"]
    typed = len(body) == 3 and kinds[0] == "string" and body[1].text == "^^" and kinds[2] in ("iri", "pname")
    signed = len(body) == 2 and body[0].text in ("+", "-") and kinds[1] == "number"
    if not (single or tagged or typed or signed):
        return None
    end = body[-1].start + len(body[-1].text)
    return Slot(tokens[at + 1].text[1:], body[0].start, end, scope, top)


def check_slots(query: Query, param: Param, line: int, column: int) -> None:
    """Refuse a parameter that is not bound wherever the text uses it (see :mod:`kg.sparql.library`).

    ``line`` and ``column`` are where its ``# param:`` line names it.
    """
    shape = analyse(query.text)
    name = param.name
    slots = [slot for slot in shape.slots if slot.name == name]
    if not slots:
        message = f"parameter {name!r} has no 'VALUES ?{name} {{ default }}' line at the start of the WHERE group"
        raise QueryError(message, path=query.where, line=line, column=column)
    for slot in slots:
        if not slot.top:
            message = f"the VALUES line of parameter {name!r} must be directly in the WHERE group of its (sub)query"
            raise _refuse(query, query.text, slot.start, message)
        written = query.text[slot.start : slot.end]
        try:
            default = None if written.upper() == "UNDEF" else parse_term(written, shape.declared)
        except QueryError as exc:
            raise _refuse(query, query.text, slot.start, f"default of {name!r}: {exc.message}") from None
        if default != param.default:
            header = param.default_text if param.default is not None else "-"
            message = f"the VALUES default {written} of parameter {name!r} differs from its header default {header}"
            raise _refuse(query, query.text, slot.start, message)
    scopes = {slot.scope for slot in slots}
    for variable, offset, scope in shape.variables:
        if variable == name and scope not in scopes:
            message = (
                f"parameter {name!r} is used in a (sub)query without its own 'VALUES ?{name} {{ ... }}' line, "
                "so kg could not bind it here"
            )
            raise _refuse(query, query.text, offset, message)


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


def check_policy(query: Query | Prepared, *, allow_external: bool = False, parser: str = "rdflib") -> None:
    """Refuse SPARQL Update always, and SERVICE and FROM unless ``allow_external``, with their position.

    Decided on the query as the engines read it, not on its look:

    * rdflib's parse (the parse rdflib executes): any ``ServiceGraphPattern``
      at any depth (OPTIONAL, UNION, subqueries, EXISTS), any dataset
      clause (FROM, FROM NAMED), or text that parses as an Update;
    * Oxigraph's reading, which pyoxigraph does not expose: Oxigraph matches
      keywords without a word boundary (``SERVICEab:x`` is ``SERVICE`` and
      ``ab:x`` to it), so any bare word or prefixed name that *starts* with
      SERVICE or FROM, in any case, as written or with ``\\u`` escapes
      expanded, is refused.

    Both checks read the one token list of the text (:func:`analyse`). The rdflib parse
    (about 20 ms a query) is made when rdflib is the ``parser`` that executes the query
    (the rdflib engine; ``"rdflib"`` too for an endpoint, whose parser is unknown); for
    ``parser="oxigraph"`` the decision is Oxigraph's own reading, the token rule, which
    the rdflib parse could only repeat (SERVICE or FROM in the parse means the token is
    there, as written or escaped).
    Local queries also run where no connection can be opened (see
    :func:`kg.sparql.engines.run_isolated`).
    """
    prepared = query if isinstance(query, Prepared) else prepare(query)
    text, where = prepared.text, prepared.query

    def refuse(offset: int | None, message: str) -> QueryError:
        if offset is None:
            return QueryError(message, path=where.where)
        line, column = position(text, offset)
        return prepared.locate(QueryError(message, line=line, column=column))

    shape = analyse(text)
    too_deep = _too_deep(shape.tokens)
    if too_deep is not None:
        raise refuse(too_deep, _TOO_DEEP)
    if shape.form in _UPDATE_WORDS:
        raise refuse(
            shape.form_at,
            f"SPARQL Update ({shape.form}) is refused: kg query only reads (kg push uploads data to a server)",
        )
    parsed = _rdflib_parse(text) if parser == "rdflib" else None
    if parsed == "update":
        raise refuse(shape.form_at, "SPARQL Update is refused: kg query only reads")
    expanded, origin = _expand_escapes(text)
    readings = [(shape.tokens, None)] + ([(tuple(tokenize(expanded)), origin)] if expanded != text else [])
    for tokens, mapping in readings:
        for index, token in enumerate(tokens):
            declaring = index > 0 and tokens[index - 1].text.upper() == "PREFIX"  # PREFIX SERVICE: <...> names
            word = token.text.upper() if token.kind in ("word", "pname") and not declaring else ""
            at = mapping[token.start] if mapping is not None else token.start
            if token.kind == "word" and word in _UPDATE_WORDS and word not in ("WITH", "ADD", "COPY", "MOVE", "CREATE"):
                raise refuse(at, f"SPARQL Update ({word}) is refused: kg query only reads")
            if allow_external:
                continue
            if word.startswith("SERVICE"):
                raise refuse(at, _SERVICE_REFUSED)
            if word.startswith("FROM"):
                raise refuse(at, _FROM_REFUSED)
    if allow_external or not isinstance(parsed, list):
        return
    if _finds(parsed, "ServiceGraphPattern"):
        raise refuse(None, _SERVICE_REFUSED)
    if _finds(parsed, "datasetClause"):
        raise refuse(None, _FROM_REFUSED)


_TOO_DEEP = (
    f"the query nests more than {MAX_QUERY_NESTING} levels deep ({{, ( and [ inside each other), "
    "more than the parsers can read"
)


def _too_deep(tokens: Sequence[Token]) -> int | None:
    """The offset of the bracket that nests one level too deep, or None.

    Brackets inside an IRI token count too: ``?a<((...))>?b`` is an IRI to the
    tokenizer but a comparison with nested brackets to Oxigraph.
    """
    depth = 0
    for token in tokens:
        text = token.text if token.kind in ("punct", "iri") else ""
        for index, char in enumerate(text):
            if char in "{([":
                depth += 1
                if depth > MAX_QUERY_NESTING:
                    return token.start + index
            elif char in "})]":
                depth = max(0, depth - 1)
    return None


_SERVICE_REFUSED = "SERVICE is refused: queries do not reach the network (--allow-external permits it)"
_FROM_REFUSED = (
    "FROM and FROM NAMED are refused: queries do not load remote or file: graphs (--allow-external permits it)"
)


@functools.lru_cache(maxsize=64)
def _rdflib_parse(text: str) -> Any:
    """rdflib's parse tree of ``text`` as a query, ``"update"`` if it is an Update, or None if neither."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        return list(parseQuery(text))
    except ParseException:
        pass
    except Exception:  # noqa: BLE001 - rdflib raises bare exceptions for some queries it cannot read
        return None
    try:
        parseUpdate(text)
    except Exception:  # noqa: BLE001 - as above
        return None
    return "update"


def _finds(node: Any, name: str) -> bool:
    """Whether rdflib's parse tree holds a part called ``name`` (a CompValue, or a key of one) at any depth."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == name or dict.get(item, name) not in (None, [], ""):
                return True
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return False


def check_prefixes(query: Query) -> None:
    shape = analyse(query.text)
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
    #: What was changed in the file's text: (line, column, length removed, length put), each within one line.
    edits: tuple[tuple[int, int, int, int], ...] = ()
    #: 1 when a line of project prefixes was put in front of the file's text, else 0.
    prologue_lines: int = 0

    def locate(self, error: QueryError) -> QueryError:
        """An engine's error with its position moved from the run text to the query file."""
        cls = type(error)
        if error.line is None or error.line <= self.prologue_lines:
            return cls(error.message, path=self.query.where)
        line, column = error.line - self.prologue_lines, error.column
        if column is not None:
            shift = 0
            for _, at, removed, put in sorted(e for e in self.edits if e[0] == line):
                if column <= at + shift:
                    break
                if column < at + shift + put:  # inside what was put there: point at where it went
                    return cls(error.message, path=self.query.where, line=line, column=at)
                shift += put - removed
            column -= shift
        return cls(error.message, path=self.query.where, line=line, column=column)


def prepare(query: Query, bindings: Mapping[str, Identifier | None] | None = None) -> Prepared:
    """The query text to run, standalone SPARQL 1.1: each parameter's value written into its ``VALUES`` line.

    A parameter with a ``VALUES ?name { default }`` line (see :mod:`kg.sparql.library`)
    gets its value written over the default there (``UNDEF`` for None). A
    value for a variable without such a line (an ad-hoc query) goes into a
    VALUES block at the start of the outermost group pattern; a
    ``CONSTRUCT WHERE { T }`` then becomes ``CONSTRUCT { T } WHERE { VALUES ... T }``
    and a DESCRIBE without WHERE gets ``WHERE { VALUES ... }``, because
    rdflib ignores a trailing VALUES clause there. Project prefixes that the
    text uses without declaring go in front, on one line.
    """
    shape = analyse(query.text)
    used = {t.text.split(":", 1)[0] for t in shape.tokens if t.kind == "pname"}
    prologue = " ".join(f"PREFIX {p}: <{u}>" for p, u in PREFIXES.items() if p in used and p not in shape.declared)
    edits: list[tuple[int, int, str]] = []  # offset, length removed, text put
    loose: dict[str, Identifier] = {}
    for name, value in (bindings or {}).items():
        slots = [slot for slot in shape.slots if slot.name == name]
        for slot in slots:
            edits.append((slot.start, slot.end - slot.start, "UNDEF" if value is None else n3(value)))
        if not slots and value is not None:
            loose[name] = value
    for name, offset, scope in shape.variables:
        if name in loose and not shape.visible(name, scope):  # an outer VALUES block would not reach it
            message = (
                f"parameter {name!r} is used in a subquery, where a value given from outside would not reach it; "
                f"put a 'VALUES ?{name} {{ default }}' line at the start of the subquery's WHERE group"
            )
            raise _refuse(query, query.text, offset, message)
    if loose:
        names = list(loose)
        block = f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(n3(loose[n]) for n in names)}) }}"
        if shape.group_at is not None:
            edits.append((shape.group_at, 0, f" {block} "))
            if shape.template is not None:
                edits.append((shape.template[0], 0, f"{{ {shape.template[1]} }} "))
        elif shape.modifiers_at is not None:
            edits.append((shape.modifiers_at, 0, f"WHERE {{ {block} }} "))
        else:
            edits.append((len(query.text), 0, f"\nWHERE {{ {block} }}\n"))
    body = query.text
    for offset, removed, text in sorted(edits, reverse=True):
        body = body[:offset] + text + body[offset + removed :]
    spans = tuple((*position(query.text, at), removed, len(text)) for at, removed, text in edits if "\n" not in text)
    if prologue:
        return Prepared(query, f"{prologue}\n{body}", spans, 1)
    return Prepared(query, body, spans, 0)


#: The bare words of SPARQL 1.1 (keywords and built-in functions), upper-cased.
_KEYWORDS = frozenset(
    re.findall(
        r"\S+",
        "A ABS ADD ALL AS ASC ASK AVG BASE BIND BNODE BOUND BY CEIL CLEAR COALESCE CONCAT CONSTRUCT CONTAINS "
        "COPY COUNT CREATE DATA DATATYPE DAY DEFAULT DELETE DESC DESCRIBE DISTINCT DROP ENCODE_FOR_URI EXISTS "
        "FALSE FILTER FLOOR FROM GRAPH GROUP GROUP_CONCAT HAVING HOURS IF IN INSERT INTO IRI ISBLANK ISIRI "
        "ISLITERAL ISNUMERIC ISURI LANG LANGMATCHES LCASE LIMIT LOAD MAX MD5 MIN MINUS MINUTES MONTH MOVE "
        "NAMED NOT NOW OFFSET OPTIONAL ORDER PREFIX RAND REDUCED REGEX REPLACE ROUND SAMETERM SAMPLE SECONDS "
        "SELECT SEPARATOR SERVICE SHA1 SHA256 SHA384 SHA512 SILENT STR STRAFTER STRBEFORE STRDT STRENDS "
        "STRLANG STRLEN STRSTARTS STRUUID SUBSTR SUM TIMEZONE TO TRUE TZ UCASE UNDEF UNION URI USING UUID "
        "VALUES WHERE WITH YEAR",
    )
)


def syntax_error(text: str, offset: int | None, detail: str = "") -> QuerySyntaxError:
    """A parser's complaint at ``offset`` of ``text`` as a :class:`QuerySyntaxError` at the token there.

    Parsers report where they gave up (Oxigraph: the furthest character it
    tried; rdflib's pyparsing: the start of the construct that failed). The
    error names and points at the token that holds that character (or the
    next one); a position past the last token of a text whose groups are not
    closed is "unexpected end of query", and otherwise the last token.
    """
    if offset is None:
        return QuerySyntaxError(f"SPARQL syntax error: {detail}" if detail else "SPARQL syntax error")
    tokens = tuple(tokenize(text))
    found = next((t for t in tokens if offset < t.start + len(t.text)), None)
    # A bare word that is no SPARQL keyword stops every parser; Oxigraph's furthest try may lie beyond it.
    unknown = next((t for t in tokens if t.kind == "word" and t.text.upper() not in _KEYWORDS), None)
    if unknown is not None and (found is None or unknown.start < found.start):
        found = unknown
    if found is None and tokens:
        opened = sum(t.text == "{" for t in tokens) - sum(t.text == "}" for t in tokens)
        found = None if opened else tokens[-1]
    if found is None:
        line, column = position(text, len(text))
        return QuerySyntaxError("SPARQL syntax error: unexpected end of query", line=line, column=column)
    line, column = position(text, found.start)
    return QuerySyntaxError(f"SPARQL syntax error: unexpected {found.text[:40]!r}", line=line, column=column)


def offset_of(text: str, line: int, column: int) -> int:
    """The offset of 1-based ``line`` and ``column`` (in code points) in ``text``."""
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return len(text)
    return min(start + column - 1, len(text))
