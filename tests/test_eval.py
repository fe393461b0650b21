"""Unit tests of the scorer (kg.eval) on small hand-built graphs: right ones pass, broken ones fail.

The graphs follow the contract's shape: one named graph per document, a provenance graph stating
``?g prov:wasDerivedFrom ?doc`` and ``?doc dcterms:source "<file name>"``, the union in the default graph.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kg.eval import FactsError, load_facts, parse_facts, score_store
from kg.eval.names import norm, source_matches
from kg.store import KGStore

PREFIXES = """
@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
@prefix id: <https://w3id.org/conflict-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix wd: <http://www.wikidata.org/entity/> .
"""

# Document 000 reports the Iranian strike (A1) and the envoy recall (D1); document 001 reports
# the strike again, the Pakistani reprisal (A2) and a phone call (D2).
DOC0 = """
id:iran a ckg:State ; rdfs:label "Iran" ; skos:altLabel "Islamic Republic of Iran" ; owl:sameAs wd:Q794 .
id:pakistan a ckg:State ; rdfs:label "Pakistan" ; owl:sameAs wd:Q843 .
id:jaa a ckg:ArmedGroup ; rdfs:label "Jaish al-Adl" ; ckg:basedIn id:panjgur .
id:panjgur a ckg:Place ; rdfs:label "Panjgur" ; ckg:locatedIn id:balochistan .
id:balochistan a ckg:Place ; rdfs:label "Balochistan" ; ckg:locatedIn id:pakistan .
id:a1 a ckg:MissileStrike, ckg:DroneStrike ; ckg:perpetrator id:iran ; ckg:target id:jaa ;
    ckg:location id:panjgur ; ckg:date "2024-01-16"^^xsd:date ; ckg:killed 2 .
id:d1 a ckg:EnvoyRecall ; ckg:actor id:pakistan ; ckg:recipient id:iran ; ckg:date "2024-01-17"^^xsd:date .
"""
DOC1 = """
id:iran a ckg:State ; rdfs:label "Iran" .
id:pakistan a ckg:State ; rdfs:label "Pakistan" .
id:saravan a ckg:Place ; rdfs:label "Saravan" ; ckg:locatedIn id:sistan .
id:sistan a ckg:Place ; rdfs:label "Sistan and Baluchestan" ; ckg:locatedIn id:iran .
id:aa a ckg:Official ; rdfs:label "Hossein Amir-Abdollahian" ; skos:altLabel "Amir-Abdollahian" ;
    ckg:position "Foreign Minister" ; ckg:affiliation id:iran .
id:a1 a ckg:MissileStrike ; ckg:perpetrator id:iran ; ckg:killed 2 .
id:a2 a ckg:Airstrike ; ckg:perpetrator id:pakistan ; ckg:location id:saravan ;
    ckg:date "2024-01-18"^^xsd:date ; ckg:killed 7 ; ckg:inResponseTo id:a1 .
id:d2 a ckg:Communication ; ckg:actor id:aa ; ckg:recipient id:pakistan .
"""
PROV = """
id:graph-000 prov:wasDerivedFrom id:doc-000 .
id:graph-001 prov:wasDerivedFrom id:doc-001 .
id:doc-000 a ckg:SourceDocument ; dcterms:source "000_aaaa.txt" .
id:doc-001 a ckg:SourceDocument ; dcterms:source "https://news.example/a/b" ;
    dcterms:identifier "001_bbbb.txt" .
"""

GOLD = {
    "entities": [
        {"type": "State", "label": "Iran", "names": ["Iran", "Islamic Republic of Iran"], "wikidata": "Q794",
         "required": True},
        {"type": "State", "label": "Pakistan", "names": ["Pakistan"], "wikidata": "Q843", "required": True},
        {"type": "State", "label": "Brazil", "names": ["Brazil"], "required": False},
        {"type": "ArmedGroup", "label": "Jaish al-Adl", "names": ["Jaish al-Adl", "Jaish al-Adli"],
         "required": True},
        {"type": "Official", "label": "Hossein Amir-Abdollahian", "names": ["Amir-Abdollahian"],
         "position": "Foreign Minister", "affiliation": "Iran", "required": True},
        {"type": "Place", "label": "Balochistan", "names": ["Balochistan"], "in": "Pakistan",
         "required": True},
        {"type": "Place", "label": "Saravan", "names": ["Saravan"], "in": "Iran", "required": True},
        {"type": "Place", "label": "Sistan and Baluchestan", "names": ["Sistan-o-Baluchestan"],
         "required": False},
        {"type": "Place", "label": "Panjgur", "names": ["Panjgur"], "required": False},
    ],
    "attacks": [
        {"id": "A1", "types": ["MissileStrike", "DroneStrike"], "perpetrator": "Iran",
         "target": "Jaish al-Adl", "territory": "Pakistan", "location": ["Balochistan"],
         "date": "2024-01-16", "killed": [2], "sources": ["000", "001"], "required": True},
        {"id": "A2", "types": ["Airstrike"], "perpetrator": "Pakistan", "territory": "Iran",
         "location": ["Saravan"], "date": "2024-01-18", "killed": [7], "sources": ["001"],
         "in_response_to": "A1", "required": True},
    ],
    "diplomatic_actions": [
        {"id": "D1", "types": ["EnvoyRecall"], "actor": "Pakistan", "recipient": "Iran", "date": "2024-01-17",
         "sources": ["000"], "required": True},
        {"id": "D2", "types": ["Communication"], "actor": "Iran", "recipient": "Pakistan",
         "participants": ["Hossein Amir-Abdollahian"], "sources": ["001"], "required": True},
    ],
    "other_facts": [
        {"subject": "Jaish al-Adl", "property": "basedIn", "object": "Balochistan", "sources": ["000"],
         "required": True},
        {"subject": "Saravan", "property": "locatedIn", "object": "Iran", "required": True},
    ],
}


def make_store(tmp_path, doc0: str = DOC0, doc1: str = DOC1, extra: str = "") -> KGStore:
    """A store laid out like a build: one graph per document, provenance, union in the default graph."""
    trig = (f"{PREFIXES}\nid:graph-000 {{ {doc0} }}\nid:graph-001 {{ {doc1} }}\n"
            f"id:provenance {{ {PROV} {extra} }}\n")
    path = tmp_path / "graph.trig"
    path.write_text(trig, encoding="utf-8")
    store = KGStore()
    store.load_quads(path)
    return store


def score(tmp_path, gold=None, **parts):
    return score_store(make_store(tmp_path, **parts), parse_facts(gold or GOLD, "gold.json"))


def reasons(report) -> list[str]:
    return [f"{m.id}: {m.reason}" for m in report.missed]


# -- a correct graph --------------------------------------------------------------------------------
def test_a_correct_graph_scores_perfectly(tmp_path):
    report = score(tmp_path)
    assert report.ok, reasons(report)
    assert report.entities.counts.f1 == 1.0
    assert report.attacks.counts.f1 == 1.0
    assert report.diplomatic_actions.counts.f1 == 1.0
    assert report.argument_accuracy().accuracy == 1.0
    assert report.other_facts.counts.recall == 1.0
    assert report.duplicates == []
    assert {m.gold: m.node for m in report.attacks.matches} == {"A1": "<a1>", "A2": "<a2>"}


def test_event_arguments_are_counted_per_argument(tmp_path):
    report = score(tmp_path)
    args = report.attacks.arguments
    # A1 and A2 both give perpetrator, territory, location, date, killed, types and sources.
    for name in ("perpetrator", "territory", "location", "date", "killed", "types", "sources"):
        assert (args[name].correct, args[name].total) == (2, 2), name
    assert (args["target"].total, args["in_response_to"].total) == (1, 1)
    assert "participants" not in report.diplomatic_actions.arguments  # context for readers, not scored


# -- broken graphs must fail, saying why ------------------------------------------------------------
def test_missing_perpetrator_is_reported_on_the_matched_event(tmp_path):
    doc1 = DOC1.replace("ckg:perpetrator id:pakistan ;", "")
    report = score(tmp_path, doc1=doc1)
    assert report.attacks.counts.tp == 2  # still recognisable by territory, date, killed
    assert report.attacks.arguments["perpetrator"].correct == 1
    assert any(r.startswith("A2: matched") and "perpetrator is missing" in r for r in reasons(report))


def test_wrong_territory_means_another_event(tmp_path):
    # The strike is placed in Iran instead of Pakistan: it is not A1 any more.
    doc0 = DOC0.replace("ckg:location id:panjgur", "ckg:location id:iran")
    doc1 = DOC1.replace("id:a1 a ckg:MissileStrike ; ckg:perpetrator id:iran ; ckg:killed 2 .", "")
    report = score(tmp_path, doc0=doc0, doc1=doc1)
    assert (report.attacks.counts.tp, report.attacks.counts.fn, report.attacks.counts.fp) == (1, 1, 1)
    assert any(r.startswith("A1:") and "territory" in r for r in reasons(report)), reasons(report)
    assert not report.ok


def test_duplicate_event_nodes_cost_precision_and_are_listed(tmp_path):
    doc1 = DOC1.replace("id:a1 a ckg:MissileStrike", "id:a1bis a ckg:MissileStrike")
    report = score(tmp_path, doc1=doc1)
    assert report.attacks.counts.precision == pytest.approx(2 / 3)
    assert "attacks" not in report.false_positives  # listed as a duplicate, not as an unknown attack
    dups = [d for d in report.duplicates if d.section == "attacks"]
    assert [d.id for d in dups] == ["A1"] and len(dups[0].nodes) == 2
    # the node kept for A1 is reported by one document only now
    assert any("A1" in r and "sources is wrong" in r for r in reasons(report))


def test_duplicate_entity_nodes_are_listed(tmp_path):
    extra_iran = 'id:iran2 a ckg:State ; rdfs:label "Islamic Republic of Iran" .'
    report = score(tmp_path, doc1=DOC1 + extra_iran)
    assert [d.id for d in report.duplicates] == ["Iran"]
    assert report.entities.counts.fp == 1
    assert report.entities.counts.recall == 1.0


def test_entity_of_the_wrong_type_is_not_found(tmp_path):
    doc1 = DOC1.replace("id:aa a ckg:Official", "id:aa a ckg:Person")
    report = score(tmp_path, doc1=doc1)
    miss = [r for r in reasons(report) if r.startswith("Hossein Amir-Abdollahian")]
    assert miss and "typed Person" in miss[0]
    assert report.entities.counts.fn == 1


def test_entity_attributes_are_checked(tmp_path):
    doc1 = DOC1.replace('ckg:position "Foreign Minister" ;', 'ckg:position "Deputy Governor" ;')
    doc0 = DOC0.replace("owl:sameAs wd:Q794 .", ".")
    report = score(tmp_path, doc0=doc0, doc1=doc1)
    text = "\n".join(reasons(report))
    assert "position 'Foreign Minister' is missing" in text and "Deputy Governor" in text
    assert "wikidata Q794" in text
    assert report.entities.arguments["position"].accuracy == 0.0


def test_diplomatic_action_of_another_type_does_not_match(tmp_path):
    doc0 = DOC0.replace("id:d1 a ckg:EnvoyRecall", "id:d1 a ckg:EnvoyExpulsion")
    report = score(tmp_path, doc0=doc0)
    assert report.diplomatic_actions.counts.fn == 1
    assert any(r.startswith("D1:") and "no EnvoyRecall node is reported by 000" in r
               for r in reasons(report)), reasons(report)


def test_actor_through_an_officials_affiliation(tmp_path):
    # D2's actor is the minister, who serves Iran: that counts as Iran; a minister of nobody does not.
    report = score(tmp_path)
    assert report.diplomatic_actions.arguments["actor"].correct == 2
    doc1 = DOC1.replace("ckg:affiliation id:iran .", ".")
    report = score(tmp_path, doc1=doc1)
    assert report.diplomatic_actions.arguments["actor"].correct == 1


def test_generic_attack_type_matches_but_the_type_argument_fails(tmp_path):
    doc1 = DOC1.replace("id:a2 a ckg:Airstrike", "id:a2 a ckg:Attack")
    report = score(tmp_path, doc1=doc1)
    assert report.attacks.counts.tp == 2
    assert report.attacks.arguments["types"].correct == 1
    assert any("A2: matched" in r and "types is missing" in r for r in reasons(report))


def test_in_response_to_must_point_at_the_matched_event(tmp_path):
    doc1 = DOC1.replace("ckg:inResponseTo id:a1 .", "ckg:inResponseTo id:d1 .")
    report = score(tmp_path, doc1=doc1)
    assert report.attacks.arguments["in_response_to"].correct == 0
    assert any("in_response_to is wrong" in r for r in reasons(report))


def test_other_facts_follow_located_in_and_check_sources(tmp_path):
    report = score(tmp_path)  # basedIn Panjgur, which is in Balochistan; Saravan -> Sistan -> Iran
    assert report.other_facts.counts.tp == 2
    doc0 = DOC0.replace("ckg:basedIn id:panjgur", "ckg:basedIn id:iran")
    report = score(tmp_path, doc0=doc0)
    assert any("basedIn" in m.id and "no basedIn link" in m.reason for m in report.missed)
    gold = json.loads(json.dumps(GOLD))
    gold["other_facts"][0]["sources"] = ["001"]
    report = score(tmp_path, gold=gold)
    assert any("not stated by 001" in m.reason for m in report.missed)


def test_unlisted_entities_are_false_positives_but_optional_ones_are_not(tmp_path):
    extra = 'id:china a ckg:State ; rdfs:label "China" . id:brazil a ckg:State ; rdfs:label "Brazil" .'
    report = score(tmp_path, doc1=DOC1 + extra)
    assert report.entities.counts.fp == 1  # China; Brazil is optional: no error either way
    assert report.entities.by_type["State"].fp == 1
    assert report.false_positives["entities"] == ["'China' <china> State"]
    assert report.ok


def test_missing_events_say_why(tmp_path):
    doc0 = DOC0.replace("id:d1 a ckg:EnvoyRecall ; ckg:actor id:pakistan ; ckg:recipient id:iran ; "
                        'ckg:date "2024-01-17"^^xsd:date .', "")
    report = score(tmp_path, doc0=doc0)
    assert any(r.startswith("D1:") and "no diplomatic action node is reported by 000" in r
               for r in reasons(report)), reasons(report)


def test_one_node_matches_one_gold_event_only(tmp_path):
    gold = json.loads(json.dumps(GOLD))
    twin = dict(gold["attacks"][0], id="A1b")
    gold["attacks"].append(twin)
    report = score(tmp_path, gold=gold)
    assert report.attacks.counts.tp == 2 and report.attacks.counts.fn == 1
    assert any(r.startswith("A1b:") and "went to A1" in r for r in reasons(report)), reasons(report)


# -- helpers ---------------------------------------------------------------------------------------
def test_name_normalisation():
    assert norm("  The Islamic  State ") == norm("islamic state")
    assert norm("Jaish al\u2010Adl") == norm("jaish al-adl")
    assert norm("Luiz In\u00e1cio") == norm("Luiz Inacio")
    assert norm("Iran") != norm("Iraq")


def test_source_matching_by_file_name_prefix():
    assert source_matches("000", "000_d90cd202b3bd0b15.txt")
    assert source_matches("001", "/work/shared/corpus/seeds/001_ecd.txt")
    assert source_matches("a.html", "https://example.org/news/a.html?x=1")
    assert not source_matches("000", "1000_x.txt")


def test_malformed_facts_files_fail_clearly(tmp_path):
    with pytest.raises(FactsError, match="needs an 'id'"):
        parse_facts({"attacks": [{"types": ["Airstrike"]}]})
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(FactsError, match="not valid JSON"):
        load_facts(bad)


# -- the command line ------------------------------------------------------------------------------
def test_kg_eval_command_prints_json_and_exits_1_on_a_miss_with_require(tmp_path):
    from kg.cli import app

    make_store(tmp_path)  # writes graph.trig
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(GOLD), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["eval", str(facts), "--data", str(tmp_path / "graph.trig"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] and data["attacks"]["counts"]["f1"] == 1.0

    gold = json.loads(json.dumps(GOLD))
    gold["attacks"][0]["killed"] = [3]
    facts.write_text(json.dumps(gold), encoding="utf-8")
    result = runner.invoke(app, ["eval", str(facts), "--data", str(tmp_path / "graph.trig"), "--require"])
    assert result.exit_code == 1
    assert "killed" in result.stdout and "A1" in result.stdout


def test_sources_fall_back_to_the_documents_a_graphs_statements_cite(tmp_path):
    """Without ``?g prov:wasDerivedFrom ?doc``, the SourceDocument cited by the graph's statements counts."""
    stated0 = DOC0 + "[] a rdf:Statement ; prov:wasDerivedFrom id:doc-000 ."
    stated1 = DOC1 + "[] a rdf:Statement ; prov:wasDerivedFrom id:doc-001 ."
    prov = PROV.replace("id:graph-000 prov:wasDerivedFrom id:doc-000 .", "").replace(
        "id:graph-001 prov:wasDerivedFrom id:doc-001 .", "")
    trig = (f"{PREFIXES}@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
            f"id:graph-000 {{ {stated0} }}\nid:graph-001 {{ {stated1} }}\nid:provenance {{ {prov} }}\n")
    path = tmp_path / "fallback.trig"
    path.write_text(trig, encoding="utf-8")
    store = KGStore()
    store.load_quads(path)
    report = score_store(store, parse_facts(GOLD, "gold.json"))
    assert report.attacks.arguments["sources"].correct == 2, reasons(report)
