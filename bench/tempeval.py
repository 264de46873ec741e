"""TempEval-3 (Task A, TIMEX3) benchmark for temporal taggers.

Reads the TempEval-3 training data (TBAQ-cleaned TimeML: TimeBank/*.tml and
AQUAINT/*.tml) where it lies -- it is never copied into this repository -- runs
each system on the plain text of every document with the document creation
time (DCT) as reference date, and scores the expressions it returns against
the gold TIMEX3 annotations.

Usage (from the repository root):

    python bench/tempeval.py                      # all systems, full data
    python bench/tempeval.py --only ours          # just our tagger
    python bench/tempeval.py --only ours dateparser --limit 20
    python bench/tempeval.py --only ours --errors 50   # + our first 50 errors
    python bench/tempeval.py --data /path/to/tempeval3

--data defaults to ../shared/tempeval3 relative to the repository root.
--limit N uses the first N documents (sorted by path).
--errors [N] lists, for `ours`, missed gold expressions, spurious ones and
value/type mismatches with some context (N per kind, default 20).

Systems:
    ours         timeline.temporal.tag(text, dct), ranges split as TimeML does (what `timeline tag` prints)
    dateparser   dateparser.search.search_dates; every hit is a DATE YYYY-MM-DD
    recognizers  Microsoft Recognizers-Text, benchmark-only dependency:
                 pip install "recognizers-text-suite" "emoji<2"

Scoring follows the TempEval-3 entity scorer: counts are summed over all
documents (micro average); a prediction matches a gold TIMEX3 *strictly* when
the character extents are identical and *relaxed* when they overlap, each gold
and each predicted expression being used at most once; value F1 = relaxed F1 x
(relaxed matches with the gold value / relaxed matches), type F1 likewise.
If there is neither gold nor prediction, every F1 is 1 (as in the official
scorer). Speed: only the tagging calls are timed (after one untimed warm-up
call, so that lazy loading of models is not counted); expr/s is gold TIMEX3
expressions per second of tagging time, so it is comparable between systems.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "tempeval3"


# ---------------------------------------------------------------- data

@dataclass(frozen=True)
class Span:
    begin: int
    end: int  # exclusive
    type: str = ""
    value: str = ""
    text: str = ""
    mod: str = ""


@dataclass
class Document:
    doc_id: str
    dct: dt.date
    text: str
    gold: list[Span] = field(default_factory=list)


def parse_timeml(xml: str, doc_id: str = "") -> Document:
    """Parse one TimeML document: DCT, plain text of <TEXT>, gold TIMEX3 spans."""
    root = ET.fromstring(xml)
    dct_timex = root.find("DCT/TIMEX3")
    if dct_timex is None:
        dct_timex = next(t for t in root.iter("TIMEX3")
                         if t.get("functionInDocument") == "CREATION_TIME")
    dct = dt.date.fromisoformat(dct_timex.get("value")[:10])
    text_el = root.find("TEXT")
    parts: list[str] = []
    gold: list[Span] = []
    pos = 0

    def walk(el):
        nonlocal pos
        start = pos
        if el.text:
            parts.append(el.text)
            pos += len(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
                pos += len(child.tail)
        if el.tag == "TIMEX3" and el is not text_el:
            gold.append(Span(start, pos, el.get("type", ""), el.get("value", ""),
                             "".join(parts)[start:pos], el.get("mod", "")))

    walk(text_el)
    gold.sort(key=lambda s: (s.begin, s.end))
    return Document(doc_id or (root.findtext("DOCID") or "").strip(), dct, "".join(parts), gold)


def load_documents(data_dir) -> list[Document]:
    """All *.tml files under data_dir (TimeBank/ and AQUAINT/), sorted by path."""
    files = sorted(Path(data_dir).glob("**/*.tml"))
    if not files:
        raise FileNotFoundError(f"no .tml files under {data_dir}")
    return [parse_timeml(f.read_text(encoding="utf-8"), f.stem) for f in files]


# ---------------------------------------------------------------- scorer

def as_span(p) -> Span:
    """Span from a Span, an object with .begin .end .type .value, or a tuple
    (begin, end[, type[, value]])."""
    if isinstance(p, Span):
        return p
    if isinstance(p, (tuple, list)):
        b, e, *rest = p
        return Span(int(b), int(e), *(str(x or "") for x in rest[:2]))
    return Span(int(p.begin), int(p.end), str(getattr(p, "type", "") or ""),
                str(getattr(p, "value", "") or ""))


def overlaps(a: Span, b: Span) -> bool:
    return a.begin < b.end and b.begin < a.end


def align(gold, pred) -> list[tuple[int, int]]:
    """One-to-one relaxed alignment, as sorted (gold index, pred index) pairs.

    Identical extents are paired first; the other golds are then matched to
    overlapping predictions so that the number of pairs is maximal (augmenting
    paths), trying larger overlaps first."""
    gold, pred = [as_span(g) for g in gold], [as_span(p) for p in pred]
    by_extent: dict[tuple[int, int], list[int]] = {}
    for j, p in enumerate(pred):
        by_extent.setdefault((p.begin, p.end), []).append(j)
    owner: dict[int, int] = {}  # pred index -> gold index
    rest = []
    for i, g in enumerate(gold):
        same = by_extent.get((g.begin, g.end))
        if same:
            owner[same.pop(0)] = i
        else:
            rest.append(i)
    exact = set(owner)

    def options(g):
        js = [j for j, p in enumerate(pred) if j not in exact and overlaps(g, p)]
        return sorted(js, key=lambda j: max(g.begin, pred[j].begin) - min(g.end, pred[j].end))

    opts = {i: options(gold[i]) for i in rest}

    def augment(i, seen):
        for j in opts[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in rest:
        augment(i, set())
    return sorted((i, j) for j, i in owner.items())


@dataclass
class Counts:
    gold: int = 0
    pred: int = 0
    strict: int = 0   # pairs with identical extents
    relaxed: int = 0  # overlapping pairs (includes the strict ones)
    type: int = 0     # relaxed pairs with the gold type
    value: int = 0    # relaxed pairs with the gold value

    def __iadd__(self, o: "Counts") -> "Counts":
        for k in self.__dataclass_fields__:
            setattr(self, k, getattr(self, k) + getattr(o, k))
        return self


def count(gold, pred) -> Counts:
    """Match counts for one document."""
    gold, pred = [as_span(g) for g in gold], [as_span(p) for p in pred]
    c = Counts(gold=len(gold), pred=len(pred))
    for i, j in align(gold, pred):
        g, p = gold[i], pred[j]
        c.relaxed += 1
        c.strict += (g.begin, g.end) == (p.begin, p.end)
        c.type += g.type == p.type
        c.value += g.value == p.value
    return c


def prf(tp: int, n_gold: int, n_pred: int) -> tuple[float, float, float]:
    if n_gold == 0 and n_pred == 0:
        return 1.0, 1.0, 1.0
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def scores(c: Counts) -> dict[str, float]:
    """Strict/relaxed P, R, F1 and type/value accuracy and F1, all in 0..1."""
    s = {}
    for kind in ("strict", "relaxed"):
        s[kind + "_p"], s[kind + "_r"], s[kind + "_f1"] = prf(getattr(c, kind), c.gold, c.pred)
    for attr in ("value", "type"):
        if c.gold == 0 and c.pred == 0:
            acc = 1.0
        else:
            acc = getattr(c, attr) / c.relaxed if c.relaxed else 0.0
        s[attr + "_acc"] = acc
        s[attr + "_f1"] = s["relaxed_f1"] * acc
    return s


def score(gold, pred) -> dict[str, float]:
    """Scores of one prediction list against one gold list."""
    return scores(count(gold, pred))


# ---------------------------------------------------------------- systems

def system_ours():
    from timeline.temporal import tag
    from timeline.temporal.timeml import timeml_parts

    def run(text, dct):  # what `timeline tag` prints: ranges as their TimeML parts
        return [(t.begin, t.end, t.type, t.value) for t in timeml_parts(tag(text, dct))]
    return run


def system_dateparser():
    from dateparser.search import search_dates

    def run(text, dct):
        settings = {"RELATIVE_BASE": dt.datetime(dct.year, dct.month, dct.day),
                    "PREFER_DATES_FROM": "current_period",
                    "RETURN_AS_TIMEZONE_AWARE": False}
        out, pos = [], 0
        for sub, when in search_dates(text, languages=["en"], settings=settings) or []:
            b = text.find(sub, pos)
            if b < 0:
                continue
            pos = b + len(sub)
            out.append((b, pos, "DATE", when.date().isoformat()))
        return out
    return run


RECOGNIZER_TYPES = {"date": "DATE", "daterange": "DATE", "time": "TIME", "timerange": "TIME",
                    "datetime": "TIME", "datetimerange": "TIME", "duration": "DURATION",
                    "set": "SET"}


def recognizers_value(values: list[dict], ref: dt.date) -> str:
    """TIMEX3-style value from a Recognizers-Text datetimeV2 resolution."""
    value = _recognizers_value(values, ref)
    if re.search(r"T\d\d$", value):  # hour only: TIMEX3 writes T15:00
        value += ":00"
    return value


def _recognizers_value(values: list[dict], ref: dt.date) -> str:
    if not values:
        return ""

    def when(v):  # resolved date of a candidate, if any
        s = v.get("value") or v.get("start") or ""
        try:
            return dt.date.fromisoformat(s[:10])
        except ValueError:
            return None
    # past/future alternatives of an underspecified expression: nearest to the reference
    v = min(values, key=lambda v: abs((when(v) or ref) - ref))
    timex, day = v.get("timex", ""), when(v)
    if timex.startswith("(") and day:  # (start,end,duration) range
        dur = timex.rstrip(")").split(",")[-1]
        if dur == "P1Y" and day.timetuple().tm_yday == 1:
            return f"{day.year}"
        if dur == "P1M" and day.day == 1:
            return f"{day:%Y-%m}"
        if dur == "P3M" and day.day == 1 and day.month in (1, 4, 7, 10):
            return f"{day.year}-Q{(day.month + 2) // 3}"
        if dur in ("P7D", "P1W") and day.weekday() == 0:
            y, w, _ = day.isocalendar()
            return f"{y}-W{w:02d}"
        return day.isoformat()
    if v.get("type") in ("date", "datetime") and "W" in timex and "X" in timex and day:
        return day.isoformat() + (timex[timex.index("T"):] if "T" in timex else "")
    if timex.startswith("T") and v.get("type") == "time":  # clock time: on the reference day
        return ref.isoformat() + timex
    if timex.startswith("XXXX") and day and v.get("type") != "set":
        return str(day.year) + timex[4:]
    return timex


def system_recognizers():
    from recognizers_text import Culture
    from recognizers_date_time import DateTimeRecognizer

    model = DateTimeRecognizer(Culture.English).get_datetime_model()

    def run(text, dct):
        ref = dt.datetime(dct.year, dct.month, dct.day)
        out = []
        for r in model.parse(text, ref):
            kind = r.type_name.split(".")[-1]
            values = (r.resolution or {}).get("values") or []
            value = recognizers_value(values, dct)
            typ = RECOGNIZER_TYPES.get(kind, "DATE")
            if value in ("PRESENT_REF", "PAST_REF", "FUTURE_REF"):
                typ = "DATE"
            out.append((r.start, r.end + 1, typ, value))  # r.end is inclusive
        return out
    return run


SYSTEMS = {"ours": system_ours, "dateparser": system_dateparser,
           "recognizers": system_recognizers}


def evaluate(run, docs: list[Document]):
    """Run a system on docs: (Counts, predictions per doc, tagging seconds)."""
    total, preds, elapsed = Counts(), [], 0.0
    run("It rained on May 5, 1998, two days ago.", dt.date(1998, 5, 7))  # warm-up, untimed
    for d in docs:
        t0 = time.perf_counter()
        raw = run(d.text, d.dct)
        elapsed += time.perf_counter() - t0
        p = [as_span(x) for x in raw]
        preds.append(p)
        total += count(d.gold, p)
    return total, preds, elapsed


# ---------------------------------------------------------------- report

def report(name: str, c: Counts, n_docs: int, secs: float) -> str:
    s = scores(c)
    rate = lambda n: f"{n / secs:,.0f}" if secs > 0 else "inf"
    pct = lambda k: f"{100 * s[k]:6.2f}"
    return "\n".join([
        f"== {name}: {n_docs} docs, {c.gold} gold, {c.pred} predicted; "
        f"{secs:.2f} s tagging = {rate(n_docs)} docs/s, {rate(c.gold)} expr/s",
        "            P       R       F1",
        f"strict   {pct('strict_p')}  {pct('strict_r')}  {pct('strict_f1')}",
        f"relaxed  {pct('relaxed_p')}  {pct('relaxed_r')}  {pct('relaxed_f1')}",
        f"value F1 {pct('value_f1')}  (accuracy {pct('value_acc')} over {c.relaxed} matches)",
        f"type F1  {pct('type_f1')}  (accuracy {pct('type_acc')})",
    ])


def context(doc: Document, b: int, e: int, width: int = 60) -> str:
    left = doc.text[max(0, b - width):b].split("\n\n")[-1]
    right = doc.text[e:e + width].split("\n\n")[0]
    return " ".join(f"{left}[{doc.text[b:e]}]{right}".split())


def print_errors(docs: list[Document], preds: list[list[Span]], limit: int) -> None:
    missed, spurious, wrong = [], [], []
    for d, pred in zip(docs, preds):
        pairs = align(d.gold, pred)
        gi, pj = {i for i, _ in pairs}, {j for _, j in pairs}
        head = f"{d.doc_id} (dct {d.dct})"
        for i, g in enumerate(d.gold):
            if i not in gi:
                missed.append(f"{head}: {context(d, g.begin, g.end)}\n"
                              f"    gold {g.type} {g.value}" + (f" mod={g.mod}" if g.mod else ""))
        for j, p in enumerate(pred):
            if j not in pj:
                spurious.append(f"{head}: {context(d, p.begin, p.end)}\n    ours {p.type} {p.value}")
        for i, j in pairs:
            g, p = d.gold[i], pred[j]
            if (g.value, g.type) != (p.value, p.type):
                ours = f"{d.text[p.begin:p.end]!r} {p.type} {p.value}"
                wrong.append(f"{head}: {context(d, g.begin, g.end)}\n"
                             f"    gold {g.type} {g.value}" + (f" mod={g.mod}" if g.mod else "")
                             + f"  | ours {ours}")
    for title, items in (("missed gold", missed), ("spurious", spurious),
                         ("value/type mismatch", wrong)):
        print(f"\n--- {title}: {len(items)} (showing {min(limit, len(items))})")
        for line in items[:limit]:
            print(line)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="TempEval-3 TIMEX3 benchmark (see module docstring)")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA,
                    help="folder with the TempEval-3 .tml files (default: ../shared/tempeval3 "
                         "next to the repository, i.e. %(default)s)")
    ap.add_argument("--only", nargs="+", choices=list(SYSTEMS), default=list(SYSTEMS))
    ap.add_argument("--limit", type=int, help="use only the first N documents")
    ap.add_argument("--errors", type=int, nargs="?", const=20, metavar="N",
                    help="list up to N errors of each kind for `ours` (default 20)")
    args = ap.parse_args(argv)

    data = args.data
    try:
        docs = load_documents(data)[:args.limit]
    except FileNotFoundError as e:
        print(f"error: {e} (use --data DIR)", file=sys.stderr)
        return 2
    print(f"TempEval-3 data: {data} ({len(docs)} documents, "
          f"{sum(len(d.gold) for d in docs)} gold TIMEX3)")
    for name in args.only:
        try:
            run = SYSTEMS[name]()
        except ImportError as e:
            print(f"\n== {name}: skipped ({e})")
            continue
        c, preds, secs = evaluate(run, docs)
        print()
        print(report(name, c, len(docs), secs))
        if name == "ours" and args.errors:
            print_errors(docs, preds, args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
