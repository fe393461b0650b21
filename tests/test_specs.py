"""Event-type specs: each spec file reads its own sentences; the loader and the path language refuse
bad data with one line naming the file and what is wrong.

Every sentence here is invented for the test (made-up places and parties are fine: the entity
recogniser still finds the states named), so no rule is written for a corpus sentence.
"""

from __future__ import annotations

import json

import pytest

from kg.extract.paths import PathError, parse, walk
from kg.extract.spec import SPEC_DIR, SpecError, build, load_specs, roles_of, shared_words
from tests.test_events import find, run, summary

# one case or more per spec file: (sentence, what the event must have)
CASES: dict[str, list[tuple[str, dict]]] = {
    "attack": [
        ("Chad carried out airstrikes on rebel positions near Faya on Monday, killing six fighters.",
         {"category": "Attack", "types": {"Airstrike"}, "perpetrator": "Chad", "killed": 6}),
        ("Gunmen from Boko Haram stormed a police post in Nigeria on Tuesday.",
         {"category": "Attack", "types": {"ArmedAssault"}, "perpetrator": "Boko Haram"}),
        ("Boko Haram said its fighters carried out an attack on an army post in Niger on Monday.",
         {"category": "Attack", "perpetrator": "Boko Haram"}),
    ],
    "communication": [
        ("Kenya's president spoke on the phone with the president of Uganda on Monday.",
         {"types": {"Communication"}}),
    ],
    "condemnation": [
        ("Norway strongly condemned the shelling of the border town by Sudan.",
         {"types": {"Condemnation"}, "actor": "Norway"}),
        ("Ghana described the raid on its embassy as cowardly.",
         {"types": {"Condemnation"}, "actor": "Ghana"}),
    ],
    "demand": [
        ("Peru demanded that Bolivia hand over the suspects.", {"types": {"Demand"}, "actor": "Peru"}),
    ],
    "denial": [
        ("Eritrea denied any involvement in the attack.", {"types": {"Denial"}, "actor": "Eritrea"}),
    ],
    "envoy_expulsion": [
        ("Senegal declared the Gambian ambassador persona non grata on Friday.",
         {"types": {"EnvoyExpulsion"}, "actor": "Senegal", "recipient": "Gambia"}),
        ("Uruguay terminated the accreditation of six Paraguayan diplomats.",
         {"types": {"EnvoyExpulsion"}, "actor": "Uruguay", "recipient": "Paraguay"}),
        ("Chad expelled the diplomats of Niger and Mali on Friday.",
         {"types": {"EnvoyExpulsion"}, "actor": "Chad", "recipient": "Mali"}),
    ],
    "envoy_recall": [
        ("Nepal recalled its ambassador from Bhutan on Thursday.",
         {"types": {"EnvoyRecall"}, "actor": "Nepal", "recipient": "Bhutan"}),
    ],
    "envoy_summons": [
        ("Egypt's foreign ministry summoned the Ethiopian ambassador on Monday.",
         {"types": {"EnvoySummons"}, "recipient": "Ethiopia"}),
    ],
    "relations_severed": [
        ("Belize severed diplomatic relations with Honduras.",
         {"types": {"RelationsSevered"}, "actor": "Belize", "recipient": "Honduras"}),
        ("Belize has severed diplomatic relations with two Central American nations. Its minister named Honduras and "
         "Guatemala.", {"types": {"RelationsSevered"}, "actor": "Belize", "recipient": "Guatemala"}),
    ],
    "sanction": [
        ("Canada imposed sanctions on three Belarusian officials on Tuesday.",
         {"types": {"Sanction"}, "actor": "Canada", "recipient": "Belarus"}),
        ("Japan sanctioned two Russian banks.", {"types": {"Sanction"}, "actor": "Japan", "recipient": "Russia"}),
    ],
    "statement": [
        ("Tunisia issued a statement on the clashes.", {"types": {"Statement"}, "actor": "Tunisia"}),
    ],
    "visit_suspension": [
        ("Chile suspended all high-level visits to Argentina.",
         {"types": {"VisitSuspension"}, "actor": "Chile", "recipient": "Argentina"}),
    ],
    "warning": [
        ("Serbia vowed a harsh response to the incursion.", {"types": {"Warning"}, "actor": "Serbia"}),
        ("Laos warned that Vietnam would pay a heavy price.", {"types": {"Warning"}, "actor": "Laos"}),
    ],
}


def test_every_spec_file_has_its_own_sentences():
    names = {p.stem for p in SPEC_DIR.glob("*.json") if not p.stem.startswith("_")}
    assert names == set(CASES), f"specs without a test case: {sorted(names - set(CASES))}"


@pytest.mark.parametrize(("spec", "sentence", "want"), [(s, t, w) for s, cases in CASES.items() for t, w in cases])
def test_spec_reads_its_sentences(nlp, spec, sentence, want):
    events = summary(run(nlp, sentence))
    assert find(events, **want) is not None, events


def test_spec_roles_and_classes_come_from_the_ontology():
    for spec in load_specs():
        assert set(spec.roles) <= roles_of(spec.cls), spec.name
        assert {spec.agent, spec.patient} <= set(spec.roles)
    sanction = next(s for s in load_specs() if s.cls == "Sanction")
    assert sanction.category == "DiplomaticAction" and sanction.agent == "actor"


NO_ATTACK = {
    "negation, modality, hypothetical": ("Mali did not strike the camp.", "Niger could strike the camp at any time.",
                                         "If Benin attacks the post, the army will respond."),
    "a civil body that targets or hits": ("The Treasury targeted three shipping firms registered in Malta.",
                                          "The finance ministry hit the importers with new duties.",
                                          "Kenya's parliament targeted the budget of the police."),
    "a test launch, a barred strike": ("Pakistan test-fired a cruise missile over the Arabian Sea on Tuesday.",
                                       "Iran carried out a missile test near Semnan on Monday.",
                                       "The court barred the army from shelling the old town."),
}


@pytest.mark.parametrize("sentence", [s for group in NO_ATTACK.values() for s in group])
def test_sentences_that_tell_no_attack(nlp, sentence):
    events = summary(run(nlp, sentence))
    assert not [e for e in events if e["category"] == "Attack"], events


def test_troops_that_target_are_still_an_attack(nlp):
    events = summary(run(nlp, "Ugandan troops targeted rebel camps in the forest on Friday."))
    assert [e for e in events if e["category"] == "Attack"], events


def test_a_state_acting_during_an_attack_is_not_its_doer(nlp):
    events = summary(run(nlp, "Drones struck the port of Odesa overnight. Neighbouring Romania put its jets on "
                              "alert during the attack, its defence ministry said."))
    assert not find(events, category="Attack", perpetrator="Romania"), events
    events = summary(run(nlp, "Rebels killed nine soldiers during the attack on the garrison in Kidal on Monday."))
    assert find(events, category="Attack", killed=9) is not None, events


def _bad(tmp_data: dict, name: str = "broken") -> str:
    with pytest.raises(SpecError) as caught:
        build(name, tmp_data, shared_words())
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{name}.json:")
    return message


def test_bad_specs_are_refused_with_one_line():
    base = {"class": "Sanction", "agent_role": "actor", "patient_role": "recipient",
            "roles": {"actor": {"patterns": []}, "recipient": {"patterns": []}},
            "triggers": [{"words": ["sanction"], "pos": ["VERB"]}]}
    build("ok", base, shared_words())
    assert "not in the ontology" in _bad({**base, "class": "Embargo"})
    assert "not a property" in _bad({**base, "roles": {**base["roles"], "perpetrator": {"patterns": []}}})
    assert "cannot read step" in _bad({**base, "triggers": [{"words": ["x"], "requires": ["^^nsubj"]}]})
    assert "unknown word list" in _bad({**base, "triggers": [{"words": ["x"], "requires": [">dobj[lemma=@nope]"]}]})
    assert "not the class or its subclasses" in _bad({**base, "triggers": [{"words": ["x"], "types": ["Bombing"]}]})
    assert "unknown fill" in _bad({**base, "roles": {"actor": {"patterns": [{"fill": "guess"}]},
                                                    "recipient": {"patterns": []}}})


def test_spec_files_are_valid_json_with_an_about():
    for path in SPEC_DIR.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data.get("about") or data.get("_about"), path.name


def test_path_language(nlp):
    from kg.extract import _ensure_lemmas

    doc = nlp("Chad launched strikes on rebel camps.")
    _ensure_lemmas(doc)
    strikes = next(t for t in doc if t.lower_ == "strikes")
    words = {"light": frozenset({"launch"})}
    assert [t.text for t in walk(strikes, "<dobj[lemma=@light] >nsubj", words)] == ["Chad"]
    assert [t.text for t in walk(strikes, ">prep[lower=on] >pobj", words)] == ["camps"]
    assert walk(strikes, "<dobj[lemma=fire]", words) == []
    assert [t.text for t in walk(strikes, "=[hasnot=neg]", words)] == ["strikes"]
    with pytest.raises(PathError):
        parse(">prep[colour=red]")


def test_a_new_event_type_is_one_spec_and_one_class():
    """Sanction needed only its spec file and its ontology term (plus regenerated ontology files)."""
    from kg import vocab

    assert "Sanction" in vocab.subclasses("DiplomaticAction")
    assert vocab.cameo_codes("Sanction") == ("163",)
    assert (SPEC_DIR / "sanction.json").exists()

