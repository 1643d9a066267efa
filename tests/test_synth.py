"""`kg synth`: a deterministic synthetic corpus that validates, with quotes that re-read at their offsets."""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg.errors import UsageError
from kg.namespaces import ID, ITSRDF, KG, NIF, RDF, RDFS
from kg.synth import synthesize, write_synth
from kg.validate import validate


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> tuple[bytes, Graph]:
    path = tmp_path_factory.mktemp("synth") / "three.ttl"
    write_synth(path, 3, seed=7)
    data = path.read_bytes()
    return data, Graph().parse(data=data.decode("utf-8"), format="turtle")


def test_three_articles_validate(three, tmp_path):
    path = tmp_path / "three.ttl"
    path.write_bytes(three[0])
    report = validate([path])
    assert report.conforms, report.format()


def test_same_seed_same_bytes_and_another_seed_other_bytes(three):
    assert synthesize(3, seed=7) == three[0]
    assert synthesize(3, seed=8) != three[0]
    assert synthesize(4, seed=7) != three[0]


def test_every_quote_re_reads_at_its_offsets_in_its_own_article(three):
    graph = three[1]
    articles = sorted(graph.subjects(RDF.type, KG.NewsArticle))
    assert articles == [ID["article/1"], ID["article/2"], ID["article/3"]]
    mentions = list(graph.subjects(RDF.type, KG.Mention))
    assert len(mentions) > 3 * 10
    for mention in mentions:
        text = str(graph.value(graph.value(mention, NIF.referenceContext), NIF.isString))
        begin, end = int(graph.value(mention, NIF.beginIndex)), int(graph.value(mention, NIF.endIndex))
        assert text[begin:end] == str(graph.value(mention, NIF.anchorOf))
        assert str(mention).endswith(f"/span/{begin}-{end}")


def test_real_entities_are_shared_across_articles_and_labelled_in_both_languages(three):
    graph = three[1]
    for entity in (ID["iran"], ID["kazakhstan"], ID["isna"]):
        assert {label.language for label in graph.objects(entity, RDFS.label)} == {"en", "fa"}
        contexts = {graph.value(m, NIF.referenceContext) for m in graph.subjects(ITSRDF.taIdentRef, entity)}
        assert len(contexts) == 3, entity  # Iran, Kazakhstan and ISNA are in every article


def test_article_count_out_of_range_is_a_usage_error():
    with pytest.raises(UsageError, match="--articles must be from 1 to 100000, not 0"):
        synthesize(0)


def test_kg_synth_writes_the_file_and_refuses_a_bad_count(kg, tmp_path):
    out = tmp_path / "corpus.ttl"
    done = kg("synth", "--articles", "2", "--seed", "3", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"wrote 2 synthetic article(s), seed 3: {out}\n"
    assert out.read_bytes() == synthesize(2, seed=3)
    refused = kg("synth", "--articles", "0", "--out", str(tmp_path / "none.ttl"))
    assert refused.returncode == 2
    assert "argument --articles: must be from 1 to 100000, not 0" in refused.stderr
    assert not (tmp_path / "none.ttl").exists()
