"""Reading the sentence around an expression: which tense governs it (past, future or none)."""
from __future__ import annotations

import bisect

import regex

from .. import recache

SENT_BREAK = recache.compile_regex(
    r'(?:(?<=[.!?])(?<!\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|St|No|Gen|Sen|Rep|Gov|Lt'
    r'|Col|Inc|Corp|Co|Jr|Sr|vs|U\.S|[A-Z])\.)["”’)]?\s+(?=["“‘(]?[A-Z])|\n)')
CLAUSE_BREAK = recache.compile_regex(r';|\s[—–]\s|—|,\s+(?:and|but|while|when|whereas|although|though|as|after|before|which|who)\s|\s(?:but|while|whereas)\s')
WINDOW = 90
ADJ_BEFORE = {"a", "an", "the", "still", "very", "its", "their", "his", "her", "our", "more", "most",
              "less", "newly", "recently", "previously", "already", "well", "so-called", "long"}
DETERMINERS = {"a", "an", "the", "its", "their", "his", "her", "our", "my", "your", "this", "that",
               "these", "those"}
NOT_NOUNS = {"next", "upcoming", "tomorrow", "coming", "scheduled", "expected", "forthcoming"}  # future after "the", "his"
PASSIVE_PRESENT = {"is", "are", "be", "being", "gets", "get"}
TOKEN = recache.compile_regex(r"[\w'’]+")
# a participle after these is not a finite past verb ("could be heard", "to be held")
NOT_FINITE_BEFORE = {"be", "been", "being", "to", "could", "can", "may", "might", "should", "must",
                     "would", "will", "not", "is", "are", "am", "get", "gets"}
# between a governing verb and its date: nothing, or a preposition ("closed on March 20")
GOVERNED_GAP = recache.compile_regex(r"\s+(?:(?:on|in|at|during|by|since|of)\s+)?")
NOT_NEXT = recache.compile_regex(r"\s+(?:to|door)\b")



class TenseReader:
    """Finds the nearest tense cue to an expression: first to its left inside its clause, then to
    its right, then in the rest of the sentence.  Cue words come from the lexicon's lists."""

    def __init__(self, lists: dict):
        fut = sorted({str(w) for w in lists.get("tense_future", [])}, key=len, reverse=True)
        past = sorted({str(w) for w in lists.get("tense_past", [])}, key=len, reverse=True)
        self.not_past = {str(w).lower() for w in lists.get("not_past", [])}
        self.future_in_past = {str(w).lower() for w in lists.get("future_in_past", [])}
        not_verbs = "|".join(regex.escape(str(w)) for w in lists.get("not_verbs_after_to", [])) or "(?!)"
        # "agreed to sell", "agreed on Monday to end": a few words may stand between verb and "to"
        self.to_verb = recache.compile_regex(rf"(?:\s+(?!to\b)[\w'’]+){{0,3}}?\s+(?P<to>to)\s+(?!(?:{not_verbs})\b)[a-z]{{2,}}(?:\s|$)")

        before = [regex.escape(str(w)).replace(r"\ ", r"\s+") for w in lists.get("future_just_before", [])]
        self.just_before = recache.compile_regex(
            r"(?<![\w'’])(?:" + "|".join(before) + r")\s+(?:on\s+|the\s+)?$", regex.I) if before else None
        deferral = [regex.escape(str(w)).replace(r"\ ", r"\s+") for w in lists.get("deferral_verbs", [])]
        self.deferred = recache.compile_regex(
            r"(?<![\w'’])(?:" + "|".join(deferral) + r")(?:\s+[\w'’,]+){0,5}?\s+(?:until|till|to|through|into)"
            r"\s+(?:on\s+|the\s+|next\s+)?$", regex.I) if deferral else None
        self.reporting = {str(w).lower() for w in lists.get("reporting_verbs", [])}
        nouns = "|".join(regex.escape(str(w)) for w in lists.get("intention_nouns", [])) or "(?!)"
        # "an agreement to acquire the bank in January": the infinitive after the noun lies ahead
        self.intention_noun = recache.compile_regex(
            rf"(?<![\w'’-])(?i:{nouns})\s+(?P<to>to)\s+(?!(?:{not_verbs})\b)[a-z]{{2,}}(?:\s|$)")
        mandative = "|".join(regex.escape(str(w)) for w in lists.get("mandative_verbs", [])) or "(?!)"
        # "ordered that the company pay by Friday": a command's that-clause lies ahead, unless a
        # verb of its own in the past comes nearer the date ("ruled that the firm had paid")
        self.mandative = recache.compile_regex(rf"(?<![\w'’-])(?i:{mandative})\s+(?P<to>that)\s")
        # "gave Cyprus until Monday to raise the money": a deadline for what is still to be done
        self.deadline_before = recache.compile_regex(r"(?<![\w'’])(?:until|till|by)\s+$", regex.I)
        self.infinitive_next = recache.compile_regex(rf"\s+to\s+(?!(?:{not_verbs})\b)[a-z]{{2,}}\b")
        # "delaying Wednesday's deadline", "postponed Sunday's vote": what is put off still lies ahead
        self.deferred_object = regex.compile(
            r"(?<![\w'’])(?:" + "|".join(deferral) + r")\s+(?:the\s+)?$", regex.I) if deferral else None

        # cue words and phrases by their first word (a dictionary look-up per word of the
        # sentence is several times faster than one regex alternation of all the cues)
        self.words = {}
        for kind, words in (("f", fut), ("p", past)):
            for w in words:
                if not w[0].isalnum():
                    continue
                toks = tuple(w.lower().split())
                self.words.setdefault(toks[0], []).append((kind, toks[1:], len(w)))
        for entries in self.words.values():   # future first, then the longest
            entries.sort(key=lambda e: (e[0] != "f", -e[2]))
        self.clitics = {"f": tuple(w.lower() for w in fut if not w[0].isalnum()),
                        "p": tuple(w.lower() for w in past if not w[0].isalnum())}

    def _find(self, s: str):
        """(start, end, kind "f"/"p", surface) of every cue: a whole word or phrase of the lists
        (future first, then the longest), any other all-letter word ending in -ed (past), or a
        clitic ("he'll")."""
        out = []
        toks = [(m.start(), m.end(), m.group().lower()) for m in TOKEN.finditer(s)]
        n = len(toks)
        i = 0
        while i < n:
            b, e, w = toks[i]
            hit = None
            for kind, rest, _ in self.words.get(w, ()):
                j, ok = i, True
                for r in rest:
                    j += 1
                    if j >= n or toks[j][2] != r or not s[toks[j - 1][1]:toks[j][0]].isspace():
                        ok = False
                        break
                if ok:
                    hit = (b, toks[j][1], kind, j)
                    break
            if hit is None and w.endswith("ed") and w[:-2].isalpha() and w.isascii() \
                    and not (b > 0 and s[b - 1] == "-") and not s.startswith("-", e):
                hit = (b, e, "p", i)
            if hit is None:
                for kind in ("f", "p"):
                    for c in self.clitics[kind]:
                        if w.endswith(c) and len(w) > len(c):
                            hit = (e - len(c), e, kind, i)
                            break
                    if hit:
                        break
            if hit is not None:
                out.append((hit[0], hit[1], hit[2], s[hit[0]:hit[1]]))
                i = hit[3] + 1
            else:
                i += 1
        return out

    def _cues(self, s: str):
        out = []
        for start, end, k, word in self._find(s):
            low = word.lower()
            if k == "p" and low in self.not_past and low not in self.future_in_past:
                continue
            if k == "p" and word[0].isupper() and low.endswith("ed") and low not in ("said", "reported"):
                continue  # a capitalised -ed word is more likely a name (Ahmed, United)
            kind = "future" if k == "f" else "past"
            if kind == "future" and low == "next" and NOT_NEXT.match(s, end):
                continue  # "next to the embassy", "next door"
            if kind == "future" and low not in NOT_NOUNS:
                before = s[max(0, start - 8):start].lower().split()
                if before and before[-1] in DETERMINERS:
                    continue  # "the votes on Friday", "his return", "the will of": nouns
            if kind == "past" and low.endswith(("ed", "ld")):
                before = s[max(0, start - 12):start].lower().split()
                if before and before[-1] in ADJ_BEFORE:
                    continue  # "a still unspecified date": an adjective, not a verb
                if before and before[-1] in PASSIVE_PRESENT:
                    continue  # "unless a deal is reached by Monday": a present passive
                to = self.to_verb.match(s, end) if low in self.future_in_past else None
                if to is not None:
                    # "agreed to sell the unit in April": the infinitive and what follows it lie
                    # ahead; "on Monday agreed to end the strike": the agreeing itself is past
                    out.append((start, "past", end))
                    out.append((to.start("to"), "future", to.end()))
                    continue
            if kind == "past" and out and out[-1][1] == "future" and start - out[-1][2] <= 12:
                continue  # "will be held", "would have met": the auxiliary governs
            if kind == "future" and out and out[-1][1] == "past" and start - out[-1][2] <= 8 \
                    and s[out[-1][0]:out[-1][2]].lower() == "had":
                continue  # "had been scheduled to expire": the past perfect governs
            out.append((start, kind, end))
        extra = [(m.start("to"), "future", m.end("to")) for m in self.mandative.finditer(s)]
        starts = [c[0] for c in out]
        for m in self.intention_noun.finditer(s):
            i = bisect.bisect_left(starts, m.start()) - 1
            if i >= 0 and s[out[i][0]:out[i][2]].lower() in self.reporting:
                continue   # "announced his plans to impose tariffs Thursday": the date is the announcing
            extra.append((m.start("to"), "future", m.end("to")))
        return sorted(out + extra) if extra else out

    def tense(self, text: str, begin: int, end: int, mode: str = "sentence", cues=None) -> str | None:
        """The nearest cue in the clause (left first), else in the sentence.  `mode="phrase"`: the
        expression opens a noun phrase ("Friday's vote would be delayed"), only the verb after it
        in its clause counts; `mode="clause"`: the clause only.  None when nothing counts.
        `cues`: a dict the caller keeps per text, so that a sentence's cues are found once."""
        if self.just_before is not None and self.just_before.search(text, max(0, begin - 30), begin):
            return "future"   # "effective Feb. 1", "as soon as Tuesday": ahead whatever the verb
        if _in_imperative_quote(text, begin):
            return "future"   # "Meet me Sunday at noon," he wrote: a plan, ahead of the quote's time
        if self.deferred is not None and self.deferred.search(text, max(0, begin - 70), begin):
            return "future"   # "the vote was postponed until Friday": moved ahead, even in the past
        if self.deadline_before.search(text, max(0, begin - 8), begin) and self._infinitive_next(text, end):
            return "future"   # "had given Cyprus until Monday to raise the money": a deadline
        key = s_start, s_end = _sentence(text, begin, end)
        found = cues.get(key) if cues is not None else None
        if found is None:   # the cues of the sentence, as offsets in the text
            found = CueList([(a + s_start, k, b + s_start) for a, k, b in self._cues(text[s_start:s_end])])
            if cues is not None:
                cues[key] = found
        starts = found.starts

        def between(a, b):   # the cues wholly inside text[a:b]
            i = bisect.bisect_left(starts, a)
            j = bisect.bisect_left(starts, b)
            return [c for c in found[i:j] if c[2] <= b]
        left = text[s_start:begin]
        cb = [m.end() for m in CLAUSE_BREAK.finditer(left)]
        c_start = s_start + (cb[-1] if cb else 0)
        m = CLAUSE_BREAK.search(text, end, s_end)
        c_end = m.start() if m else s_end
        lc = between(max(c_start, begin - WINDOW), begin)
        rc = between(end, min(c_end, end + WINDOW))
        if mode == "phrase":
            return rc[0][1] if rc else None
        if lc:
            return lc[-1][1]
        if rc:
            return rc[0][1]
        if mode == "clause":
            return None
        lc = between(max(s_start, begin - 200), begin)
        rc = between(end, min(s_end, end + 200))
        if lc and rc:
            return lc[-1][1] if begin - lc[-1][0] <= rc[0][0] - end else rc[0][1]
        if lc:
            return lc[-1][1]
        if rc:
            return rc[0][1]
        return None


    def _infinitive_next(self, text: str, end: int) -> bool:
        """True when "to <verb>" follows right after the expression ("until Monday to respond")."""
        return self.infinitive_next.match(text, end) is not None

    def defers(self, text: str, begin: int) -> bool:
        """True when a deferral verb takes the expression's phrase as its object."""
        return self.deferred_object is not None and self.deferred_object.search(text, max(0, begin - 40), begin) is not None

    def governing_past(self, text: str, begin: int, end: int, cues) -> bool:
        """True when a past verb other than a reporting one stands just before the expression in
        its clause ("the plant closed on March 20"): such a date cannot lie after the anchor.
        Call after `tense` (it reuses the sentence's cues)."""
        found = cues.get(_sentence(text, begin, end))
        if not found:
            return False
        i = bisect.bisect_left(found.starts, begin) - 1
        if i < 0:
            return False
        start, kind, end = found[i]
        before = text[max(0, start - 12):start].lower().split()
        return (kind == "past" and GOVERNED_GAP.fullmatch(text, end, begin) is not None
                and text[start:end].lower() not in self.reporting
                and not (before and before[-1] in NOT_FINITE_BEFORE))


def _sentence(text: str, begin: int, end: int) -> tuple[int, int]:
    """(start, end) of the sentence around text[begin:end] (looking at most 400 characters out)."""
    lo = max(0, begin - 400)
    hi = min(len(text), end + 400)
    breaks = [m.end() for m in SENT_BREAK.finditer(text, lo, begin)]
    s_start = breaks[-1] if breaks else lo
    m = SENT_BREAK.search(text, end, hi)
    return s_start, (m.start() if m else hi)


IMPERATIVE = recache.compile_regex(r"\s*(?:[Pp]lease\s+)?(?:[Ll]et[’']s\b|(?:[Cc]ome|[Mm]eet|[Cc]all|[Jj]oin|[Ss]ee|[Vv]isit|[Tt]ell|[Ww]rite|[Ee]mail|[Tt]ext|[Ss]end|[Bb]ring|[Gg]ive|[Ll]et|[Ww]atch|[Tt]une\s+in|[Vv]ote)\s+(?:me|us|you|him|her|them|in|on|for|back)\b|(?:[Dd]on[’']t|[Dd]o\s+not)\s+[a-z]+)")


def _in_imperative_quote(text: str, begin: int) -> bool:
    """True when the expression stands in a quotation that opens with a command or a proposal
    ("Meet me Sunday at noon", "Let's talk on Friday", "Don't call before Monday")."""
    lo = max(0, begin - 200)
    q = max(text.rfind("“", lo, begin), text.rfind('"', lo, begin))
    if q < 0 or "”" in text[q:begin] or text.count('"', lo, q) % 2 or "\n" in text[q:begin]:
        return False
    return IMPERATIVE.match(text, q + 1) is not None


class CueList(list):
    """A sentence's cues with their start offsets kept for bisecting."""

    def __init__(self, cues):
        super().__init__(cues)
        self.starts = [c[0] for c in cues]
