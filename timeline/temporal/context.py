"""Reading the sentence around an expression: which tense governs it (past, future or none)."""
from __future__ import annotations

import regex

SENT_BREAK = regex.compile(
    r'(?:(?<=[.!?])(?<!\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|St|No|Gen|Sen|Rep|Gov|Lt'
    r'|Col|Inc|Corp|Co|Jr|Sr|vs|U\.S|[A-Z])\.)["”’)]?\s+(?=["“‘(]?[A-Z])|\n)')
CLAUSE_BREAK = regex.compile(r';|\s[—–]\s|—|,\s+(?:and|but|while|when|whereas|although|though|as|after|before|which|who)\s|\s(?:but|while|whereas)\s')
WINDOW = 90
ADJ_BEFORE = {"a", "an", "the", "still", "very", "its", "their", "his", "her", "our", "more", "most",
              "less", "newly", "recently", "previously", "already", "well", "so-called", "long"}
PASSIVE_PRESENT = {"is", "are", "be", "being", "gets", "get"}
NOT_NEXT = regex.compile(r"\s+(?:to|door)\b")



class TenseReader:
    """Finds the nearest tense cue to an expression: first to its left inside its clause, then to
    its right, then in the rest of the sentence.  Cue words come from the lexicon's lists."""

    def __init__(self, lists: dict):
        fut = sorted({str(w) for w in lists.get("tense_future", [])}, key=len, reverse=True)
        past = sorted({str(w) for w in lists.get("tense_past", [])}, key=len, reverse=True)
        self.not_past = {str(w).lower() for w in lists.get("not_past", [])}
        self.future_in_past = {str(w).lower() for w in lists.get("future_in_past", [])}
        not_verbs = "|".join(regex.escape(str(w)) for w in lists.get("not_verbs_after_to", [])) or "(?!)"
        self.to_verb = regex.compile(rf"\s+to\s+(?!(?:{not_verbs})\b)[a-z]{{2,}}(?:\s|$)")

        def alts(words):
            plain = [regex.escape(w).replace(r"\ ", r"\s+") for w in words if w[0].isalnum()]
            clitic = [regex.escape(w) for w in words if not w[0].isalnum()]
            parts = []
            if plain:
                parts.append(r"(?<![\w'’])(?:" + "|".join(plain) + r")(?![\w'’])")
            if clitic:
                parts.append(r"(?:" + "|".join(clitic) + r")(?![\w])")
            return "|".join(parts) or r"(?!)"

        before = [regex.escape(str(w)).replace(r"\ ", r"\s+") for w in lists.get("future_just_before", [])]
        self.just_before = regex.compile(
            r"(?<![\w'’])(?:" + "|".join(before) + r")\s+(?:on\s+|the\s+)?$", regex.I) if before else None

        self.cue = regex.compile(
            rf"(?P<f>{alts(fut)})|(?P<p>{alts(past)}|(?<![\w'’-])[a-z]+ed(?![\w'’-]))", regex.I)

    def _cues(self, s: str):
        out = []
        for m in self.cue.finditer(s):
            if m.group("p") and m.group("p").lower() in self.not_past:
                continue
            if m.group("p") and m.group("p")[0].isupper() and m.group("p").endswith("ed") \
                    and m.group("p").lower() not in ("said", "reported"):
                continue  # a capitalised -ed word is more likely a name (Ahmed, United)
            kind = "future" if m.group("f") else "past"
            if kind == "future" and m.group("f").lower() == "next" and NOT_NEXT.match(s, m.end()):
                continue  # "next to the embassy", "next door"
            if kind == "past" and m.group("p").lower().endswith(("ed", "ld")):
                before = s[max(0, m.start() - 12):m.start()].lower().split()
                if before and before[-1] in ADJ_BEFORE:
                    continue  # "a still unspecified date": an adjective, not a verb
                if before and before[-1] in PASSIVE_PRESENT:
                    continue  # "unless a deal is reached by Monday": a present passive
                if m.group("p").lower() in self.future_in_past and self.to_verb.match(s, m.end()):
                    kind = "future"  # "agreed to acquire", "decided to leave": still ahead
            if kind == "past" and out and out[-1][1] == "future" and m.start() - out[-1][2] <= 12:
                continue  # "will be held", "would have met": the auxiliary governs
            out.append((m.start(), kind, m.end()))
        return out

    def tense(self, text: str, begin: int, end: int, mode: str = "sentence") -> str | None:
        """The nearest cue in the clause (left first), else in the sentence.  `mode="phrase"`: the
        expression opens a noun phrase ("Friday's vote would be delayed"), only the verb after it
        in its clause counts; `mode="clause"`: the clause only.  None when nothing counts."""
        if self.just_before is not None and self.just_before.search(text, max(0, begin - 30), begin):
            return "future"   # "effective Feb. 1", "as soon as Tuesday": ahead whatever the verb
        lo = max(0, begin - 400)
        hi = min(len(text), end + 400)
        left_text = text[lo:begin]
        breaks = [m.end() for m in SENT_BREAK.finditer(left_text)]
        s_start = lo + (breaks[-1] if breaks else 0)
        m = SENT_BREAK.search(text, end, hi)
        s_end = m.start() if m else hi
        left, right = text[s_start:begin], text[end:s_end]
        cb = [m.end() for m in CLAUSE_BREAK.finditer(left)]
        c_left = left[cb[-1]:] if cb else left
        m = CLAUSE_BREAK.search(right)
        c_right = right[:m.start()] if m else right
        lc = self._cues(c_left[-WINDOW:])
        rc = self._cues(c_right[:WINDOW])
        if mode == "phrase":
            return rc[0][1] if rc else None
        if lc:
            return lc[-1][1]
        if rc:
            return rc[0][1]
        if mode == "clause":
            return None
        sl = left[-200:]
        lc = self._cues(sl)
        rc = self._cues(right[:200])
        if lc and rc:
            return lc[-1][1] if len(sl) - lc[-1][0] <= rc[0][0] else rc[0][1]
        if lc:
            return lc[-1][1]
        if rc:
            return rc[0][1]
        return None
