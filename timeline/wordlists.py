"""Word lists that editors write, compiled into fast whole-word matchers.

An editor writes `visit`; the matcher finds visit, visits, visited, visiting. `congratulat*`
matches any ending, `=could` matches that exact word only. Matching happens here in Python, never
in the rules engine (whose regex dialect is unreliable, see DURABLE_RULES.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Typographic quotes and dashes are folded to ASCII before matching; each fold keeps length 1
# so that offsets stay valid in the original text.
FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def fold(text: str) -> str:
    return text.translate(FOLD)


VOWELS = set("aeiou")


def inflections(word: str, irregular: dict[str, list[str]]) -> set[str]:
    """The forms of one (last) word: plural / third person, past, participle."""
    forms = {word}
    lower = word.lower()
    forms.update(irregular.get(lower, ()))
    if len(lower) < 3 or not lower.isalpha():
        return forms
    if lower.endswith("e"):
        forms |= {word + "s", word + "d", word[:-1] + "ing"}
    elif lower.endswith("y") and lower[-2] not in VOWELS:
        forms |= {word[:-1] + "ies", word[:-1] + "ied", word + "ing"}
    elif lower.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {word + "es", word + "ed", word + "ing"}
    else:
        forms |= {word + "s", word + "ed", word + "ing"}
        if (len(lower) <= 4 and lower[-1] not in VOWELS | set("wxy")
                and lower[-2] in VOWELS and lower[-3] not in VOWELS):
            forms |= {word + lower[-1] + "ed", word + lower[-1] + "ing"}  # stop -> stopped
    if lower.endswith("ing") and len(lower) > 5:
        forms.add(word + "s")  # meeting -> meetings
    return forms


def entry_pattern(entry: str, irregular: dict[str, list[str]]) -> str:
    """Regex source for one list entry (a word or phrase)."""
    entry = fold(entry.strip())
    exact = entry.startswith("=")
    if exact:
        entry = entry[1:]
    prefix = entry.endswith("*")
    if prefix:
        entry = entry[:-1]
    words = entry.split()
    if len(words) > 1 and not exact and words[0].isalpha():
        # phrasal verbs inflect on their first word: touch down -> touching down
        first = "(?:" + "|".join(re.escape(f) for f in sorted(inflections(words[0], irregular), key=len, reverse=True)) + ")"
        head = r"\s+".join([first] + [re.escape(w) for w in words[1:-1]])
    else:
        head = r"\s+".join(re.escape(w) for w in words[:-1])
    last = words[-1]
    if prefix:
        tail = re.escape(last) + r"[\w'-]*"
    elif exact:
        tail = re.escape(last)
    else:
        tail = "(?:" + "|".join(re.escape(f) for f in sorted(inflections(last, irregular), key=len, reverse=True)) + ")"
    return (head + r"\s+" + tail) if head else tail


@dataclass(frozen=True)
class Hit:
    begin: int
    end: int
    text: str
    entry: str  # the list entry that matched


class WordMatcher:
    """Finds the entries of one word list in text, whole words only, longest match first."""

    def __init__(self, entries, irregular: dict[str, list[str]] | None = None, ignore_case: bool = True):
        self.entries = tuple(entries)
        irregular = irregular or {}
        if not self.entries:
            self._regex = None
            return
        groups = [f"(?P<e{i}>{entry_pattern(e, irregular)})" for i, e in enumerate(self.entries)]
        # Longer entries first so "state visit" wins over "visit".
        order = sorted(range(len(groups)), key=lambda i: -len(self.entries[i]))
        flags = re.IGNORECASE if ignore_case else 0
        self._regex = re.compile(r"(?<![\w'])(?:" + "|".join(groups[i] for i in order) + r")(?![\w])", flags)

    def finditer(self, folded_text: str):
        if self._regex is None:
            return
        for match in self._regex.finditer(folded_text):
            index = int(match.lastgroup[1:])
            yield Hit(match.start(), match.end(), match.group(0), self.entries[index])

    def search(self, folded_text: str) -> Hit | None:
        return next(self.finditer(folded_text), None)


@lru_cache(maxsize=4096)
def check_entry(entry: str) -> str | None:
    """Why a word-list entry is unusable, or None when it is fine."""
    if not isinstance(entry, str) or not entry.strip():
        return "an empty word"
    text = entry.strip()
    if len(text) > 100:
        return f"{text[:30]!r}... is longer than 100 characters"
    body = text.lstrip("=").rstrip("*")
    if not body.strip():
        return f"{text!r} has no letters"
    if "*" in body or "=" in body:
        return f"{text!r}: '*' may only end a word and '=' only start it"
    return None
