"""The article's discourse: who is who across its sentences, read once over the whole body.

A sentence alone does not know that "Lee" is the "President Lee Jae Myung" of two sentences before,
or that "he" in "There, he will hold a bilateral summit" is Trump. This stage reads the body once,
before the sentences are classified:
- people introduced with a title the word lists know ("Malaysian Prime Minister Anwar Ibrahim",
  "Finance Minister Fernando Haddad") become people of the article, with that title's role and the
  country named before it, found again by surname or given name ("Anwar", "Haddad", "Mr. Haddad");
- the title each person was introduced with, so that "the crown prince" or "the U.S. president"
  later is that person when the article introduced only one;
- every person named, in order, so that a sentence whose subject is "he" or "she" refers to the
  first person named in the latest sentence before it that names one (the story's subject);
- the days it names, so that "hours later" is on the day the story is at, and a weekday named
  again is the same day;
- the lead: its present perfect ("EU member states have voted to approve retaliatory tariffs") is
  the news of the day the article is published.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field

from .wordlists import Tokens

DAY_MAX = dt.date.max
WEEKDAY_NAMES = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
FORWARD = re.compile(r"\b(?:effective|from|starting|until|till|by|through|as of|since)\s+(?:on\s+)?$", re.IGNORECASE)
NAME_WORD = re.compile(r"[A-Z][\w-]*(?:['’][A-Z][\w-]*)*")  # "Haddad's": the name without its possessive
HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Dr)\.?\s+([A-Z][\w'’-]+)")


@dataclass(frozen=True)
class ArticlePerson:
    name: str
    role: str
    country: str | None


@dataclass
class Discourse:
    """Who the article names: its own people (by alias) and every naming, in text order."""

    people: dict[str, ArticlePerson] = field(default_factory=dict)  # alias -> person, article-wide
    named: list[tuple[int, int, str]] = field(default_factory=list)  # (begin, end, name) in the body
    sentence_starts: list[int] = field(default_factory=list)
    _by_first: dict | None = None
    titles: dict[str, set] = field(default_factory=dict)  # "crown prince" -> the people introduced with it
    lead: int | None = None  # where the lead sentence starts: the first of at least six words
    days: list[tuple[int, object]] = field(default_factory=list)  # (end, day) of each day the body names
    weekdays: dict[str, object] = field(default_factory=dict)  # "thursday" -> the day its first bare mention is

    def same_weekday(self, timex):
        """A bare weekday ("on Thursday") is the day the article's first bare mention of it is, when
        the two are a week apart: one story, one Thursday (a caption's "greets ... ahead of a
        meeting on Thursday" is not last week's)."""
        day = self.weekdays.get(timex.text.lower())
        if day is not None and timex.first is not None and abs((timex.first - day).days) == 7:
            return day
        return None

    def story_date(self, offset: int):
        """The day the story is at: the latest day named before `offset`, not counting the bounds of
        a span ("effective Tuesday", "until May 3"); None: none yet."""
        index = bisect.bisect_right(self.days, (offset, DAY_MAX)) - 1
        return self.days[index][1] if index >= 0 else None

    def aliases_in(self, text: str):
        """(begin, end, person) of the article's own people named in a text (a sentence): the longest
        alias starting at each capitalised word ("Karoline Leavitt" before "Karoline")."""
        if not self.people:
            return
        firsts = self._firsts()
        after = 0
        for word in NAME_WORD.finditer(text):
            if word.start() < after or word.group(0) not in firsts:
                continue
            if word.start() and (text[word.start() - 1].isalnum() or text[word.start() - 1] in "'’-"):
                continue
            for alias in firsts[word.group(0)]:  # longest first
                end = word.start() + len(alias)
                if text.startswith(alias, word.start()) and (end == len(text) or not (text[end].isalnum() or text[end] == "-")):
                    yield word.start(), end, self.people[alias]
                    after = end
                    break

    def _firsts(self) -> dict[str, list[str]]:
        """The aliases by their first word, longest first (made once per article)."""
        if self._by_first is None:
            self._by_first = {}
            for alias in sorted(self.people, key=len, reverse=True):
                self._by_first.setdefault(alias.split()[0], []).append(alias)
        return self._by_first

    def group_before(self, offset: int) -> list[str]:
        """The people of the latest sentence before `offset` that names two or more: who "they" are."""
        index = bisect.bisect_left(self.named, (offset,))
        while index > 0:
            first = self._first_of_sentence(self.named[index - 1][0])
            names = list(dict.fromkeys(name for _, _, name in self.named[first:index]))
            if len(names) >= 2:
                return names
            index = first
        return []

    def _first_of_sentence(self, begin: int) -> int:
        """The index in `named` of the first naming in the sentence holding offset `begin`."""
        start = self.sentence_starts[bisect.bisect_right(self.sentence_starts, begin) - 1] if self.sentence_starts else 0
        return bisect.bisect_left(self.named, (start,))

    def subject_before(self, offset: int) -> str | None:
        """The first person named in the latest sentence before `offset` that names one."""
        index = bisect.bisect_left(self.named, (offset,))
        return self.named[self._first_of_sentence(self.named[index - 1][0])][2] if index else None


def read_discourse(body: str, tokens: Tokens, reader, sentence_starts: list[int], timexes=()) -> Discourse:
    """One pass over the body with the reader's lists (`features.SentenceReader`) and its time
    expressions (`temporal.tag`)."""
    discourse = Discourse(sentence_starts=list(sentence_starts))
    discourse.days = [(t.end, t.first) for t in timexes
                      if t.type in ("DATE", "TIME") and t.first is not None and t.first == t.last
                      and not FORWARD.search(body, max(0, t.begin - 16), t.begin)]
    for t in timexes:
        if t.text.lower() in WEEKDAY_NAMES and t.first is not None:
            discourse.weekdays.setdefault(t.text.lower(), t.first)
    ends = sentence_starts[1:] + [len(body)]
    discourse.lead = next((b for b, e in zip(sentence_starts, ends) if len(body[b:e].split()) >= 6), None)
    spans = reader.listed_people(tokens)
    known = {name for _, _, name in spans}
    for begin, end, name in spans:  # "President Lee Jae Myung ... Trump and Lee": a listed person's surname
        listed = reader.person_of[name]
        person = ArticlePerson(listed.name, listed.role, listed.country)
        for alias in _aliases(tokens.text[begin:end], reader):
            if alias not in reader.person_of:
                discourse.people.setdefault(alias, person)
    for begin, end, name, role, country, title in reader.titled_people(tokens, spans):
        if begin is None:  # the title of a listed person
            listed = reader.person_of[name]
            discourse.titles.setdefault(title, set()).add(ArticlePerson(listed.name, listed.role, listed.country))
            continue
        if name in known or name in reader.person_of:
            continue
        person = ArticlePerson(name, role, country)
        discourse.titles.setdefault(title, set()).add(person)
        discourse.people[name] = person
        spans.append((begin, end, name))
        for alias in _aliases(name, reader):
            discourse.people.setdefault(alias, person)
    if discourse.people:
        taken = [(b, e) for b, e, _ in spans]
        for begin, end, person in discourse.aliases_in(tokens.text):
            if not any(b <= begin < e for b, e in taken):
                spans.append((begin, end, person.name))
    for match in HONORIFIC.finditer(body):  # "Mr. Xi": the person of that surname named before
        surname = match.group(1)
        for _, _, name in sorted(spans):
            if name.split()[-1] == surname or name.split()[0] == surname:
                spans.append((match.start(1), match.end(1), name))
                break
    discourse.named = sorted(set(spans))
    return discourse


def _aliases(name: str, reader) -> list[str]:
    """The surname alone refers to the person within one article: the last word ("Fernando Haddad":
    Haddad), or the first where names put it first ("Lee Jae Myung", "Moon Jae-in": Lee, Moon).
    A lowercase particle ("el-Sisi"), an honorific ("Sheikh") or a title give no alias."""
    words = name.split()
    if len(words) < 2:
        return []
    candidates = [words[-1]]
    if (len(words) == 3 and len(words[0]) <= 4) or re.search(r"-[a-z]", words[-1]):
        candidates.append(words[0])  # surname first
    return [word for word in candidates
            if word[:1].isupper() and len(word) >= 3 and word not in reader.not_names
            and word not in reader.country_of and not reader.is_title(word)]
