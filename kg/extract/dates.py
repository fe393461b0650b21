"""Calendar dates from date expressions, and the publication date of a document.

News text dates events relative to the day it was written ("on Thursday", "the day before",
"earlier Tuesday"), so every relative expression is resolved against an anchor date (usually the
publication date). Without an anchor a relative expression stays unresolved: a date is never
invented. Expressions naming only a month or a week ("last December", "earlier this week") are kept
as a :class:`PartialDate` that can rule out a match (a December assault is not a January strike)
but never becomes an ``xsd:date``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = {name: i for i, name in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}

_MONTH_RE = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_FULL_MDY = re.compile(_MONTH_RE + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.I)
_FULL_DMY = re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_RE
                       + r",?\s+(?P<year>(?:19|20)\d\d)\b",
                       re.I)
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b")
_MD = re.compile(r"\b" + _MONTH_RE + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?!,?\s*\d{4})", re.I)
_DM = re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_RE + r"\b(?!,?\s*\d{4})", re.I)
_WEEKDAY = re.compile(r"\b(?P<weekday>" + "|".join(WEEKDAYS) + r")(?:'s|’s)?\b", re.I)
_MONTH_ONLY = re.compile(r"\b(?:(?P<rel>last|this|next|in|early|late|mid)[\s-]+)?" + _MONTH_RE
                         + r"(?:\s+(?P<year>(?:19|20)\d\d))?\b", re.I)
_YEAR_ONLY = re.compile(r"^\s*(?:in\s+)?(?P<year>(?:19|20)\d\d)\s*$", re.I)
_TODAY = re.compile(r"\b(today|tonight|this (morning|afternoon|evening)|earlier today)\b", re.I)
_YESTERDAY = re.compile(r"\b(yesterday|last night)\b", re.I)
_DAY_BEFORE = re.compile(r"\b(the|a) (day|night) (before|earlier|prior)\b|\bthe previous (day|night)\b|"
                         r"\bthe (day|night) before\b|\ba day (before|earlier|ago)\b", re.I)
_DAY_AFTER = re.compile(r"\b(the|a) day (after|later)\b|\bthe (next|following) day\b", re.I)
_DAYS_AGO = re.compile(r"\b(?P<n>\d+|two|three|four|five|six) days (ago|earlier|before)\b", re.I)
_SMALL = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


@dataclass(frozen=True)
class PartialDate:
    """What a date expression tells: a full day, or only a month (``day`` None), or nothing.

    ``relative_to_event`` marks expressions such as "the day before" whose anchor is another event,
    not the publication date; ``offset`` is then the number of days from that anchor.
    """

    year: int | None = None
    month: int | None = None
    day: int | None = None
    relative_to_event: bool = False
    offset: int = 0
    # with no publication date, what the expression said relative to it (kept for cross-document anchoring)
    weekday: int | None = None  # "on Wednesday" (0 = Monday)
    pub_offset: int | None = None  # "yesterday" -1, "today" 0
    text: str = ""

    @property
    def relative(self) -> bool:
        """A day relative to an unknown publication date, resolvable once an anchor is known."""
        return self.full is None and (self.weekday is not None or self.pub_offset is not None)

    @property
    def full(self) -> date | None:
        if self.year and self.month and self.day:
            try:
                return date(self.year, self.month, self.day)
            except ValueError:
                return None
        return None

    def compatible(self, other: PartialDate | None) -> bool:
        """Whether two expressions may name the same day (unknown parts never conflict)."""
        if other is None:
            return True
        for one, two in ((self, other), (other, self)):
            if one.weekday is not None and (two.weekday is not None and two.weekday != one.weekday or (
                    two.full is not None and two.full.weekday() != one.weekday)):
                return False  # "on Tuesday" is not "on Wednesday", nor a Monday's date
        for mine, theirs in ((self.year, other.year), (self.month, other.month), (self.day, other.day)):
            if mine is not None and theirs is not None and mine != theirs:
                return False
        return True


def _full(match: re.Match) -> date | None:
    month = match.group("month")
    month_no = int(month) if month.isdigit() else MONTHS.get(month.lower().rstrip("."))
    try:
        return date(int(match.group("year")), month_no, int(match.group("day")))
    except (TypeError, ValueError):
        return None


def explicit_dates(text: str) -> list[tuple[int, date]]:
    """Every full calendar date written out in ``text`` (with its offset), in text order."""
    found: dict[int, date] = {}
    for pattern in (_FULL_MDY, _FULL_DMY, _ISO):
        for match in pattern.finditer(text):
            value = _full(match)
            if value is not None:
                found.setdefault(match.start(), value)
    return sorted(found.items())


def weekday_on_or_before(anchor: date, weekday: int) -> date:
    """The most recent ``weekday`` on or before ``anchor`` (news reports the past week by weekday)."""
    return anchor - timedelta(days=(anchor.weekday() - weekday) % 7)


def _relative_day(stripped: str, anchor: date | None) -> PartialDate | None:
    """"the day before", "two days earlier", "three days ago", "yesterday", "today"."""
    if _DAY_BEFORE.search(stripped):
        return PartialDate(relative_to_event=True, offset=-1)
    if _DAY_AFTER.search(stripped):
        return PartialDate(relative_to_event=True, offset=1)
    if match := _DAYS_AGO.search(stripped):
        n = match.group("n").lower()
        days = int(n) if n.isdigit() else _SMALL[n]
        if "ago" in match.group(0).lower():
            return _from_anchor(anchor, -days, stripped)
        return PartialDate(relative_to_event=True, offset=-days)
    if _YESTERDAY.search(stripped):
        return _from_anchor(anchor, -1, stripped)
    if _TODAY.search(stripped):
        return _from_anchor(anchor, 0, stripped)
    return None


def _weekday(stripped: str, anchor: date | None) -> PartialDate | None:
    match = _WEEKDAY.search(stripped)
    if match is None:
        return None
    weekday = WEEKDAYS[match.group("weekday").lower()]
    if anchor is None:
        return PartialDate(weekday=weekday, text=stripped)
    words = stripped.lower().split()
    day = weekday_on_or_before(anchor, weekday)
    if "last" in words and day == anchor:
        day -= timedelta(days=7)
    if "next" in words or "coming" in words:
        day += timedelta(days=7) if day <= anchor else timedelta(0)
    return PartialDate(day.year, day.month, day.day)


def _month_day(stripped: str, anchor: date | None) -> PartialDate | None:
    for pattern in (_MD, _DM):
        match = pattern.search(stripped)
        if not match:
            continue
        month = MONTHS[match.group("month").lower().rstrip(".")]
        day_no = int(match.group("day"))
        if not 1 <= day_no <= 31:
            continue
        if anchor is None:
            return PartialDate(None, month, day_no)
        year = anchor.year if (month, day_no) <= (anchor.month, anchor.day) else anchor.year - 1
        return PartialDate(year, month, day_no)
    return None


def _month(stripped: str, anchor: date | None) -> PartialDate | None:
    match = _MONTH_ONLY.search(stripped)
    if match is None:
        return None
    month = MONTHS[match.group("month").lower().rstrip(".")]
    if match.group("month").lower() == "may" and not match.group("rel") and not match.group("year"):
        return None  # the modal verb
    if match.group("year"):
        return PartialDate(int(match.group("year")), month)
    if anchor is None:
        return PartialDate(None, month)
    rel = (match.group("rel") or "").lower()
    year = anchor.year
    if rel == "next":
        year = anchor.year if month > anchor.month else anchor.year + 1
    elif rel == "last" or month > anchor.month:
        year = anchor.year if month < anchor.month else anchor.year - 1
    return PartialDate(year, month)


def parse_expression(text: str, anchor: date | None) -> PartialDate | None:
    """Resolve one date expression; ``anchor`` is the publication date (None when unknown).

    Returns None when the text is not a date expression this module understands. The readers are
    tried from the most to the least specific: a full date, a day relative to the anchor or to
    another event, a weekday, a month and day, a month, a year.
    """
    stripped = text.strip()
    for pattern in (_FULL_MDY, _FULL_DMY, _ISO):
        match = pattern.search(stripped)
        if match and (value := _full(match)):
            return PartialDate(value.year, value.month, value.day)
    for reader in (_relative_day, _weekday, _month_day, _month):
        found = reader(stripped, anchor)
        if found is not None:
            return found
    if match := _YEAR_ONLY.search(stripped):
        return PartialDate(int(match.group("year")))
    return None


def _from_anchor(anchor: date | None, days: int, text: str = "") -> PartialDate:
    if anchor is None:
        return PartialDate(pub_offset=days, text=text)
    day = anchor + timedelta(days=days)
    return PartialDate(day.year, day.month, day.day)


def shift(anchor: date | None, offset: int) -> date | None:
    """The day ``offset`` days from an event's date ("the day before" another event)."""
    return None if anchor is None else anchor + timedelta(days=offset)


_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)([/_-]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d)")


def url_date(url: str | None) -> date | None:
    """The day a news page's address carries (``/2024/04/02/``, ``-2024-04-02-``, ``/20240402/``), else
    None. Only a full day counts, and only in the path, never in the host."""
    if not url:
        return None
    path = url.split("://", 1)[-1].partition("/")[2]
    for match in _URL_DATE.finditer(path):
        try:
            return date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
        except ValueError:
            continue
    return None


_EVENT_PREP = re.compile(r"\b(on|since|in|until|till|by|from|before|after|of|to|between|and|through)\s*$", re.I)


def infer_publication_date(text: str) -> date | None:
    """The publication date a text gives about itself, or None when it gives none.

    Rule (documented in the README): full dates are either *stamps* (a dateline "date 2024-01-18",
    "January 18, 2024 —", the date under an embedded post) or *event dates* ("the attack on January
    16, 2024"), told apart by whether a preposition comes right before them. The first stamp in the
    first 200 characters, else the latest stamp, is the publication date. With only event dates, the
    latest one is a lower bound L (a report cannot precede what it reports); when the text also dates
    things by weekday ("on Thursday"), which news style uses for the past week, the publication date
    is the first day from L on at which every weekday mentioned falls on or after L (at most six
    days later), else L. Weekdays alone, with no full date, give no publication date.
    """
    dates = explicit_dates(text)
    if not dates:
        return None
    stamps = [(offset, value) for offset, value in dates if not _EVENT_PREP.search(text[max(0, offset - 12):offset])]
    if stamps:
        head = [value for offset, value in stamps if offset < 200]
        return head[0] if head else max(value for _, value in stamps)
    lower = max(value for _, value in dates)
    weekdays = {WEEKDAYS[m.group("weekday").lower()] for m in _WEEKDAY.finditer(text)}
    for extra in range(7):
        candidate = lower + timedelta(days=extra)
        if all(weekday_on_or_before(candidate, w) >= lower for w in weekdays):
            return candidate
    return lower
