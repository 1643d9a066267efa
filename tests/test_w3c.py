"""W3C RDF 1.1 conformance: Turtle, N-Triples, TriG and N-Quads suites through our reader and every writer.

* Every positive test (eval and syntax) is read by :mod:`kg.load`; an eval test's
  result must be isomorphic to its expected ``.nt``/``.nq``. Then each of our six
  writers writes it, and pyoxigraph's re-read of that text must be isomorphic to
  the expected graph (named graphs merged for the triple formats) -- or the writer
  must refuse it with the message listed in :data:`EXCEPTIONS`.
* Every negative syntax test is refused by our reader with ``file:line:column``,
  and by ``kg validate --data`` and ``kg export --data`` (exit 2, same position).

The suites are vendored in ``tests/w3c`` (see its README.md and LICENSE.md).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest

from kg.cli import main
from kg.errors import LoadError, OutputError
from kg.formats import FORMATS
from kg.load import read_quads
from kg.writers import serialize

SUITES = Path(__file__).parent / "w3c"
BASE = "https://w3c.github.io/rdf-tests/rdf/rdf11/"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
RDFT = "http://www.w3.org/ns/rdftest#"
RDF_TYPE = pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

_NT_CONTROLS = ("literal_all_controls", "literal_ascii_boundaries", "literal_with_BACKSPACE", "literal_with_FORM_FEED")
_TURTLE_CONTROLS = (
    "LITERAL1_all_controls",
    "LITERAL1_ascii_boundaries",
    "LITERAL2_ascii_boundaries",
    "LITERAL_LONG1_ascii_boundaries",
    "LITERAL_LONG2_ascii_boundaries",
    "literal_with_BACKSPACE",
    "literal_with_FORM_FEED",
    "literal_with_escaped_BACKSPACE",
    "literal_with_escaped_FORM_FEED",
)
#: The one list of writer exceptions, by reason: (writer, start of its refusal, why) -> the tests it applies to.
_EXCEPTIONS_BY_REASON: dict[tuple[str, str, str], list[str]] = {
    (
        "xml",
        "RDF/XML cannot hold the character U+",
        "XML 1.0 §2.2 allows no C0 control character but tab, LF and CR, not even as a character reference",
    ): [
        *(f"{suite}/{name}" for suite in ("rdf-n-triples", "rdf-n-quads") for name in _NT_CONTROLS),
        *(f"{suite}/{name}" for suite in ("rdf-turtle", "rdf-trig") for name in _TURTLE_CONTROLS),
    ],
    (
        "xml",
        "RDF/XML cannot write the property <",
        "an RDF/XML property element is an XML QName, so the property IRI must end in an NCName (RDF/XML §2.2)",
    ): [
        f"{suite}/{syntax}-syntax-{name}"
        for suite, syntax in (("rdf-turtle", "turtle"), ("rdf-trig", "trig"))
        for name in ("ln-colons", "pname-esc-03", "prefix-05", "prefix-09")
    ]
    + ["rdf-trig/trig-syntax-minimal-whitespace-01"],
}
EXCEPTIONS: dict[tuple[str, str], dict[str, str]] = {}
for (_writer, _refusal, _why), _tests_of in _EXCEPTIONS_BY_REASON.items():
    for _test in _tests_of:
        _suite, _name = _test.split("/")
        EXCEPTIONS.setdefault((_suite, _name), {})[_writer] = _refusal


def _tests() -> list[tuple[str, str, str, Path, Path | None]]:
    """(suite, name, kind, action file, result file) for every test of the four manifests."""
    found = []
    for suite in sorted(p.name for p in SUITES.iterdir() if p.is_dir()):
        base = f"{BASE}{suite}/"
        manifest = pyoxigraph.Dataset(
            pyoxigraph.parse(path=str(SUITES / suite / "manifest.ttl"), base_iri=base + "manifest.ttl")
        )
        for quad in manifest.quads_for_predicate(RDF_TYPE):
            kind = quad.object.value
            if not kind.startswith(RDFT):
                continue
            test = quad.subject
            props = {q.predicate.value[len(MF) :]: q.object.value for q in manifest.quads_for_subject(test)}
            result = props.get("result")
            found.append(
                (
                    suite,
                    props.get("name") or test.value.rsplit("#", 1)[-1],
                    kind[len(RDFT) :],
                    SUITES / suite / props["action"].rsplit("/", 1)[-1],
                    SUITES / suite / result.rsplit("/", 1)[-1] if result else None,
                )
            )
    return sorted(found, key=lambda t: (t[0], t[1]))


TESTS = _tests()
POSITIVE = [t for t in TESTS if "Negative" not in t[2]]
NEGATIVE = [t for t in TESTS if "Negative" in t[2]]


def _ids(tests: list[tuple[str, str, str, Path, Path | None]]) -> list[str]:
    return [f"{suite}/{name}" for suite, name, *_ in tests]


def _canonical(quads: list[pyoxigraph.Quad], *, merge: bool = False) -> pyoxigraph.Dataset:
    if merge:
        quads = [pyoxigraph.Quad(q.subject, q.predicate, q.object, pyoxigraph.DefaultGraph()) for q in quads]
    dataset = pyoxigraph.Dataset(quads)
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def test_the_suites_are_all_there():
    """Counts per suite and kind, so a lost manifest entry or file cannot pass silently."""
    counts = Counter((suite, kind) for suite, _, kind, _, _ in TESTS)
    assert counts == {
        ("rdf-n-quads", "TestNQuadsNegativeSyntax"): 34,
        ("rdf-n-quads", "TestNQuadsPositiveSyntax"): 53,
        ("rdf-n-triples", "TestNTriplesNegativeSyntax"): 29,
        ("rdf-n-triples", "TestNTriplesPositiveSyntax"): 41,
        ("rdf-trig", "TestTrigEval"): 143,
        ("rdf-trig", "TestTrigNegativeSyntax"): 115,
        ("rdf-trig", "TestTrigPositiveSyntax"): 98,
        ("rdf-turtle", "TestTurtleEval"): 145,
        ("rdf-turtle", "TestTurtleNegativeSyntax"): 94,
        ("rdf-turtle", "TestTurtlePositiveSyntax"): 74,
    }
    assert all(action.is_file() for *_, action, _ in TESTS)
    assert all(result.is_file() for *_, result in TESTS if result is not None)


@pytest.mark.parametrize(("suite", "name", "kind", "action", "result"), POSITIVE, ids=_ids(POSITIVE))
def test_positive_tests_read_and_survive_every_writer(suite, name, kind, action, result):
    base = f"{BASE}{suite}/{action.name}"
    quads = read_quads(action, base_iri=base)
    if result is not None:
        expected = read_quads(result, base_iri=base)
        assert _canonical(quads) == _canonical(expected), "the reader's graph differs from the expected result"
    else:
        expected = quads
    exceptions = EXCEPTIONS.get((suite, name), {})
    for fmt in FORMATS.values():
        if fmt.name in exceptions:
            with pytest.raises(OutputError, match=re.escape(exceptions[fmt.name])):
                serialize(quads, fmt)
            continue
        text = serialize(quads, fmt)
        back = list(pyoxigraph.parse(text.encode("utf-8"), format=fmt.oxigraph))
        merge = not fmt.dataset
        assert _canonical(back, merge=merge) == _canonical(expected, merge=merge), f"{fmt.title} does not read back"


def test_every_listed_exception_is_a_real_test():
    names = {(suite, name) for suite, name, *_ in POSITIVE}
    assert set(EXCEPTIONS) <= names


_POSITION = r":(\d+):(\d+): "


@pytest.mark.parametrize(("suite", "name", "kind", "action", "result"), NEGATIVE, ids=_ids(NEGATIVE))
def test_negative_tests_are_refused_with_a_position(suite, name, kind, action, result, capsys):
    with pytest.raises(LoadError) as caught:
        read_quads(action, base_iri=f"{BASE}{suite}/{action.name}")
    error = caught.value
    assert error.line is not None and error.column is not None, str(error)
    where = f"{action}:{error.line}:{error.column}: "
    assert str(error).startswith(where)
    for command in (["validate", "--data", str(action)], ["export", "--data", str(action)]):
        assert main(command) == 2, command
        captured = capsys.readouterr()
        assert captured.out == ""
        assert where in captured.err, (command, captured.err)
