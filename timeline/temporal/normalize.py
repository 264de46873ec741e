"""Normalisers: from the groups a rule matched to a TIMEX3 value and an anchored interval.

Each normaliser is named in rules.yaml (`norm:`) and gets (groups, match, rule, ctx); it returns
(type, Period) or None when the match cannot be a date after all.  `ctx` carries the document
creation time, the current anchor (the DCT or a digest item's dateline), the last date the story
mentioned (for anaphora) and a tense reader.
"""
from __future__ import annotations

import datetime
import functools
import re

from . import calendar as cal
from .calendar import Period

NORMALISERS = {}
NOUN_AFTER = re.compile(r"\s+[a-z]")
UNTIL = re.compile(r"\b(?:until|till|by|before|from|starting|beginning)\s+(?:on\s+|an?\s+|the\s+)?$", re.I)
AHEAD_OF = re.compile(r"\b(?:ahead\s+of|until|till|awaiting)\s+(?:the\s+)?$", re.I)
SUPERLATIVE = re.compile(r"\b(?:first|last|only|highest|lowest|biggest|largest|smallest|best|worst|most|"
                         r"least|fastest|slowest|strongest|weakest|\w+est)\b[^.;]*$", re.I)


def normaliser(fn):
    NORMALISERS[fn.__name__[2:]] = fn
    return fn


def _int(v):
    try:
        return int(str(v).rstrip("stndrh"))
    except (TypeError, ValueError):
        return None


def _year(v):
    s = str(v)
    if s[:1] in "'’":
        n = int(s[1:])
        return 1900 + n if n > 30 else 2000 + n
    return int(s)


def _first_word_mod(text, ctx):
    word = text.split()[0].lower() if text.split() else ""
    return ctx.grammar.pieces["part"].values.get(word)


# ------------------------------------------------------------------ fixed values
@normaliser
def n_fixed(g, m, rule, ctx):
    return rule.type, cal.ref(str(rule.params.get("value", "")))


# ------------------------------------------------------------------ absolute dates
@normaliser
def n_date(g, m, rule, ctx):
    mon, d = _int(g.get("month")), _int(g.get("day"))
    if not mon or not d:
        return None
    if g.get("year"):
        dt = cal.safe_date(_year(g["year"]), mon, d)
        return ("DATE", _as_period(cal.day(dt), rule)) if dt else None
    wd = _int(g.get("wd"))
    years = None
    if wd:  # "Wednesday, May 7": the year whose May 7 is a Wednesday, if one is near
        years = [y for y in (ctx.anchor.year, ctx.anchor.year - 1, ctx.anchor.year + 1)
                 if (x := cal.safe_date(y, mon, d)) and x.isoweekday() == wd] or None
    p = cal.pick_year(lambda y: (lambda x: cal.day(x) if x else None)(cal.safe_date(y, mon, d)),
                      ctx.anchor, ctx.date_tense(m), years)
    return ("DATE", _as_period(p, rule)) if p else None


def _as_period(p, rule):
    """`params: {period: W}`: the week (or other unit) holding the day ("the week of March 6")."""
    unit = rule.params.get("period")
    return cal.unit_period(unit, p.first) if unit else p


@normaliser
def n_date_range(g, m, rule, ctx):
    m1, d1, d2 = _int(g.get("month")), _int(g.get("day")), _int(g.get("day2"))
    m2 = _int(g.get("month2")) or m1
    if not (m1 and d1 and d2):
        return None
    if g.get("year"):
        y = _year(g["year"])
        a = cal.safe_date(y - (1 if m2 < m1 else 0), m1, d1)
    else:
        p = cal.pick_year(lambda y: (lambda x: cal.day(x) if x else None)(cal.safe_date(y, m1, d1)),
                          ctx.anchor, ctx.tense(m))
        a = p.first if p else None
    if a is None:
        return None
    b = cal.safe_date(a.year + (1 if m2 < m1 else 0), m2, d2)
    if b is None or b < a or (b - a).days > 62:
        return None
    return "DATE", cal.days(a, b)


def easter(y: int) -> datetime.date:
    """Gregorian Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return datetime.date(y, month, day + 1)


def holiday_date(spec: str, y: int) -> datetime.date | None:
    spec = str(spec)
    shift = 0
    for sign in ("+-" if ("/" in spec or spec.startswith("easter")) else ""):
        if sign in spec[1:]:
            spec, k = spec.rsplit(sign, 1)
            shift = int(k) if sign == "+" else -int(k)
    if spec == "easter":
        d = easter(y)
    elif "/" in spec:
        mon, nth, wd = spec.split("/")
        mon, wd = int(mon), int(wd)
        if nth == "L":
            last = cal.month(y, mon).last
            d = last - datetime.timedelta(days=(last.isoweekday() - wd) % 7)
        else:
            first = datetime.date(y, mon, 1)
            d = first + datetime.timedelta(days=(wd - first.isoweekday()) % 7 + 7 * (int(nth) - 1))
    else:
        mon, day = (int(x) for x in spec.split("-"))
        d = cal.safe_date(y, mon, day)
    return d + datetime.timedelta(days=shift) if d else None


@normaliser
def n_holiday(g, m, rule, ctx):
    spec = g.get("holiday") or rule.params["holiday"]
    if g.get("year"):
        d = holiday_date(spec, _year(g["year"]))
        return ("DATE", cal.day(d)) if d else None
    a = ctx.anchor
    rel = g.get("rel")
    if rel is not None and int(rel) != 0:
        days = [d for y in (a.year - 1, a.year, a.year + 1) if (d := holiday_date(spec, y))]
        d = max(x for x in days if x < a) if int(rel) < 0 else min(x for x in days if x > a)
        return "DATE", cal.day(d)
    tense = ctx.tense(m) if rel is None else None
    years = [a.year] if rel is not None else None
    p = cal.pick_year(lambda y: (lambda d: cal.day(d) if d else None)(holiday_date(spec, y)), a, tense, years)
    return ("DATE", p) if p else None


def _resolve_month(mon, rel, ctx, m):
    a = ctx.anchor
    if rel is not None:
        rel = int(rel)
        if rel < 0:  # "last April": this year's only when at least two months back
            y = a.year if mon < a.month - 1 else a.year - 1
        elif rel > 0:
            y = a.year if mon > a.month else a.year + 1
        else:
            y = a.year
        return cal.month(y, mon)
    return cal.pick_year(lambda y: cal.month(y, mon), a, ctx.date_tense(m))


@normaliser
def n_month(g, m, rule, ctx):
    mon = _int(g.get("month") or g.get("month_b"))
    if not mon:
        return None
    if g.get("year"):
        p = cal.month(_year(g["year"]), mon)
    elif rule.params.get("rel_year"):
        p = cal.month(ctx.anchor.year + int(g["rel"]), mon)
    else:
        p = _resolve_month(mon, g.get("rel"), ctx, m)
    if rule.params.get("day_unknown") and p is not None:   # "that March day": a day in that month
        p = Period(f"{p.value}-XX", "month", p.first, p.last)
    if g.get("wk") and p is not None:
        p = _week_of_month(p, str(g["wk"]).lower())
    return "DATE", p


WEEK_OF_MONTH = {"first": (1, "START"), "second": (2, None), "third": (3, None), "fourth": (4, None),
                 "last": (-1, "END"), "final": (-1, "END")}


def _week_of_month(p: Period, which: str) -> Period:
    """"the first week of June": the month's value (TIMEX3 has no week of a month), its first
    seven days as the interval; "the last week" its last seven."""
    n, mod = WEEK_OF_MONTH[which]
    if n > 0:
        first = p.first + datetime.timedelta(days=7 * (n - 1))
        last = min(p.last, first + datetime.timedelta(days=6))
    else:
        last = p.last
        first = last - datetime.timedelta(days=6)
    return Period(p.value, "month", first, last, mod)


@normaliser
def n_year(g, m, rule, ctx):
    return "DATE", cal.year(_year(g["year"]))


@normaliser
def n_year_range(g, m, rule, ctx):
    a = _year(g["year"])
    b = a // 100 * 100 + int(g["yy"]) if g.get("yy") else _year(g["year2"])
    if not a < b <= a + 200:
        return None
    return "DATE", Period(str(a), "year", datetime.date(a, 1, 1), datetime.date(b, 12, 31))


@normaliser
def n_decade(g, m, rule, ctx):
    if g.get("dw"):
        return "DATE", cal.decade(int(g["dw"]) * 10)
    s = str(g["decade"])
    if s[0] in "'’":
        n = int(s[1])
        y = 2000 + 10 * n if 2000 + 10 * n <= ctx.dct.year else 1900 + 10 * n
    else:
        y = int(s[:4])
    return "DATE", cal.decade(y)


@normaliser
def n_century(g, m, rule, ctx):
    return "DATE", cal.century(int(g["c"]) - 1)


# ------------------------------------------------------------------ seasons, quarters, halves
@normaliser
def n_season(g, m, rule, ctx):
    s = g.get("season")
    if s is None:
        s = ctx.grammar.pieces["season"].value(m.group(0).split()[-1])
    a = ctx.anchor
    if g.get("year"):
        return "DATE", cal.season(_year(g["year"]), s)
    cands = [cal.season(y, s) for y in (a.year - 2, a.year - 1, a.year, a.year + 1)]
    rel = g.get("rel")
    if rel is not None:
        rel = int(rel)
        if rel < 0:
            return "DATE", max((p for p in cands if p.last < a), key=lambda p: p.first)
        if rel > 0:
            return "DATE", min((p for p in cands if p.first > a), key=lambda p: p.first)
        inside = [p for p in cands if p.first <= a <= p.last]
        if inside:
            return "DATE", inside[0]
        # between two of them: the tense decides ("began trading this summer" said in November
        # is the one over); without one, "this winter" said in March is the one just over,
        # "this fall" said in March the one ahead
        before = max((p for p in cands if p.last < a), key=lambda p: p.last)
        after = min((p for p in cands if p.first > a), key=lambda p: p.first)
        t = ctx.tense(m)
        if t == "past" or (t is None and (a - before.last).days <= 31):
            return "DATE", before
        return "DATE", after
    return "DATE", cal.pick_year(lambda y: cal.season(y, s), a, ctx.tense(m))


def _year_from_groups(g, ctx):
    for k in ("year", "year2", "year3"):
        if g.get(k):
            return _year(g[k])
    for k in ("rel", "rel2"):
        if g.get(k) is not None:
            return ctx.anchor.year + int(g[k])
    return None


@normaliser
def n_quarter(g, m, rule, ctx):
    a = ctx.anchor
    if rule.params.get("latest"):
        if "current" in m.group(0).lower():
            return "DATE", cal.unit_period("Q", a)
        return "DATE", cal.relative("Q", a, -1)
    q = _int(g.get("q"))
    if not q and rule.params.get("year_if_no_quarter") and g.get("year"):
        # "the 1988 quarter / period": the story's quarter in that year (the one it reports on)
        ref = ctx.reference("Q")
        if ref is not None and ref.granularity == "quarter":
            return "DATE", cal.quarter(_year(g["year"]), int(ref.value[-1]))
        if "quarter" in m.group(0).lower():
            latest = cal.relative("Q", a, -1)
            return "DATE", cal.quarter(_year(g["year"]), int(latest.value[-1]))
        return "DATE", cal.year(_year(g["year"]))
    if not q or q > 4:
        return None
    y = _year_from_groups(g, ctx)
    if y is not None:
        return "DATE", cal.quarter(y, q)
    if rule.params.get("year_offset"):
        p = cal.pick_year(lambda y: cal.quarter(y, q), a, "past")
        return "DATE", cal.quarter(int(p.value[:4]) + int(rule.params["year_offset"]), q)
    return "DATE", cal.pick_year(lambda y: cal.quarter(y, q), a, ctx.tense(m))


@normaliser
def n_half(g, m, rule, ctx):
    h = int(g["h"])
    y = _year_from_groups(g, ctx)
    if y is not None:
        return "DATE", cal.half(y, h)
    return "DATE", cal.pick_year(lambda y: cal.half(y, h), ctx.anchor, ctx.tense(m))


# ------------------------------------------------------------------ weekdays
def _weekday(wd, rel, ctx, m, a=None):
    a = a or ctx.anchor
    delta = wd - a.isoweekday()
    back = a + datetime.timedelta(days=delta - 7 if delta > 0 else delta)
    fwd = a + datetime.timedelta(days=delta if delta > 0 else delta + 7)
    if rel is None:
        if delta == 0:
            return a
        t = ctx.tense(m)
        if ctx.text.startswith(("'s", "’s"), m.end()):
            # "ahead of Sunday's vote" has not happened; "Friday's vote would be delayed" neither
            # (the verb after the noun phrase governs); else "Tuesday's declaration" has
            if AHEAD_OF.search(ctx.text, max(0, m.start() - 25), m.start()) or ctx.reader.defers(ctx.text, m.start()):
                t = "future"   # "delaying Wednesday's deadline": what is put off is still ahead
            else:
                t = ctx.tense(m, "phrase") or "past"
        elif UNTIL.search(ctx.text, max(0, m.start() - 16), m.start()):
            # "Cyprus has until Monday to find the money", "unless a deal is reached by Monday":
            # ahead, unless the sentence is past ("had filed the reports by Wednesday")
            t = t or "future"
        if t == "past":
            return back
        if t == "future":
            return fwd
        return back  # news reports what happened: a bare weekday is the last one
    rel = int(rel)
    if rel < 0:
        return back if delta != 0 else a - datetime.timedelta(days=7)
    if rel > 0:
        return fwd
    return a + datetime.timedelta(days=delta)


ANAPHORIC_REL = re.compile(r"(?i)the\s+(?:previous|preceding|prior|following)\s")


@normaliser
def n_weekday(g, m, rule, ctx):
    base = None
    if g.get("rel") is not None and ANAPHORIC_REL.match(m.group(0)):
        ref = ctx.reference("D")   # "the previous Friday": the one before the day the story is on
        base = ref.first if ref is not None else None
    d = _weekday(int(g["wd"]), g.get("rel"), ctx, m, base)
    if g.get("shift"):   # "the day before last Tuesday's hearing": one day from the weekday
        d += datetime.timedelta(days=-1 if str(g["shift"]).lower() == "before" else 1)
    p = cal.day(d)
    typ = rule.type
    if g.get("dp") and rule.params.get("day_part_in_value", True):
        p = Period(f"{d.isoformat()}T{g['dp']}", "day", d, d)
        typ = "TIME"
    if rule.params.get("mod_from_text"):
        p = p.with_mod(_first_word_mod(m.group(0), ctx))
    return typ, p


@normaliser
def n_weekday_range(g, m, rule, ctx):
    w1, w2 = int(g["wd"]), int(g["wd2"])
    if w2 <= w1:  # "Friday and Thursday" are two days, not a range
        return None
    a = _weekday(w1, None, ctx, m)
    b = a + datetime.timedelta(days=(w2 - a.isoweekday()) % 7)
    return "DATE", cal.days(a, b)


# ------------------------------------------------------------------ deictic
@normaliser
def n_deictic(g, m, rule, ctx):
    shift = g.get("dd", rule.params.get("dd"))
    text = m.group(0).lower()
    if shift is None:
        shift = -1 if text.startswith("last") else 0
    d = ctx.anchor + datetime.timedelta(days=int(shift))
    if rule.params.get("day_from_ref"):
        ref = ctx.reference("D")
        d = ref.first if ref is not None else d
    dp = g.get("dp")
    if dp is None and "tonight" in text:
        dp = "NI"
    if dp is None and rule.type == "TIME":
        for w, code in (("morning", "MO"), ("afternoon", "AF"), ("evening", "EV"), ("night", "NI")):
            if w in text:
                dp = code
    if dp:
        return "TIME", Period(f"{d.isoformat()}T{dp}", "day", d, d)
    return "DATE", cal.day(d)


# ------------------------------------------------------------------ relative to the anchor
UNIT_WORDS = (("centur", "C"), ("decade", "E"), ("weekend", "WE"), ("quarter", "Q"), ("year", "Y"),
              ("month", "M"), ("week", "W"), ("day", "D"), ("hour", "H"), ("minute", "MIN"))


def _unit_from_text(text):
    t = text.lower()
    for w, u in UNIT_WORDS:
        if w in t:
            return u
    return None


@normaliser
def n_relative(g, m, rule, ctx):
    unit = g.get("unit") or rule.params.get("unit")
    if rule.params.get("unit_from_text"):
        unit = _unit_from_text(m.group(0))
    rel = g.get("rel", rule.params.get("rel", 0))
    if unit not in ("D", "W", "WE", "M", "Q", "Y", "E", "C"):
        return None
    if rule.params.get("rel_by_tense"):   # "over the weekend": the coming one or the last one
        t = None
        if NOUN_AFTER.match(ctx.text, m.end()):   # "the weekend talks will be ...": the phrase's verb
            t = ctx.tense(m, "phrase")
        ahead = ((t or ctx.tense(m)) == "future" or ctx.anchor.isoweekday() >= 6
                 or AHEAD_OF.search(ctx.text, max(0, m.start() - 25), m.start()) is not None)
        rel = 0 if ahead else -1
    elif unit == "WE" and int(rel) > 0 and "coming" in m.group(0).lower():
        rel = 0 if ctx.anchor.isoweekday() <= 5 else 1   # "the coming weekend": the next one ahead
    p = cal.relative(unit, ctx.anchor, int(rel))
    mod = rule.params.get("mod")
    if rule.params.get("mod_from_text"):
        mod = _first_word_mod(m.group(0), ctx)
    return "DATE", p.with_mod(mod)


@normaliser
def n_spoken_year(g, m, rule, ctx):
    """Years read out in broadcast transcripts: "nineteen ninety-six", "two thousand"."""
    if g.get("cent"):
        rest = (g.get("tens") or 0) + (g.get("units") or 0) + (g.get("teens") or 0)
        return "DATE", cal.year(int(g["cent"]) * 100 + rest)
    return "DATE", cal.year(2000 + int(g.get("units2") or 0))


def _granular(unit, d):
    if unit in ("E", "C"):
        return cal.year(d.year)
    return cal.unit_period(unit, d)


@normaliser
def n_offset(g, m, rule, ctx):
    n = g.get("n", rule.params.get("n", 1))
    unit = g.get("unit", rule.params.get("unit"))
    direction = int(g.get("dir", rule.params.get("dir", -1)))
    text = m.group(0).lower()
    anchor_kind = rule.params.get("anchor")
    if anchor_kind is None:
        anchor_kind = "dct" if any(w in text for w in ("ago", "back", "from now", "hence")) else "ref"
    if n == "X" or (unit is None and g.get("u")):   # "a few weeks ago", "weeks ago"
        return "DATE", cal.ref("PAST_REF" if direction < 0 else "FUTURE_REF")
    n = float(n) + (0.5 if g.get("and_half") or g.get("half_n") else 0)
    if n != int(n):   # "a year and a half ago": 18 months
        unit, n = {"Y": ("M", n * 12), "E": ("Y", n * 10), "C": ("Y", n * 100), "M": ("D", n * 30),
                   "W": ("D", n * 7), "D": ("H", n * 24)}.get(unit, (unit, n))
    n = int(round(n))
    if unit == "FN":            # a fortnight: two weeks
        unit, n = "W", 2 * n
    if rule.params.get("only_ahead") and (ctx.tense(m) == "past" or SUPERLATIVE.search(
            ctx.text, max(0, m.start() - 80), m.start())):
        return "DURATION", cal.ref(duration_value(n, unit))   # "first loss in 20 years"
    if unit in ("H", "MIN"):
        if "later" in text or "earlier" in text:
            return None   # "a minute and a half later": the amount alone is the DURATION
        return "DURATION", cal.ref(f"PT{n}{'H' if unit == 'H' else 'M'}")
    ref = ctx.reference(unit) if anchor_kind == "ref" else None
    if rule.params.get("keep_ref_granularity") or (unit == "Y" and n == 1 and ctx.ref is not None
                                                    and ctx.ref.granularity == "quarter"):
        base = ctx.ref or cal.relative("Q", ctx.anchor, -1)
        gran_unit = {"quarter": "Q", "month": "M", "week": "W", "day": "D", "year": "Y"}.get(
            base.granularity, "Y")
        return "DATE", cal.unit_period(gran_unit, cal.shift(base.first, unit, direction * n))
    base = ref.first if ref is not None and ref.first else ctx.anchor
    p = _granular(unit, cal.shift(base, unit, direction * n))
    if g.get("approx"):
        p = p.with_mod("APPROX")
    return "DATE", p


@normaliser
def n_anaphor(g, m, rule, ctx):
    unit = g.get("unit") or rule.params.get("unit") or "D"
    if "unit" not in g:
        unit = _unit_from_text(m.group(0)) or unit
    ana = g.get("ana")
    if ana is None:
        text = m.group(0).lower()
        ana = -1 if ("before" in text or "previous" in text) else (1 if rule.params.get("dir_from_text") else 0)
    ref = ctx.reference(unit)
    base = ref.first if ref is not None and ref.first else ctx.anchor
    if unit not in ("D", "W", "WE", "M", "Q", "Y", "E", "C"):
        return None
    # "that night", "the next morning": the day (TimeBank leaves the part of day out of an
    # anaphoric day's value, and "the night of Oct. 23" is tagged "Oct. 23")
    return "DATE", cal.relative(unit, base, int(ana))


APPOSED = re.compile(r"\s*,\s*")
BEFORE_NEXT = re.compile(r"\s+before\b", re.I)


@normaliser
def n_event_day(g, m, rule, ctx):
    """"the day before the election was called": the day of an event.  Set off by a comma right
    after a date it is that date; else one unit from the story's last date, in the direction of
    "before"/"after"; with no such date the day is unknown."""
    unit = "W" if str(g.get("u", "")).lower() == "week" else "D"
    last = ctx.last
    if last is not None and APPOSED.fullmatch(ctx.text, last[0], m.start()):
        p = last[1]
        if unit == "D" and p.granularity == "day":
            return "DATE", cal.day(p.first)
        if unit == "W" and p.granularity in ("day", "week"):
            return "DATE", cal.relative("W", p.first, 0)
    ref = ctx.reference(unit)
    if ref is None or ref.first is None:
        return "DATE", cal.ref("XXXX-WXX" if unit == "W" else "XXXX-XX-XX")
    step = -1 if BEFORE_NEXT.match(ctx.text, m.end()) else 1
    return "DATE", cal.relative(unit, ref.first, step)


# ------------------------------------------------------------------ durations and sets
DURATION_UNIT = {"D": ("", "D", 1), "W": ("", "W", 1), "M": ("", "M", 1), "Q": ("", "M", 3),
                 "Y": ("", "Y", 1), "E": ("", "Y", 10), "C": ("", "Y", 100), "H": ("T", "H", 1),
                 "MIN": ("T", "M", 1), "WE": ("", "D", 2), "FN": ("", "W", 2)}


def duration_value(n, unit):
    t, letter, factor = DURATION_UNIT[unit]
    if n == "X" or n is None:
        letter = {"E": "E", "C": "C"}.get(unit, letter) if unit in ("E", "C") else letter
        return f"P{t}X{letter}"
    n = float(n) * factor
    if n != int(n):
        whole = lambda x, letter: f"{int(x)}{letter}" if int(x) else ""   # "half an hour": PT30M
        if unit == "H":
            return f"PT{whole(n, 'H')}{int(round((n - int(n)) * 60))}M"
        if unit == "Y":
            return f"P{whole(n, 'Y')}{int(round((n - int(n)) * 12))}M"
        if unit == "MIN":
            return f"PT{whole(n, 'M')}{int(round((n - int(n)) * 60))}S"
        return f"P{t}{n:g}{letter}"
    return f"P{t}{int(n)}{letter}"


@normaliser
def n_duration(g, m, rule, ctx):
    unit = g.get("unit") or g.get("unit1") or rule.params.get("unit")
    if rule.params.get("unit_from_text"):
        unit = _unit_from_text(m.group(0))
    if unit is None:
        return None
    n = g.get("n", rule.params.get("n"))
    if n is None:
        n = "X"
    if (g.get("and_half") or g.get("half_n")) and n != "X":
        n = float(n) + 0.5
    p = cal.ref(duration_value(n, unit))
    if g.get("approx"):
        p = p.with_mod(str(g["approx"]))
    return "DURATION", p


@normaliser
def n_set(g, m, rule, ctx):
    if g.get("month"):
        return "SET", cal.ref(f"XXXX-{int(g['month']):02d}")
    wd = g.get("wd") or g.get("wdp")
    if wd:
        return "SET", cal.ref(f"XXXX-WXX-{int(wd)}")
    if g.get("dp"):
        return "SET", cal.ref(f"XXXX-XX-XXT{g['dp']}")      # "every evening"
    if g.get("season"):
        return "SET", cal.ref(f"XXXX-{g['season']}")        # "each spring"
    if g.get("u"):
        v = (rule.params.get("values") or {}).get(str(g["u"]).lower())
        return ("SET", cal.ref(v)) if v else None
    unit = g.get("unit")
    if unit == "WE":
        return "SET", cal.ref("XXXX-WXX-WE")
    if unit is None:
        return None
    every = EVERY_N.get(str(g.get("every") or "").lower(), 1)   # "every two years": P2Y
    return "SET", cal.ref(duration_value(every, unit))


@normaliser
def n_elapsed(g, m, rule, ctx):
    """A race time "2:04:35": hours, minutes, seconds as a DURATION."""
    h, mi, sec = int(g["eh"]), int(g["em"]), int(g["es"])
    parts = "".join(f"{v}{u}" for v, u in ((h, "H"), (mi, "M"), (sec, "S")) if v)
    return "DURATION", cal.ref(f"PT{parts or '0S'}")


EVERY_N = {"other": 2, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10}


_day_after_cache: dict = {}


def _day_after(grammar):
    rx = _day_after_cache.get(id(grammar))
    if rx is None:
        rx = _day_after_cache[id(grammar)] = re.compile(
            r"\s*(?:\([^()]{0,30}\)\s*)?,?\s*(?:on\s+)?(?:(?P<wd>" + grammar.pieces["weekday"].regex
            + r")|(?P<mon>" + grammar.pieces["month"].regex + r")\s+(?P<day>" + grammar.pieces["day_num"].regex
            + r"))")
    return rx


@normaliser
def n_time(g, m, rule, ctx):
    text = m.group(0).lower()
    if g.get("h24"):
        h, mi = int(g["h24"]), int(g["mi24"])
    elif g.get("h"):
        h = int(g["h"]) % 12 + (12 if g.get("ampm") == "pm" else 0)
        mi = int(g.get("mi") or 0)
    elif "midnight" in text:
        h, mi = 24, 0   # TIMEX3: "midnight Friday" is the end of Friday, 24:00
    else:
        h, mi = 12, 0
    wd = g.get("wd") or g.get("wd2")
    dd = g.get("dd", g.get("dd2"))
    if g.get("month") and g.get("day"):
        p = cal.pick_year(lambda y: cal.day(cal.safe_date(y, int(g["month"]), int(str(g["day"]).rstrip("stndrh")))),
                          ctx.anchor, ctx.tense(m))
        d = p.first
    elif wd:
        d = _weekday(int(wd), None, ctx, m)
    elif dd is not None:
        d = ctx.anchor + datetime.timedelta(days=int(dd))
    else:
        after = _day_after(ctx.grammar).match(ctx.text, m.end())
        if after and after.group("wd"):   # "at 1:30 pm (1730 GMT) on Wednesday"
            d = _weekday(int(ctx.grammar.pieces["weekday"].value(after.group("wd"))), None, ctx, m)
        elif after:                       # "at 10 a.m. on March 25"
            mon, day = int(ctx.grammar.pieces["month"].value(after.group("mon"))), _int(after.group("day"))
            p = cal.pick_year(lambda y: (lambda x: cal.day(x) if x else None)(cal.safe_date(y, mon, day)),
                              ctx.anchor, ctx.tense(m))
            d = p.first if p else ctx.anchor
        else:       # a bare clock time belongs to the day the story is talking about
            ref = ctx.reference("D")
            d = ref.first if ref is not None else ctx.anchor
    p = Period(f"{d.isoformat()}T{h:02d}:{mi:02d}", "day", d, d)
    if g.get("approx"):
        p = p.with_mod(str(g["approx"]))
    return "TIME", p


# ------------------------------------------------------------------ dateparser fallback
@functools.lru_cache(maxsize=4096)
def _dateparser(text: str, base: datetime.date, prefer: str):
    import dateparser  # imported on first use only: it is slow to load

    settings = {"RELATIVE_BASE": datetime.datetime(base.year, base.month, base.day),
                "PREFER_DATES_FROM": prefer, "REQUIRE_PARTS": ["day", "month", "year"],
                "DATE_ORDER": "DMY" if "." in text else "MDY"}
    r = dateparser.parse(text, languages=["en"], settings=settings)
    return r.date() if r else None


@normaliser
def n_dateparser(g, m, rule, ctx):
    """Absolute dates in shapes the own normalisers do not know, handed to dateparser."""
    t = ctx.tense(m)
    prefer = {"past": "past", "future": "future"}.get(t, "current_period")
    d = _dateparser(m.group(0), ctx.anchor, prefer)
    return ("DATE", cal.day(d)) if d else None
