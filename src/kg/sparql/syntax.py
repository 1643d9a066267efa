"""SPARQL text as kg reads it: tokens, the query model, the one reading of a text, positions and syntax errors.

A :class:`Query` is a query's text with its file header (see :mod:`kg.sparql.files`).
:func:`analyse` is the one reading of a text's tokens (its form, prefixes, groups,
``VALUES`` lines and variables) that everything kg decides from the text reads.
:func:`syntax_error` turns a parser's complaint into a :class:`~kg.errors.QuerySyntaxError`
at the token where the parser stopped; :func:`position` and :func:`offset_of` convert
between offsets and 1-based line and column (in code points).

Parameter values and binding them into the text are :mod:`kg.sparql.values`; what a query
may do (no Update, no SERVICE or FROM unless allowed) is :mod:`kg.sparql.policy`.

The records of a query's path (here, in :mod:`~kg.sparql.values`, :mod:`~kg.sparql.engines` and
:mod:`~kg.sparql.tables`) are named tuples (:class:`typing.NamedTuple`), immutable as frozen dataclasses were:
a dataclass is made by compiling its methods when its module is imported, and with the import
of :mod:`dataclasses` (and :mod:`inspect`, :mod:`ast`, :mod:`dis` with it) the sixteen of a cold
``kg query`` were about a fifth of its instructions (BENCHMARKS.md).

>>> analyse("PREFIX ex: <http://example.org/> SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x").form
'SELECT'
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, NamedTuple, TypeVar

from kg import resources
from kg.errors import LoadError, QueryError, QuerySyntaxError
from kg.limits import MAX_CACHED_QUERY_TEXT
from kg.namespaces import PREFIXES
from kg.terms import PackedTerm

#: The default of a record's mapping: empty, and shared, so read-only.
NOTHING: Mapping[Any, Any] = MappingProxyType({})

PARAM_TYPES = ("iri", "string", "langstring", "integer", "decimal", "boolean", "date")


# --------------------------------------------------------------------------- tokens

_ESC = r"\\[_~.\-!$&'()*+,;=/?#@%]"
#: SPARQL's PN_CHARS_BASE holds the zero-width (non-)joiners U+200C and U+200D, which \w lacks: Persian
#: names write ZWNJ inside a word (همکاری‌ها), and both parsers read such a name or variable whole.
_JOINERS = "\u200c\u200d"
_PN_LOCAL_CHAR = rf"(?:[\w:\-\u00B7{_JOINERS}]|%[0-9A-Fa-f]{{2}}|{_ESC})"
_TOKEN = re.compile(
    rf"""
     (?P<ws>\s+)
    |(?P<comment>\#[^\n\r]*)
    |(?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{{4}}|\\U[0-9A-Fa-f]{{8}})*>)
    |(?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    |(?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040{_JOINERS}]+)
    |(?P<bnode>_:\w(?:[\w.\-\u00B7{_JOINERS}]*[\w\-\u00B7{_JOINERS}])?)
    |(?P<pname>(?:[^\W\d_](?:[\w.\-\u00B7{_JOINERS}]*[\w\-\u00B7{_JOINERS}])?)?:
               (?:(?:[\w:{_JOINERS}]|%[0-9A-Fa-f]{{2}}|{_ESC})(?:(?:{_PN_LOCAL_CHAR}|\.)*{_PN_LOCAL_CHAR})?)?)
    |(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    |(?P<word>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
    |(?P<punct>\^\^|\|\||&&|!=|<=|>=|.)
    """,
    re.VERBOSE | re.DOTALL,
)
_RDFLIB_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-f]{4}(?:[0-9a-f]{4})?)", re.IGNORECASE)


class Token(NamedTuple):
    kind: str
    text: str
    start: int


def tokenize(text: str) -> Iterator[Token]:
    """SPARQL tokens (whitespace and comments dropped), enough to find keywords, groups and prefixes."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            yield Token(kind, match.group(), match.start())


def expand_escapes(text: str) -> tuple[str, list[int]]:
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
    """1-based line and column (in code points) of ``offset`` in ``text``: one look, a scan from the start.

    Code that asks for many places of one text uses :class:`Lines` (a scan per place is quadratic in
    a hostile text's length).
    """
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


class Lines:
    r"""The lines of a text, found at the first question: the place of any offset in ``log(lines)`` steps.

    >>> where = Lines("SELECT\n  ?s\n{}")
    >>> where.position(0), where.position(9), where.position(12)
    ((1, 1), (2, 3), (3, 1))
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in code points) of ``offset``, as :func:`position` says it."""
        if self._starts is None:
            self._starts = [0, *(found.end() for found in re.finditer("\n", self.text))]
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


# --------------------------------------------------------------------------- queries


class Param(NamedTuple):
    """A declared parameter: bound as ``?name`` to a term of ``type``."""

    name: str
    type: str
    default: PackedTerm | None
    default_text: str
    description: str
    #: For an ``iri`` parameter: the classes its value must be an instance of (``iri kg:Country``).
    classes: tuple[str, ...] = ()


class Query(NamedTuple):
    """A query as read from its file (or the command line) with its header."""

    name: str
    text: str
    path: Path | None = None
    title: str = ""
    questions: Mapping[str, str] = NOTHING
    params: tuple[Param, ...] = ()
    meta: Mapping[str, str] = NOTHING
    #: The title in other languages than English (``# title@fa:``).
    titles: Mapping[str, str] = NOTHING
    #: Each result column's name per language (``# column: var | English | فارسی``).
    columns: Mapping[str, Mapping[str, str]] = NOTHING
    #: Each parameter's description in other languages (``# param@fa: name | توضیح``).
    param_texts: Mapping[str, Mapping[str, str]] = NOTHING

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

    def title_in(self, lang: str = "en") -> str:
        """The title in ``lang`` (``# title@LANG:``), else the English one."""
        return self.titles.get(lang, "") or self.title

    def column(self, variable: str, lang: str = "en") -> str:
        """A result column's name in ``lang`` (``# column:`` lines), else its variable ``?name``."""
        return self.columns.get(variable, {}).get(lang, "") or f"?{variable}"

    def param_text(self, name: str, lang: str = "en") -> str:
        """A parameter's description in ``lang`` (``# param@LANG:``), else the English one."""
        param = self.param(name)
        english = param.description if param is not None else ""
        return self.param_texts.get(name, {}).get(lang, "") or english

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def expected_path(self) -> Path | None:
        """``NAME.srj`` beside the query file, if there is one."""
        if self.path is None:
            return None
        path = self.path.with_suffix(".srj")
        return path if path.is_file() else None


# --------------------------------------------------------------------------- reading a text


class Slot(NamedTuple):
    """A parameter's default in the text: the term of a one-variable, one-value ``VALUES ?name { term }``."""

    name: str
    start: int  # offset of the term's first character
    end: int  # offset just after it
    scope: int  # the (sub)query it is in: the offset of its SELECT, or -1 for the whole query
    top: bool  # directly in the WHERE group of that (sub)query, so it binds the whole group


class Shape(NamedTuple):
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
    parents: Mapping[int, int] = NOTHING
    projections: Mapping[int, frozenset[str] | None] = NOTHING

    def visible(self, name: str, scope: int) -> bool:
        """Whether variable ``name`` of ``scope`` is the same variable in the whole query (projected up)."""
        while scope != -1:
            projected = self.projections.get(scope)
            if projected is not None and name not in projected:
                return False
            scope = self.parents.get(scope, -1)
        return True


_MODIFIERS = {"GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"}


def analyse(text: str) -> Shape:
    """The one reading of a query text's tokens (cached): its form, prefixes, groups, VALUES lines, variables.

    Everything kg decides from the text itself (where values go, the form,
    whether rows are ordered, the policy's token check) reads this.

    The readings of the last 256 texts of up to :data:`kg.limits.MAX_CACHED_QUERY_TEXT` characters are
    kept (every library query is one), of a longer text only the last one's: a reading holds some 60 bytes
    per character of its text, so 256 of ``kg serve``'s largest bodies (1 MB) would have held 15 GB.
    """
    return _analyse_kept(text)


_T = TypeVar("_T")


class KeptByText(Generic[_T]):
    """A function of a query text alone, its answers kept as :func:`analyse` keeps its readings: for the last 256
    texts of up to :data:`kg.limits.MAX_CACHED_QUERY_TEXT` characters, and for the last longer one only."""

    def __init__(self, read: Callable[[str], _T]) -> None:
        self.read = read
        self.short = functools.lru_cache(maxsize=256)(read)
        #: The answer for the last text longer than :data:`kg.limits.MAX_CACHED_QUERY_TEXT`, by its text.
        self.last_long: dict[str, _T] = {}

    def __call__(self, text: str) -> _T:
        if len(text) <= MAX_CACHED_QUERY_TEXT:
            return self.short(text)
        if text in self.last_long:
            return self.last_long[text]
        answer = self.read(text)
        self.last_long.clear()  # one at a time (threads may race here: each then keeps its own for a moment)
        self.last_long[text] = answer
        return answer


def keep_tokens(text: str, tokens: tuple[Token, ...] | Callable[[], tuple[Token, ...]]) -> None:
    """The tokens of ``text``, read whole by their first reader (the query policy's bounds, which read a text
    token by token to stop at the first bracket nested too deep), or how to make them from tokens read already:
    its reading (:func:`analyse`), if it is not kept, takes them instead of tokenizing the text again. Only the
    last text's are kept, until its reading takes them."""
    _TOKENS_READ.clear()
    _TOKENS_READ[text] = tokens


#: The tokens :func:`keep_tokens` was given for a text whose reading has not taken them yet.
_TOKENS_READ: dict[str, tuple[Token, ...] | Callable[[], tuple[Token, ...]]] = {}


def _analyse(text: str) -> Shape:
    """:func:`analyse`, uncached."""
    kept = _TOKENS_READ.pop(text, None)
    tokens = tuple(tokenize(text)) if kept is None else kept if isinstance(kept, tuple) else kept()
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


_analyse_kept = KeptByText(_analyse)


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


def refuse_at(query: Query, text: str, offset: int, message: str) -> QueryError:
    """A QueryError at ``offset`` of ``text`` (the text of ``query``), with its line and column."""
    line, column = position(text, offset)
    return QueryError(message, path=query.where, line=line, column=column)


def check_prefixes(query: Query) -> None:
    shape = analyse(query.text)
    known = set(PREFIXES) | set(shape.declared)
    for token in shape.tokens:
        if token.kind == "pname":
            prefix = token.text.split(":", 1)[0]
            if prefix not in known:
                raise refuse_at(query, query.text, token.start, f"unknown prefix {prefix + ':'!r} in {token.text!r}")


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
