"""What a query may do: SPARQL Update never, SERVICE and FROM only when allowed, nesting and chains within what
parsers and planners read.

Before any engine sees a query, :func:`check_policy` refuses a SPARQL
Update (``kg query`` only reads), and, unless ``allow_external`` is set,
``SERVICE`` and ``FROM``/``FROM NAMED``, decided on rdflib's parse and on
Oxigraph's way of reading keywords (see there). Local queries also run in
a child process without network, with a time limit, a memory ceiling and a
row cap (see :func:`kg.sparql.sandbox.run_isolated`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from kg.errors import QueryError
from kg.limits import MAX_QUERY_NESTING, MAX_QUERY_PARTS, MAX_QUERY_PATTERN_TERMS
from kg.sparql.syntax import (
    KeptByText,
    Query,
    Token,
    analyse,
    expand_escapes,
    keep_tokens,
    position,
    refuse_at,
    tokenize,
)
from kg.sparql.values import Prepared, prepare

_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


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
    :func:`kg.sparql.sandbox.run_isolated`).
    """
    check_bounds(query if isinstance(query, Query) else query.query)
    prepared = query if isinstance(query, Prepared) else prepare(query)
    text, where = prepared.text, prepared.query

    def refuse(offset: int | None, message: str) -> QueryError:
        if offset is None:
            return QueryError(message, path=where.where)
        line, column = position(text, offset)
        return prepared.locate(QueryError(message, line=line, column=column))

    if text is not where.text and _as_written(prepared):
        _keep_moved_tokens(prepared)
    shape = analyse(text)
    if not _as_written(prepared):  # values written into the text may add parts (a VALUES block) or brackets
        past = _past_bounds(shape.tokens)
        if past is not None:
            raise refuse(*past)
    if shape.form in _UPDATE_WORDS:
        raise refuse(
            shape.form_at,
            f"SPARQL Update ({shape.form}) is refused: kg query only reads (kg push uploads data to a server)",
        )
    parsed = _rdflib_parse(text) if parser == "rdflib" else None
    if parsed == "update":
        raise refuse(shape.form_at, "SPARQL Update is refused: kg query only reads")
    expanded, origin = expand_escapes(text)
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


def check_bounds(query: Query) -> None:
    """Refuse a query text that nests, chains or writes patterns past what parsers and planners read (the bounds
    of :mod:`kg.limits`), at its offending token (see :func:`_too_deep`, :func:`_too_many_parts` and
    :func:`_too_many_pattern_terms`; a nesting too deep is said first, then too many parts, then too many terms).

    The tokens are read one by one: the first bracket or operator nested too deep ends the reading there (a
    100 KB text of brackets is refused after its first thousand, not tokenized whole: the 100 000 braces of a
    hostile request cost kg serve 0.12 s of CPU before). A text within the bounds is read whole once, and its
    tokens are kept for its reading (:func:`~kg.sparql.syntax.analyse`), which needs them next. The verdicts
    are kept as the readings are.
    """
    past = _bounds_of_text(query.text)
    if past is not None:
        raise refuse_at(query, query.text, *past)


def _read_bounds(text: str) -> tuple[int, str] | None:
    """:func:`check_bounds`' verdict on ``text``: where it goes past a bound and the message, or None."""
    read: list[Token] = []

    def reading() -> Iterator[Token]:
        for token in tokenize(text):
            read.append(token)
            yield token

    too_deep = _too_deep(reading())
    if too_deep is not None:
        return too_deep, _TOO_DEEP
    tokens = tuple(read)
    past = _past_bounds(tokens, deep=False)
    if past is None:
        keep_tokens(text, tokens)
    return past


_bounds_of_text = KeptByText(_read_bounds)


def _past_bounds(tokens: Sequence[Token], *, deep: bool = True) -> tuple[int, str] | None:
    """Where ``tokens`` go past a bound, and the message: too deep (unless ``deep`` is false: known not to be),
    else too many parts, else too many pattern terms; or None."""
    too_deep = _too_deep(tokens) if deep else None
    if too_deep is not None:
        return too_deep, _TOO_DEEP
    too_long = _too_many_parts(tokens)
    if too_long is not None:
        return too_long, _TOO_MANY_PARTS
    too_wide = _too_many_pattern_terms(tokens)
    if too_wide is not None:
        return too_wide, _TOO_MANY_TERMS
    return None


def _keep_moved_tokens(prepared: Prepared) -> None:
    """The tokens of a text that runs as written after a line of the project's prefixes: the line's, then the
    query's own (read already) moved past it, kept for the text's reading instead of tokenizing it all again
    (a 1 MB query that uses the project's prefixes without declaring them was tokenized twice)."""
    text = prepared.text

    def tokens() -> tuple[Token, ...]:  # made only if the text's reading is not kept already
        front = text.index("\n") + 1
        moved = (Token(kind, token, start + front) for kind, token, start in analyse(prepared.query.text).tokens)
        return (*tokenize(text[:front]), *moved)

    keep_tokens(text, tokens)


def _as_written(prepared: Prepared) -> bool:
    """Whether the text to run is the query's own as written, at most with a line of the project's prefixes in
    front (which adds no bracket, part or pattern term: the bounds found on the query's text hold for it)."""
    text, written = prepared.text, prepared.query.text
    front = text.index("\n") + 1 if prepared.prologue_lines else 0
    return len(text) - front == len(written) and text.endswith(written)


_TOO_DEEP = (
    f"the query nests more than {MAX_QUERY_NESTING} levels deep ({{, ( and [ inside each other, "
    "operators chained), more than the parsers can read"
)
#: Operators of expressions and property paths: a parser reads ``a+b+c`` as ``(a+b)+c``, one level a link.
_OPERATORS = frozenset({"||", "&&", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "!", "|", "^"})


def _too_deep(tokens: Iterable[Token]) -> int | None:
    """The offset of the bracket or operator that nests one level too deep, or None.

    A level is a bracket inside another, or an operator chained to the ones before it within the same
    bracket (``1+1+…`` of 10 000 links overflowed the Oxigraph server's stack); a ``,``, ``;`` or ``.``
    ends a chain (each argument or pattern is a tree of its own), and the signs of a VALUES block's
    numbers are data. Brackets inside an IRI token count too: ``?a<((...))>?b`` is an IRI to the
    tokenizer but a comparison with nested brackets to Oxigraph.
    """
    depth = 0
    chained = [0]  # operators chained at each open bracket's level
    data = 0  # brackets open inside a VALUES block
    values_next = False
    for token in tokens:
        if token.kind == "word" and token.text.upper() == "VALUES":
            values_next = True
        if token.kind == "punct" and token.text in _OPERATORS:
            chained[-1] += depth > 0 and not data  # outside every bracket: SELECT *
            if depth + sum(chained) > MAX_QUERY_NESTING:
                return token.start
            continue
        if token.kind == "punct" and token.text in ",;.":
            chained[-1] = 0
        text = token.text if token.kind in ("punct", "iri") else ""
        for index, char in enumerate(text):
            if char in "{([":
                depth += 1
                chained.append(0)
                if data or (char == "{" and values_next):
                    data += 1
                    values_next = False
                if depth + sum(chained) > MAX_QUERY_NESTING:
                    return token.start + index
            elif char in "})]" and depth:
                depth -= 1
                chained.pop()
                data = max(0, data - 1)
    return None


_TOO_MANY_PARTS = (
    f"the query chains more than {MAX_QUERY_PARTS} parts (BIND, OPTIONAL, MINUS, UNION, VALUES, GRAPH, FILTER, groups "
    "side by side, expressions of the SELECT clause, resources to DESCRIBE), more than the engines can plan: refused"
)
#: The keywords that each add a level to the algebra an engine plans. A group's FILTERs are one conjunction, a
#: chain too (counted apart, from its second FILTER): 10 000 overflowed the served Oxigraph's stack, as did
#: 3 000 ``(… AS ?v)`` in a SELECT clause and a DESCRIBE of 3 000 IRIs (1 000 of each were read).
_PART_WORDS = frozenset({"BIND", "OPTIONAL", "MINUS", "UNION", "VALUES", "GRAPH"})


def _too_many_parts(tokens: Sequence[Token]) -> int | None:
    """The offset of the part one past :data:`~kg.limits.MAX_QUERY_PARTS`, or None.

    A part is one of :data:`_PART_WORDS`, a group written right after another (``{ } { }``, a join), a FILTER
    after another in the same group (their conjunction is a chain), an
    ``AS`` of a SELECT clause's expression or a resource to DESCRIBE. Nesting is bounded apart (:func:`_too_deep`).
    """
    parts = 0
    previous = ""
    binding = describing = False  # a BIND's AS is its part already; a DESCRIBE's resources run to its group
    filters = [0]  # FILTERs so far in each open group: the second and later chain the group's conjunction
    for token in tokens:
        name = token.text.upper() if token.kind == "word" else ""
        word = name in _PART_WORDS or (name == "FILTER" and filters[-1] > 0)
        if name == "FILTER":
            filters[-1] += 1
        elif token.kind == "punct" and token.text == "{":
            filters.append(0)
        elif token.kind == "punct" and token.text == "}" and len(filters) > 1:
            filters.pop()
        if name in ("WHERE", "FROM") or token.text == "{":
            describing = False
        expression = name == "AS" and not binding  # a SELECT clause's (… AS ?v)
        resource = describing and token.kind in ("iri", "pname", "var")
        if word or expression or resource or (token.kind == "punct" and token.text == "{" and previous == "}"):
            parts += 1
            if parts > MAX_QUERY_PARTS:
                return token.start
        if name == "BIND":
            binding = True
        elif name == "AS":
            binding = False
        elif name == "DESCRIBE":
            describing = True
        previous = token.text if token.kind == "punct" else ""
    return None


_TOO_MANY_TERMS = (
    f"the query's triple patterns hold more than {MAX_QUERY_PATTERN_TERMS} terms (subjects, predicates, objects, "
    "path steps, each pattern written out; items in parentheses count twice), more than the engines can plan in "
    "time: refused"
)
_TERM_KINDS = frozenset({"var", "iri", "pname", "string", "number", "bnode"})
#: Words after which a query's variables and expressions are not triple patterns until the next group.
_CLAUSE_WORDS = frozenset({"SELECT", "GROUP", "ORDER", "HAVING", "LIMIT", "OFFSET"})
#: The abbreviations that repeat terms of the pattern before: ``;`` its subject, ``,`` its subject and predicate
#: (``?s <p> ?a, ?b`` is two patterns of three terms, as written out).
_REUSING = {";": 1, ",": 2}
#: Words whose next term names a graph, a service or a function, not a triple pattern's term.
_NAMING_WORDS = frozenset({"GRAPH", "SERVICE", "SILENT", "FILTER"})
#: The brackets whose terms are a triple pattern's: a group, a blank node, a collection or a path in parentheses.
_PATTERN_CONTEXTS = frozenset({"group", "blank", "collection"})


def _too_many_pattern_terms(tokens: Sequence[Token]) -> int | None:
    """The offset of the triple patterns' term one past :data:`~kg.limits.MAX_QUERY_PATTERN_TERMS`, or None.

    Counted on the tokens, by the bracket each stands in: a group's ``{`` (its triple patterns' terms count,
    and each ``;`` one more, each ``,`` two: the subject and predicate they repeat), a blank node's ``[``
    (they count) and a collection's or a path's ``(`` inside a pattern (they count twice); and what does
    not count: an expression's ``(`` (after FILTER, BIND or a function's name, or in a SELECT, GROUP BY,
    ORDER BY or HAVING clause), a VALUES block and a CONSTRUCT template.
    """
    terms = 0
    stack: list[str] = []
    clause = data_next = False
    previous: Token | None = None
    before: Token | None = None
    for token in tokens:
        top = stack[-1] if stack else ""
        in_pattern = top in _PATTERN_CONTEXTS and not clause
        word = token.text.upper() if token.kind == "word" else ""
        named = previous is not None and previous.text.upper() in _NAMING_WORDS  # GRAPH ?g, FILTER <f>(…)
        if word in ("VALUES", "CONSTRUCT"):
            data_next = True
        elif word == "WHERE":
            clause = data_next = False
        elif word in _CLAUSE_WORDS:
            clause = True
        weight = 0
        if token.kind == "punct" and token.text in "{([":
            if token.text == "{":
                context = "data" if data_next or top == "data" else "group"
                clause = data_next = False
            elif in_pattern and not _opens_expression(token, previous, before):
                context = "blank" if token.text == "[" else "collection"
                weight = 1
            else:
                context = "data" if top == "data" else "expression"
            stack.append(context)
        elif token.kind == "punct" and token.text in "})]":
            if stack:
                stack.pop()
            clause = clause and token.text != "}"  # a subquery's GROUP BY … ends with its group
        elif in_pattern and token.kind == "punct" and token.text in _REUSING:
            weight = _REUSING[token.text]
        elif (
            in_pattern and not data_next and not named and (token.kind in _TERM_KINDS or word in ("A", "TRUE", "FALSE"))
        ):
            weight = 1 + (top == "collection")
        terms += weight
        if terms > MAX_QUERY_PATTERN_TERMS:
            return token.start
        before, previous = previous, token
    return None


def _opens_expression(token: Token, previous: Token | None, before: Token | None) -> bool:
    """True when the ``(`` ``token``, within a group, opens an expression: after FILTER, BIND or another word
    (a function's name), or after a function's IRI right after FILTER (``FILTER <f>(?x)``)."""
    if token.text != "(" or previous is None:
        return False
    if previous.kind == "word":
        return previous.text != "a"
    return previous.kind in ("iri", "pname") and before is not None and before.text.upper() == "FILTER"


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
