"""The entity components: signals in doc.spans, one arbiter, boilerplate, headlines, officials, the compiled
gazetteer. Every sentence here is invented; no seed article's people, groups or places."""

from __future__ import annotations

import logging
import shutil

import pytest
from spacy.matcher import PhraseMatcher

from kg.nlp import compiled
from kg.nlp.components import ENTITY_LABELS, PIPELINE
from kg.nlp.spans import GROUPS


def entities(doc):
    return {e.text: e for e in doc.ents if e.label_ in ENTITY_LABELS}


# ---------------------------------------------------------------- layout
def test_signals_run_after_ner_in_order_and_the_arbiter_last(nlp):
    names = nlp.pipe_names
    positions = [names.index(n) for n in PIPELINE]
    assert positions == sorted(positions) and positions[0] > names.index("ner")
    assert names[-1] == "kg_entities"
    # the event extractor reads the model's own lemmas: the lemmatizer stays in the pipeline
    assert "lemmatizer" in names
    assert nlp("Militants attacked the base.")[1].lemma_ == "attack"


def test_each_signal_writes_its_group_and_the_arbiter_says_which_won(nlp):
    doc = nlp("Iran launched strikes against Jaish al-Adl near Saravan, Foreign Minister Karim Tabesh said.")
    assert set(GROUPS) <= set(doc.spans)
    # the NER reads the group's name as a person; the gazetteer's reading wins the overlap
    ner = {(s.text, s.label_) for s in doc.spans["kg_ner"]}
    gazetteer = {(s.text, s.label_) for s in doc.spans["kg_gazetteer"]}
    assert ("Jaish al-Adl", "ArmedGroup") in gazetteer
    found = entities(doc)
    assert found["Jaish al-Adl"].label_ == "ArmedGroup" and found["Jaish al-Adl"]._.kg["signal"] == "kg_gazetteer"
    assert found["Karim Tabesh"]._.kg["signal"] == "kg_officials"
    assert ("Jaish al-Adl", "Person") in ner  # the small model's reading, overruled by the list


def test_priorities_are_configuration(nlp):
    """The arbiter's ranks come from its config: with the NER ranked first, its reading wins."""
    from kg.config import Settings
    from kg.nlp import load_pipeline

    text = "Gunmen of Jaish al-Adl attacked a checkpoint."
    assert entities(nlp(text))["Jaish al-Adl"].label_ == "ArmedGroup"
    flipped = load_pipeline(Settings())
    flipped.replace_pipe("kg_entities", "kg_entities", config={"priorities": {**GROUPS, "kg_ner": 9}})
    assert entities(flipped(text))["Jaish al-Adl"].label_ == "Person"


# ---------------------------------------------------------------- boilerplate and headlines
PAGE = """Home | World | Africa | Sahel

Fatal Drone Assault Kills Nine In Border Town

Share this on Facebook
By Adaeze Okonkwo, Staff Writer

A drone struck a market in Kidal on Monday, Malian officials said. REUTERS/Tomas Lindgren

Most Read
Kenya elections: what Nairobi expects
Ethiopia and Eritrea trade accusations

The army said it would respond.
"""


def test_boilerplate_yields_no_entities_and_the_story_keeps_its_own(nlp):
    found = entities(nlp(PAGE))
    for furniture in ("Africa", "Sahel", "Adaeze Okonkwo", "Tomas Lindgren", "Kenya", "Nairobi", "Ethiopia",
                      "Eritrea", "Facebook", "REUTERS"):
        assert furniture not in found, furniture
    assert found["Kidal"].label_ == "Place" and found["Malian"].label_ == "State"


def test_a_headline_phrase_of_common_words_is_no_entity(nlp):
    from kg.nlp.components import PIPELINE

    text = "Fatal Drone Assault Kills Nine In Border Town\n\nA drone struck a market in the town on Monday."
    with nlp.select_pipes(disable=list(PIPELINE)):
        raw = nlp(text)
    assert any("Assault" in e.text for e in raw.ents)  # the statistical NER takes it for a name
    assert not any("Assault" in e.text for e in nlp(text).ents)
    kept = entities(nlp("John Brennan Visits Troops\n\nHe arrived on Monday."))
    assert "John Brennan" in kept  # a name made of common nouns stays a name


def test_list_under_a_header_ends_at_a_sentence(nlp):
    doc = nlp("Most Read\nSyria talks stall in Geneva\n\nRebels attacked a base near Homs on Monday. Officials in "
              "Damascus said so.\n")
    found = entities(doc)
    assert "Geneva" not in found and "Syria" not in found
    assert "Damascus" in found


# ---------------------------------------------------------------- officials
@pytest.mark.parametrize("text, name, position, state", [
    ("Iranian FM Dariush Karimi said the talks would continue.", "Dariush Karimi", "Foreign Minister", "IR"),
    ("Pakistan PM Omar Siddiqui met the delegation on Monday.", "Omar Siddiqui", "Prime Minister", "PK"),
    ("Elena Volkova, spokesperson for the Russian Foreign Ministry, said Moscow was concerned.", "Elena Volkova",
     "Foreign Ministry Spokesperson", "RU"),
    ("Pavel Orlov, Russia's foreign minister, said the strikes were illegal.", "Pavel Orlov", "Foreign Minister",
     "RU"),
    ("The US special representative for Afghanistan, Daniel Brooks, arrived in Doha.", "Daniel Brooks",
     "Special Representative", "US"),
    ("The Chinese ambassador to Pakistan, Li Wenhao, was summoned.", "Li Wenhao", "Ambassador", "CN"),
    ("Rear Admiral Dan Levi, the chief military spokesman, said the drones were downed.", "Dan Levi",
     "Chief Military Spokesman", None),
])
def test_officials_from_abbreviations_appositives_and_bodies(nlp, text, name, position, state):
    span = entities(nlp(text))[name]
    assert span.label_ == "Official"
    assert span._.kg["position"] == position
    assert span._.kg.get("affiliation") == state


def test_envoys_keep_the_official_type_with_an_organization(nlp):
    doc = nlp("Lars Petersen, the UN special envoy for Yemen, said the ceasefire was holding.")
    span = entities(doc)["Lars Petersen"]
    assert span.label_ == "Official" and span._.kg["position"] == "Special Envoy"
    start, end = (int(x) for x in span._.kg["affiliation"].split(":")[1:])
    assert doc.text[start:end] == "UN"
    spokes = entities(nlp("Ahmed Nouri, the spokesperson for the ministry, told reporters it was false."))
    assert spokes["Ahmed Nouri"].label_ == "Official"
    assert spokes["Ahmed Nouri"]._.kg["position"] == "Ministry Spokesperson"


# ---------------------------------------------------------------- places and capitals
def test_a_capital_before_a_part_of_the_city_is_the_city(nlp):
    found = entities(nlp("A car bomb exploded near Kabul's airport, while Tehran's response was swift."))
    assert found["Kabul"].label_ == "Place" and found["Tehran"].label_ == "State"


def test_a_capital_is_never_an_alt_label_of_its_state(build_store, tmp_path):
    article = tmp_path / "capital.txt"
    article.write_text("Islamabad condemned the strike on Monday. Pakistan's envoy left Tehran, and Tehran said "
                       "the raid had targeted militants near Saravan.\n", encoding="utf-8")
    store, report = build_store(article)
    assert report.built == 1
    rows = store.query("""SELECT ?label ?alt WHERE { ?s a ckg:State ; rdfs:label ?label .
                          OPTIONAL { ?s skos:altLabel ?alt } }""")
    alts = {(str(r[0].value), str(r[1].value) if r[1] else None) for r in rows}
    assert ("Pakistan", "Islamabad") not in alts and ("Iran", "Tehran") not in alts
    places = {str(r[0].value) for r in store.query("SELECT ?l WHERE { ?p a ckg:Place ; rdfs:label ?l }")}
    assert "Tehran" in places  # "left Tehran": the city stays a Place


# ---------------------------------------------------------------- the compiled gazetteer
def test_phrase_table_matches_like_the_phrase_matcher(nlp):
    from kg.nlp.phrases import _Builder, _decode

    names = ["Gulf of Aden", "Aden", "Red Sea", "al-Shabaab", "U.S.", "Kohgiluyeh and Boyer-Ahmad"]
    builder = _Builder(nlp, 65)  # ORTH
    for i, name in enumerate(names):
        builder.add(f"K{i}", [name])
    table = _decode({"t": builder.encode()})["t"]
    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    for i, name in enumerate(names):
        matcher.add(f"K{i}", [nlp.make_doc(name)])
    doc = nlp.make_doc("Ships in the Gulf of Aden and the Red Sea; al-Shabaab and the U.S. in Aden, "
                       "Kohgiluyeh and Boyer-Ahmad.")
    ours = sorted(table.find(doc))
    theirs = sorted((nlp.vocab.strings[m], s, e) for m, s, e in matcher(doc))
    assert ours == theirs and len(ours) == 7


def test_compiled_artefact_is_built_once_then_read(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    calls = []

    def build():
        calls.append(1)
        return {"rows": [["a", 1], ["b", 2]]}

    first = compiled.load_or_build("thing", "k1", build, lambda d: d["rows"])
    second = compiled.load_or_build("thing", "k1", build, lambda d: d["rows"])
    assert first == second == (("a", 1), ("b", 2)) and calls == [1]
    compiled.load_or_build("thing", "k2", build, lambda d: d["rows"])  # a new fingerprint: rebuilt
    assert calls == [1, 1]
    assert [p.name for p in (tmp_path / "cache").glob("thing-*")] == ["thing-k2.msgpack"]  # stale one removed


def test_a_damaged_or_unwritable_cache_rebuilds_with_a_warning(tmp_path, monkeypatch, caplog):
    cache = tmp_path / "cache"
    monkeypatch.setenv("KG_CACHE_DIR", str(cache))
    cache.mkdir()
    (cache / "thing-k1.msgpack").write_bytes(b"\xc1 not msgpack")
    with caplog.at_level(logging.WARNING, logger="kg.nlp.compiled"):
        assert compiled.load_or_build("thing", "k1", lambda: [1], list) == [1]
    assert "unreadable" in caplog.text and "thing" in caplog.text
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    monkeypatch.setenv("KG_CACHE_DIR", str(blocked))
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="kg.nlp.compiled"):
        assert compiled.load_or_build("thing", "k1", lambda: [2], list) == [2]
    assert "cannot write" in caplog.text


def test_gazetteer_fingerprint_follows_its_lists(tmp_path):
    from kg.nlp.gazetteer import DATA_DIR, source_fingerprint

    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    before = source_fingerprint(copy)
    assert source_fingerprint(copy) == before
    with (copy / "armed_groups.tsv").open("a", encoding="utf-8") as handle:
        handle.write("Invented Front\t\t\tInvented Front\t\n")
    assert source_fingerprint(copy) != before


def test_compiled_gazetteer_equals_the_lists_read_afresh():
    from kg.nlp.gazetteer import DATA_DIR, build_gazetteer, load_gazetteer

    fresh, loaded = build_gazetteer(DATA_DIR), load_gazetteer()
    assert loaded.places == fresh.places
    assert loaded.states == fresh.states and loaded.named == fresh.named
    assert loaded.titles == fresh.titles and loaded.office_holders == fresh.office_holders
    assert {k: tuple(v) for k, v in fresh.place_index.items()} == loaded.place_index
    assert loaded.sound_entries("IR") == tuple(tuple(e) for e in fresh.sound_entries("IR"))


def test_patterns_and_word_lists_are_data():
    from kg.nlp.signal_patterns import load_patterns
    from kg.nlp.words import words

    patterns = load_patterns()
    assert {"GRP_BEFORE", "PLACE_OF", "PLACE_COMPOUND"} <= set(patterns)
    w = words()
    group_adj = next(t for t in patterns["GRP_BEFORE"][0] if t.get("LOWER", {}).get("IN") == sorted(w.group_adj))
    assert "militant" in group_adj["LOWER"]["IN"]


def test_a_name_written_with_diacritics_finds_the_state_spelt_without(nlp):
    """The phrase tables hold 'Peru' and 'Panama'; a text writing 'Perú' and 'Panamá' still names the states."""
    found = entities(nlp("Diplomats from Perú and Panamá were told to leave."))
    assert found["Perú"].label_ == "State" and found["Panamá"].label_ == "State", found
