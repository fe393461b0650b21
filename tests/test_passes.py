"""The document passes (kg.extract.passes), one behaviour each, on invented articles.

Each test builds a short article of its own writing and checks what one pass is for: link lists
yield nothing, a recap lends the main event no toll, the title's event is joined by the lead's,
"the strikes" joins the strike told before, attribution, killed and injured kept apart (a range
as its lower bound, noted), dates against the publication date or the page address, one step per
party, and a summons aimed at the envoy's state.
"""

from __future__ import annotations

from datetime import date

from kg.extract import publication_date
from kg.extract.dates import url_date
from kg.extract.passes import PASSES, link_list_ranges
from kg.records import Document, DocumentMeta
from tests.test_events import find, run, summary


def attacks(events: list[dict]) -> list[dict]:
    return [e for e in events if e["category"] == "Attack"]


def test_the_passes_are_named_and_ordered():
    names = [name for name, _ in PASSES]
    assert names[0] == "mentions" and names[-1] == "emit"
    assert names.index("boilerplate") < names.index("merge") < names.index("casualties") < names.index("parties")
    assert len(set(names)) == len(names)


def test_link_lists_yield_no_events(nlp):
    text = ("Rebels attacked an army post in Mali on Monday, killing four soldiers.\n\n"
            "Most Read\n\nDrone strike kills nine in Sudan market\nNigeria condemns raid on border town\n")
    assert link_list_ranges(text)
    events = summary(run(nlp, text))
    assert len(attacks(events)) == 1, events
    assert not [e for e in events if e["category"] == "DiplomaticAction"], events


def test_a_recap_lends_the_main_attack_no_toll(nlp):
    text = ("An airstrike by Myanmar hit a village in Sagaing on Tuesday, killing eleven people.\n\n"
            "The war has killed more than 5,000 people since 2021.")
    events = attacks(summary(run(nlp, text)))
    hit = find(events, perpetrator="Myanmar")
    assert hit is not None and hit["killed"] == {11}, events


def test_a_background_event_stays_apart(nlp):
    text = ("Chad's army struck a rebel base near Faya on Monday.\n\n"
            "Rebels have attacked the town since 2019, when they seized its airport.")
    events = attacks(summary(run(nlp, text)))
    assert len([e for e in events if "chad" in e.get("perpetrator", set())]) == 1, events


def test_the_title_event_is_joined_by_the_lead(nlp):
    text = ("Drone strike kills five in eastern Congo\n\n"
            "A drone strike by M23 rebels killed five people near Goma on Sunday, officials said.")
    events = attacks(summary(run(nlp, text)))
    assert len(events) == 1 and 5 in events[0]["killed"], events


def test_the_strikes_join_the_strike_told_before(nlp):
    text = ("Turkey carried out airstrikes on PKK positions in northern Iraq on Tuesday. "
            "The strikes destroyed several shelters, the ministry said.")
    events = attacks(summary(run(nlp, text)))
    assert len(events) == 1, events


def test_attribution_names_the_source(nlp):
    extraction = run(nlp, "Israel struck a weapons depot in Syria on Monday, according to Syrian state media.")
    facts = [f for f in extraction.facts if f.predicate == "perpetrator"]
    assert facts and all(f.evidence.attributed_to is not None for f in facts)


def test_killed_and_injured_are_kept_apart_and_a_range_is_its_lower_bound(nlp):
    extraction = run(nlp, "A Russian missile strike on Kharkiv on Monday killed five to seven people "
                          "and injured twelve.")
    killed = [f for f in extraction.facts if f.predicate == "killed"]
    injured = [f for f in extraction.facts if f.predicate == "injured"]
    assert [f.object for f in killed] == [5] and [f.object for f in injured] == [12]
    assert killed[0].evidence.note and "5-7" in killed[0].evidence.note
    events = summary(run(nlp, "Three civilians were killed and twelve injured in a drone strike by Russia."))
    hit = find(events, perpetrator="Russia")
    assert hit is not None and hit["killed"] == {3} and hit["injured"] == {12}, events


def test_weekdays_are_resolved_against_the_publication_date(nlp):
    events = attacks(summary(run(nlp, "Ukraine struck an oil depot in Russia on Tuesday.", pub=date(2024, 3, 21))))
    assert events and date(2024, 3, 19) in events[0]["date"], events


def test_the_page_address_dates_an_undated_article():
    assert url_date("https://news.example/2025/02/17/world/strike") == date(2025, 2, 17)
    assert url_date("https://news.example/archive/20140906/report.htm") == date(2014, 9, 6)
    assert url_date("https://news.example/2024/04/report") is None
    assert url_date("https://2024.12.01.example/report") is None
    text = "Gunmen attacked a checkpoint on Monday."
    meta = DocumentMeta("t.txt", url="https://news.example/2025/02/17/checkpoint-attack")
    assert publication_date(Document("x", "t.txt", text, text, meta)) == (date(2025, 2, 17), "text")


def test_several_actors_are_several_actions(nlp):
    events = summary(run(nlp, "France, Germany and Italy condemned the missile attack on Israel."))
    condemnations = [e for e in events if "Condemnation" in e["types"]]
    assert {n for e in condemnations for n in e["actor"]} >= {"france", "germany", "italy"}
    assert len(condemnations) == 3, condemnations


def test_a_summons_aims_at_the_envoys_state(nlp):
    events = summary(run(nlp, "Algeria summoned the French ambassador on Tuesday."))
    hit = find(events, types={"EnvoySummons"}, actor="Algeria", recipient="France")
    assert hit is not None, events


def test_a_denial_makes_no_perpetrator(nlp):
    events = summary(run(nlp, "A drone struck a fuel depot in Goma on Monday. Rwanda denied carrying out "
                              "the attack."))
    assert all("rwanda" not in e.get("perpetrator", set()) for e in attacks(events)), events


def test_a_headline_phrase_is_no_actor(nlp):
    text = "Fatal Drone Assault Hits Market in Northern Mali\n\nA drone struck a market near Gao on Sunday."
    events = attacks(summary(run(nlp, text)))
    assert all(not any("assault" in name for name in e.get("perpetrator", set())) for e in events), events


def test_an_operated_base_is_the_target_not_the_attacker(nlp):
    events = attacks(summary(run(nlp, "Militants shelled a US-operated base in Syria on Friday.")))
    assert all("united states" not in e.get("perpetrator", set()) for e in events), events


def test_the_parts_of_one_attack_told_apart_become_one_attack(nlp):
    """The merge pass ends with consolidation: one report that gives the place, the doer and the toll
    in three sentences is one attack with all three, while a second attack at its own place stays."""
    text = ("Gunmen attacked an army base near Tessit in Mali on Sunday.\n\n"
            "Jama'at Nusrat al-Islam wal-Muslimin claimed the assault in a statement.\n\n"
            "Forty soldiers were killed in the attack, the army said.\n\n"
            "In a separate attack, gunmen killed two traders in Menaka on Sunday.")
    found = attacks(summary(run(nlp, text)))
    main = find(found, perpetrator="Jama'at Nusrat al-Islam wal-Muslimin")
    assert main is not None and main.get("killed") == {40}, found
    assert find(found, killed=2) is not None and len(found) == 2, found


def test_an_expulsion_of_several_states_envoys_is_one_per_state(nlp):
    text = ("The foreign minister of Bolivia ordered the immediate departure of diplomatic personnel from Chile, Peru "
            "and Uruguay.")
    found = [e for e in summary(run(nlp, text)) if "EnvoyExpulsion" in e["types"]]
    assert sorted(name for e in found for name in e.get("recipient", ()) if name in ("chile", "peru", "uruguay")) == [
        "chile", "peru", "uruguay"], found
    assert all("bolivia" in e.get("actor", ()) for e in found), found


def test_those_countries_are_the_states_of_the_actors_listed_step(nlp):
    """A step aimed at "those countries" or at "their diplomats" is aimed at the states the same actor's
    step named, one step per state."""
    text = ("Bolivia has severed relations with Chile, Peru and Uruguay, expelling their diplomats and "
            "withdrawing its own staff from those countries.")
    events = summary(run(nlp, text))
    for kind in ("EnvoyExpulsion", "EnvoyRecall"):
        steps = [e for e in events if kind in e["types"]]
        assert sorted(r for e in steps for r in e.get("recipient", ())) == ["chile", "peru", "uruguay"], events
        assert all("bolivia" in e["actor"] for e in steps), events


def test_those_countries_with_no_listed_step_stay_unnamed(nlp):
    events = summary(run(nlp, "Bolivia withdrew its own staff from those countries on Monday."))
    assert [e.get("recipient", set()) for e in events if "EnvoyRecall" in e["types"]] == [set()], events


def test_a_wars_running_toll_is_no_attacks_toll(nlp):
    tallies = ("The conflict has left more than 3,000 dead.", "Up to 2,000 people have been killed in the conflict.")
    for tally in tallies:
        text = f"Rebels attacked a police station in Chad on Sunday, killing two officers. {tally}"
        found = attacks(summary(run(nlp, text)))
        assert len(found) == 1 and found[0].get("killed") == {2}, (tally, found)


def test_the_group_a_doer_is_affiliated_with_is_not_the_doer(nlp):
    text = ("Al-Shabaab stormed a hotel in Somalia on Friday.\n\n"
            "The al-Qaeda affiliated group said on its radio that its fighters had carried out the assault.")
    found = attacks(summary(run(nlp, text)))
    assert len(found) == 1 and "al-shabaab" in found[0]["perpetrator"], found
    assert "al-qaeda" not in found[0]["perpetrator"], found


def test_an_attack_told_at_a_district_and_at_its_city_is_one_attack(nlp):
    text = ("Russian missiles hit a power plant in Kharkiv on Friday, killing four people. "
            "The Russian strike on the plant in the Kholodnohirskyi district of Kharkiv also wounded eleven, "
            "the governor said.")
    events = attacks(summary(run(nlp, text)))
    assert len(events) == 1, events


def test_places_at_two_scales_meet_whichever_way_the_chain_was_read():
    from kg.extract.merge import _nested

    class View:  # a district whose State is unknown, told inside its city, and a chain read backwards
        chains = {"district": {"city"}, "city": {"state"}, "other": set(), "reversed_city": {"quarter"}}

        def containers_of(self, key):
            return self.chains.get(key, set())

    view = View()
    assert _nested({"district"}, {"city"}, view) and _nested({"city"}, {"district"}, view)
    assert _nested({"quarter"}, {"reversed_city"}, view)
    assert not _nested({"district"}, {"other"}, view)
