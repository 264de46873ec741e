"""Calendar periods: the anchored intervals behind TIMEX3 values, and arithmetic on them."""
from __future__ import annotations

import calendar as _cal
import datetime
from dataclasses import dataclass, replace

Date = datetime.date
DAY = datetime.timedelta(days=1)

SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}
SEASON_ORDER = ["WI", "SP", "SU", "FA"]


@dataclass(frozen=True)
class Period:
    value: str
    granularity: str | None
    first: Date | None
    last: Date | None
    mod: str | None = None

    def with_mod(self, mod: str | None) -> "Period":
        """Narrow the interval to the part the mod names (START/MID/END: thirds)."""
        if not mod:
            return self
        if self.first is None or self.granularity == "day" or mod not in ("START", "MID", "END"):
            return replace(self, mod=mod)
        n = (self.last - self.first).days + 1
        third = max(1, round(n / 3))
        if mod == "START":
            first, last = self.first, self.first + (third - 1) * DAY
        elif mod == "END":
            first, last = self.last - (third - 1) * DAY, self.last
        else:
            first = self.first + third * DAY
            last = min(self.last, first + (third - 1) * DAY)
        return replace(self, mod=mod, first=first, last=last)


def ref(value: str) -> Period:
    return Period(value, None, None, None)


def day(d: Date) -> Period:
    return Period(d.isoformat(), "day", d, d)


def days(a: Date, b: Date) -> Period:
    if b < a:
        a, b = b, a
    return Period(a.isoformat(), "day", a, b)


def week(d: Date) -> Period:
    y, w, wd = d.isocalendar()
    monday = d - (wd - 1) * DAY
    return Period(f"{y}-W{w:02d}", "week", monday, monday + 6 * DAY)


def weekend(d: Date) -> Period:
    wk = week(d)
    return Period(wk.value + "-WE", "week", wk.first + 5 * DAY, wk.last)


def month(y: int, m: int) -> Period:
    last = _cal.monthrange(y, m)[1]
    return Period(f"{y:04d}-{m:02d}", "month", Date(y, m, 1), Date(y, m, last))


def quarter(y: int, q: int) -> Period:
    m = 3 * (q - 1) + 1
    return Period(f"{y:04d}-Q{q}", "quarter", Date(y, m, 1), month(y, m + 2).last)


def half(y: int, h: int) -> Period:
    m = 6 * (h - 1) + 1
    return Period(f"{y:04d}-H{h}", "half", Date(y, m, 1), month(y, m + 5).last)


def season(y: int, s: str) -> Period:
    a, b = SEASON_MONTHS[s]
    if s == "WI":  # winter of year y runs from December y into February y+1
        return Period(f"{y:04d}-WI", "season", Date(y, 12, 1), month(y + 1, 2).last)
    return Period(f"{y:04d}-{s}", "season", Date(y, a, 1), month(y, b).last)


def year(y: int) -> Period:
    return Period(f"{y:04d}", "year", Date(y, 1, 1), Date(y, 12, 31))


def decade(y: int) -> Period:
    d = y // 10
    return Period(f"{d:03d}", "decade", Date(max(d * 10, 1), 1, 1), Date(d * 10 + 9, 12, 31))


def century(c: int) -> Period:
    """Century by its TIMEX3 number: 19 = the years 1900-1999 (the 20th century)."""
    return Period(f"{c:02d}", "century", Date(max(c * 100, 1), 1, 1), Date(c * 100 + 99, 12, 31))


def add_months(d: Date, n: int) -> Date:
    idx = d.year * 12 + d.month - 1 + n
    y, m = divmod(idx, 12)
    return Date(y, m + 1, min(d.day, _cal.monthrange(y, m + 1)[1]))


def safe_date(y: int, m: int, d: int) -> Date | None:
    try:
        return Date(y, m, d)
    except ValueError:
        return None


def unit_period(unit: str, d: Date) -> Period:
    """The calendar period of the given unit that contains day d."""
    if unit == "D":
        return day(d)
    if unit == "W":
        return week(d)
    if unit == "WE":
        return weekend(d)
    if unit == "M":
        return month(d.year, d.month)
    if unit == "Q":
        return quarter(d.year, (d.month - 1) // 3 + 1)
    if unit == "H":
        return half(d.year, 1 if d.month <= 6 else 2)
    if unit == "Y":
        return year(d.year)
    if unit == "E":
        return decade(d.year)
    if unit == "C":
        return century(d.year // 100)
    raise ValueError(unit)


def shift(d: Date, unit: str, n: int) -> Date:
    """Day d moved by n units."""
    if unit == "D":
        return d + n * DAY
    if unit in ("W", "WE"):
        return d + 7 * n * DAY
    if unit == "M":
        return add_months(d, n)
    if unit == "Q":
        return add_months(d, 3 * n)
    if unit == "H":
        return add_months(d, 6 * n)
    if unit == "Y":
        return add_months(d, 12 * n)
    if unit == "E":
        return add_months(d, 120 * n)
    if unit == "C":
        return add_months(d, 1200 * n)
    raise ValueError(unit)


def relative(unit: str, anchor: Date, n: int) -> Period:
    """The unit-long calendar period n units away from the one holding the anchor."""
    return unit_period(unit, shift(anchor, unit, n))


def distance(p: Period, anchor: Date) -> int:
    """Signed days from the anchor to the period (0 when the anchor is inside it)."""
    if p.first <= anchor <= p.last:
        return 0
    return (p.first - anchor).days if p.first > anchor else (p.last - anchor).days


def pick_year(build, anchor: Date, tense: str | None, years=None) -> Period | None:
    """Choose among the anchor's year and its neighbours the period nearest the anchor,
    penalising a candidate that lies on the side the tense says it cannot be."""
    best, best_score = None, None
    for y in years or (anchor.year - 1, anchor.year, anchor.year + 1):
        p = build(y)
        if p is None:
            continue
        dist = distance(p, anchor)
        score = abs(dist)
        if tense == "strict_past" and dist > 0:
            score += 10_000          # a past verb governs it: it cannot lie ahead
        elif (tense in ("past", "strict_past") and dist > 0) or (tense == "future" and dist < 0):
            score += 120 + 3 * abs(dist)
        elif tense is None and dist > 0:
            score += dist // 2      # news mostly reports what has happened
        if y != anchor.year:
            score += 20
        if best_score is None or score < best_score:
            best, best_score = p, score
    return best
