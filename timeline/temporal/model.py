"""The public data type of the tagger."""
from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Timex:
    """One temporal expression found in a text (TIMEX3 conventions).

    ``text == source[begin:end]``; ``first``/``last`` are the calendar days the expression covers
    when it has an anchored interval, else None; ``granularity`` is the precision of that interval.
    """

    text: str
    begin: int
    end: int
    type: str
    value: str
    mod: str | None = None
    first: datetime.date | None = None
    last: datetime.date | None = None
    granularity: str | None = None
