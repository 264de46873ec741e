"""The tagger: find candidate spans with the compiled rules, keep the best non-overlapping ones,
and normalise them in reading order (so anaphora and datelines see what came before)."""
from __future__ import annotations

import bisect
import datetime
import re
from dataclasses import dataclass, field

import regex

from .. import recache
from . import grammar as gr
from .calendar import Period
from .context import TenseReader
from .model import Timex
from .normalize import NORMALISERS

# A digest item's heading: "Headline – Source (April 10)" or "Headline – Source – April 23".
HEADING = recache.compile_regex(r"^(?=[^\n]{12,250}$)[^\n]*\S\s[–—-]\s[^\n]*[^\s.!?:;,\"”]$", regex.M)

# A letter or message dated in the text: the relative dates of the quote that follows count
# from its date ("a letter dated March 3 said: \"I will come next week\"").
DATED = recache.compile_regex(r"\b(?:dated|sent|written|posted|signed|issued)\s+(?:on\s+)?$", regex.I)
QUOTE_OPEN = recache.compile_regex(r"[\"“]")
QUOTE_CLOSE = {"\"": "\"", "“": "”"}


def _dated_quote(text: str, b: int, e: int):
    """(start, end) of the quotation a date like "dated March 3" introduces, if one opens in
    the same sentence or right after it."""
    if not DATED.search(text, max(0, b - 20), b):
        return None
    q = QUOTE_OPEN.search(text, e, min(len(text), e + 250))
    if q is None or "\n\n" in text[e:q.start()]:
        return None
    close = text.find(QUOTE_CLOSE[q.group()], q.end())
    if close < 0:
        close = text.find("\n\n", q.end())
    return q.end(), (close if close >= 0 else len(text))


_readers: dict = {}
GRAN_RANK = {"day": 0, "week": 1, "month": 2, "quarter": 3, "season": 3, "half": 4, "year": 5,
             "decade": 6, "century": 7}
OUT_GRANULARITY = {"half": "quarter"}   # the interface knows no half-years: report the next finer
UNIT_RANK = {"D": 0, "W": 1, "WE": 1, "M": 2, "Q": 3, "H": 4, "Y": 5, "E": 6, "C": 7}


def _reader(g: gr.Grammar) -> TenseReader:
    r = _readers.get(id(g))
    if r is None:
        r = _readers[id(g)] = TenseReader(g.lists)
    return r


@dataclass
class Context:
    text: str
    dct: datetime.date
    grammar: gr.Grammar
    reader: TenseReader
    anchor: datetime.date
    ref: Period | None = None            # the date the story mentioned last
    refs: list = field(default_factory=list)
    forced_tense: str | None = None
    last: tuple | None = None            # (end offset, Period) of the expression tagged last
    _tense_cache: dict = field(default_factory=dict)
    _cues: dict = field(default_factory=dict)   # sentence -> its tense cues

    def reference(self, unit: str) -> Period | None:
        """The last date the story mentioned that is at least as precise as `unit`
        ("two days earlier" looks back to a day, not to "in January")."""
        limit = UNIT_RANK.get(unit, 9)
        for p in reversed(self.refs):
            if GRAN_RANK.get(p.granularity, 9) <= limit:
                return p
        return None

    def set_ref(self, p: Period | None):
        self.ref = p
        self.refs = [p] if p is not None else []

    def add_ref(self, p: Period):
        self.ref = p
        self.refs.append(p)
        del self.refs[:-8]

    def tense(self, m, mode: str = "sentence") -> str | None:
        if self.forced_tense:
            return self.forced_tense
        key = (m.start(), m.end(), mode)
        if key not in self._tense_cache:
            self._tense_cache[key] = self.reader.tense(self.text, m.start(), m.end(), mode, self._cues)
        return self._tense_cache[key]

    def date_tense(self, m) -> str | None:
        """The tense for choosing a date's year: "strict_past" when a past verb governs the date
        directly ("closed on March 20": never after the anchor), else `tense`."""
        t = self.tense(m)
        if t == "past" and not self.forced_tense and self.reader.governing_past(self.text, m.start(), m.end(), self._cues):
            return "strict_past"
        return t


TOKEN = re.compile(r"[a-z]+|\d+[a-z]*")   # on the lower-cased text


def _anchor_positions(text: str, g: gr.Grammar) -> dict:
    """Where each token class occurs: class -> list of (start, end)."""
    words = _anchor_words(g)
    classes = g.token_classes
    pos: dict = {}
    for m in TOKEN.finditer(text.lower()):
        tok = m.group()
        if tok[0] <= "9":
            span = m.span()
            pos.setdefault(gr.DIGIT_CLASS, []).append(span)
            if len(tok) == 4 and tok[0] in "12" and tok.isdigit():
                pos.setdefault("year4", []).append(span)
            elif tok.endswith("0s"):
                pos.setdefault("decade", []).append(span)
        elif tok in words:
            span = m.span()
            pos.setdefault(tok, []).append(span)
        else:
            continue  # most words anchor nothing: no span made for them
        for c in classes.get(tok, ()):
            pos.setdefault(c, []).append(span)
    return pos


_words_cache: dict = {}


def _anchor_words(g: gr.Grammar) -> frozenset:
    w = _words_cache.get(id(g))
    if w is None:
        w = set(g.token_classes)
        for r in g.rules:
            if r.anchors:
                w |= {a for a in r.anchors if a not in g.pieces}
        w = _words_cache[id(g)] = frozenset(w)
    return w


def _windows(spans, n, reach):
    left, right = reach
    spans.sort()
    out = []
    for b, e in spans:
        b, e = b - left, e + right
        if out and b <= out[-1][1]:
            if e > out[-1][1]:
                out[-1][1] = e
        else:
            out.append([b if b > 0 else 0, e])
    if out and out[-1][1] > n:
        out[-1][1] = n
    return out


def candidates(text: str, g: gr.Grammar):
    """Every match of every rule, each rule searched only near the tokens that anchor it."""
    out = []
    pos = _anchor_positions(text, g)
    n = len(text)
    shared: dict = {}   # (anchors, reach) -> windows: many rules share their anchors
    for idx, rule in enumerate(g.rules):
        if rule.anchors is None:
            windows = [[0, n]]
        else:
            key = (rule.anchors, rule.reach)
            windows = shared.get(key)
            if windows is None:
                spans = [s for a in rule.anchors for s in pos.get(a, ())]
                windows = shared[key] = _windows(spans, n, rule.reach) if spans else []
            if not windows:
                continue
        for b, e in windows:
            for m in rule.compiled.finditer(text, b, e):
                if m.end() > m.start():
                    out.append((m.start(), m.end(), rule, m, idx))
    return out


def select(cands):
    """Longest first, then higher priority, then earlier; no overlaps."""
    cands = sorted(cands, key=lambda c: (-(c[1] - c[0]), -c[2].priority, c[0], c[4]))
    taken_b, taken_e, chosen = [], [], []
    for c in cands:
        b, e = c[0], c[1]
        i = bisect.bisect_right(taken_b, b)
        if i > 0 and taken_e[i - 1] > b:
            continue
        if i < len(taken_b) and taken_b[i] < e:
            continue
        taken_b.insert(i, b)
        taken_e.insert(i, e)
        chosen.append(c)
    chosen.sort(key=lambda c: c[0])
    return [c for c in chosen if c[2].type != "REJECT"]


def groups_of(m, rule, g: gr.Grammar) -> dict:
    out = {}
    for name, val in m.groupdict().items():
        if val is None:
            continue
        piece = g.pieces.get(rule.groups.get(name, ""))
        if piece is None:
            out[name] = val
        elif piece.parse == "number":
            out[name] = gr.parse_number(g.pieces, val)
        else:
            out[name] = piece.value(val)
    return out


def normalise_one(c, ctx: Context):
    b, e, rule, m, _ = c
    g = groups_of(m, rule, ctx.grammar)
    fn = NORMALISERS.get(rule.norm)
    if fn is None:
        raise gr.GrammarError(f"{rule.source}: rule {rule.name!r}: unknown norm {rule.norm!r}")
    try:
        res = fn(g, m, rule, ctx)
    except (ValueError, OverflowError, KeyError, TypeError, AttributeError):
        return None
    if res is None or res[1] is None:
        return None
    typ, p = res
    if g.get("part") and typ in ("DATE", "TIME"):
        p = p.with_mod(str(g["part"]))
    elif g.get("approx") and not p.mod:
        p = p.with_mod(str(g["approx"]))
    return typ, p


SOURCE = re.compile(r"\s*(?:[A-Z0-9][\w’'.&/-]*\s+){0,6}[(\[]?\s*")
LAST_DASH = re.compile(r".*\s[–—-]\s", re.S)


def _source_before(text: str, line_start: int, b: int) -> bool:
    """A dateline's date follows the last dash of its heading, after at most a source's name:
    "– Bloomberg – April 23", "– People's Daily (April 10)"; not "– scheduled for May 15"."""
    m = LAST_DASH.match(text, line_start, b)
    return bool(m) and SOURCE.fullmatch(text, m.end(), b) is not None


def _headings(text: str):
    return [(m.start(), m.end()) for m in HEADING.finditer(text)]


def tag(text: str, dct, grammar: gr.Grammar | None = None) -> list[Timex]:
    """Temporal expressions of `text`, anchored to the document creation time `dct`."""
    if isinstance(dct, datetime.datetime):
        dct = dct.date()
    elif isinstance(dct, str):          # "2025-05-08" or "2025-05-08T09:30:00+02:00"
        dct = datetime.date.fromisoformat(dct[:10])
    g = grammar or gr.load()
    cands = candidates(text, g)
    queue = select(cands)
    ctx = Context(text, dct, g, _reader(g), dct)
    heads = _headings(text) if queue else []
    head_starts = [h[0] for h in heads]
    current_head = None
    quote = None          # (start, end, anchor outside it) of a dated quotation being read
    out = []
    i = 0
    while i < len(queue):
        c = queue[i]
        i += 1
        b, e = c[0], c[1]
        hi = bisect.bisect_right(head_starts, b) - 1
        head = heads[hi] if hi >= 0 else None
        in_head = head is not None and b < head[1]
        if head is not None and head != current_head:
            current_head = head
            ctx.anchor = dct                       # a new digest item: back to the DCT
            ctx.set_ref(None)
        is_dateline = (in_head and not text[e:head[1]].strip(" )]–—-")
                       and _source_before(text, head[0], b))
        if quote is not None and b >= quote[1]:
            ctx.anchor, quote = quote[2], None       # out of the quotation: back to the story's anchor
        if is_dateline:
            ctx.anchor, ctx.forced_tense = dct, "past"
        res = normalise_one(c, ctx)
        ctx.forced_tense = None
        if res is None:
            # the span cannot be normalised as a whole: try the best candidates inside it
            inner = select([x for x in cands if b <= x[0] and x[1] <= e and x is not c])
            queue[i:i] = inner
            cands = [x for x in cands if x is not c]
            continue
        typ, p = res
        out.append(Timex(text[b:e], b, e, typ, p.value, p.mod, p.first, p.last,
                         OUT_GRANULARITY.get(p.granularity, p.granularity)))
        if p.first is not None:
            ctx.last = (e, p)
        span = _dated_quote(text, b, e) if typ == "DATE" and p.granularity == "day" else None
        if span is not None:
            quote = (span[0], span[1], ctx.anchor if quote is None else quote[2])
            ctx.anchor = p.first
        if is_dateline and p.first is not None:
            ctx.anchor = p.first                  # the item's relative dates hang on its dateline
            ctx.set_ref(p)
        elif typ in ("DATE", "TIME") and p.first is not None and c[2].params.get("sets_ref", True) \
                and not (c[2].norm == "offset" and p.granularity not in ("day", "week")):
            ctx.add_ref(p)   # "a year earlier" compares with the story's date, it does not move it
    return out
