"""Which of a sentence's time expressions can be the date of an event it reports.

Not every date in a sentence dates its event: a page's date stamp or a wire's dateline, the day a
statement was made ("said Thursday"), the edge of a span ("since 2013"), the same moment in another
time zone ("or 10 p.m. ET Wednesday"), a clock time whose day the next expression gives. Some dates
are made here from the sentence's words: a day in a sentence framed by a year ("In 2019, ... the
Republic Day parade"), and the date of an event counted from another ("two months after the summit").
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from .temporal import Timex
from .temporal.calendar import relative

BOUND_WORDS = {"since", "until", "till", "before", "after", "by", "through"}


def is_bound(folded: str, timex: Timex) -> bool:
    """'since 2013', 'until May': the edge of a span, not the day something happens."""
    before = folded[max(0, timex.begin - 12):timex.begin].split()
    return bool(before) and before[-1].lower() in BOUND_WORDS


LINE_START = re.compile(r"(?:^|\n)\W*(?:date\s+)?$", re.IGNORECASE)
STAMP_WORD = re.compile(r"\b(?:published|updated|posted)\b\s*:?\s*(?:on\s+|at\s+)?$", re.IGNORECASE)
WIRE_DATELINE = re.compile(r"\s*(?:\([A-Z][\w .&-]{0,30}\)\s*)?(?:--|—|–)")
ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d(?:[T ][\d:.]+)?$")
OTHER_ZONE = re.compile(r"\bor\s+(?:at\s+)?$")
ZONE = re.compile(r"\b(?:ET|EST|EDT|CT|CST|CDT|PT|PST|PDT|GMT|UTC|BST|CET|CEST)\b")
CLOCK_OF = re.compile(r"\s*(?:\(?local time\)?|[A-Z]{2,4})?\s*,?\s*(?:on\s+|this\s+|next\s+)?$")


PRESENT_PERFECT = re.compile(r"\b(?:has|have)\s+(?:\w+ly\s+)?(?:been\s+)?(?!(?:to|a|an|the|no|not|long|many|some|"
                             r"more|much|little|few|its|their|his|her|our|been)\b)[a-z]+\b")  # "has met", "have voted"
FRAMING_YEAR = re.compile(r"^\W*(?:In|By|During|Back in|in)\s+((?:19|20)\d\d)\s*,")
DEICTIC = re.compile(r"(?i)\b(?:mon|tues|wednes|thurs|fri|satur|sun|to|yester)day\b|\btomorrow|\btonight|\bnext\b|\blast\b|\bthis\b|\d{4}")


def in_framing_year(folded: str, timexes: list[Timex]) -> list[Timex]:
    """'In 2019, Ramaphosa was the chief guest at the Republic Day parade': a day written without a
    year, in a sentence framed by a year, is that year's day (not the one nearest the publication)."""
    frame = FRAMING_YEAR.match(folded)
    if frame is None:
        return timexes
    year = int(frame.group(1))
    out = []
    for t in timexes:
        if (t.type == "DATE" and t.granularity == "day" and t.first is not None and t.first == t.last
                and t.first.year != year and t.begin > frame.end() and not DEICTIC.search(t.text)):
            try:
                day = t.first.replace(year=year)
            except ValueError:
                day = None
            if day is not None:
                t = replace(t, value=day.isoformat(), first=day, last=day)
        out.append(t)
    return out


AMOUNT = re.compile(r"^P(\d+)([DWMY])$")
RELATIVE_TO_EVENT = re.compile(r"\s+(after|before|since)\b")
AMOUNT_AFTER = re.compile(r"(?i)^(a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(day|week|month|year)s?\s+"
                          r"(after|before)$")
EVENT_FOLLOWS = re.compile(r"\s+[\w'’]")  # a clause or noun follows: "a day after Trump unveiled"
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10}
UNIT_GRANULARITY = {"D": "day", "W": "week", "M": "month", "Y": "year"}


def relative_to_event(folded: str, timexes: list[Timex], dates: list[Timex], published: dt.date) -> list[Timex]:
    """'two months after his second summit collapsed in Hanoi', 'a week before the G20': the date of
    the event named after the amount, counted from the clause's own date (the nearest date before the
    amount, else the publication date), as precise as the unit: about two months is a month."""
    found = []
    for timex in timexes:
        amount = AMOUNT.match(timex.value) if timex.type == "DURATION" else None
        link = RELATIVE_TO_EVENT.match(folded, timex.end) if amount else None
        if amount:
            n, unit = int(amount.group(1)), amount.group(2)
        elif timex.type == "DATE" and (said := AMOUNT_AFTER.match(timex.text)) and EVENT_FOLLOWS.match(folded, timex.end):
            # "said on Thursday, a day after Trump unveiled sweeping levies": the levies are Wednesday's
            n, unit = NUMBERS.get(said.group(1).lower()) or int(said.group(1)), said.group(2)[0].upper()
            link = said
        if link is None:
            continue
        before = [d for d in dates if d.end <= timex.begin and d.first is not None]
        anchor = before[-1].first if before else published
        try:
            period = relative(unit, anchor, n if link.group(link.lastindex) == "before" else -n)
        except (OverflowError, ValueError):
            continue
        end = link.end() if amount else timex.end
        found.append(replace(timex, text=folded[timex.begin:end], end=end, type="DATE",
                             value=period.value, first=period.first, last=period.last,
                             granularity=UNIT_GRANULARITY[unit]))
    return found


WEEKDAYS = {name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday",
                                                "saturday", "sunday"))}
WEEKDAY = re.compile(r"(?i)\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b")


def local_by_other_zone(folded: str, timexes: list[Timex]) -> list[Timex]:
    """'11 a.m. local time on Thursday, or 10 p.m. ET Wednesday': the local weekday is the one next
    to the other zone's day, whatever the tense says ("began ... on Thursday" is not last week's)."""
    out = list(timexes)
    for i, other in enumerate(timexes):
        if other.first is None or not is_other_zone(folded, other):
            continue
        for j in range(i - 1, max(i - 3, -1), -1):
            local = timexes[j]
            name = WEEKDAY.search(local.text)
            if local.first is None or local.first != local.last or name is None:
                continue
            wanted = WEEKDAYS[name.group(1).lower()]
            for delta in (0, 1, -1):
                day = other.first + dt.timedelta(days=delta)
                if day.weekday() == wanted:
                    out[j] = replace(local, value=day.isoformat() + local.value[10:], first=day, last=day)
                    break
            break
    return out


def is_other_zone(folded: str, timex: Timex) -> bool:
    """'11 a.m. local time on Thursday, or 10 p.m. ET Wednesday': the same moment in another time zone
    is an alternative, not the event's (local) date."""
    return bool(OTHER_ZONE.search(folded[max(0, timex.begin - 12):timex.begin])) and bool(ZONE.search(timex.text))


def is_clock_of(folded: str, timex: Timex, timexes: list[Timex]) -> bool:
    """'at 1 p.m. on Thursday', '11 a.m. local time on Thursday': a clock time whose day the next
    expression gives; that expression carries the date."""
    if timex.type != "TIME" or not any(ch.isdigit() for ch in timex.text):
        return False
    return any(other.begin > timex.end and other.type == "DATE" and other.first is not None
               and CLOCK_OF.match(folded[timex.end:other.begin]) for other in timexes)


def is_dateline(folded: str, timex: Timex) -> bool:
    """'... - People's Daily (April 10)' or '... - Bloomberg - April 23': the date a digest item appeared;
    '2025-10-24 Trump to visit...' or 'Published: 24 Oct. 2025': a page's date stamp."""
    before = folded[max(0, timex.begin - 30):timex.begin]
    if (ISO_DATE.match(timex.text) and LINE_START.search(before)) or STAMP_WORD.search(before):
        return True
    if not folded[:timex.begin].strip(" \t\"“") and WIRE_DATELINE.match(folded, timex.end):
        return True  # "Sept. 17 (UPI) -- President Trump announced...": the wire's dateline
    after = folded[timex.end:].strip()
    if after not in ("", ")", ")."):
        return False
    before = folded[:timex.begin].rstrip()
    return before.endswith(("(", "-")) and "." not in before[-40:]


OPENING = re.compile(r"\W*(?:(?:[Oo]n|[Ee]arly|[Ll]ate|[Ee]arlier|[Ll]ater|[Ll]ast|[Tt]his)\s+)?")


def is_report_date(folded: str, timex: Timex, reporting: list[tuple[int, int]]) -> bool:
    """'said Thursday', 'said on Wednesday', 'in a statement Sunday', 'on Monday said', 'On Monday,
    aides confirmed': the date of a statement."""
    before = folded[max(0, timex.begin - 40):timex.begin]
    gap = re.search(r"(\w[\w'-]*)\W+(?:(?:on|late|early|last|this|in|earlier|later)\s+)?$", before)
    if gap:
        word_end = timex.begin - (len(before) - gap.end(1))
        if any(b < word_end <= e for b, e in reporting):
            return True
    after = re.match(r"\s*,?\s*(\w+)", folded[timex.end:timex.end + 20])
    if after:
        start = timex.end + after.start(1)
        if any(b == start for b, e in reporting) and after.group(1) in {"said", "says", "told", "announced"}:
            return True
    # "On Monday, Kremlin aides confirmed that Putin will visit": an opening date framing a statement
    if OPENING.fullmatch(folded[:timex.begin]) and folded[timex.end:timex.end + 1] == ",":
        for b, e in reporting:
            if timex.end < b <= timex.end + 60 and len(folded[timex.end:b].split()) <= 6 \
                    and not re.search(r"[,;]", folded[timex.end + 1:b]):
                return True
    return False
