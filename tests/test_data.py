"""The shipped data against the article: inventory, offsets, labels, links, periods, slips, coverage."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict

import jdatetime
import pytest
from rdflib import Literal

from kg import resources
from kg.namespaces import ID, ITSRDF, KG, NIF, OWL, RDF, RDFS, SDO, SKOS, TIME, WD, XSD

# The inventory derived from reading the article, class by class (direct rdf:type).
# Each line names what the article says; a change to the data must change this table.
INVENTORY: dict[str, set[str]] = {
    # Places. Turkmenistan and Almaty are never named correctly; the slips bring them in.
    "Country": {
        "kgi:iran", "kgi:kazakhstan", "kgi:russia", "kgi:china", "kgi:turkey", "kgi:syria", "kgi:ukraine",
        "kgi:united-states", "kgi:qatar", "kgi:tajikistan", "kgi:venezuela", "kgi:turkmenistan",
    },
    "City": {"kgi:tehran", "kgi:astana", "kgi:almaty"},
    "Region": {"kgi:central-asia", "kgi:asia", "kgi:east-asia", "kgi:west-asia", "kgi:south-asia", "kgi:europe"},
    "BodyOfWater": {"kgi:caspian-sea"},
    "CountryGroup": {"kgi:the-west", "kgi:iran-neighbours", "kgi:caspian-littoral-states"},
    # People: Tokayev, the Supreme Leader, Raisi, Faraji-Rad and the four visiting leaders.
    "Person": {
        "kgi:kassym-jomart-tokayev", "kgi:ali-khamenei", "kgi:ebrahim-raisi", "kgi:abdolreza-faraji-rad",
        "kgi:tamim-bin-hamad-al-thani", "kgi:emomali-rahmon", "kgi:nicolas-maduro", "kgi:serdar-berdimuhamedow",
    },
    "Post": {
        "post:president-of-kazakhstan", "post:president-of-iran", "post:supreme-leader-of-iran",
        "post:professor-of-geopolitics", "post:emir-of-qatar", "post:president-of-tajikistan",
        "post:president-of-venezuela", "post:president-of-turkmenistan", "post:rai-managing-director",
        "post:ktz-managing-director", "post:customs-spokesperson",
    },
    # Organisations: the parties of the eight documents, the publisher, customs, NATO, the delegation.
    "Government": {"kgi:iran-13th-government"},
    "Ministry": {
        "kgi:iran-mfa", "kgi:kazakhstan-mfa", "kgi:iran-ministry-of-culture",
        "kgi:kazakhstan-ministry-of-culture-and-sports", "kgi:iran-ministry-of-industry",
        "kgi:kazakhstan-ministry-of-trade", "kgi:iran-ministry-of-agriculture",
        "kgi:kazakhstan-ministry-of-agriculture",
    },
    "ResearchInstitute": {
        "kgi:iran-mfa-centre-for-political-studies", "kgi:kazakhstan-foreign-policy-research-institute",
    },
    "GovernmentBody": {"kgi:iran-customs"},
    "Company": {"kgi:nioc", "kgi:kazmunaygas", "kgi:rai", "kgi:ktz"},
    "NewsOrganization": {"kgi:isna", "kgi:irib", "kgi:kazakhstan-state-news-agency"},
    "InternationalOrganization": {"kgi:nato"},
    "Delegation": {"kgi:tokayev-delegation"},
    # The eight documents «among» those concluded during the visit.
    "Agreement": {
        "agreement:political-studies-mou-2022", "agreement:cultural-exchange-programme-2022",
        "agreement:analytical-studies-mou-2022", "agreement:bilateral-trade-mou-2022",
        "agreement:agricultural-trade-transit-mou-2022", "agreement:media-mou-2022", "agreement:oil-and-gas-mou-2022",
        "agreement:rail-cooperation-mou-2022",
    },
    # Corridors, the route and the train.
    "TransportCorridor": {"kgi:east-west-corridor", "kgi:north-south-corridor"},
    "CorridorSection": {"kgi:east-west-corridor-iranian-section"},
    "Route": {"kgi:kazakhstan-iran-turkey-rail-route"},
    "RouteStop": {
        "kgi:kazakhstan-iran-turkey-rail-route-stop-1", "kgi:kazakhstan-iran-turkey-rail-route-stop-2",
        "kgi:kazakhstan-iran-turkey-rail-route-stop-3",
    },
    "Train": {"kgi:first-container-train"},
    # Events of the visit, and those the article recalls.
    "StateVisit": {"event:tokayev-state-visit-2022"},
    "Visit": {
        "event:tamim-visit-to-tehran", "event:rahmon-visit-to-tehran", "event:maduro-visit-to-tehran",
        "event:berdimuhamedow-visit-to-tehran",
    },
    "Meeting": {"event:khamenei-tokayev-meeting", "event:raisi-tokayev-meeting", "event:astana-trilateral-meeting"},
    "Negotiation": {"event:political-talks-2022", "event:almaty-nuclear-talks"},
    "PeaceProcess": {"event:astana-peace-process"},
    "Ceremony": {"event:container-train-ceremony", "event:rail-mou-signing"},
    "Conflict": {"event:war-in-ukraine"},
    "Event": {"event:kazakhstan-independence"},
    "BilateralRelation": {"kgi:iran-kazakhstan-relations"},
    # Statements: ISNA's voice (11), Faraji-Rad (3), the Supreme Leader (3), Raisi (7), Tokayev (2), customs (3).
    "Statement": {
        "statement:isna-lead", "statement:isna-central-asia", "statement:isna-visit-outcome",
        "statement:isna-rail-agreement",
        "statement:isna-kazakhstan-role", "statement:isna-astana-host", "statement:isna-neighbourhood-policy",
        "statement:isna-relations-30-years", "statement:isna-cooperation-continues", "statement:isna-conclusion",
        "statement:faraji-rad-opportunity", "statement:faraji-rad-great-powers", "statement:faraji-rad-expand-ties",
        "statement:khamenei-ties", "statement:khamenei-ukraine", "statement:khamenei-western-influence",
        "statement:raisi-regional-integration", "statement:raisi-connecting-route", "statement:raisi-corridor-interest",
        "statement:raisi-covid", "statement:raisi-trade-growth", "statement:raisi-trade-target",
        "statement:raisi-cooperation-fields", "statement:tokayev-rail-corridor", "statement:tokayev-hope",
        "statement:customs-trade-growth", "statement:customs-trade-report", "statement:customs-trade-history",
    },
    # Figures: 729 kt and $265.2 m in 1400; +71 %, +29 % and +50 %; targets of $3 bn and 5 Mt a year.
    "TradeFigure": {"figure:trade-weight-1400", "figure:trade-value-1400"},
    "Change": {
        "figure:trade-weight-change-1400", "figure:trade-value-change-1400",
        "figure:trade-relations-change-recent-months",
    },
    "Target": {"figure:trade-volume-target", "figure:rail-transit-target"},
    "TradeTrend": {"kgi:trade-trend-1380s", "kgi:trade-trend-1390s"},
    "SolarHijriYear": {"period:sh-1399", "period:sh-1400"},
    "SolarHijriDecade": {"period:sh-1380s", "period:sh-1390s"},
    "Period": {"period:last-two-decades", "period:recent-months-2022", "period:past-30-years"},
    "NewsArticle": {"kgi:article"},
    # What the article leaves open: its two lists are partial («از جمله», «مقاماتی چون»); four identifications
    # are doubtful; state control of six parties (the Kazakh agency's from the text, five editorial).
    "Enumeration": {"kgi:documents-signed-during-visit", "kgi:officials-visiting-tehran"},
    "Identification": {
        "kgi:identification-kazakhstan-state-news-agency", "kgi:identification-rail-cooperation-document",
        "kgi:identification-kazmunaygas", "kgi:identification-berdimuhamedow",
    },
    "StateControl": {
        "kgi:state-control-kazakhstan-state-news-agency", "kgi:state-control-kazmunaygas", "kgi:state-control-ktz",
        "kgi:state-control-nioc", "kgi:state-control-rai", "kgi:state-control-irib",
    },
    # The article's slips and, for those that change a fact, the claim beside the correction.
    "Slip": {
        "slip:almaty-nuclear-talks", "slip:astana-trilateral-host", "slip:almaty-talks-example",
        "slip:berdimuhamedow-country", "slip:tamim-name", "slip:kazakhstan-agriculture-ministry-name",
        "slip:kazmunaygas-name", "slip:container-spelling", "slip:broken-paragraph", "slip:venezuela-as-neighbour",
    },
    "Claim": {
        f"claim:{name}{suffix}"
        for name in (
            "nuclear-talks-location", "trilateral-meeting-location", "berdimuhamedow-post", "tamim-name",
            "kazakhstan-agriculture-ministry-name", "kazmunaygas-name",
        )
        for suffix in ("", "-as-written")
    },
}  # fmt: skip


def _validate_broken(source: str, breaks, tmp_path):
    """The report of ``kg validate`` on the shipped data with each ``(old, new)`` edit made once (each
    ``old`` must stand exactly once, so an edit can never silently miss)."""
    from kg.validate import validate

    for old, new in breaks:
        assert source.count(old) == 1, old
        source = source.replace(old, new)
    path = tmp_path / "article.ttl"
    path.write_text(source, encoding="utf-8")
    return validate([path])


def _curie(graph, term) -> str:
    return graph.namespace_manager.normalizeUri(term)


def test_inventory_matches_what_the_article_names(graph):
    found: dict[str, set[str]] = defaultdict(set)
    for node, cls in graph.subject_objects(RDF.type):
        if str(cls).startswith(str(KG._NS)) and cls != KG.Mention:
            found[str(cls)[len(str(KG._NS)) :]].add(_curie(graph, node))
    assert dict(found) == INVENTORY


def test_mentions_reread_from_the_shipped_text(graph, text):
    """Independent of `kg validate`: every quote is the text at its code-point offsets."""
    mentions = list(graph.subjects(RDF.type, KG.Mention))
    assert len(mentions) == 289
    for mention in mentions:
        begin, end = int(graph.value(mention, NIF.beginIndex)), int(graph.value(mention, NIF.endIndex))
        assert text[begin:end] == str(graph.value(mention, NIF.anchorOf)), mention
        assert str(mention).endswith(f"/span/{begin}-{end}")


def test_shipped_text_is_the_source_verbatim(graph, text):
    raw = resources.article_text_path().read_bytes()
    assert raw.decode("utf-8") == text
    assert len(text) == 6836 and len(raw) == 12307  # code points vs bytes: offsets count code points
    assert str(graph.value(ID["article"], NIF.isString)) == text


def test_shipped_text_equals_the_seed_when_the_seed_is_present(text):
    seed = resources.root().parent / "shared" / "seeds" / "000_9a4f045b5da87826.txt"
    if not seed.is_file():
        pytest.skip(f"the original seed is not on this machine ({seed})")
    assert seed.read_text(encoding="utf-8") == text


def test_every_sentence_of_the_article_is_covered_by_mentions(graph, text):
    """A reader should not find a sentence whose content is missing: 75 % of its letters lie in mentions."""
    covered = [False] * len(text)
    for mention in graph.subjects(RDF.type, KG.Mention):
        for i in range(int(graph.value(mention, NIF.beginIndex)), int(graph.value(mention, NIF.endIndex))):
            covered[i] = True
    for sentence in re.finditer(r"[^.:\n]+", text):
        letters = [i for i in range(sentence.start(), sentence.end()) if text[i].isalpha()]
        if letters:
            share = sum(covered[i] for i in letters) / len(letters)
            assert share >= 0.75, f"{share:.0%} covered: {sentence.group()[:80]}"


def test_every_entity_and_fact_has_both_labels(graph):
    for node, cls in graph.subject_objects(RDF.type):
        if str(cls).startswith(str(KG._NS)) and cls != KG.Mention:
            langs = sorted(v.language for v in graph.objects(node, RDFS.label) if isinstance(v, Literal))
            assert langs == ["en", "fa"], (node, langs)


def test_every_curator_note_is_in_both_languages(graph):
    """Each English skos:editorialNote has one Persian translation beside it (issue 12).

    A node may carry several notes (the visit has two), so per node the notes are English and
    Persian in equal numbers; every note is one or the other.
    """
    notes = defaultdict(list)
    for node, note in graph.subject_objects(SKOS.editorialNote):
        notes[_curie(graph, node)].append(note.language if isinstance(note, Literal) else repr(note))
    counts = {node: (langs.count("en"), langs.count("fa"), len(langs)) for node, langs in notes.items()}
    assert {node: c for node, c in counts.items() if not (c[0] == c[1] >= 1 and c[0] + c[1] == c[2])} == {}
    assert sum(en for en, _, _ in counts.values()) == 19
    assert counts["event:tokayev-state-visit-2022"] == (2, 2, 4)
    assert counts["kgi:ebrahim-raisi"] == (1, 1, 2)


def test_statement_texts_are_verbatim_quotes(graph, text):
    for statement in graph.subjects(RDF.type, KG.Statement):
        words = str(graph.value(statement, SDO.text))
        assert words in text, statement
        anchors = {str(graph.value(m, NIF.anchorOf)) for m in graph.subjects(ITSRDF.taIdentRef, statement)}
        assert words in anchors


def _wikidata_reference() -> dict[str, str]:
    with resources.wikidata_reference_path().open(encoding="utf-8", newline="") as handle:
        return {row["qid"]: row["key"] for row in csv.DictReader(handle, delimiter="\t")}


def test_wikidata_links_come_only_from_the_reference_list(graph):
    reference = _wikidata_reference()
    linked = {str(o)[len(str(WD)) :] for o in graph.objects(None, OWL.sameAs)}
    assert linked <= set(reference)
    # the three listed items the article never mentions stay unlinked
    assert {reference[q] for q in set(reference) - linked} == {
        "persian_gulf",
        "shanghai_cooperation_organisation",
        "eurasian_economic_union",
    }


def test_reference_list_is_the_shared_one_when_present():
    shared = resources.root().parent / "shared" / "reference" / "wikidata.tsv"
    if not shared.is_file():
        pytest.skip(f"the shared reference is not on this machine ({shared})")
    assert shared.read_bytes() == resources.wikidata_reference_path().read_bytes()


def test_solar_hijri_periods_carry_their_gregorian_interval(graph):
    """Checked against jdatetime, an independent implementation of the Iranian calendar."""
    checked = 0
    for period in graph.subjects(KG.solarHijriYearFrom, None):
        first = int(graph.value(period, KG.solarHijriYearFrom))
        last = int(graph.value(period, KG.solarHijriYearTo))
        begins = graph.value(graph.value(period, TIME.hasBeginning), TIME.inXSDDate).toPython()
        ends = graph.value(graph.value(period, TIME.hasEnd), TIME.inXSDDate).toPython()
        assert begins == jdatetime.date(first, 1, 1).togregorian()
        assert ends == jdatetime.date(last + 1, 1, 1).togregorian() - dt.timedelta(days=1)
        checked += 1
    assert checked == 5  # 1399, 1400, the 1380s, the 1390s, the twenty-year review


def test_slips_keep_the_written_form_at_their_mention(graph, text):
    written = {}
    for slip in graph.subjects(RDF.type, KG.Slip):
        form = str(graph.value(slip, KG.writtenForm))
        quotes = [str(graph.value(m, NIF.anchorOf)) for m in graph.subjects(ITSRDF.taIdentRef, slip)]
        assert any(form in q for q in quotes), slip
        written[_curie(graph, slip)] = form
    assert written["slip:almaty-nuclear-talks"] == written["slip:astana-trilateral-host"] == "آلمانی"
    assert text.count("آلمانی") == 3  # three slips, and not the same city each time
    assert written["slip:broken-paragraph"] == "آغاز به\n\nکار کرد"


def test_corrections_are_asserted_and_claims_are_not(graph):
    for slip in graph.subjects(KG.correctedStatement, None):
        for role, expected in ((KG.correctedStatement, True), (KG.claimedStatement, False)):
            claim = graph.value(slip, role)
            s, p = graph.value(claim, KG.claimSubject), graph.value(claim, KG.claimProperty)
            o = graph.value(claim, KG.claimObject) or graph.value(claim, KG.claimValue)
            assert ((s, p, o) in graph) is expected, (slip, role)


def test_the_corrected_almaty_and_astana_differ(graph):
    location = {
        _curie(graph, graph.value(slip, KG.affects)): graph.value(
            graph.value(slip, KG.correctedStatement), KG.claimObject
        )
        for slip in graph.subjects(RDF.type, KG.Slip)
        if (slip, KG.intendedForm, None) in graph and graph.value(slip, KG.slipKind).endswith("wrong-place-name")
    }
    assert {k: _curie(graph, v) for k, v in location.items()} == {
        "event:almaty-nuclear-talks": "kgi:almaty",
        "event:astana-trilateral-meeting": "kgi:astana",
    }


# --------------------------------------------------------------------------- what the article leaves open (issue 13)


def _anchors(graph, node) -> set[str]:
    return {str(graph.value(m, NIF.anchorOf)) for m in graph.subjects(ITSRDF.taIdentRef, node)}


def test_both_lists_are_partial_and_say_so_at_their_mention(graph):
    lists = {_curie(graph, e): e for e in graph.subjects(RDF.type, KG.Enumeration)}
    assert set(lists) == {"kgi:documents-signed-during-visit", "kgi:officials-visiting-tehran"}
    for enumeration in lists.values():
        assert graph.value(enumeration, KG.listIsExhaustive).toPython() is False
        marker = str(graph.value(enumeration, KG.enumerationMarker))
        assert any(a.startswith(marker) for a in _anchors(graph, enumeration)), enumeration
    documents = set(graph.objects(lists["kgi:documents-signed-during-visit"], KG.listedItem))
    assert documents == set(graph.subjects(RDF.type, KG.Agreement)) and len(documents) == 8
    visitors = {_curie(graph, p) for p in graph.objects(lists["kgi:officials-visiting-tehran"], KG.listedItem)}
    assert visitors == {
        "kgi:tamim-bin-hamad-al-thani", "kgi:emomali-rahmon", "kgi:nicolas-maduro", "kgi:serdar-berdimuhamedow",
    }  # fmt: skip


def test_each_doubt_is_anchored_where_its_subject_is_named(graph):
    doubts = {}
    for identification in graph.subjects(RDF.type, KG.Identification):
        subject = graph.value(identification, KG.identificationOf)
        assert _anchors(graph, identification) & _anchors(graph, subject), identification
        doubts[_curie(graph, subject)] = _curie(graph, graph.value(identification, KG.confidence))
    assert doubts == {
        "kgi:kazakhstan-state-news-agency": "kgc:uncertain",
        "agreement:rail-cooperation-mou-2022": "kgc:probable",
        "kgi:kazmunaygas": "kgc:probable",
        "kgi:serdar-berdimuhamedow": "kgc:probable",
    }


def test_state_control_is_from_the_text_only_where_the_text_says_state(graph):
    evidence = {}
    for control in graph.subjects(RDF.type, KG.StateControl):
        kind = _curie(graph, graph.value(control, KG.evidenceKind))
        organisation = _curie(graph, graph.value(control, KG.controlledOrganization))
        evidence[organisation] = (_curie(graph, graph.value(control, KG.controllingState)), kind)
        if kind == "kgc:in-the-text":
            assert _anchors(graph, control) == {"دولتی"}
        else:
            assert not _anchors(graph, control) and (control, SKOS.editorialNote, None) in graph
    assert evidence == {
        "kgi:kazakhstan-state-news-agency": ("kgi:kazakhstan", "kgc:in-the-text"),
        "kgi:kazmunaygas": ("kgi:kazakhstan", "kgc:editorial-background"),
        "kgi:ktz": ("kgi:kazakhstan", "kgc:editorial-background"),
        "kgi:nioc": ("kgi:iran", "kgc:editorial-background"),
        "kgi:rai": ("kgi:iran", "kgc:editorial-background"),
        "kgi:irib": ("kgi:iran", "kgc:editorial-background"),
    }


def test_thirty_years_is_a_duration_from_independence(graph):
    period = ID["period/past-30-years"]
    assert graph.value(period, TIME.hasXSDDuration) == Literal("P30Y", datatype=XSD.duration)
    begins = graph.value(period, TIME.hasBeginning)
    independence = graph.value(ID["iran-kazakhstan-relations"], KG.since)
    assert graph.value(begins, TIME.inXSDDate).toPython() == graph.value(independence, SDO.startDate).toPython()
    assert graph.value(independence, SDO.startDate).toPython() == dt.date(1991, 12, 16)
    persian = jdatetime.date.fromgregorian(date=dt.date(1991, 12, 16))
    assert (persian.year, persian.month, persian.day) == (1370, 9, 25)  # 25 Azar 1370, as the Persian label says
    assert Literal("۲۵ آذر ۱۳۷۰", lang="fa") in set(graph.objects(begins, RDFS.label))
    assert _anchors(graph, period) == {"۳۰ سال گذشته"}


def test_heads_of_state_and_hosts_of_the_visits_to_tehran(graph):
    heads = {_curie(graph, p) for p in graph.subjects(KG.role, ID["concept/head-of-state"])}
    assert heads == {
        "post:president-of-kazakhstan", "post:supreme-leader-of-iran", "post:emir-of-qatar",
        "post:president-of-tajikistan", "post:president-of-venezuela", "post:president-of-turkmenistan",
    }  # fmt: skip
    hosts = {
        _curie(graph, v): _curie(graph, graph.value(v, KG.host))
        for v in graph.subjects(KG.destination, ID["tehran"])
        if (v, KG.visitor, None) in graph
    }
    assert set(hosts.values()) == {"kgi:iran-13th-government"} and len(hosts) == 5


def test_rail_target_is_connected_like_the_trade_target(graph):
    for target in (ID["figure/rail-transit-target"], ID["figure/trade-volume-target"]):
        assert {_curie(graph, c) for c in graph.objects(target, KG.between)} == {"kgi:iran", "kgi:kazakhstan"}
        statement = graph.value(target, KG.reportedIn)
        assert graph.value(statement, KG.speaker) == graph.value(target, KG.reportedBy)


def test_new_shapes_reject_broken_copies(tmp_path, data_source):
    """One broken copy, five breaks: each new shape reports its own focus node and message."""
    breaks = [
        (
            'kg:listIsExhaustive false ;\n    kg:enumerationMarker "مقاماتی چون"@fa ;',
            'kg:enumerationMarker "مقاماتی چون"@fa ;',
        ),
        ("kg:confidence kgc:uncertain ;", "kg:confidence kgc:tonne ;"),
        (
            "    itsrdf:taIdentRef kgi:state-control-kazakhstan-state-news-agency .",
            "    itsrdf:taIdentRef kgi:kazakhstan .",
        ),
        ('time:hasXSDDuration "P30Y"^^xsd:duration ;', 'time:hasXSDDuration "30" ;'),
        ("kg:role kgc:head-of-government .", "kg:role kgc:tonne ."),
    ]
    report = _validate_broken(data_source, breaks, tmp_path)
    assert {(f.check, f.focus, f.message) for f in report.findings} == {
        ("shacl", "kgi:officials-visiting-tehran", "an enumeration needs exactly one kg:listIsExhaustive, a boolean"),
        (
            "shacl",
            "kgi:identification-kazakhstan-state-news-agency",
            "an identification needs one confidence level: kgc:probable or kgc:uncertain",
        ),
        (
            "shacl",
            "kgi:state-control-kazakhstan-state-news-agency",
            "a state control stated in the article (kgc:in-the-text) needs a mention; one that is editorial background"
            " (kgc:editorial-background) needs a skos:editorialNote",
        ),
        ("shacl", "period:past-30-years", "time:hasXSDDuration must be one xsd:duration"),
        ("shacl", "post:president-of-iran", "kg:role must be a concept of the post-roles scheme"),
    }


@pytest.mark.slow  # the 17 worked queries of docs/model.md, on an rdflib graph
def test_worked_queries_of_the_model_page_show_their_real_rows(graph):
    """docs/model.md: each worked query runs and its table shows as many rows as the engine returns (the
    default engine with the RDFS closure, as ``kg.query(text=..., graph=graph)`` opens it, opened once)."""
    import kg
    from kg.sparql.engines import open_engine

    page = (resources.root() / "docs" / "model.md").read_text(encoding="utf-8")
    section = page[page.index("## Worked queries") :]
    examples = re.findall(r"```sparql\n(.*?)```\n\n((?:\|[^\n]*\|\n)+)", section, re.S)
    assert len(examples) == 17
    engine = open_engine(None, graph=graph)
    for query, table in examples:
        shown = len(table.strip().splitlines()) - 2  # header and rule
        assert len(list(kg.query(text=query, engine=engine, timeout=120).values())) == shown, query


def test_issue_21_shapes_reject_broken_copies(tmp_path, data_source):
    """Factuality, main entity, cues, stated/inferred domains and durations: each break is reported by its shape."""
    breaks = [
        # «شاید» made "certain": the hedge still stands among its cues
        (
            "    kg:certainty kgc:presented-as-possible ;\n    kg:polarity kgc:positive ;\n"
            "    kg:timeReference kgc:non-future ;\n    kg:factualityCue span:5200-5204",
            "    kg:certainty kgc:certain ;\n    kg:polarity kgc:positive ;\n"
            "    kg:timeReference kgc:non-future ;\n    kg:factualityCue span:5200-5204",
        ),
        # Faraji-Rad's "did not allow" without its negation cue
        ("kg:factualityCue span:1944-1952 ;\n", ""),
        # a main entity taken away
        ("    schema:mainEntity kgi:russia ;\n", ""),
        # a domain neither stated nor inferred
        ("    kg:inferredDomain kgc:media ;\n", ""),
        # the OWL-Time rate says two years where the xsd:duration says one
        ('time:numericDuration "1"^^xsd:decimal ;', 'time:numericDuration "2"^^xsd:decimal ;'),
        # a cue of an unknown kind
        ("    kg:cueKind kgc:approximation ;", "    kg:cueKind kgc:tonne ;"),
    ]
    found = {(f.focus, f.message) for f in _validate_broken(data_source, breaks, tmp_path).findings}
    assert found == {
        (
            "statement:isna-relations-30-years",
            "a statement with a hedge, belief verb, inference or ability modal among its cues cannot be certain, and "
            "one with a deontic modal or a desire is underspecified",
        ),
        (
            "statement:faraji-rad-great-powers",
            "a statement that is not certain, negative or about the future needs the words that make it so (a "
            "kg:factualityCue of a matching kind)",
        ),
        (
            "statement:faraji-rad-great-powers",
            "a statement needs at least one schema:mainEntity, what it is mainly about",
        ),
        (
            "agreement:media-mou-2022",
            "each cooperation domain of an agreement is either stated in the text (kg:statedDomain) or inferred from "
            "the parties (kg:inferredDomain), not both",
        ),
        ("figure:rail-transit-target", "kg:per and kg:perDuration must say the same length of time"),
        ("span:5610-5618", "kg:cueKind must be a concept of the factuality-cue scheme"),
    }


def test_every_hedge_of_the_article_is_a_cue_of_its_statement(graph, text):
    """The hedges a reader of Persian finds, sentence by sentence, each a verbatim mention of its statement."""
    cues = {(str(graph.value(m, NIF.anchorOf)), _curie(graph, s)) for s, m in graph.subject_objects(KG.factualityCue)}
    for word, statement in [
        ("شاید", "statement:isna-relations-30-years"),
        ("به نظر میرسد", "statement:isna-kazakhstan-role"),
        ("قطعاً", "statement:isna-central-asia"),
        ("معتقد است", "statement:faraji-rad-opportunity"),
        ("طبیعی است که", "statement:isna-cooperation-continues"),
        ("امیدوارم", "statement:tokayev-hope"),
        ("همانگونه که آقای رئیسی بیان کردند", "statement:tokayev-hope"),
        ("خواهد شد", "statement:isna-rail-agreement"),
        ("نخواهند کرد", "statement:khamenei-ukraine"),
        ("هر جا که بتوانند", "statement:khamenei-ukraine"),
        ("قرار بود", "statement:isna-astana-host"),
        ("نزدیک به", "statement:customs-trade-report"),
    ]:
        assert (word, statement) in cues, word
    assert len(cues) == 30
    hedged = {_curie(graph, s) for s in graph.subjects(KG.certainty, None)} - {
        _curie(graph, s) for s in graph.subjects(KG.certainty, ID["concept/certain"])
    }
    assert len(hedged) == 14
