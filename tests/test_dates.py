"""Date expressions resolve against the publication date; unknown anchors never invent a date."""

from __future__ import annotations

from datetime import date

import pytest

from kg.extract import publication_date
from kg.extract.dates import PartialDate, explicit_dates, infer_publication_date, parse_expression
from kg.records import Document, DocumentMeta

THURSDAY = date(2024, 1, 18)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thursday", date(2024, 1, 18)),  # the publication day itself
        ("on Tuesday", date(2024, 1, 16)),
        ("early Wednesday", date(2024, 1, 17)),
        ("Tuesday's", date(2024, 1, 16)),
        ("Friday", date(2024, 1, 12)),  # the most recent Friday, never a future one
        ("last Thursday", date(2024, 1, 11)),
        ("January 16, 2024", date(2024, 1, 16)),
        ("16 January 2024", date(2024, 1, 16)),
        ("2023-12-15", date(2023, 12, 15)),
        ("December 15", date(2023, 12, 15)),  # no year: the latest such day not after publication
        ("January 3", date(2024, 1, 3)),
        ("yesterday", date(2024, 1, 17)),
        ("this morning", date(2024, 1, 18)),
        ("three days ago", date(2024, 1, 15)),
    ],
)
def test_expressions_resolve_against_the_publication_date(text, expected):
    assert parse_expression(text, THURSDAY).full == expected


def test_without_a_publication_date_relative_expressions_stay_unresolved():
    for text in ("Thursday", "on Tuesday", "yesterday", "this morning", "December 15"):
        parsed = parse_expression(text, None)
        assert parsed is not None and parsed.full is None, text
    assert parse_expression("January 16, 2024", None).full == date(2024, 1, 16)


def test_month_only_expressions_are_partial_and_rule_out_other_months():
    december = parse_expression("last December", THURSDAY)
    assert december == PartialDate(2023, 12)
    assert december.full is None
    assert not december.compatible(PartialDate(2024, 1, 17))
    assert december.compatible(PartialDate(2023, 12, 20))


def test_the_day_before_is_relative_to_another_event():
    parsed = parse_expression("the day before", THURSDAY)
    assert parsed.relative_to_event and parsed.offset == -1 and parsed.full is None
    assert parse_expression("the previous day", None).offset == -1
    assert parse_expression("a day later", THURSDAY).offset == 1


def test_vague_expressions_give_no_day():
    for text in ("earlier this week", "in recent months", "May"):
        parsed = parse_expression(text, THURSDAY)
        assert parsed is None or parsed.full is None, text


def test_explicit_dates_are_found_in_running_text():
    text = "The raid on March 3, 2022 and the strike of 5 April 2023 were followed on 2024-02-01 by talks."
    assert [d for _, d in explicit_dates(text)] == [date(2022, 3, 3), date(2023, 4, 5), date(2024, 2, 1)]


def test_publication_date_from_a_dateline():
    assert infer_publication_date(" date 2024-01-18 (AGENCY) Troops clashed on Tuesday.") == date(2024, 1, 18)
    assert infer_publication_date("March 5, 2023 — Rebels shelled the city.") == date(2023, 3, 5)


def test_publication_date_from_an_embedded_post_stamp():
    text = "Militants attacked a convoy on Tuesday.\n\n— Agency (@agency) June 6, 2024\nMore text."
    assert infer_publication_date(text) == date(2024, 6, 6)


def test_event_dates_and_weekdays_bound_the_publication_date():
    # the only full date is an event's ("on January 16"); weekdays up to Thursday are mentioned,
    # so the article cannot be older than Thursday the 18th
    text = ("The attack by the rebels on January 16, 2024 was condemned on Wednesday. "
            "The army struck back on Thursday. The group attacked on Tuesday.")
    assert infer_publication_date(text) == date(2024, 1, 18)


def test_weekdays_alone_give_no_publication_date():
    assert infer_publication_date("The army struck on Thursday after a raid on Tuesday.") is None


def _document(text: str, when: date | None) -> Document:
    return Document("x" * 64, "t.txt", text, text, DocumentMeta("t.txt", date=when))


def test_publication_date_source():
    assert publication_date(_document("Nothing dated here.", date(2020, 1, 1))) == (date(2020, 1, 1), "input")
    assert publication_date(_document(" date 2021-05-04 Text.", None)) == (date(2021, 5, 4), "text")
    assert publication_date(_document("Shelling on Monday.", None)) == (None, "unknown")
