"""Every query in queries/ answers its question: on the hand-made episode, and on the seed graph."""

from __future__ import annotations

import re

import pytest
from episode_records import BASE, build_episode

from kg.config import QUERIES_DIR

QUERIES = sorted(p.stem for p in QUERIES_DIR.glob("*.rq"))


def text(name: str) -> str:
    return (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")


def bind(sparql: str, **params: str) -> str:
    """The documented convention: VALUES right after the first ``WHERE {``."""
    values = " ".join(f"VALUES ?{k} {{ <{v}> }}" for k, v in params.items())
    return re.sub(r"WHERE\s*\{", lambda m: m.group(0) + " " + values, sparql, count=1)


def rows(store, sparql: str) -> list[dict[str, str]]:
    result = store.query(sparql)
    names = [v.value for v in result.variables]
    return [{n: (r[n].value if r[n] is not None else None) for n in names} for r in result]


@pytest.fixture(scope="module")
def store():
    return build_episode()[0]


def test_every_query_has_a_header_and_a_test():
    assert len(QUERIES) >= 9
    for name in QUERIES:
        head = text(name)
        assert re.search(r"^# title: \S", head, re.M) and re.search(r"^# description: \S", head, re.M), name
        for param in re.findall(r"^# param: (\w+)", head, re.M):
            assert f"?{param}" in head, (name, param)
        assert f"test_{name}" in globals(), f"no test for {name}.rq"


def test_attacks_across_borders(store):
    result = rows(store, text("attacks_across_borders"))
    found = {(r["perpetratorLabel"], r["territoryLabel"], r["sources"]) for r in result}
    assert found == {
        ("Iran", "Iraq", "1"),
        ("Iran", "Pakistan", "5"),
        ("Iran", "Syria", "1"),
        ("Pakistan", "Iran", "5"),
    }


def test_timeline(store):
    result = rows(store, text("timeline"))
    dates = [r["date"] for r in result]
    dated = [d for d in dates if d]
    assert dated == sorted(dated) and dates.index(None) == len(dated)  # undated last
    assert len(result) == 9


def test_casualties_by_source(store):
    result = rows(store, text("casualties_by_source"))
    killed = sorted(
        (r["count"], r["publisher"])
        for r in result
        if r["measure"] == "killed" and "Pakistan airstrike" in r["eventLabel"]
    )
    assert killed == [("6", None), ("7", "CNN D"), ("7", "Wire A")]
    assert all(r["evidence"] for r in result)


def test_diplomatic_actions_by_actor(store):
    everyone = rows(store, text("diplomatic_actions_by_actor"))
    assert {r["actorLabel"] for r in everyone} >= {"Pakistan", "Iran", "Iraq", "Hossein Amir-Abdollahian"}
    iran = rows(store, bind(text("diplomatic_actions_by_actor"), actor=BASE + "state/iran"))
    assert {r["types"] for r in iran} == {"Demand", "Communication"}  # the minister's call counts for Iran


def test_officials(store):
    found = {(r["name"], r["position"], r["affiliationLabel"]) for r in rows(store, text("officials"))}
    assert found == {
        ("Hossein Amir-Abdollahian", "Foreign Minister", "Iran"),
        ("Jalil Abbas Jilani", "Foreign Minister", "Pakistan"),
        ("Alireza Marhamati", "Deputy Governor", "Iran"),
    }


def test_event_sources(store):
    event = BASE + "event/2024-01-18-pakistan-airstrike-iran"
    result = rows(store, bind(text("event_sources"), event=event))
    assert len({r["doc"] for r in result}) == 5
    assert {r["event"] for r in result} == {event}
    attributed = {r["attributedTo"] for r in result if r["property"] == "killed"}
    assert attributed == {"Iran", "Alireza Marhamati"}


def test_contested_facts(store):
    result = rows(store, text("contested_facts"))
    assert {(r["property"], r["value"]) for r in result} == {("killed", "6"), ("killed", "7")}
    assert len({r["doc"] for r in result}) == 3


def test_armed_groups(store):
    result = {r["label"]: r for r in rows(store, text("armed_groups"))}
    assert result["Jaish al-Adl"]["baseLabel"] == "Balochistan" and result["Jaish al-Adl"]["state"] == "Pakistan"
    assert "Justice Army" in result["Jaish al-Adl"]["otherNames"]
    assert {"Islamic State", "Baloch separatists"} <= set(result)


def test_events_in_province(store):
    province = BASE + "place/sistan-and-baluchestan"
    result = rows(store, bind(text("events_in_province"), place=province))
    assert [r["event"] for r in result] == [BASE + "event/2024-01-18-pakistan-airstrike-iran"]
    assert result[0]["sources"] == "5"  # located at Saravan or in the province itself


# -- the seed graph (built by the full pipeline once per session) ---------------------------------


def _event(seed_store, perpetrator: str, territory: str) -> list[dict]:
    return [
        r
        for r in rows(seed_store, text("attacks_across_borders"))
        if r["perpetratorLabel"] == perpetrator and r["territoryLabel"] == territory
    ]


def test_seed_strikes_are_one_node_each_with_five_sources(seed_store):
    pakistan = _event(seed_store, "Pakistan", "Iran")
    iran = _event(seed_store, "Iran", "Pakistan")
    assert len({r["attack"] for r in pakistan}) == 1 and pakistan[0]["sources"] == "5"
    assert len({r["attack"] for r in iran}) == 1 and iran[0]["sources"] == "5"


def test_seed_iran_strikes_on_iraq_and_syria_stay_apart(seed_store):
    attacks = {r["attack"] for t in ("Iraq", "Syria", "Pakistan") for r in _event(seed_store, "Iran", t)}
    assert len(attacks) >= 2


def test_seed_statements_quote_the_text(seed_store, seeds_dir):
    from kg.ingest import make_document
    from kg.records import DocumentMeta

    texts = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        doc = make_document(path.name, path.read_text(encoding="utf-8"), DocumentMeta(source=path.name))
        texts[doc.id] = doc.text
    result = rows(
        seed_store,
        """SELECT ?sha ?ev ?a ?b WHERE { ?st a rdf:Statement ; prov:wasDerivedFrom ?doc ;
        ckg:evidence ?ev ; ckg:charStart ?a ; ckg:charEnd ?b . ?doc ckg:sha256 ?sha }""",
    )
    assert result
    for r in result:
        assert texts[r["sha"]][int(r["a"]) : int(r["b"])] == r["ev"]


def _contests_by_walking_the_graphs(store) -> set[tuple[str, str, str, str]]:
    """(event, property, value, doc) for every value of a fact that sources give differently,
    computed from the quads themselves, independently of the query."""
    import pyoxigraph as ox

    ckg = "https://w3id.org/conflict-kg/ontology#"
    docs = {
        q.subject.value: q.object.value
        for q in store.ox.quads_for_pattern(
            None, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), None, ox.DefaultGraph()
        )
    }
    values: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for prop in ("killed", "injured", "date"):
        for q in store.ox.quads_for_pattern(None, ox.NamedNode(ckg + prop), None, None):
            if not isinstance(q.graph_name, ox.DefaultGraph):
                values.setdefault((q.subject.value, prop), set()).add((q.object.value, docs[q.graph_name.value]))
    return {
        (event, prop, value, doc)
        for (event, prop), vals in values.items()
        if len({v for v, _ in vals}) > 1
        for value, doc in vals
    }


def test_seed_contested_facts_are_exactly_the_disagreements(seed_store):
    found = {(r["event"], r["property"], r["value"], r["doc"]) for r in rows(seed_store, text("contested_facts"))}
    assert found == _contests_by_walking_the_graphs(seed_store)


@pytest.mark.parametrize("name", [q for q in QUERIES if q != "contested_facts"])
def test_seed_every_query_answers(seed_store, name):
    assert rows(seed_store, text(name)), f"{name}.rq gives no answer on the seed graph"
