"""Word lists that editors write, compiled into fast whole-word matchers.

An editor writes `visit`; the matcher finds visit, visits, visited, visiting. `congratulat*`
matches any ending, `=could` matches that exact word only. Matching happens here in Python, never
in the rules engine (whose regex dialect is unreliable, see DURABLE_RULES.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import recache

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


TOKEN = re.compile(r"\w+")


class Tokens:
    """A folded text split into words once, shared by every matcher that reads it."""

    __slots__ = ("text", "_words", "_exact", "_lower", "found")

    def __init__(self, folded_text: str, words: list[tuple[int, str]] | None = None):
        self.text = folded_text
        self._words = words
        self._exact: dict[str, str] | None = None
        self._lower: set[str] | None = None
        self.found: dict = {}  # matcher -> its spots in this text (matchers often look twice)

    @property
    def words(self) -> list[tuple[int, str]]:
        """(offset, word) of every word, in text order (made on first use)."""
        if self._words is None:
            self._words = [(m.start(), m.group(0)) for m in TOKEN.finditer(self.text)]
        return self._words

    @property
    def exact(self) -> dict[str, str]:
        """Each distinct word -> its lower-case form (made on first use; without the offsets when
        they are not known yet: most texts are dismissed on their vocabulary alone)."""
        if self._exact is None:
            if self._words is None and len(self.text) > LONG_TEXT:
                distinct = set(TOKEN.findall(self.text))
            else:
                distinct = {word for _, word in self.words}
            self._exact = {word: word.lower() for word in distinct}
        return self._exact

    @property
    def lower(self) -> set[str]:
        """The distinct words, lower-cased."""
        if self._lower is None:
            self._lower = set(self.exact.values())
        return self._lower

    def spots(self, keys: set[str], ignore_case: bool) -> list[tuple[int, str]]:
        """(offset, word) of the words that are one of `keys` (whose lower-case form is, when
        `ignore_case`), in text order. In a long text whose words are not split yet, a first search
        for just these words is much cheaper than splitting all of them (most texts end there);
        later ones split the words."""
        if ignore_case:
            keys = {word for word, lower in self.exact.items() if lower in keys}
        if self._words is None and len(self.text) > LONG_TEXT and not self.found:
            return self._find_all(keys)
        return [(start, word) for start, word in self.words if word in keys]

    def _find_all(self, keys) -> list[tuple[int, str]]:
        """The whole-word occurrences of `keys`: no word character on either side (words are
        maximal runs of them; a word character is what `\\w` matches: alphanumeric or '_')."""
        text = self.text
        found = []
        for word in keys:
            size = len(word)
            at = text.find(word)
            while at >= 0:
                before = text[at - 1] if at else " "
                after = text[at + size] if at + size < len(text) else " "
                if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
                    found.append((at, word))
                at = text.find(word, at + 1)
        found.sort()
        return found


LONG_TEXT = 500  # characters: about 80 words


class WordMatcher:
    """Finds the entries of one word list in text, whole words only, longest match first.

    Lists hold hundreds of entries, so one big regex alternation (tried at every character) is slow.
    Instead each entry is indexed by its first word: only the text's words found in that index are
    visited (a set intersection, not a walk over every word) and only the few entries starting
    there are tried, anchored at that word: a one-word entry by a set look-up of its forms, others
    by their pattern, compiled the first time needed (most of the thousands of names never are).
    """

    def __init__(self, entries, irregular: dict[str, list[str]] | None = None, ignore_case: bool = True):
        self.entries = tuple(entries)
        self.ignore_case = ignore_case
        self._irregular = irregular or {}
        self._flags = re.IGNORECASE if ignore_case else 0
        self._compiled: dict[int, re.Pattern] = {}
        self._whole: dict[int, frozenset[str] | None] = {}
        self._by_word: dict[str, list[int]] = {}
        self._by_prefix: dict[str, list[int]] = {}
        irregular = self._irregular
        for index, entry in enumerate(self.entries):
            body = fold(entry.strip()).lstrip("=")
            first = TOKEN.match(body)
            if first is None:
                continue
            is_prefix = body.endswith("*") and " " not in body.rstrip("*")
            if is_prefix:
                self._by_prefix.setdefault(self._key(first.group(0))[:3], []).append(index)
                continue
            first_word = body.split()[0]
            forms = {first_word} if entry.strip().startswith("=") else inflections(first_word, irregular)
            keys = {self._key(TOKEN.match(form).group(0)) for form in forms if TOKEN.match(form)}
            for key in keys:
                self._by_word.setdefault(key, []).append(index)

    def _pattern(self, index: int) -> re.Pattern:
        pattern = self._compiled.get(index)
        if pattern is None:
            source = entry_pattern(self.entries[index], self._irregular) + r"(?![\w])"
            pattern = self._compiled[index] = recache.compile(source, self._flags)
        return pattern

    def _whole_words(self, index: int) -> frozenset[str] | None:
        """The forms of a one-word entry when each is a whole word (plain ASCII when case is
        ignored): its pattern then matches exactly where the word at hand is one of them, which a
        set look-up tells without compiling or running the pattern. None for other entries."""
        if index in self._whole:
            return self._whole[index]
        entry = fold(self.entries[index].strip())
        exact = entry.startswith("=")
        words = (entry[1:] if exact else entry).split()
        forms = None
        if len(words) == 1 and not words[0].endswith("*"):
            forms = {words[0]} if exact else inflections(words[0], self._irregular)
            if not all(TOKEN.fullmatch(form) and (form.isascii() or not self.ignore_case) for form in forms):
                forms = None
        found = self._whole[index] = frozenset(self._key(form) for form in forms) if forms else None
        return found

    def _match_end(self, index: int, text: str, start: int, word: str) -> int | None:
        """Where entry `index` matches at the word `word` (at `start`) ends, or None."""
        forms = self._whole_words(index)
        if forms is not None and (not self.ignore_case or word.isascii()):
            return start + len(word) if self._key(word) in forms else None
        match = self._pattern(index).match(text, start)
        return match.end() if match else None

    def _key(self, word: str) -> str:
        return word.lower() if self.ignore_case else word

    def spots(self, tokens: Tokens) -> list[tuple[int, str]]:
        """(offset, word) of the words an entry may start at, in text order: no hit starts
        anywhere else."""
        found = tokens.found.get(self)
        if found is None:
            present = tokens.lower if self.ignore_case else tokens.exact.keys()
            keys = present & self._by_word.keys()
            if self._by_prefix:
                keys |= {word for word in present if word[:3] in self._by_prefix}
            found = tokens.found[self] = tokens.spots(keys, self.ignore_case) if keys else []
        return found

    def finditer(self, text):
        """Hits in a folded text (a str, or Tokens to share the word split between matchers)."""
        tokens = text if isinstance(text, Tokens) else Tokens(text)
        folded_text = tokens.text
        after = 0
        for start, word in self.spots(tokens):
            if start < after or (start > 1 and folded_text[start - 1] == "'" and folded_text[start - 2].isalnum()):
                continue  # the "s" of "Xi's"; but not a word after an opening quote: 'Putin will...
            key = word.lower() if self.ignore_case else word
            candidates = self._by_word.get(key, [])
            if self._by_prefix:
                candidates = candidates + self._by_prefix.get(key[:3], [])
            best, best_end = None, None
            for index in candidates:
                end = self._match_end(index, folded_text, start, word)
                if end is not None and (best is None or end > best_end):
                    best, best_end = index, end
            if best is not None:
                after = best_end
                yield Hit(start, best_end, folded_text[start:best_end], self.entries[best])

    def search(self, text) -> Hit | None:
        return next(self.finditer(text), None)


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
