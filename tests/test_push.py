"""kg.push against a fake Graph Store endpoint on 127.0.0.1 (tests/loopback.py): what is sent, where, how,
and what a refusal says. The real Oxigraph server takes pushes in tests/test_serve.py."""

from __future__ import annotations

import urllib.parse

import pyoxigraph
import pytest

from kg.errors import EndpointError, UsageError
from kg.push import DEFAULT_GRAPH, graph_store_url, push
from loopback import FakeEndpoint


@pytest.fixture
def endpoint():
    fake = FakeEndpoint(status=204).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("push") / "data.nt"
    path.write_text('<urn:x> <http://www.w3.org/2000/01/rdf-schema#label> "همکاری‌ها"@fa .\n', encoding="utf-8")
    return [path]


@pytest.mark.parametrize(
    ("url", "graph", "address"),
    [
        ("http://h/store", "default", "http://h/store?default"),
        ("http://h/store", "https://w3id.org/x#g", "http://h/store?graph=https%3A%2F%2Fw3id.org%2Fx%23g"),
        ("http://h/crud?key=1", "urn:g", "http://h/crud?key=1&graph=urn%3Ag"),
    ],
)
def test_the_graph_store_address_names_the_graph(url, graph, address):
    assert graph_store_url(url, graph) == address


def test_the_graph_is_put_as_n_triples_into_the_dataset_graph(endpoint, data):
    pushed = push(endpoint.url, data, entailment="none")
    ((method, path, headers, body),) = endpoint.seen
    assert method == "PUT" and headers["Content-Type"] == "application/n-triples"
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(path).query) == {"graph": [DEFAULT_GRAPH]}
    sent = list(pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert len(sent) == pushed.triples > 1  # the ontology and vocabularies go too
    assert any(t.object == pyoxigraph.Literal("همکاری‌ها", language="fa") for t in sent)
    assert (pushed.endpoint, pushed.graph, pushed.status) == (endpoint.url, DEFAULT_GRAPH, 204)


def test_append_posts_into_the_graph_named_and_the_closure_goes_too(endpoint, data):
    asserted = push(endpoint.url, data, entailment="none", graph="default").triples
    closed = push(endpoint.url, data, append=True, graph="default")
    assert [(m, p.rsplit("?", 1)[1]) for m, p, _, _ in endpoint.seen] == [("PUT", "default"), ("POST", "default")]
    assert closed.triples > asserted


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"endpoint": "127.0.0.1:7878/store"},
            "not an http(s) URL: '127.0.0.1:7878/store' (give the scheme: http://127.0.0.1:7878/store)",
        ),
        ({"graph": "relative/graph"}, "the graph name must be an absolute IRI (or 'default'): 'relative/graph'"),
    ],
)
def test_wrong_arguments_are_a_usage_error_before_anything_is_sent(endpoint, data, options, message):
    target = options.pop("endpoint", endpoint.url)
    with pytest.raises(UsageError) as caught:
        push(target, data, **options)
    assert str(caught.value) == message
    assert endpoint.seen == []


def test_a_refusal_names_the_endpoint_its_status_and_what_it_said(data):
    fake = FakeEndpoint(status=403, headers={"Content-Type": "text/plain"}, body=b"read-only store").start()
    try:
        with pytest.raises(EndpointError) as caught:
            push(fake.url, data, entailment="none")
    finally:
        fake.stop()
    message = str(caught.value)
    assert message.startswith(f"{fake.url}: HTTP 403 ")
    assert message.endswith(": read-only store")
    assert "?graph=" not in message  # the endpoint as given, not the graph's address
