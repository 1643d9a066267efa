"""SPARQL errors in words a reader can act on: what is wrong, where, and what to write instead.

A parser reports the first token it could not read ("expected one of
GROUP_CONCAT, [_]", "unexpected ';'"), which is often far from the mistake and
never says what to do. The common mistakes have a cause that the text shows
plainly, so they are found on the text itself, before or after a parser
gave up:

- a prefixed name whose prefix is not declared: the ``PREFIX`` line to add
  (with the project's namespace IRI when it is one of the project's prefixes);
- a bracket ``(``, ``{`` or ``[`` that is never closed, or closed by the
  wrong one, or a closing bracket with no opening one: where it opened;
- a string whose closing quote is missing: where it starts.

Otherwise the parser's own position stands, said in words. Each
:class:`Problem` names a message of the ``[sparql]`` domain of
:mod:`kg.i18n` with its values, so the site says it in the reader's
language; :meth:`Problem.english` is the short text of the SPARQL
Protocol's 400 answers. Our own code, not a library's: no SPARQL parser
(Oxigraph, rdflib's pyparsing grammar) reports these causes, only the token
where it stopped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kg.errors import KgError
from kg.i18n import DIRECTION
from kg.i18n import text as message
from kg.namespaces import PREFIXES
from kg.sparql.syntax import Lines, analyse, offset_of, syntax_error

_CLOSER = {"(": ")", "{": "}", "[": "]"}
_OPENER = {v: k for k, v in _CLOSER.items()}
_BRACKET_NAME = {"(": "paren", ")": "paren", "{": "brace", "}": "brace", "[": "square", "]": "square"}


@dataclass(frozen=True)
class Problem:
    """One mistake in a query: a message key of ``[sparql]`` with its values, and the places to mark."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)
    #: 1-based (line, column) of the mistake; where the page puts its mark.
    line: int | None = None
    column: int | None = None
    #: Another place that explains it (where an unclosed bracket opened).
    related: tuple[int, int] | None = None
    #: A line to add to the query (the PREFIX line), if one fixes it.
    fix: str = ""
    #: What the parser said, kept for the curious (English, technical).
    detail: str = ""

    def say(self, lang: str) -> str:
        """The problem in the reader's language."""
        values = {k: _named(v, lang) for k, v in self.values.items()}
        return message("sparql", self.key, lang, **values)

    def english(self) -> str:
        """``line:column: message`` and the fix, in English: the text of a Protocol 400 answer."""
        where = f"line {self.line}, column {self.column}: " if self.line else ""
        fix = f" {self.fix}" if self.fix else ""
        return where + self.say("en") + fix


class _Bracket(str):
    """A bracket character, named in the message's language (``parenthesis (`` / ``پرانتز (``)."""


def _named(value: object, lang: str) -> object:
    """A value as the message shows it; in a right-to-left message, code is isolated left to right."""
    if isinstance(value, _Bracket):
        return message("sparql", _BRACKET_NAME[str(value)], lang, char=_code(str(value), lang))
    return _code(value, lang) if isinstance(value, str) else value


def _code(value: str, lang: str) -> str:
    return f"\u2066{value}\u2069" if DIRECTION.get(lang) == "rtl" else value


def find_problems(text: str, *, project_prefixes: bool = True) -> list[Problem]:
    """The mistakes the text shows by itself (prefixes, brackets, quotes), first in the text first.

    ``project_prefixes``: whether the project's prefixes count as declared (the
    site's ad-hoc page and ``kg query -e`` put them in front; a Protocol request does not).
    """
    shape = analyse(text)
    where = Lines(text)  # places looked up in the lines, found once: a scan per place would be quadratic
    known = set(shape.declared) | (set(PREFIXES) if project_prefixes else set())
    problems: list[Problem] = []
    previous = ""
    seen: set[str] = set()
    for token in shape.tokens:
        if token.kind == "pname" and previous.upper() != "PREFIX":
            prefix = token.text.split(":", 1)[0]
            if prefix not in known and prefix not in seen:
                seen.add(prefix)
                line, column = where.position(token.start)
                if prefix in PREFIXES:
                    problems.append(
                        Problem("undeclared_prefix", {"prefix": prefix + ":"}, line, column,
                                fix=f"PREFIX {prefix}: <{PREFIXES[prefix]}>")
                    )  # fmt: skip
                else:
                    problems.append(
                        Problem("unknown_prefix", {"prefix": prefix + ":"}, line, column,
                                fix=f"PREFIX {prefix}: <…>")
                    )  # fmt: skip
        previous = token.text
    problems += _bracket_problems(where, shape.tokens)
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _bracket_problems(where: Lines, tokens: object) -> list[Problem]:
    """The first bracket or quote that is not closed as it opened. Places are looked up only for the
    problem returned: a text of many thousand brackets is read in one pass."""
    stack: list[tuple[str, int]] = []
    for token in tokens:  # type: ignore[attr-defined]
        if token.kind != "punct":
            continue
        char = token.text
        if char in ('"', "'"):
            line, column = where.position(token.start)
            return [Problem("unclosed_string", {"quote": char, "line": line, "column": column}, line, column)]
        if char in _CLOSER:
            stack.append((char, token.start))
        elif char in _OPENER:
            if not stack:
                at_line, at_column = where.position(token.start)
                return [
                    Problem("stray_bracket", {"found": _Bracket(char), "opener": _OPENER[char]}, at_line, at_column)
                ]
            opened, start = stack.pop()
            if _CLOSER[opened] != char:
                at_line, at_column = where.position(token.start)
                line, column = where.position(start)
                values = {
                    "bracket": _Bracket(opened), "line": line, "column": column, "found": char,
                    "at_line": at_line, "at_column": at_column, "closer": _CLOSER[opened],
                }  # fmt: skip
                return [Problem("mismatched_bracket", values, at_line, at_column, related=(line, column))]
    if stack:
        opened, start = stack[-1]
        line, column = where.position(start)
        end = where.position(len(where.text.rstrip()))
        values = {"bracket": _Bracket(opened), "line": line, "column": column, "closer": _CLOSER[opened]}
        return [Problem("unclosed_bracket", values, *end, related=(line, column))]
    return []


_UNEXPECTED = re.compile(r"unexpected (?:'(?P<token>.+)'|(?P<end>end of query))")


def explain(text: str, error: KgError | None = None, *, project_prefixes: bool = True) -> list[Problem]:
    """What is wrong with ``text``: the mistakes it shows by itself, else the parser's ``error`` in words.

    ``error``'s line and column are positions in ``text``.
    """
    problems = find_problems(text, project_prefixes=project_prefixes)
    detail = error.message if error is not None else ""
    if problems:
        return [Problem(p.key, p.values, p.line, p.column, p.related, p.fix, detail) for p in problems]
    if error is None:
        return []
    line, column = error.line, error.column
    found = _UNEXPECTED.search(error.message)
    if found and found.group("end"):
        return [Problem("unexpected_end", {"line": line or 0, "column": column or 0}, line, column, detail=detail)]
    if found and line:
        values = {"token": found.group("token"), "line": line, "column": column or 0}
        return [Problem("unexpected_token", values, line, column, detail=detail)]
    if line:
        return [Problem("cannot_read", {"line": line, "column": column or 0}, line, column, detail=detail)]
    return [Problem("not_run", {}, detail=detail)]


# --------------------------------------------------------------------------- the SPARQL Protocol's 400 answers


def protocol_message(problems: Sequence[Problem]) -> str:
    """A Protocol 400 answer: each problem in a line of English, with the line to add."""
    return "\n".join(p.english() for p in problems) + "\n"


def explain_oxigraph_answer(text: str, answer: bytes) -> str | None:
    """A syntax error in the Oxigraph server's 400 answer (``error at L:C: expected one of ...``, its
    parser's dump) as :func:`protocol_message` on the token there; None for another complaint."""
    said = answer.decode("utf-8", "replace").strip()
    found = re.search(r"error at (\d+):(\d+): ([^\n]*)", said)
    if found is None:
        return None
    offset = offset_of(text, int(found.group(1)), int(found.group(2)))
    return protocol_message(explain(text, syntax_error(text, offset, found.group(3)[:300])))
