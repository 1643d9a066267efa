"""kg.sparql.policy: what a query may do (read only; SERVICE and FROM only if allowed; nesting), with positions."""

from __future__ import annotations

import pytest
from rdflib import Literal

from kg.errors import QueryError
from kg.limits import MAX_QUERY_NESTING, MAX_QUERY_PARTS, MAX_QUERY_PATTERN_TERMS
from kg.sparql import policy
from kg.sparql.files import read_query_text
from kg.sparql.policy import check_bounds, check_policy
from kg.sparql.syntax import Query, analyse
from kg.sparql.values import bind_params, prepare

SERVICE = "SERVICE is refused: queries do not reach the network (--allow-external permits it)"
FROM = "FROM and FROM NAMED are refused: queries do not load remote or file: graphs (--allow-external permits it)"
DEEP = (
    f"the query nests more than {MAX_QUERY_NESTING} levels deep ({{, ( and [ inside each other, "
    "operators chained), more than the parsers can read"
)


def refusal(text: str, **options) -> str:
    with pytest.raises(QueryError) as caught:
        check_policy(read_query_text(text, name="<-e>"), **options)
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            "SELECT * WHERE {\n  SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o }\n}",
            "2:3",
            "SERVICE is refused: queries do not reach the network (--allow-external permits it)",
        ),
        (
            "select * where { service silent ?endpoint { ?s ?p ?o } }",
            "1:18",
            "SERVICE is refused: queries do not reach the network (--allow-external permits it)",
        ),
        (
            "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
            "1:18",
            "SERVICE is refused: queries do not reach the network (--allow-external permits it)",
        ),
        (
            "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
            "1:10",
            "FROM and FROM NAMED are refused: queries do not load remote or file: graphs (--allow-external permits it)",
        ),
        (
            "SELECT *\nFROM NAMED <http://example.org/g>\nWHERE { GRAPH ?g { ?s ?p ?o } }",
            "2:1",
            "FROM and FROM NAMED are refused: queries do not load remote or file: graphs (--allow-external permits it)",
        ),
        (
            "PREFIX ex: <http://example.org/>\nLOAD <file:///etc/passwd> INTO GRAPH ex:g",
            "2:1",
            "SPARQL Update (LOAD) is refused: kg query only reads (kg push uploads data to a server)",
        ),
        (
            "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            "1:1",
            "SPARQL Update (INSERT) is refused: kg query only reads (kg push uploads data to a server)",
        ),
    ],
    ids=["service", "service-lowercase", "service-escaped", "from", "from-named", "load", "insert"],
)
def test_network_file_and_update_operations_are_refused_with_their_position(text, where, message):
    with pytest.raises(QueryError) as caught:
        check_policy(read_query_text(text, name="<-e>"))
    assert str(caught.value) == f"<-e>:{where}: {message}"


@pytest.mark.parametrize("parser", ["rdflib", "oxigraph"])
@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        # Oxigraph reads keywords without a word boundary: SERVICEab:x is SERVICE and ab:x
        ("SELECT * WHERE { SERVICEab:x { ?s ?p ?o } }", "1:18", SERVICE),
        ("SELECT * fRoM <urn:x> WHERE { ?s ?p ?o }", "1:10", FROM),
        ("SELECT * WHERE { \\u0046ROM <urn:x> }", "1:18", FROM),
        ("SELECT * WHERE {\n  OPTIONAL {\n    SERVICE <http://x/> { ?s ?p ?o } } }", "3:5", SERVICE),
        ("SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://x/> { } } }", "1:43", SERVICE),
        ("SELECT * { ?s ?p ?o }\n; CLEAR ALL", "2:3", "SPARQL Update (CLEAR) is refused: kg query only reads"),
        ("SELECT * WHERE {\n ?s ?p ?o .\n  DROP }", "3:3", "SPARQL Update (DROP) is refused: kg query only reads"),
        (
            "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
            "1:1",
            "SPARQL Update (WITH) is refused: kg query only reads (kg push uploads data to a server)",
        ),
    ],
)
def test_refusals_are_decided_as_the_engines_read_the_text(text, where, message, parser):
    assert refusal(text, parser=parser) == f"<-e>:{where}: {message}"


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { ?s ?p ?o }",
        "PREFIX SERVICEab: <http://x/> SELECT * WHERE { ?s ?p ?o }",  # a prefix declared, not the keyword
        "SELECT ?from WHERE { ?s ?p ?from }",
        "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
        'SELECT * WHERE { ?s ?p "FROM <x> SERVICE DELETE" }',
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> FROM <file:///etc/passwd>",
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:fromDate ?o ; ex:deleted ?d }",
        "SELECT * WHERE { ?s ?p 'سرویس FROM' }",
    ],
)
def test_reading_queries_that_only_mention_the_words_pass(text):
    for parser in ("rdflib", "oxigraph"):
        check_policy(read_query_text(text, name="<-e>"), parser=parser)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
        "SELECT * FROM <urn:g> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <urn:g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ],
)
def test_allow_external_permits_service_and_from(text):
    check_policy(read_query_text(text, name="<-e>"), allow_external=True)
    assert refusal(text).startswith("<-e>:1:")


@pytest.mark.parametrize(
    "text", ["DELETE WHERE { ?s ?p ?o }", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "CLEAR ALL", "DROP GRAPH <urn:g>"]
)
def test_allow_external_never_permits_an_update(text):
    assert "is refused: kg query only reads" in refusal(text, allow_external=True)


def test_nesting_up_to_the_limit_passes_one_more_is_refused_at_its_bracket():
    at_limit = MAX_QUERY_NESTING - 1  # the WHERE group is one level
    check_policy(read_query_text("SELECT * { " + "{" * at_limit + "}" * at_limit + " }", name="<-e>"))
    deeper = MAX_QUERY_NESTING
    text = "SELECT * { " + "{" * deeper + "}" * deeper + " }"
    assert refusal(text) == f"<-e>:1:{len('SELECT * { ') + deeper}: {DEEP}"


@pytest.mark.parametrize("opening", ["(", "["])
def test_every_kind_of_bracket_counts_towards_the_nesting(opening):
    text = "SELECT * WHERE {\n ?s ?p " + opening * MAX_QUERY_NESTING + " }"
    assert refusal(text) == f"<-e>:2:{len(' ?s ?p ') + MAX_QUERY_NESTING}: {DEEP}"


def test_brackets_inside_an_iri_token_count_too():
    """``?a<((...))>?b`` is an IRI to the tokenizer, a comparison with nested brackets to Oxigraph."""
    text = "SELECT * { FILTER(?a<" + "(" * MAX_QUERY_NESTING + ">?b) }"
    assert refusal(text).endswith(DEEP)


def _counting_tokens(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of tokens of each text read, by kg's tokenizer wherever it is called, in order."""
    from kg.sparql import syntax

    real, counts = syntax.tokenize, []

    def counted(text: str):
        counts.append(0)
        for token in real(text):
            counts[-1] += 1
            yield token

    monkeypatch.setattr(syntax, "tokenize", counted)
    monkeypatch.setattr(policy, "tokenize", counted)
    return counts


@pytest.mark.parametrize("how", ["served", "read-from-a-file", "prepared"])
def test_a_nesting_too_deep_is_refused_at_its_bracket_without_reading_the_rest(monkeypatch, how):
    """A hostile text of 100 000 braces (kg serve's /query, a query file, the library's run) is refused after
    reading some thousand tokens, not tokenized whole first (that cost kg serve 0.12 s of CPU a request)."""
    counts = _counting_tokens(monkeypatch)
    text = f"SELECT * WHERE {{ # {how}\n" + "{" * 100_000 + "}" * 100_000 + " }"
    query = Query("<request>", text) if how == "served" else read_query_text(text, name="<-e>")
    if how == "prepared":
        bind_params(query)  # what the library does first with a query
        with pytest.raises(QueryError) as caught:
            check_bounds(query)
    else:
        with pytest.raises(QueryError) as caught:
            check_policy(query, parser="oxigraph")
    assert str(caught.value).endswith(f":2:{MAX_QUERY_NESTING}: {DEEP}")
    assert counts == [len(["SELECT", "*", "WHERE", "{"]) + MAX_QUERY_NESTING]


def test_a_text_within_the_bounds_is_tokenized_once_for_the_policy_and_its_reading(monkeypatch):
    """A large legitimate text (a VALUES block of 150 KB) is read once: the policy's bounds read it token by token,
    and its reading (analyse: the form, the groups, the policy's other checks) takes the tokens they read."""
    counts = _counting_tokens(monkeypatch)
    values = " ".join(f'"v{i}"' for i in range(20_000))
    query = read_query_text(f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} ?x ?p ?o }}", name="<-e>")
    check_policy(query, parser="oxigraph")
    check_policy(query, parser="oxigraph")  # the verdict is kept, as the reading is
    assert counts == [20_000 + 12]
    assert analyse(query.text).form == "SELECT" and len(analyse(query.text).tokens) == 20_000 + 12
    assert counts == [20_000 + 12]


def test_a_text_run_after_a_line_of_prefixes_is_tokenized_once_too(monkeypatch):
    """A large text that uses the project's prefixes without declaring them runs after a line that declares them:
    its reading takes the query's tokens moved past that line (only the line is tokenized), the same tokens
    as tokenizing the whole text would give."""
    from kg.sparql import syntax

    real = syntax.tokenize
    counts = _counting_tokens(monkeypatch)
    values = " ".join(f'"v{i}"' for i in range(20_000))
    query = Query("<request>", f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }}\n  ?x kg:label ?o }}")
    check_policy(query, parser="oxigraph")
    assert counts == [20_000 + 12, len(["PREFIX", "kg:", "<iri>"])]
    prepared = prepare(query)
    assert prepared.prologue_lines == 1
    assert analyse(prepared.text).tokens == tuple(real(prepared.text))


def test_values_written_into_the_text_count_towards_the_bounds():
    """The bounds hold for the text that runs: a value given for a variable without a VALUES line of its own goes
    into a VALUES block, one part more."""
    text = _chain("bind", MAX_QUERY_PARTS - 1).replace("SELECT * {", "SELECT * { ?s ?p ?z")
    query = read_query_text(text, name="<-e>")
    check_policy(prepare(query, {"z": ("l", "a value", None, None)}), **_COUNTED)  # 500 parts
    many = read_query_text(_chain("bind", MAX_QUERY_PARTS).replace("SELECT * {", "SELECT * { ?s ?p ?z"), name="<-e>")
    check_policy(prepare(many), **_COUNTED)  # 500 parts, no value
    with pytest.raises(QueryError) as caught:
        check_policy(prepare(many, {"z": ("l", "a value", None, None)}), **_COUNTED)  # 501
    assert str(caught.value).endswith(_PARTS)


_PARTS = (
    f"the query chains more than {MAX_QUERY_PARTS} parts (BIND, OPTIONAL, MINUS, UNION, VALUES, GRAPH, FILTER, groups "
    "side by side, expressions of the SELECT clause, resources to DESCRIBE), more than the engines can plan: refused"
)
#: One part of each kind, as a query chains them in one group (their groups hold no triple pattern: 500 parts
#: of one pattern each are past the bound on the patterns' terms, which test_terms_* try).
_PART_OF = {
    "bind": "BIND({i} AS ?b{i})",
    "optional": "OPTIONAL {{ FILTER(?o{i}) }}",
    "minus": "MINUS {{ }}",
    "values": "VALUES ?v{i} {{ {i} }}",
    "graph": "GRAPH ?g{i} {{ }}",
    "side-by-side": "{{ FILTER(?x{i}) }}",
    "mixed": ("bind({i} as ?b{i})", "Optional {{ }}", "{{ }}", "values ?v{i} {{ 1 }}"),
}


def _chain(kind: str, n: int) -> str:
    shape = _PART_OF[kind]
    parts = [(shape[i % len(shape)] if isinstance(shape, tuple) else shape).format(i=i) for i in range(n)]
    if kind == "side-by-side":
        parts.insert(0, "{ ?s ?p ?o }")  # the first group joins nothing yet
    return "SELECT * {\n" + "\n".join(parts) + "\n}"


#: The parts are counted on the tokens, before either parser's reading; rdflib's parse of a query of 500 parts (0.5 to
#: 1 s of CPU each) could only add a SERVICE or FROM refusal, and these queries have none: the passing texts are
#: checked as for Oxigraph, which decides on the tokens alone.
_COUNTED = {"parser": "oxigraph"}


@pytest.mark.parametrize("kind", [*_PART_OF, "union"])
def test_parts_up_to_the_limit_pass_one_more_is_refused_at_it(kind):
    """1 000 BINDs in a row overflowed the stack of the Oxigraph server's thread (``kg serve`` lost its store)."""
    if kind == "union":  # n parts: n + 1 groups joined by UNION
        texts = ["SELECT * { " + " UNION ".join(["{ FILTER(?o) }"] * (n + 1)) + " }" for n in (500, 501)]
        where = len("SELECT * { ") + 501 * len("{ FILTER(?o) } UNION ") - len("UNION ") + 1
        check_policy(read_query_text(texts[0], name="<-e>"), **_COUNTED)
        assert refusal(texts[1]) == f"<-e>:1:{where}: {_PARTS}"
        return
    check_policy(read_query_text(_chain(kind, MAX_QUERY_PARTS), name="<-e>"), **_COUNTED)
    line = MAX_QUERY_PARTS + 2 + (kind == "side-by-side")  # the SELECT line, (the first group,) the parts
    assert refusal(_chain(kind, MAX_QUERY_PARTS + 1)) == f"<-e>:{line}:1: {_PARTS}"


#: Chains the served Oxigraph's stack could not hold at 3 000 (expressions, DESCRIBE) or 10 000 (FILTERs): n parts.
_MORE_PARTS = {
    "filters in one group": lambda n: "SELECT * { " + " ".join(["FILTER(true)"] * (n + 1)) + " }",
    "select expressions": lambda n: "SELECT " + " ".join(f"(1 AS ?v{i})" for i in range(n)) + " {}",
    "aggregates": lambda n: "SELECT " + " ".join(f"(COUNT(?s) AS ?c{i})" for i in range(n)) + " { ?s ?p ?o }",
    "describe": lambda n: "DESCRIBE " + " ".join(f"<urn:x{i}>" for i in range(n)),
}


@pytest.mark.parametrize("kind", _MORE_PARTS)
def test_filters_select_expressions_and_described_resources_are_parts_too(kind):
    check_policy(read_query_text(_MORE_PARTS[kind](MAX_QUERY_PARTS), name="<-e>"), **_COUNTED)
    assert refusal(_MORE_PARTS[kind](MAX_QUERY_PARTS + 1)).endswith(_PARTS)


def test_filters_in_groups_of_their_own_and_binds_as_are_not_counted_twice():
    many = MAX_QUERY_PARTS
    for text in (
        "SELECT * { " + " ".join(f"OPTIONAL {{ FILTER(?o{i}) }}" for i in range(many)) + " }",
        "SELECT * { " + " ".join(f"BIND({i} AS ?b{i})" for i in range(many)) + " }",
        "DESCRIBE ?s WHERE { " + " ".join(f"BIND({i} AS ?b{i})" for i in range(many - 1)) + " }",
    ):
        check_policy(read_query_text(text, name="<-e>"), **_COUNTED)


def test_parts_are_counted_as_keywords_not_as_names_strings_iris_or_comments():
    many = MAX_QUERY_PARTS + 1
    decoys = [
        "SELECT * { ?s ?p ?o "
        + " ".join(f'FILTER(?o != "BIND UNION {{}} {{}}" && ?bind{i} != ?optional)' for i in range(MAX_QUERY_PARTS))
        + " }",
        "SELECT * { ?s ?p ?o FILTER(?o IN ("
        + ", ".join(f"<urn:x:MINUS{i}>, x:values{i}" for i in range(many))
        + ")) }",
        "SELECT * { ?s ?p ?o\n" + "\n".join(f"# OPTIONAL {{ }} {{ }} GRAPH {i}" for i in range(many)) + "\n}",
        "SELECT * { " + "{ " * many + "}" * many + " }",  # nested, not side by side: the nesting bound's business
    ]
    for text in decoys:
        check_policy(read_query_text(text, name="<-e>"), **_COUNTED)


def test_the_position_is_in_the_query_file_not_in_the_text_run():
    """Project prefixes put in front and values written in do not move the position reported."""
    q = read_query_text("SELECT ?x WHERE { ?x kgi:p ?o .\n  SERVICE <http://x/> { } }", name="q")
    prepared = prepare(q, {"o": Literal("a value longer than its place")})
    assert prepared.prologue_lines == 1
    with pytest.raises(QueryError) as caught:
        check_policy(prepared)
    assert str(caught.value) == f"q:2:3: {SERVICE}"


def test_oxigraph_queries_are_decided_without_the_rdflib_parse(monkeypatch):
    def refuse_to_parse(text):
        raise AssertionError("rdflib parse made for an Oxigraph query")

    monkeypatch.setattr(policy, "_rdflib_parse", refuse_to_parse)
    check_policy(read_query_text("SELECT * { ?s ?p ?o }"), parser="oxigraph")
    with pytest.raises(AssertionError, match="rdflib parse made"):
        check_policy(read_query_text("SELECT * { ?s ?p ?o }"), parser="rdflib")


@pytest.mark.parametrize(
    ("text", "part", "found"),
    [
        ("SELECT * WHERE { OPTIONAL { SERVICE <http://x/> { ?s ?p ?o } } }", "ServiceGraphPattern", True),
        ("SELECT * WHERE { { SELECT * { SERVICE <http://x/> { } } } }", "ServiceGraphPattern", True),
        ("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }", "datasetClause", True),
        ("SELECT * WHERE { ?s ?p ?o }", "ServiceGraphPattern", False),
        ("SELECT * WHERE { ?s ?p ?o }", "datasetClause", False),
    ],
)
def test_the_rdflib_parse_is_searched_at_any_depth(text, part, found):
    assert policy._finds(policy._rdflib_parse(text), part) is found


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "update"), ("", "update"), ("SELECT * WHERE {", None)],
)
def test_the_rdflib_parse_tells_an_update_and_text_that_is_neither_query_nor_update(text, parsed):
    assert policy._rdflib_parse(text) == parsed


# --------------------------------------------------------------------------- triple patterns' terms

TERMS = (
    f"the query's triple patterns hold more than {MAX_QUERY_PATTERN_TERMS} terms (subjects, predicates, objects, "
    "path steps, each pattern written out; items in parentheses count twice), more than the engines can plan in "
    "time: refused"
)


#: Query shapes Oxigraph plans in more than linear time: each a text of ``k`` repetitions and its terms, written out.
_SHAPES = {
    # ?s <p0> ?o0 ; <p1> ?o1 …: each ; repeats ?s
    "star": (lambda k: "SELECT * {\n?s " + " ;\n".join(f"<urn:p{i}> ?o{i}" for i in range(k)) + " }", lambda k: 3 * k),
    # ?s <p> ?o0 , ?o1 …: each , repeats ?s <p>
    "list": (lambda k: "SELECT * {\n?s <urn:p> " + " ,\n".join(f"?o{i}" for i in range(k)) + " }", lambda k: 3 * k),
    # ?v0 <p> ?v1 . ?v1 <p> ?v2 …
    "chain": (
        lambda k: "SELECT * {\n" + "\n".join(f"?v{i} <urn:p> ?v{i + 1} ." for i in range(k)) + " }",
        lambda k: 3 * k,
    ),
    # ?s <p>/<p>/… ?o: each step one term
    "path": (lambda k: "SELECT * {\n?s " + "/\n".join(["<urn:p>"] * k) + " ?o }", lambda k: k + 2),
    # ?s <p> [ <p> [ … <p> 1 ] ]: each level its predicate and node
    "blank": (lambda k: "SELECT * {\n?s " + "<urn:p> [\n" * k + "<urn:p> 1" + " ]" * k + " }", lambda k: 2 * k + 3),
    # OPTIONAL { ?s <q> ?xi } …
    "optionals": (
        lambda k: "SELECT * {\n" + "\n".join(f"OPTIONAL {{ ?s <urn:q> ?x{i} }}" for i in range(k)) + "\n}",
        lambda k: 3 * k,
    ),
}


@pytest.mark.parametrize("shape", list(_SHAPES))
def test_terms_up_to_the_limit_pass_one_more_is_refused_at_it(shape):
    """A star of 200 patterns planned over 20 s on the Oxigraph server, an empty store, its time limit 5 s:
    the planning is not stopped by the limit (measured: 100 patterns 2.6 s, 64 0.6 s)."""
    text, terms = _SHAPES[shape]
    most = max(k for k in range(1, MAX_QUERY_PATTERN_TERMS + 1) if terms(k) <= MAX_QUERY_PATTERN_TERMS)
    check_policy(read_query_text(text(most), name="<-e>"), **_COUNTED)
    assert refusal(text(most + 1)).endswith(TERMS), shape
    assert refusal(text(most + 1)).startswith("<-e>:")


def test_a_collections_items_count_twice():
    items = (MAX_QUERY_PATTERN_TERMS - 3) // 2  # ?s <p> and the collection itself: 3
    at = "SELECT * { ?s <urn:p> ( " + " ".join(["1"] * items) + " ) }"
    check_policy(read_query_text(at, name="<-e>"), **_COUNTED)
    past = "SELECT * { ?s <urn:p> ( " + " ".join(["1"] * (items + 1)) + " ) }"
    assert refusal(past) == f"<-e>:1:{len('SELECT * { ?s <urn:p> ( ') + 2 * items + 1}: {TERMS}"


def test_what_is_not_a_triple_pattern_does_not_count():
    """VALUES rows, IN lists, a function's arguments, a SELECT's expressions, GROUP BY and ORDER BY, a CONSTRUCT
    template, the graph of GRAPH and the function of FILTER: as many as the other bounds allow."""
    many = 5 * MAX_QUERY_PATTERN_TERMS
    items = " ".join(f"<urn:x{i}>" for i in range(many))
    listed = ", ".join(f"<urn:x{i}>" for i in range(many))
    texts = [
        f"SELECT * {{ ?s ?p ?o VALUES ?o {{ {items} }} }}",
        f"SELECT * {{ ?s ?p ?o VALUES (?o ?p) {{ {' '.join(f'(<urn:x{i}> {i})' for i in range(many))} }} }}",
        f"SELECT * {{ ?s ?p ?o FILTER(?o IN ({listed})) }}",
        f"SELECT (CONCAT({listed}) AS ?c) {{ ?s ?p ?o }} GROUP BY {items} ORDER BY {items}",
        f"SELECT * {{ {{ SELECT (COALESCE({listed}) AS ?c) {{ ?s ?p ?o }} GROUP BY {items} }} ?c ?p ?o }}",
        "CONSTRUCT { " + " ".join(f"?s <urn:p{i}> ?o ." for i in range(many)) + " } WHERE { ?s ?p ?o }",
        "SELECT * { " + " ".join(f"GRAPH <urn:g{i}> {{ }}" for i in range(many // 2)) + " }",
        "SELECT * { ?s ?p ?o " + " ".join(f"FILTER <urn:f{i}>(?o)" for i in range(many // 2)) + " }",
    ]
    for text in texts:
        check_policy(read_query_text(text, name="<-e>"), **_COUNTED)


def test_a_subquerys_patterns_count_after_its_group_by():
    inner = "{ SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s ORDER BY DESC(?n) } "
    text, _ = _SHAPES["star"]
    star = text((MAX_QUERY_PATTERN_TERMS - 3) // 3).replace("SELECT * {\n", "SELECT * {\n" + inner, 1)
    check_policy(read_query_text(star, name="<-e>"), **_COUNTED)
    assert refusal(star.replace("} ?s ", "} ?s <urn:r> ?t ; ", 1)).endswith(TERMS)


@pytest.mark.parametrize("operator", ["+", "*", "-", "||", "&&", "/", "|", "!"])
def test_chained_operators_nest(operator):
    """10 000 chained ``+``, ``||``, ``&&``, ``*`` or ``!`` overflowed the Oxigraph server's stack (5 000 were read):
    each link counts as a level of nesting, with the brackets around it."""
    links = MAX_QUERY_NESTING - 2  # inside { and (
    if operator == "!":
        chain = "!" * links + "true"
    elif operator in ("/", "|"):  # a path, inside { only; its own steps are bounded as terms too
        return _check_path_operator(operator)
    else:
        chain = operator.join(["1"] * (links + 1))
    text = "SELECT ?x { BIND(" + chain + " AS ?x) }"
    check_policy(read_query_text(text, name="<-e>"), **_COUNTED)
    longer = text.replace("BIND(", "BIND(" + ("!" if operator == "!" else "1" + operator), 1)
    assert refusal(longer).endswith(DEEP)


def _check_path_operator(operator):
    over = "SELECT * { ?s " + operator.join(["<urn:p>"] * 2 * MAX_QUERY_NESTING) + " ?o }"
    assert refusal(over).endswith((DEEP, TERMS))


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { VALUES ?x { " + " ".join(["-1"] * 2000) + " } }",  # signs of data, not operators
        "SELECT * { VALUES (?x ?y) { " + " ".join(["(-1 +2)"] * 2000) + " } }",
        "SELECT ?c { BIND(CONCAT(" + ", ".join(["1+1"] * 2000) + ") AS ?c) }",  # each argument a tree of its own
        "SELECT * { FILTER(1 IN (" + ", ".join(["-1"] * 2000) + ")) }",
        "SELECT * { " + " . ".join(f"?s <urn:p> ?o{i} FILTER(?o{i} != -1)" for i in range(40)) + " }",
    ],
    ids=["values", "values-rows", "arguments", "in-list", "patterns"],
)
def test_what_does_not_chain_is_not_counted_as_nesting(text):
    """Regression: a VALUES block of 1 001 negative numbers, or CONCAT of 1 001 sums, was refused as nested too deep."""
    check_policy(read_query_text(text, name="<-e>"), **_COUNTED)
