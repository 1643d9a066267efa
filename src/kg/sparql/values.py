"""Parameter values: typed RDF terms from what a user wrote, and the text an engine runs with them bound.

Binding
-------
Values are never pasted into the query text. Each one is parsed into an RDF
term of its declared type (a value that is not a valid term of that type is
an error) and written, in N-Triples syntax, over the default of the
parameter's ``VALUES ?name { default }`` line (every such line, subqueries
included). A value for a variable without such a line (an ad-hoc ``-e``
query) goes into a ``VALUES`` block at the start of the outermost group.
Every engine, local or remote, sees the same standard SPARQL, so they
return the same rows. :class:`Prepared` maps an engine's error positions in
that text back to the query file.

>>> print(prepare(Query("<-e>", "ASK { kgi:iran ?p ?o }")).text)
PREFIX kgi: <https://w3id.org/iran-kazakhstan-kg/id/>
ASK { kgi:iran ?p ?o }
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from kg.errors import QueryError, UsageError
from kg.namespaces import PREFIXES
from kg.sparql.syntax import Param, Query, analyse, position, refuse_at
from kg.terms import XSD_STRING, PackedTerm, nt_term, pack_term, rdflib_term

IRI_CHARS = re.compile(r'^[^<>"{}|^`\\\x00-\x20]*$')
_LANG_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
#: A number written in groups of three digits, as the pages show one (5,000,000; ۵٬۰۰۰٬۰۰۰ once its digits are
#: read): one separator throughout, a comma or the Arabic thousands separator U+066C. ``1,5`` is no group.
_GROUPED = re.compile(r"^[+-]?[0-9]{1,3}([,\u066c])[0-9]{3}(?:\1[0-9]{3})*(?:\.[0-9]*)?$")
_KIND_WORDS = {"integer": "an integer", "decimal": "a decimal number", "date": "a date (YYYY-MM-DD)"}
_PREFIXED = re.compile(r"^([^\W\d_][\w.-]*)?:([\w\-.:%/~]*)$")
_XSD = PREFIXES["xsd"]
#: The datatype of each typed parameter kind.
DATATYPES = {kind: _XSD + kind for kind in ("integer", "decimal", "boolean", "date")}


def unquote_default(kind: str, text: str) -> str:
    """Header defaults may be written as SPARQL literals: ``"en"``, ``"Tehran"@en``, ``"5"``."""
    match = re.fullmatch(r'"((?:[^"\\]|\\.)*)"(@[A-Za-z0-9-]+)?', text)
    if not match:
        return text
    body = re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)), match.group(1))
    return body + (match.group(2) or "") if kind == "langstring" else body


def expand_iri(text: str, prefixes: Mapping[str, str] | None = None) -> str:
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
    return iri


def parse_value(kind: str, text: str, prefixes: Mapping[str, str] | None = None) -> PackedTerm:
    """A parameter value, as written on the command line, as an RDF term of type ``kind`` (a
    :data:`~kg.terms.PackedTerm`; an integer's lexical form canonical, as rdflib writes it).

    >>> parse_value("integer", "012")
    ('l', '12', 'http://www.w3.org/2001/XMLSchema#integer', None)
    >>> parse_value("integer", "۵٬۰۰۰٬۰۰۰")[1], parse_value("decimal", "1,234.5")[1]
    ('5000000', '1234.5')
    >>> parse_value("langstring", "قزاقستان@fa")
    ('l', 'قزاقستان', None, 'fa')
    """
    if kind == "iri":
        return ("i", expand_iri(text, prefixes))
    if kind == "string":
        return ("l", text, None, None)
    if kind == "langstring":
        body, at, tag = text.rpartition("@")
        if not at or not _LANG_TAG.match(tag):
            raise QueryError(f"{text!r} is not TEXT@LANG (e.g. Tehran@en)")
        return ("l", body, None, tag)
    if kind in ("integer", "decimal", "date") and not text.isascii():  # typed on a Persian keyboard: ۱۲ is 12
        from kg.text import latin_digits  # the text module (its folding and spans) only where it may change the text

        written, text = text, latin_digits(text).replace("\u066b", ".") if kind == "decimal" else latin_digits(text)
        if written != text:
            try:
                return parse_value(kind, text, prefixes)
            except QueryError:
                raise QueryError(f"{written!r} is not {_KIND_WORDS[kind]}") from None
    if kind in ("integer", "decimal") and _GROUPED.match(text):  # copied from a page: 5,000,000 is 5000000
        try:
            return parse_value(kind, text.replace(",", "").replace("\u066c", ""), prefixes)
        except QueryError:
            raise QueryError(f"{text!r} is not {_KIND_WORDS[kind]}") from None
    if kind == "integer":
        if not _INTEGER.match(text):
            raise QueryError(f"{text!r} is not an integer")
        return ("l", _canonical_integer(text), DATATYPES["integer"], None)
    if kind == "decimal":
        if not _DECIMAL.match(text):
            raise QueryError(f"{text!r} is not a decimal number")
        return ("l", text, DATATYPES["decimal"], None)
    if kind == "boolean":
        if text not in ("true", "false"):
            raise QueryError(f"{text!r} is not a boolean (true or false)")
        return ("l", text, DATATYPES["boolean"], None)
    if kind == "date":
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError
            from datetime import date  # only for a date parameter

            date.fromisoformat(text)
        except ValueError:
            raise QueryError(f"{text!r} is not a date (YYYY-MM-DD)") from None
        return ("l", text, DATATYPES["date"], None)
    raise QueryError(f"unknown parameter type {kind!r}")


def _canonical_integer(text: str) -> str:
    """An integer's canonical lexical form (``+012`` is ``12``), as rdflib writes an integer literal it was
    given; a run of digits too long for ``int()`` (over 4 300) as written, as rdflib keeps it too."""
    try:
        return str(int(text))
    except ValueError:
        return text


def parse_term(text: str, prefixes: Mapping[str, str] | None = None) -> PackedTerm:
    """A value for an undeclared parameter, written as a SPARQL term: ``<iri>``, ``kgi:x``, ``"text"@fa``, ``5``."""
    literal = re.fullmatch(r'"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^(\S+))?', text, re.DOTALL)
    if literal:
        body = unquote_default("string", f'"{literal.group(1)}"')
        if literal.group(2):
            return parse_value("langstring", f"{body}@{literal.group(2)}")
        if literal.group(3):
            datatype = expand_iri(literal.group(3), prefixes)
            return ("l", body, None if datatype == XSD_STRING else datatype, None)
        return ("l", body, None, None)
    for kind in ("integer", "decimal", "boolean"):
        try:
            return parse_value(kind, text)
        except QueryError:
            pass
    try:
        return ("i", expand_iri(text, prefixes))
    except QueryError:
        raise QueryError(f'{text!r} is not a SPARQL term (<iri>, prefix:name, "text", "text"@lang, number)') from None


def bind_params(
    query: Query, given: Mapping[str, Any] | None = None, *, lang: str | None = None
) -> dict[str, PackedTerm]:
    """The terms each parameter is bound to: given values (parsed by declared type) over defaults.

    A value is a string as written on the command line, a :data:`~kg.terms.PackedTerm` or an rdflib term.

    ``lang`` fills a declared ``lang`` parameter that was not given. A given name or value that is
    not right (unknown, not a variable name, not a term of the declared type) is a
    :class:`~kg.errors.UsageError` (exit 2): the input is wrong, not the query.
    """
    given = dict(given or {})
    if lang and query.param("lang") is not None and "lang" not in given:
        given["lang"] = lang
    declared = analyse(query.text).declared if given else {}  # no value, no reading (the policy's bounds come first)
    bound: dict[str, PackedTerm] = {}
    for name, value in given.items():
        param = query.param(name)
        if param is None and query.params:
            names = [p.name for p in query.params]
            import difflib  # only for a name that is not declared

            close = difflib.get_close_matches(name, names, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UsageError(f"{query.where}: unknown parameter {name!r}{hint} (parameters: {', '.join(names)})")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise UsageError(f"{query.where}: parameter name {name!r} is not a SPARQL variable name")
        try:
            if isinstance(value, tuple) or rdflib_term(value):
                term = value if isinstance(value, tuple) else pack_term(value)
                bound[name] = _check_term(param.type, term, value) if param else term
            elif param is None:
                bound[name] = parse_term(str(value), declared)
            else:
                bound[name] = parse_value(param.type, str(value), declared)
        except QueryError as exc:
            kind = f" ({param.type})" if param else ""
            raise UsageError(f"{query.where}: parameter {name!r}{kind}: {exc.message}") from None
    for param in query.params:
        if param.name not in bound and param.default is not None:
            bound[param.name] = param.default
    return bound


def _check_term(kind: str, term: PackedTerm, given: Any) -> PackedTerm:
    """A term given from Python (``given``, as ``term``) must already be of the declared type."""
    if kind == "iri" and term[0] == "i":
        return ("i", expand_iri(f"<{term[1]}>"))
    if term[0] == "l":
        _, value, datatype, language = term
        if kind == "langstring" and language:
            return parse_value(kind, f"{value}@{language}")
        if kind == "string" and not language and datatype is None:
            return ("l", value, None, None)
        if kind in DATATYPES and DATATYPES[kind] == datatype:
            return parse_value(kind, value)
    raise QueryError(f"{given!r} is not a {kind}")


def n3(term: PackedTerm | Any) -> str:
    """A term (a :data:`~kg.terms.PackedTerm` or an rdflib term) in N-Triples syntax, safe to put into a query:
    IRIs are checked, strings escaped.

    >>> print(n3(("l", 'a "b"\\n}', None, "en")))
    "a \\"b\\"\\n}"@en
    """
    if rdflib_term(term):
        term = pack_term(term)
    kind = term[0]
    if kind == "i":
        if not IRI_CHARS.match(term[1]):
            raise QueryError(f"not a valid IRI: {term[1]!r}")
        return f"<{term[1]}>"
    if kind == "b":
        raise QueryError("a blank node cannot be a parameter value")
    if kind == "l":
        _, _, datatype, language = term
        if language and not _LANG_TAG.match(language):
            raise QueryError(f"not a language tag: {language!r}")
        if datatype:
            n3(("i", datatype))  # refuses a datatype that is not a valid IRI
        try:
            return nt_term(term)  # N-Triples escaping, written once in kg.terms
        except ValueError as exc:
            raise QueryError(f"not a valid RDF literal: {exc}") from None
    raise QueryError(f"cannot bind {term!r}")


# --------------------------------------------------------------------------- the text an engine runs


def check_slots(query: Query, param: Param, line: int, column: int) -> None:
    """Refuse a parameter that is not bound wherever the text uses it (see :mod:`kg.sparql.files`).

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
            raise refuse_at(query, query.text, slot.start, message)
        written = query.text[slot.start : slot.end]
        try:
            default = None if written.upper() == "UNDEF" else parse_term(written, shape.declared)
        except QueryError as exc:
            raise refuse_at(query, query.text, slot.start, f"default of {name!r}: {exc.message}") from None
        if default != param.default:
            header = param.default_text if param.default is not None else "-"
            message = f"the VALUES default {written} of parameter {name!r} differs from its header default {header}"
            raise refuse_at(query, query.text, slot.start, message)
    scopes = {slot.scope for slot in slots}
    for variable, offset, scope in shape.variables:
        if variable == name and scope not in scopes:
            message = (
                f"parameter {name!r} is used in a (sub)query without its own 'VALUES ?{name} {{ ... }}' line, "
                "so kg could not bind it here"
            )
            raise refuse_at(query, query.text, offset, message)


class Prepared(NamedTuple):
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


def prepare(query: Query, bindings: Mapping[str, PackedTerm | None] | None = None) -> Prepared:
    """The query text to run, standalone SPARQL 1.1: each parameter's value written into its ``VALUES`` line.

    A parameter with a ``VALUES ?name { default }`` line (see :mod:`kg.sparql.files`)
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
    loose: dict[str, PackedTerm] = {}
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
            raise refuse_at(query, query.text, offset, message)
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
