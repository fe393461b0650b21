"""Cross-document date anchoring and symmetric calls (invented articles about Ethiopia and Eritrea).

An undated article's "on Tuesday" is resolved only through the dated events it shares with other
articles: the latest date among its matched events is the anchor. A call reported from either side is
one Communication. RDF never receives an unresolved RelativeDate.
"""

from __future__ import annotations

import hashlib
from datetime import date

from episode_records import BASE, DocBuilder

from kg.records import Document, DocumentMeta, RelativeDate
from kg.resolve import Resolver
from kg.resolve.anchoring import dated_first

THU = date(2023, 5, 11)  # a Thursday


def _recall(name: str, published: date | None, when) -> DocBuilder:
    b = DocBuilder(name, ["Ethiopia recalled its ambassador from Eritrea.",
                          "Ethiopian Foreign Minister Taye Atske phoned his Eritrean counterpart."], published)
    b.ent("et", "State", "Ethiopia").ent("er", "State", "Eritrea")
    b.event("r", "DiplomaticAction", ["EnvoyRecall"], "recalled", 0)
    b.fact("r", "actor", "et", 0).fact("r", "recipient", "er", 0)
    if when is not None:
        b.fact("r", "date", when, 0, key=False)
    return b


def test_relative_date_anchored_on_the_latest_matched_event():
    resolver = Resolver(BASE)
    dated = resolver.resolve(_recall("dated.txt", THU, THU).extraction())
    b = _recall("undated.txt", None, None)
    b.event("c", "DiplomaticAction", ["Communication"], "phoned", 1)
    b.fact("c", "actor", "et", 1).fact("c", "recipient", "er", 1)
    b.fact("c", "date", RelativeDate("on Tuesday", weekday=1), 1, key=False, confidence=0.8)
    out = resolver.resolve(b.extraction())
    dates = {f.subject: f for f in out.extraction.facts if f.predicate == "date"}
    assert out.iris["r"] == dated.iris["r"]  # the recall matched the dated report
    assert "r" not in dates  # its own date is not invented
    assert dates["c"].object == date(2023, 5, 9)  # the Tuesday before Thursday 11 May
    assert dates["c"].evidence.confidence < 0.8  # inferred through another article: less sure
    assert out.iris["c"].startswith(BASE + "event/2023-05-09-")  # dated before its IRI was minted
    assert any("anchored on 2023-05-11" in e for e in out.explanations)
    assert not any(isinstance(f.object, RelativeDate) for f in out.extraction.facts)


def test_relative_date_without_anchor_is_dropped():
    resolver = Resolver(BASE)
    b = _recall("alone.txt", None, RelativeDate("on Friday", weekday=4))
    out = resolver.resolve(b.extraction())
    assert not [f for f in out.extraction.facts if f.predicate == "date"]
    assert any("dropped" in e for e in out.explanations)
    assert out.iris["r"] == BASE + "event/ethiopia-envoy-recall-eritrea"  # no date in the IRI: none was known


def test_days_offset_resolves_from_anchor():
    assert RelativeDate("yesterday", days=-1).resolve(THU) == date(2023, 5, 10)
    assert RelativeDate("on Thursday", weekday=3).resolve(THU) == THU
    assert RelativeDate("on Friday", weekday=4).resolve(THU) == date(2023, 5, 5)


def test_undated_documents_are_resolved_after_the_dated_ones():
    undated = _recall("u.txt", None, RelativeDate("Monday", weekday=0)).extraction()
    dated = _recall("d.txt", THU, THU).extraction()
    plain = _recall("p.txt", None, None).extraction()
    order = [item[1] for item in dated_first([("u", undated, 1), ("d", dated, 1), ("p", plain, 1)])]
    assert order == [dated, plain, undated]


def test_a_call_seen_from_the_other_side_is_one_communication():
    resolver = Resolver(BASE)
    one = DocBuilder("call-1.txt", ["Ethiopian Foreign Minister Taye Atske phoned his Eritrean counterpart."], THU)
    one.ent("et", "State", "Ethiopia").ent("er", "State", "Eritrea")
    one.ent("taye", "Official", "Taye Atske").fact("taye", "affiliation", "et", 0)
    one.event("c", "DiplomaticAction", ["Communication"], "phoned", 0)
    one.fact("c", "actor", "taye", 0).fact("c", "recipient", "er", 0).fact("c", "date", THU, 0, key=False)
    two = DocBuilder("call-2.txt", ["Eritrean Foreign Minister Osman Saleh told his Ethiopian counterpart ..."], THU)
    two.ent("et", "State", "Ethiopia").ent("er", "State", "Eritrea")
    two.ent("osman", "Official", "Osman Saleh").fact("osman", "affiliation", "er", 0)
    two.event("c", "DiplomaticAction", ["Communication"], "told", 0)
    two.fact("c", "actor", "osman", 0).fact("c", "recipient", "et", 0)
    first, second = resolver.resolve(one.extraction()), resolver.resolve(two.extraction())
    assert second.iris["c"] == first.iris["c"]
    # a recall is directed: the same two states the other way round stay two events
    three = DocBuilder("recall-3.txt", ["Eritrea recalled its ambassador from Ethiopia."], THU)
    three.ent("et", "State", "Ethiopia").ent("er", "State", "Eritrea")
    three.event("r", "DiplomaticAction", ["EnvoyRecall"], "recalled", 0)
    three.fact("r", "actor", "er", 0).fact("r", "recipient", "et", 0).fact("r", "date", THU, 0, key=False)
    other_way = resolver.resolve(_recall("recall-4.txt", THU, THU).extraction()).iris["r"]
    assert resolver.resolve(three.extraction()).iris["r"] != other_way


def test_rdf_never_writes_a_relative_date():
    from kg.rdf import RunInfo, document_triples
    from kg.records import ResolvedDocument

    b = _recall("raw.txt", None, RelativeDate("on Friday", weekday=4))
    extraction = b.extraction()
    iris = {"et": BASE + "ethiopia", "er": BASE + "eritrea", "r": BASE + "event/undated-x"}
    resolved = ResolvedDocument(extraction, iris, {v: v for v in iris.values()})
    triples = document_triples(resolved, BASE, RunInfo.now("m", "1"))
    assert not [t for t in triples if str(t.predicate).endswith("#date>")]


def test_undated_article_end_to_end(nlp):
    """Extraction keeps the weekday; the build anchors it on a dated article's matching recall."""
    from kg.extract import extract

    texts = [("Eritrea recalled its ambassador from Ethiopia on Thursday, the foreign ministry said.", THU),
             ("Eritrea recalled its ambassador from Ethiopia. Earlier on Tuesday, Ethiopia condemned an "
              "Eritrean drone strike on the town of Zalambessa.", None)]
    resolver = Resolver(BASE)
    results = []
    for text, pub in texts:
        document = Document(hashlib.sha256(text.encode()).hexdigest(), "t.txt", text, text,
                            DocumentMeta("t.txt", date=pub))
        results.append(resolver.resolve(extract(document, nlp(text))))
    dated = [f for f in results[1].extraction.facts if f.predicate == "date"]
    assert dated and all(f.object == date(2023, 5, 9) for f in dated), results[1].explanations


def _attack(name: str, perpetrator: str | None, place: str, when: date) -> DocBuilder:
    b = DocBuilder(name, [f"An attack hit {place} in Chad."], when)
    b.ent("td", "State", "Chad").ent("pl", "Place", place).fact("pl", "locatedIn", "td", 0)
    b.event("a", "Attack", ["ArmedAssault"], "attack", 0)
    b.fact("a", "location", "pl", 0).fact("a", "date", when, 0, key=False)
    if perpetrator:
        b.ent("g", "ArmedGroup", perpetrator).fact("a", "perpetrator", "g", 0)
    return b


def test_unattributed_report_joins_the_attributed_attack_only_with_strong_agreement():
    resolver = Resolver(BASE)
    named = resolver.resolve(_attack("n.txt", "Boko Haram", "Baga", THU).extraction()).iris["a"]
    same = resolver.resolve(_attack("s.txt", None, "Baga", THU).extraction()).iris["a"]
    assert same == named  # same day, same territory, same place, same type
    other_day = resolver.resolve(_attack("o.txt", None, "Baga", date(2023, 5, 20)).extraction()).iris["a"]
    assert other_day != named


def test_reaction_dated_by_the_known_date_of_the_attack_it_answers():
    resolver = Resolver(BASE)
    dated = resolver.resolve(_attack("a.txt", "Boko Haram", "Baga", THU).extraction())
    b = DocBuilder("r.txt", ["Chad condemned the attack on Baga by Boko Haram."], None)
    b.ent("td", "State", "Chad").ent("pl", "Place", "Baga").fact("pl", "locatedIn", "td", 0)
    b.ent("g", "ArmedGroup", "Boko Haram")
    b.event("a", "Attack", ["ArmedAssault"], "attack", 0).event("c", "DiplomaticAction", ["Condemnation"], "x", 0)
    b.fact("a", "perpetrator", "g", 0).fact("a", "location", "pl", 0)
    b.fact("c", "actor", "td", 0).fact("c", "recipient", "g", 0).fact("c", "inResponseTo", "a", 0)
    out = resolver.resolve(b.extraction())
    assert out.iris["a"] == dated.iris["a"]
    dates = [f for f in out.extraction.facts if f.predicate == "date" and f.subject == "c"]
    assert [f.object for f in dates] == [THU] and dates[0].evidence.confidence < 0.5
    assert out.iris["c"].startswith(BASE + "event/2023-05-11-")


def test_spokesman_and_his_group_are_the_same_principal():
    from kg.resolve.events import principals_of
    from kg.resolve.known import KnownEntity

    nodes = {"sp": KnownEntity("sp", {"Official"}, "Spokesman", affiliations={"grp"}),
             "grp": KnownEntity("grp", {"ArmedGroup"}, "Group"),
             "min": KnownEntity("min", {"GovernmentBody"}, "Ministry", affiliations={"st"}),
             "off": KnownEntity("off", {"Official"}, "Minister", affiliations={"min"})}
    assert principals_of({"sp"}, nodes, {"st"}) == {"sp", "grp"}
    assert principals_of({"off"}, nodes, {"st"}) == {"off", "min", "st"}


def test_two_states_foreign_ministries_stay_apart():
    """'Its Foreign Ministry' of two different states: the same words, two bodies (their State decides)."""
    resolver = Resolver(BASE)
    iris = []
    for name, state in (("k.txt", "Kenya"), ("g.txt", "Ghana")):
        b = DocBuilder(name, [f"{state}'s Foreign Ministry condemned the attack."], THU)
        b.ent("m", "GovernmentBody", f"Ministry of Foreign Affairs of {state}", names={"Foreign Ministry"})
        b.ent("s", "State", state).fact("m", "partOf", "s", 0)
        iris.append(resolver.resolve(b.extraction()).iris["m"])
    assert iris[0] != iris[1]


def test_a_district_and_its_city_are_the_same_location():
    resolver = Resolver(BASE)
    named = _attack("c.txt", "Boko Haram", "Maiduguri", THU)
    first = resolver.resolve(named.extraction()).iris["a"]
    b = DocBuilder("d.txt", ["An attack hit Gwange, a district of Maiduguri, in Nigeria."], THU)
    b.ent("td", "State", "Chad").ent("city", "Place", "Maiduguri").fact("city", "locatedIn", "td", 0)
    b.ent("pl", "Place", "Gwange").fact("pl", "locatedIn", "city", 0)
    b.event("a", "Attack", ["Attack"], "attack", 0).fact("a", "location", "pl", 0)
    b.fact("a", "date", THU, 0, key=False)
    assert resolver.resolve(b.extraction()).iris["a"] == first  # unattributed: needs the shared place
