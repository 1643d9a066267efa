"""``kg synth``: a deterministic synthetic corpus of N news articles in the project's ontology, for benchmarks.

Each article is a short Persian news text about a state visit between two of the
countries of the shipped article, with its mentions as NIF spans at code-point
offsets of its own ``nif:isString`` (so every quote re-reads), a visit, a meeting,
a statement quoted verbatim, and an agreement between an Iranian and a Kazakh
ministry. The countries, leaders, their posts and the ministries are the real
entities of ``data/article.ttl`` (same IRIs, labels in English and Persian, the
verified Wikidata links) and are shared by every article that mentions them, so
the graph is connected the way a news corpus is.

Articles are ``<id/>article/K`` (K from 1) and their mentions
``<id/>article/K/span/B-E``. The same ``(articles, seed)`` gives the same bytes:
every choice comes from a :class:`random.Random` seeded with a string (hashed
with SHA-512, stable across Python versions and platforms), and triples are
written in generation order by pyoxigraph's Turtle serializer (rdflib's takes
minutes at 10 000 articles). Every generated file passes ``kg validate --data FILE``
as it is: the shapes are the shipped ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from kg.errors import UsageError
from kg.limits import MAX_ARTICLES

BASE = "https://w3id.org/iran-kazakhstan-kg/"
_ID = BASE + "id/"
_KG = BASE + "ontology#"
_KGC = _ID + "concept/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_ORG = "http://www.w3.org/ns/org#"
_SCHEMA = "https://schema.org/"
_NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
_ITSRDF = "http://www.w3.org/2005/11/its/rdf#"
_WD = "http://www.wikidata.org/entity/"

#: Prefixes of the written Turtle.
PREFIXES = {
    "kg": _KG,
    "kgi": _ID,
    "kgc": _KGC,
    "post": _ID + "post/",
    "wd": _WD,
    "schema": _SCHEMA,
    "org": _ORG,
    "nif": _NIF,
    "itsrdf": _ITSRDF,
    "owl": _OWL,
    "rdf": _RDF,
    "rdfs": _RDFS,
    "xsd": _XSD,
}

#: Most articles one call writes (about 380 triples each).

# Shared real entities: (key, English label, Persian label, Wikidata id or "").
_COUNTRIES = {
    "iran": ("Iran", "ایران", "Q794"),
    "kazakhstan": ("Kazakhstan", "قزاقستان", "Q232"),
    "tajikistan": ("Tajikistan", "تاجیکستان", "Q863"),
    "turkmenistan": ("Turkmenistan", "ترکمنستان", "Q874"),
    "qatar": ("Qatar", "قطر", "Q846"),
    "venezuela": ("Venezuela", "ونزوئلا", "Q717"),
}
# country -> (person key, English, Persian, Wikidata id, post key, post English, post Persian)
_LEADERS = {
    "iran": ("ebrahim-raisi", "Ebrahim Raisi", "سید ابراهیم رئیسی", "", "president-of-iran", "President of Iran", "رئیس‌جمهور ایران"),  # noqa: E501
    "kazakhstan": ("kassym-jomart-tokayev", "Kassym-Jomart Tokayev", "قاسم ژومارت توکایف", "Q200881", "president-of-kazakhstan", "President of Kazakhstan", "رئیس‌جمهور قزاقستان"),  # noqa: E501
    "tajikistan": ("emomali-rahmon", "Emomali Rahmon", "امامعلی رحمان", "Q57366", "president-of-tajikistan", "President of Tajikistan", "رئیس‌جمهور تاجیکستان"),  # noqa: E501
    "turkmenistan": ("serdar-berdimuhamedow", "Serdar Berdimuhamedow", "سردار بردی‌محمداف", "Q51874548", "president-of-turkmenistan", "President of Turkmenistan", "رئیس‌جمهور ترکمنستان"),  # noqa: E501
    "qatar": ("tamim-bin-hamad-al-thani", "Tamim bin Hamad Al Thani", "تمیم بن حمد آل ثانی", "Q1855372", "emir-of-qatar", "Emir of Qatar", "امیر قطر"),  # noqa: E501
    "venezuela": ("nicolas-maduro", "Nicolás Maduro", "نیکلاس مادورو", "Q58132", "president-of-venezuela", "President of Venezuela", "رئیس‌جمهور ونزوئلا"),  # noqa: E501
}  # fmt: skip
# (key, country, English, Persian, cooperation domain, the domain in Persian)
_MINISTRIES = [
    ("iran-mfa", "iran", "Ministry of Foreign Affairs of Iran", "وزارت امور خارجهٔ ایران", "politics", "سیاست"),
    ("iran-ministry-of-culture", "iran", "Ministry of Culture and Islamic Guidance of Iran", "وزارت فرهنگ و ارشاد اسلامی ایران", "culture", "فرهنگ"),  # noqa: E501
    ("iran-ministry-of-industry", "iran", "Ministry of Industry, Mine and Trade of Iran", "وزارت صنعت، معدن و تجارت", "trade", "تجارت"),  # noqa: E501
    ("iran-ministry-of-agriculture", "iran", "Ministry of Agriculture Jihad of Iran", "وزارت جهاد کشاورزی ایران", "agriculture", "کشاورزی"),  # noqa: E501
    ("kazakhstan-mfa", "kazakhstan", "Ministry of Foreign Affairs of Kazakhstan", "وزارت امور خارجهٔ قزاقستان", "politics", "سیاست"),  # noqa: E501
    ("kazakhstan-ministry-of-culture-and-sports", "kazakhstan", "Ministry of Culture and Sports of Kazakhstan", "وزارت فرهنگ و ورزش قزاقستان", "culture", "فرهنگ"),  # noqa: E501
    ("kazakhstan-ministry-of-trade", "kazakhstan", "Ministry of Trade and Integration of Kazakhstan", "وزارت تجارت و همگرایی قزاقستان", "trade", "تجارت"),  # noqa: E501
    ("kazakhstan-ministry-of-agriculture", "kazakhstan", "Ministry of Agriculture of Kazakhstan", "وزارت کشاورزی قزاقستان", "agriculture", "کشاورزی"),  # noqa: E501
]  # fmt: skip
# (Persian quote, English gloss, topic)
_QUOTES = [
    ("ما باید همکاری‌های دوجانبه را گسترش دهیم", "We must expand bilateral cooperation.", "bilateral-relations"),
    ("راه‌آهن دو کشور را به هم نزدیک‌تر می‌کند", "The railway brings the two countries closer.", "transit-corridors"),
    ("حجم تجارت میان دو کشور باید دو برابر شود", "Trade between the two countries must double.", "trade-growth"),
    ("همکاری منطقه‌ای به سود همهٔ کشورهاست", "Regional cooperation benefits every country.", "regional-cooperation"),
    ("ما از همگرایی منطقه‌ای پشتیبانی می‌کنیم", "We support regional integration.", "regional-integration"),
]
# How sure each quote is (certainty, time reference) and the word that says so, if any: (cue, kind, scope @en, @fa)
_FACTUALITY: dict[str, tuple[str, str, tuple[str, str, str, str] | None]] = {
    _QUOTES[0][0]: ("underspecified-certainty", "future", ("باید", "deontic-modal", "we expand bilateral cooperation", "همکاری‌های دوجانبه گسترش یابد")),  # noqa: E501
    _QUOTES[2][0]: ("underspecified-certainty", "future", ("باید", "deontic-modal", "trade between the two countries doubles", "حجم تجارت دو کشور دو برابر شود")),  # noqa: E501
}  # fmt: skip
_FIRST_DAY = date(2022, 1, 1)


@dataclass
class _Article:
    """One article's text, built piece by piece, and its mentions as (begin, end, anchor, target IRI)."""

    key: str
    parts: list[str] = field(default_factory=list)
    length: int = 0
    mentions: list[tuple[int, int, str, str]] = field(default_factory=list)

    def say(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)  # code points, as NIF counts them

    def mention(self, text: str, target: str) -> None:
        self.mentions.append((self.length, self.length + len(text), text, target))
        self.say(text)

    @property
    def text(self) -> str:
        return "".join(self.parts)


class _Writer:
    """Triples in the order they are added, as pyoxigraph terms."""

    def __init__(self) -> None:
        import pyoxigraph

        self.ox = pyoxigraph
        self.triples: list[object] = []

    def add(self, subject: str, predicate: str, obj: object) -> None:
        node = obj if not isinstance(obj, str) else self.ox.NamedNode(obj)
        self.triples.append(self.ox.Triple(self.ox.NamedNode(subject), self.ox.NamedNode(predicate), node))

    def text(self, subject: str, predicate: str, value: str, lang: str | None = None) -> None:
        self.add(subject, predicate, self.ox.Literal(value, language=lang) if lang else self.ox.Literal(value))

    def typed(self, subject: str, predicate: str, value: str, datatype: str) -> None:
        self.add(subject, predicate, self.ox.Literal(value, datatype=self.ox.NamedNode(datatype)))

    def labels(self, subject: str, english: str, persian: str) -> None:
        self.text(subject, _RDFS + "label", english, "en")
        self.text(subject, _RDFS + "label", persian, "fa")


@dataclass
class _Story:
    """What article ``k`` tells: who visits whom, who says what, which two ministries sign; its node IRIs."""

    k: int
    host: str  # country keys of _COUNTRIES and _LEADERS
    guest: str
    speaker: str
    quote: str
    gloss: str
    topic: str
    iranian: tuple[str, ...]  # rows of _MINISTRIES
    kazakh: tuple[str, ...]
    day: str  # xsd:date
    art: str = field(init=False)  # the IRIs of the article and of the facts it states
    visit: str = field(init=False)
    meeting: str = field(init=False)
    statement: str = field(init=False)
    agreement: str = field(init=False)

    def __post_init__(self) -> None:
        self.art = _ID + f"article/{self.k}"
        self.visit, self.meeting = self.art + "/visit", self.art + "/meeting"
        self.statement, self.agreement = self.art + "/statement", self.art + "/agreement"

    @property
    def countries(self) -> list[str]:
        """The countries the closing sentence names, in the order of _COUNTRIES."""
        return sorted({"iran", "kazakhstan", self.host, self.guest}, key=list(_COUNTRIES).index)


def _country(c: str) -> str:
    return _ID + c


def _person(c: str) -> str:
    return _ID + _LEADERS[c][0]


def _post(c: str) -> str:
    return _ID + "post/" + _LEADERS[c][4]


def _choose(k: int, seed: int) -> _Story:
    """Article ``k``'s choices, from a generator seeded with ``seed`` and ``k`` only."""
    rng = random.Random(f"kg synth {seed} article {k}")
    host, guest = rng.sample(sorted(_LEADERS), 2)
    speaker = rng.choice((host, guest))
    quote, gloss, topic = rng.choice(_QUOTES)
    iranian = rng.choice([m for m in _MINISTRIES if m[1] == "iran"])
    kazakh = rng.choice([m for m in _MINISTRIES if m[1] == "kazakhstan" and m[4] == iranian[4]])
    day = (_FIRST_DAY + timedelta(days=(k * 7 + rng.randrange(7)) % 3650)).isoformat()
    return _Story(k, host, guest, speaker, quote, gloss, topic, tuple(iranian), tuple(kazakh), day)


def _headline(st: _Story) -> str:
    return f"سفر {_LEADERS[st.guest][2]} به {_COUNTRIES[st.host][1]}"


def _tell(st: _Story) -> _Article:
    """The Persian text of the story, with a mention for every entity and fact it names."""
    g, h, s = _LEADERS[st.guest], _LEADERS[st.host], _LEADERS[st.speaker]
    iranian, kazakh = st.iranian, st.kazakh
    a = _Article(st.art)
    a.mention(_headline(st), st.art)
    a.say("\n\nبه گزارش ")
    a.mention("ایسنا", _ID + "isna")
    a.say("، ")
    a.mention(g[6], _post(st.guest))
    a.say("، ")
    a.mention(g[2], _person(st.guest))
    a.say("، برای ")
    a.mention("سفری رسمی", st.visit)
    a.say(" به ")
    a.mention(_COUNTRIES[st.host][1], _country(st.host))
    a.say(" رفت. او در ")
    a.mention("این دیدار", st.meeting)
    a.say(" با ")
    a.mention(h[2], _person(st.host))
    a.say("، ")
    a.mention(h[6], _post(st.host))
    a.say("، گفت‌وگو کرد. ")
    a.mention(iranian[3], _ID + iranian[0])
    a.say(" و ")
    a.mention(kazakh[3], _ID + kazakh[0])
    a.say(" ")
    a.mention(f"یادداشت تفاهم همکاری در زمینهٔ {iranian[5]}", st.agreement)
    a.say(" را امضا کردند. ")
    a.mention(s[2], _person(st.speaker))
    a.say(" گفت: «")
    a.mention(st.quote, st.statement)
    cue = _FACTUALITY.get(st.quote, ("", "", None))[2]
    if cue is not None:  # the word that qualifies the quote, a mention of the statement inside the quote's
        begin = a.length - len(st.quote) + st.quote.index(cue[0])
        a.mentions.append((begin, begin + len(cue[0]), cue[0], st.statement))
    a.say("». ")
    countries = st.countries
    for i, c in enumerate(countries):
        a.say("، " if 0 < i < len(countries) - 1 else " و " if i else "")
        a.mention(_COUNTRIES[c][1], _country(c))
    a.say(" بر گسترش همکاری‌ها تأکید کردند.")
    return a


def _article(w: _Writer, k: int, seed: int, used: set[str]) -> None:
    """Article ``k``: its text, its facts and its mentions; ``used`` collects the shared entities it names."""
    st = _choose(k, seed)
    text = _tell(st)
    used.update({"isna", *st.countries, f"leader:{st.guest}", f"leader:{st.host}", st.iranian[0], st.kazakh[0]})
    _write_facts(w, st, text.text)
    _write_mentions(w, st.art, text.mentions)


def _write_facts(w: _Writer, st: _Story, text: str) -> None:
    """The article node (with its text as ``nif:isString``), the visit, meeting, agreement and statement."""
    g, h, s = _LEADERS[st.guest], _LEADERS[st.host], _LEADERS[st.speaker]
    iranian, kazakh = st.iranian, st.kazakh
    art, visit, meeting, agreement, statement = st.art, st.visit, st.meeting, st.agreement, st.statement
    rdf_type, kg = _RDF + "type", _KG
    w.add(art, rdf_type, kg + "NewsArticle")
    w.labels(
        art,
        f"Synthetic article {st.k}: {g[1]} visits {_COUNTRIES[st.host][0]}",
        f"خبر {st.k}: سفر {g[2]} به {_COUNTRIES[st.host][1]}",
    )
    w.text(art, _SCHEMA + "headline", _headline(st), "fa")
    w.add(art, _SCHEMA + "publisher", _ID + "isna")
    w.text(art, _SCHEMA + "inLanguage", "fa")
    w.typed(art, _SCHEMA + "datePublished", st.day, _XSD + "date")
    w.text(art, _NIF + "isString", text)

    w.add(visit, rdf_type, kg + "Visit")
    w.labels(visit, f"Visit of {g[1]} to {_COUNTRIES[st.host][0]}", f"سفر {g[2]} به {_COUNTRIES[st.host][1]}")
    w.add(visit, kg + "visitor", _person(st.guest))
    w.add(visit, kg + "destination", _country(st.host))
    w.add(visit, kg + "participant", _person(st.guest))
    w.add(visit, kg + "participant", _person(st.host))
    w.typed(visit, _SCHEMA + "startDate", st.day, _XSD + "date")
    w.add(visit, kg + "topic", _KGC + "bilateral-relations")

    w.add(meeting, rdf_type, kg + "Meeting")
    w.labels(meeting, f"Meeting of {g[1]} and {h[1]}", f"دیدار {g[2]} و {h[2]}")
    w.add(meeting, kg + "subEventOf", visit)
    w.add(meeting, kg + "participant", _person(st.guest))
    w.add(meeting, kg + "participant", _person(st.host))
    w.add(meeting, _SCHEMA + "location", _country(st.host))
    w.add(meeting, kg + "topic", _KGC + st.topic)

    w.add(agreement, rdf_type, kg + "Agreement")
    w.labels(
        agreement,
        f"MoU on {iranian[4]} between {iranian[2]} and {kazakh[2]}",
        f"یادداشت تفاهم {iranian[5]} میان {iranian[3]} و {kazakh[3]}",
    )
    w.add(agreement, kg + "agreementKind", _KGC + "memorandum-of-understanding")
    w.add(agreement, kg + "party", _ID + iranian[0])
    w.add(agreement, kg + "party", _ID + kazakh[0])
    w.add(agreement, kg + "cooperationDomain", _KGC + iranian[4])
    w.add(agreement, kg + "statedDomain", _KGC + iranian[4])  # the title says «در زمینهٔ …»
    w.add(agreement, kg + "concludedDuring", visit)

    w.add(statement, rdf_type, kg + "Statement")
    w.labels(statement, f"{s[1]}: {st.gloss}", f"{s[2]}: {st.quote}")
    w.add(statement, kg + "speaker", _person(st.speaker))
    w.add(statement, kg + "speakerCapacity", _post(st.speaker))
    w.add(statement, kg + "occasion", meeting)
    w.add(statement, kg + "speechMode", _KGC + "direct-quote")
    w.text(statement, _SCHEMA + "text", st.quote, "fa")
    w.text(statement, kg + "gloss", st.gloss, "en")
    w.add(statement, kg + "topic", _KGC + st.topic)
    certainty, when, cue = _FACTUALITY.get(st.quote, ("certain", "non-future", None))
    w.add(statement, kg + "certainty", _KGC + certainty)
    w.add(statement, kg + "polarity", _KGC + "positive")
    w.add(statement, kg + "timeReference", _KGC + when)
    w.add(statement, _SCHEMA + "mainEntity", _country(st.speaker))
    if cue is not None:
        begin = text.index(st.quote) + st.quote.index(cue[0])
        span = f"{art}/span/{begin}-{begin + len(cue[0])}"
        w.add(statement, kg + "factualityCue", span)
        w.add(span, kg + "cueKind", _KGC + cue[1])
        w.text(span, kg + "cueScope", cue[2], "en")
        w.text(span, kg + "cueScope", cue[3], "fa")


def _write_mentions(w: _Writer, art: str, mentions: list[tuple[int, int, str, str]]) -> None:
    """Each mention as a NIF 2.0 span of the article's text at code-point offsets."""
    rdf_type = _RDF + "type"
    for begin, end, anchor, target in mentions:
        span = f"{art}/span/{begin}-{end}"
        w.add(span, rdf_type, _KG + "Mention")
        w.add(span, _NIF + "referenceContext", art)
        w.typed(span, _NIF + "beginIndex", str(begin), _XSD + "integer")
        w.typed(span, _NIF + "endIndex", str(end), _XSD + "integer")
        w.text(span, _NIF + "anchorOf", anchor)
        w.add(span, _ITSRDF + "taIdentRef", target)


def _shared(w: _Writer, used: set[str]) -> None:
    """The real entities the articles mention, each described once."""
    rdf_type = _RDF + "type"
    if "isna" in used:
        isna = _ID + "isna"
        w.add(isna, rdf_type, _KG + "NewsOrganization")
        w.labels(isna, "Iranian Students' News Agency (ISNA)", "خبرگزاری دانشجویان ایران (ایسنا)")
        w.add(isna, _KG + "country", _ID + "iran")
    for key, (english, persian, qid) in _COUNTRIES.items():
        if key not in used:
            continue
        w.add(_ID + key, rdf_type, _KG + "Country")
        w.labels(_ID + key, english, persian)
        w.add(_ID + key, _OWL + "sameAs", _WD + qid)
        if f"leader:{key}" not in used:
            continue
        leader, leader_en, leader_fa, leader_qid, post_key, post_en, post_fa = _LEADERS[key]
        w.add(_ID + leader, rdf_type, _KG + "Person")
        w.labels(_ID + leader, leader_en, leader_fa)
        if leader_qid:
            w.add(_ID + leader, _OWL + "sameAs", _WD + leader_qid)
        w.add(_ID + leader, _ORG + "holds", _ID + "post/" + post_key)
        w.add(_ID + "post/" + post_key, rdf_type, _KG + "Post")
        w.labels(_ID + "post/" + post_key, post_en, post_fa)
        w.add(_ID + "post/" + post_key, _KG + "country", _ID + key)
    for key, country, english, persian, _domain, _domain_fa in _MINISTRIES:
        if key in used:
            w.add(_ID + key, rdf_type, _KG + "Ministry")
            w.labels(_ID + key, english, persian)
            w.add(_ID + key, _KG + "country", _ID + country)


def synthesize(articles: int, seed: int = 0) -> bytes:
    """The Turtle (UTF-8 bytes) of ``articles`` synthetic articles from ``seed``: the same arguments, the same bytes.

    Raises UsageError unless 1 <= articles <= MAX_ARTICLES.
    """
    if not 1 <= articles <= MAX_ARTICLES:
        raise UsageError(f"--articles must be from 1 to {MAX_ARTICLES}, not {articles}")
    import pyoxigraph

    body, used = _Writer(), set()
    for k in range(1, articles + 1):
        _article(body, k, seed, used)
    shared = _Writer()
    _shared(shared, used)
    turtle = pyoxigraph.serialize(
        [*shared.triples, *body.triples], format=pyoxigraph.RdfFormat.TURTLE, prefixes=PREFIXES
    )
    # pyoxigraph writes the @prefix lines in an order of its own: write them in ours.
    lines = turtle.split(b"\n")
    start = next(i for i, line in enumerate(lines) if not line.startswith(b"@prefix "))
    header = [f"# kg synth --articles {articles} --seed {seed}: synthetic data, not news".encode()]
    header += [f"@prefix {name}: <{iri}> .".encode() for name, iri in PREFIXES.items()]
    return b"\n".join([*header, b"", *lines[start:]])


def write_synth(out: str | Path, articles: int, seed: int = 0) -> Path:
    """``kg synth``: write :func:`synthesize` to ``out`` atomically and return its path."""
    from kg.output import check_output, write_atomically

    target = check_output(out, directory=False)
    data = synthesize(articles, seed).decode("utf-8")
    write_atomically({target: data})
    return target
