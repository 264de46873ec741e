"""TIMEX3 as TimeML annotates it: a range is two expressions.

The tagger keeps "May 16-17" or "Saturday and Sunday" as one Timex covering both days, which is what
the timeline needs. TimeML (and the TempEval benchmark) tags each part: "April 24" and "25",
"Saturday" and "Sunday". `timeml_parts` splits such ranges for output in those conventions.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .model import Timex

CONNECTOR = re.compile(r"\s*(?:-|–|—|\s+and\s+|\s+to\s+|\s+through\s+|\s+until\s+|\s+till\s+)\s*")


def _value(day, granularity: str) -> str | None:
    if granularity == "day":
        return day.isoformat()
    if granularity == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if granularity == "year":
        return f"{day.year:04d}"
    return None


def _spans_units(timex: Timex) -> bool:
    """More than one day, month or year: a range, not one unit ("nineteen ninety-four" is one year)."""
    first, last = timex.first, timex.last
    if timex.granularity == "day":
        return first < last
    if timex.granularity == "month":
        return (first.year, first.month) < (last.year, last.month)
    return first.year < last.year


def timeml_parts(timexes: list[Timex]) -> list[Timex]:
    parts: list[Timex] = []
    for timex in timexes:
        split = None
        if (timex.type == "DATE" and timex.first and timex.last and not timex.mod
                and timex.granularity in ("day", "month", "year") and _spans_units(timex)):
            connectors = list(CONNECTOR.finditer(timex.text))
            if len(connectors) == 1:
                split = connectors[0]
        left_value = _value(timex.first, timex.granularity) if split else None
        right_value = _value(timex.last, timex.granularity) if split else None
        if not (split and left_value and right_value and split.start() > 0 and split.end() < len(timex.text)):
            parts.append(timex)
            continue
        left_text, right_text = timex.text[:split.start()], timex.text[split.end():]
        parts.append(replace(timex, text=left_text, end=timex.begin + split.start(), value=left_value,
                             last=timex.first))
        parts.append(replace(timex, text=right_text, begin=timex.begin + split.end(), value=right_value,
                             first=timex.last))
    return parts
