"""Event IRIs say only what the first report stated, so later reports cannot make them wrong.

An IRI is minted once and kept: an event first reported without a date (or without an attacker)
must not be named ``undated-...`` (or ``unknown-...``) and then carry the date another source gives.
"""

from __future__ import annotations

import re
from datetime import date

from episode_records import BASE, DocBuilder

from kg.resolve import Resolver
from kg.resolve.names import event_slug


def _report(name: str, perpetrator: str | None, when: date | None, published: date | None = None):
    b = DocBuilder(name, ["A strike hit Northvale."], published=published)
    b.ent("t", "State", "Northvale")
    b.event("e", "Attack", ["Airstrike"], "strike", 0)
    b.fact("e", "location", "t", 0).fact("e", "target", "t", 0)
    if perpetrator:
        b.ent("p", "State", perpetrator)
        b.fact("e", "perpetrator", "p", 0)
    if when:
        b.fact("e", "date", when, 0, key=False)
    return b.extraction()


def test_slug_leaves_out_what_the_first_report_did_not_say():
    assert event_slug("2024-01-16", "iran", "drone-strike", "pakistan") == "2024-01-16-iran-drone-strike-pakistan"
    assert event_slug(None, "iran", "drone-strike", "pakistan") == "iran-drone-strike-pakistan"
    assert event_slug(None, None, "bombing", "yemen") == "bombing-yemen"
    assert event_slug("2024-03-16", "", "bombing", None) == "2024-03-16-bombing"


def test_an_event_first_seen_undated_keeps_an_iri_that_stays_true_once_dated():
    resolver = Resolver(BASE)
    first = resolver.resolve(_report("undated.txt", "Southmark", None))
    later = resolver.resolve(_report("dated.txt", "Southmark", date(2024, 1, 16), published=date(2024, 1, 17)))
    iri = first.iris["e"]
    assert later.iris["e"] == iri  # the dated report joins the node the undated one made
    assert iri == BASE + "event/southmark-airstrike-northvale"
    assert "undated" not in iri and not re.search(r"\d{4}-\d\d-\d\d", iri)


def test_an_event_first_seen_unattributed_has_no_unknown_in_its_iri():
    resolver = Resolver(BASE)
    first = resolver.resolve(_report("anon.txt", None, date(2024, 3, 16)))
    assert first.iris["e"] == BASE + "event/2024-03-16-airstrike-northvale"
    assert "unknown" not in first.iris["e"]


def test_dated_first_reports_keep_their_readable_dated_iris():
    out = Resolver(BASE).resolve(_report("dated.txt", "Southmark", date(2024, 1, 16)))
    assert out.iris["e"] == BASE + "event/2024-01-16-southmark-airstrike-northvale"


def test_two_different_undated_events_with_the_same_name_get_two_stable_iris():
    def run() -> list[str]:
        resolver = Resolver(BASE)
        b = DocBuilder("two.txt", ["Southmark struck Northvale.", "Southmark struck Northvale again elsewhere."])
        b.ent("p", "State", "Southmark").ent("t", "State", "Northvale")
        for key, i in (("e1", 0), ("e2", 1)):
            b.event(key, "Attack", ["Airstrike"], "struck", i)
            b.fact(key, "perpetrator", "p", i).fact(key, "location", "t", i)
        out = resolver.resolve(b.extraction())
        return [out.iris["e1"], out.iris["e2"]]

    first = run()
    assert len(set(first)) == 2 and first[0] == BASE + "event/southmark-airstrike-northvale"
    assert first == run()  # the same input mints the same IRIs, run after run
