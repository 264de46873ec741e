"""Reading a sentence: who and where it names, its candidate dates, and the features the rules decide on.

All text matching happens here; the rules engine only sees the resulting plain values.
Feature names (used by `engine.rule_condition`):
  leaders, officials, people, countries, groups, actors   counts of who the sentence names
  t_<i> / req_<i> / forb_<i>                              rule i: trigger found / required word present /
                                                          forbidden word present
  neg_<i> / hedged_<i>                                    rule i: trigger negated / speculation in its clause
  domestic                                                everyone identified belongs to one country
  dist_<i>                                                words between rule i's trigger and the nearest date
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from .rulebook import INVOLVING_KINDS as INVOLVING
from .rulebook import EventType, Lexicon, Rule
from .patterns import TriggerPattern
from .sentence_dates import (PRESENT_PERFECT, in_framing_year, is_bound, is_clock_of, is_dateline, is_other_zone,
                             is_report_date, local_by_other_zone, relative_to_event)
from .temporal import Timex
from .wordlists import Hit, Tokens, WordMatcher, fold

NO_DATE = 999
STEM = 5  # at least the letters two words share when one is "close to" the other (levies, levy; summitry, summit)
PLACE_REACH = 15  # words between a trigger and the place it happens in
NUMBER_WORDS = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "several": 3, "many": 3, "dozens": 12}
WORD = re.compile(r"[\w'’-]+")
DATE_TYPES = {"DATE", "TIME"}
# between two names of one subject: "and" or a comma, and at most a title ("and Uzbek leader")
JOINED_NAMES = re.compile(r"(?:\s*,)?\s+and\s+(?:[\w.'’-]+\s+){0,3}|\s*,\s+(?:[\w.'’-]+\s+){0,3}")
# from the last of them to a visit trigger: a few lower-case words ("both commenced their two-day")
JOINT_TO_TRIGGER = re.compile(r"(?:\s+(?:[a-z][\w-]*|\d[\w-]*)){0,5}\s+(?:[\w-]+\s+)?")


def set_aside(folded: str, t: Timex, timexes: list[Timex]) -> str | None:
    """Why a time expression cannot be an event's date, or None when it can."""
    if t.type not in DATE_TYPES or t.first is None:
        return f"not a calendar date ({t.type} {t.value})"
    if is_bound(folded, t):
        return "a bound of the event ('until', 'by', 'before' ...), not its date"
    if is_dateline(folded, t):
        return "a dateline or page stamp"
    if is_other_zone(folded, t):
        return "the same moment in another time zone"
    if is_clock_of(folded, t, timexes):
        return "the clock time of another date in the sentence"
    return None



@dataclass
class Reading:
    """What one sentence says, independent of any event type."""

    text: str
    folded: str
    tokens: Tokens
    timexes: list[Timex]  # offsets relative to the sentence
    word_starts: list[int]
    people: list[str] = field(default_factory=list)  # canonical names, in order of first mention
    person_spans: list[tuple[int, int, str]] = field(default_factory=list)  # (begin, end, name), in text order
    country_spans: list[tuple[int, int, str]] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)
    person_countries: dict[str, str] = field(default_factory=dict)
    countries: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    titled: dict[str, int] = field(default_factory=dict)  # unnamed leaders/officials ("the prime minister")
    negations: list[int] = field(default_factory=list)  # word indexes
    event_dates: list[Timex] = field(default_factory=list)  # dates that can be an event's date
    report_dates: list[Timex] = field(default_factory=list)  # dates of statements ("said Monday")
    forward_only: set = field(default_factory=set)  # (begin, end) of dates that only a later trigger takes
    names: list[tuple[int, int]] = field(default_factory=list)  # people with their titles: one word each
    set_aside: dict = field(default_factory=dict)  # (begin, end) of a date -> why it dates no event (explain)

    def word_index(self, offset: int) -> int:
        lo, hi = 0, len(self.word_starts)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.word_starts[mid] <= offset:
                lo = mid + 1
            else:
                hi = mid
        return max(lo - 1, 0)

    def domestic(self) -> bool:
        """Everyone identified belongs to one country, and no international group is named:
        a president meeting his chief of staff is politics at home, not a summit."""
        if self.groups or any(p not in self.person_countries for p in self.people):
            return False  # a group, or someone of no known country (a UN or NATO official): international
        nations = set(self.countries) | {self.person_countries[p] for p in self.people}
        return len(nations) == 1

    def countries_at(self, begin: int, end: int) -> list[str]:
        return [c for b, e, c in self.country_spans if begin <= b and e <= end]

    def counts(self, begin: int | None = None, end: int | None = None) -> dict[str, int]:
        """Who the sentence names, or only the stretch [begin, end) of it (a clause)."""
        if begin is None:
            people, countries, groups, titled = self.people, self.countries, self.groups, self.titled
        else:
            people = _unique(n for b, e, n in self.person_spans if begin <= b and e <= end)
            countries = _unique(self.countries_at(begin, end))
            groups = [g for g in self.groups if g in self.folded[begin:end]]
            titled = {}
        leaders = sum(1 for p in people if self.roles[p] == "leader") + titled.get("leader", 0)
        officials = sum(1 for p in people if self.roles[p] == "official") + titled.get("official", 0)
        return {
            "leaders": leaders, "officials": officials, "people": leaders + officials,
            "countries": len(countries), "groups": len(groups),
            "actors": leaders + officials + len(countries) + len(groups),
        }


class SentenceReader:
    """Compiled word lists of one rulebook; reads sentences into Readings and features."""

    def __init__(self, lexicon: Lexicon, types: tuple[EventType, ...]):
        self.lexicon = lexicon
        names: list[str] = []
        self.person_of: dict[str, object] = {}
        for person in lexicon.people:
            for alias in (person.name, *person.aliases):
                names.append("=" + alias)
                self.person_of[_norm(alias)] = person
        self.names = WordMatcher(names, ignore_case=False)
        self.titles = {role: WordMatcher(["=" + w for w in words]) for role, words in lexicon.titles.items()}
        self.not_titles = WordMatcher(lexicon.not_titles)
        self.not_name_words = set(lexicon.not_name_words)
        country_words = []
        self.country_of: dict[str, str] = {}
        for country, aliases in lexicon.countries.items():
            for alias in (country, *aliases):
                country_words.append("=" + alias)
                self.country_of[_norm(alias)] = country
        self.country_matcher = WordMatcher(country_words, ignore_case=False)
        self.group_matcher = WordMatcher(["=" + g for g in lexicon.groups], ignore_case=False)
        self.place_matcher = WordMatcher(["=" + p for p in lexicon.places], ignore_case=False)
        self.ignore_matcher = WordMatcher(["=" + p for p in lexicon.ignore], ignore_case=False)
        self.reporting = WordMatcher(lexicon.reporting_verbs, lexicon.irregular_verbs)
        self.negation = WordMatcher(lexicon.negations, lexicon.irregular_verbs)
        self.hedges = WordMatcher(lexicon.hedges, lexicon.irregular_verbs)
        self.continuations = WordMatcher(lexicon.continuations, lexicon.irregular_verbs)
        self.anaphors = WordMatcher(lexicon.anaphors, lexicon.irregular_verbs)
        self.announcing = WordMatcher(lexicon.announcing, lexicon.irregular_verbs)
        # its exact entries ("=will", "=plans to") say what a statement made after the move announces
        self.announcing_ahead = WordMatcher([w for w in lexicon.announcing if w.startswith("=")] or ["=will"])
        self.same_day = WordMatcher(lexicon.same_day)
        irregular = lexicon.irregular_verbs
        self.rule_matchers: dict[str, tuple] = {}
        for event_type in types:
            for rule in event_type.rules:
                patterns = [TriggerPattern(p, rule.id, f"{rule.file}:{rule.line}") for p in rule.trigger_patterns]
                self.rule_matchers[rule.id] = (
                    WordMatcher(rule.triggers, irregular), patterns,
                    WordMatcher(rule.required, irregular), WordMatcher(rule.forbidden, irregular),
                )
        people = (self.names, *self.titles.values())  # listed people, and office holders (named or not)
        self.naming = {"leaders": people, "officials": people, "people": people, "countries": (self.country_matcher,),
                       "groups": (self.group_matcher,), "actors": (*people, self.country_matcher, self.group_matcher)}
        self.any_trigger = WordMatcher([t for e in types for r in e.rules for t in r.triggers], irregular)
        self.any_patterns = any(r.trigger_patterns for t in types for r in t.rules)  # triggers may be anywhere
        self.trigger_stems: dict[str, dict[str, str]] = {}  # type -> the stem of each trigger's head word
        for event_type in types:
            for rule in event_type.rules:
                for trigger in rule.triggers:
                    words = WORD.findall(trigger.strip("=*").lower()) or [""]
                    head = words[-1] if len(words[-1]) >= 5 else max(words, key=len)  # "tariff talks": talks
                    if len(head) >= 4:
                        self.trigger_stems.setdefault(event_type.name, {})[head[:max(STEM, len(head) - 4)]] = head
        self.status_matchers = {
            t.name: [(status, WordMatcher(words, irregular)) for status, words in t.status] for t in types
        }

    def _title_hits(self, tokens: Tokens) -> list[tuple[Hit, str]]:
        """Titles of every role, longest first where they overlap ("prime minister" over "minister")."""
        found = sorted(((hit, role) for role, matcher in self.titles.items() for hit in matcher.finditer(tokens)),
                       key=lambda pair: (pair[0].begin, -(pair[0].end - pair[0].begin)))
        if found and self.lexicon.not_titles:  # "press secretary", "spokesperson": no leader, no official
            others = [(h.begin, h.end) for h in self.not_titles.finditer(tokens)]
            found = [(hit, role) for hit, role in found if not _inside(hit, others)]
        kept: list[tuple[Hit, str]] = []
        for hit, role in found:
            if not any(k.begin <= hit.begin and hit.end <= k.end for k, _ in kept):
                kept.append((hit, role))
        return kept

    def trigger_hits(self, tokens: Tokens) -> list | None:
        """The hits of every type's triggers together (None: a rule has trigger patterns, so a trigger
        may be anywhere). A text holds a trigger of some type exactly when this finds one: each hit
        of one type's list is, or lies inside, a hit of the merged list."""
        if self.any_patterns:
            return None
        return list(self.any_trigger.finditer(tokens))

    def any_trigger_in(self, tokens: Tokens) -> bool:
        """Does the text hold a trigger of some event type? (See `trigger_hits`.)"""
        return self.any_patterns or self.any_trigger.search(tokens) is not None

    def near_triggers(self, folded: str) -> dict[str, list[str]]:
        """Per event type, the words of a text that begin like the head word of one of its triggers
        ("levies" and "levy", "summitry" and "summit"): what `timeline extract --unmatched` reports."""
        found: dict[str, list[str]] = {}
        for word in WORD.findall(folded.lower()):
            for kind, stems in self.trigger_stems.items():
                if len(word) >= 4 and word not in found.get(kind, []) and any(
                        word.startswith(stem) for stem in stems if stem[:STEM] == word[:STEM]):
                    found.setdefault(kind, []).append(word)
        return found

    def could_fire(self, rule: Rule, tokens: Tokens) -> bool:
        """What a rule needs whatever the sentence's dates: a trigger (even one inside a date, which
        `triggers` drops), its required words (forbidden ones refuse only in the trigger's stretch,
        which this does not know), and for each kind of
        participant it asks for, a hit of a list naming that kind (the count is 0 without: people
        are listed names and office holders, named or not), or a pronoun the article's discourse may
        resolve to people ("There, he will...", "after their talks"). Without them the engine cannot fire
        it: its condition asks for each."""
        triggers, patterns, required, forbidden = self.rule_matchers[rule.id]
        if triggers.search(tokens) is None and not any(p.search(tokens.text) for p in patterns):
            return False
        if rule.required and required.search(tokens) is None:
            return False
        return all(any(matcher.search(tokens) is not None for matcher in self.naming[kind])
                   or (kind in PRONOUN_KINDS and (PRONOUN_SUBJECT.match(tokens.text) or THEY.search(tokens.text)))
                   for kind, minimum in rule.involving.items() if minimum > 0)

    not_names = property(lambda self: NOT_NAMES)

    def _is_person_name(self, name: str) -> bool:
        """A capitalised run after a title that names a person: not "The", not a country, not "King
        Khalid International Airport" (`not_name_words` in actors.yaml)."""
        words = name.split()
        return (words[0] not in NOT_NAMES and _norm(name) not in self.country_of
                and not any(word.strip(".,'’") in self.not_name_words for word in words))

    def is_title(self, word: str) -> bool:
        return any(matcher.search(word) is not None for matcher in self.titles.values())

    def listed_people(self, tokens: Tokens) -> list[tuple[int, int, str]]:
        """(begin, end, name) of the people of the word lists named in a text."""
        return [(hit.begin, hit.end, self.person_of[_norm(hit.text)].name) for hit in self.names.finditer(tokens)]

    def titled_people(self, tokens: Tokens, spans):
        """(begin, end, name, role, country, title) of each capitalised name right after a title
        ("Malaysian Prime Minister Anwar Ibrahim"), even when the word lists do not know the person;
        `spans`: the listed people already found: a title before one of them is theirs (begin and end
        None: "President Lee Jae Myung" gives the president's title to the listed Lee Jae-myung)."""
        folded = tokens.text
        for hit, role in self._title_hits(tokens):
            if not hit.text[:1].isupper():
                continue  # "China's official Xinhua News Agency": a title before a name is capitalised
            inside = [name for b, e, name in spans if b <= hit.begin < e]
            if inside:  # "Crown Prince Mohammed" is the listed name itself, title and all
                yield None, None, inside[0], role, None, hit.text.lower()
                continue
            listed = [(b, name) for b, _, name in spans
                      if 0 <= b - hit.end <= 30 and not re.search(r"[,;.]|\b(?:and|or|with|met|meets)\b", folded[hit.end:b])]
            if listed:  # "President Lee Jae Myung": the title of a listed person
                yield None, None, min(listed)[1], role, None, hit.text.lower()
                continue
            named = TITLED_NAME.match(folded, hit.end)
            if named and self._is_person_name(named.group(1)):
                # the country just before the title: looked for in the words before it, not the whole body
                start = max(0, hit.begin - 60)
                window = folded[start:hit.begin]
                near = [Hit(h.begin + start, h.end + start, h.text, h.entry) for h in self.country_matcher.finditer(window)]
                yield (named.start(1), named.end(1), named.group(1), role,
                       _country_before(hit.begin, near, folded, self.country_of), hit.text.lower())

    # ------------------------------------------------------------ reading

    def read(self, text: str, timexes: list[Timex], tokens: Tokens | None = None, discourse=None,
             offset: int = 0, published: dt.date | None = None) -> Reading:
        """`tokens`, when given, must be `Tokens(fold(text))` (already made by the caller).
        `discourse` (`discourse.Discourse`): the article's own people, found here by alias, and the
        person a subject "he" or "she" stands for; `offset`: where the sentence starts in the body;
        `published`: the article's date, the anchor of "two months after the summit in Hanoi"."""
        folded = fold(text)
        if tokens is None:
            tokens = Tokens(folded)
        reading = Reading(text, folded, tokens, timexes, [m.start() for m in WORD.finditer(folded)] or [0])
        covered = [(t.begin, t.end) for t in timexes]
        ignored = [(h.begin, h.end) for h in self.ignore_matcher.finditer(tokens)]  # "Latin America"
        spans: list[tuple[int, int, str]] = []
        roles: dict[str, str] = {}
        for hit in self.names.finditer(tokens):
            if _inside(hit, ignored):
                continue
            person = self.person_of[_norm(hit.text)]
            spans.append((hit.begin, hit.end, person.name))
            roles[person.name] = person.role
            if person.country:
                reading.person_countries.setdefault(person.name, person.country)
        if discourse is not None:
            for begin, end, person in discourse.aliases_in(folded):
                if not any(b < end and begin < e for b, e, _ in spans):
                    _name(spans, roles, reading, begin, end, person)
            self._resolve_pronoun(folded, spans, roles, reading, discourse, offset)
            self._resolve_they(folded, spans, roles, reading, discourse, offset)
        country_hits = [h for h in self.country_matcher.finditer(tokens) if not _inside(h, ignored)]
        title_hits = self._title_hits(tokens)
        seen_titles: dict[str, set] = {}
        plural_counts: dict[str, int] = {}
        for hit, role in title_hits:
            if _inside(hit, covered) or any(b <= hit.begin < e for b, e, _ in spans):
                continue
            # "President Vladimir Putin": a title right before a listed name is not another person
            if any(0 <= b - hit.end <= 30 and not re.search(r"[,;.]|\b(?:and|or|with|met|meets)\b", folded[hit.end:b]) for b, _, _ in spans):
                continue
            # "Prime Minister Shigeru Ishiba": a capitalised name after a title is a person,
            # even when the editors' lists do not know them yet
            named = TITLED_NAME.match(folded, hit.end)
            if named and any(b < named.end(1) and named.start(1) < e for b, e in covered):
                named = None  # "police leaders Friday": a date, not a name
            if named and self._is_person_name(named.group(1)):
                name = named.group(1)
                spans.append((named.start(1), named.end(1), name))
                roles.setdefault(name, role)
                country = _country_before(hit.begin, country_hits, folded, self.country_of)
                if country:
                    reading.person_countries.setdefault(name, country)
                continue
            holder = self._title_holder(folded, hit, country_hits, discourse)
            if holder is not None:  # "the crown prince", "the U.S. president": the one the article introduced
                _name(spans, roles, reading, hit.begin, hit.end, holder)
                continue
            seen_titles.setdefault(role, set()).add(hit.text.lower())  # each distinct unnamed office holder
            if hit.text.lower().endswith("s"):  # "the two leaders", "ministers": at least two people
                number = re.search(r"(\w+)\s+$", folded[max(0, hit.begin - 12):hit.begin])
                plural_counts[role] = max(plural_counts.get(role, 0), NUMBER_WORDS.get(number.group(1).lower(), 2)
                                          if number else 2)
        reading.titled = {role: max(len(titles), plural_counts.get(role, 0)) for role, titles in seen_titles.items()}
        spans.sort()
        reading.person_spans = spans
        reading.names = [(_title_start(begin, title_hits, folded), end) for begin, end, _ in spans]
        reading.people = _unique(name for _, _, name in spans)
        reading.roles = roles
        reading.country_spans = [(h.begin, h.end, self.country_of[_norm(h.text)]) for h in country_hits]
        for hit in country_hits:
            country = self.country_of[_norm(hit.text)]
            if country not in reading.countries:
                reading.countries.append(country)
        person_starts = {b for b, _, _ in spans}
        # titles that introduce a person: "Secretary General Mark Rutte" (not "NATO leaders")
        title_starts = {t.begin for t, _ in title_hits
                        if re.match(r"\s+", folded[t.end:t.end + 1]) and (t.end + 1 in person_starts
                                                                          or TITLED_NAME.match(folded, t.end))}
        for hit in self.group_matcher.finditer(tokens):
            # "NATO Secretary General Mark Rutte": the organisation only qualifies a title
            following = re.match(r"\s*(?:'s\s+)?", folded[hit.end:])
            if _inside(hit, ignored) or hit.end + following.end() in title_starts:
                continue
            if _norm(hit.text) not in reading.groups:
                reading.groups.append(_norm(hit.text))
        for hit in self.place_matcher.finditer(tokens):
            if _norm(hit.text) not in reading.places and not _inside(hit, covered) and not _inside(hit, ignored):
                reading.places.append(_norm(hit.text))
        reading.negations = [reading.word_index(h.begin) for h in self.negation.finditer(tokens)]
        reporting = [(h.begin, h.end) for h in self.reporting.finditer(tokens)]
        if discourse is not None and discourse.weekdays:  # "Thursday (Feb. 27)" says which Thursday itself
            timexes = [t if re.match(r"\s*[(,]?\s*\w+\.? \d", folded[t.end:t.end + 12]) else _same_weekday(t, discourse)
                       for t in timexes]
        timexes = local_by_other_zone(folded, in_framing_year(folded, timexes))
        dates = []
        for t in timexes:  # the dates that can date an event; why each other one cannot
            why = set_aside(folded, t, timexes)
            if why is None:
                dates.append(t)
            else:
                reading.set_aside[(t.begin, t.end)] = why
        reading.report_dates = [t for t in dates if is_report_date(folded, t, reporting)]
        for t in reading.report_dates:
            reading.set_aside[(t.begin, t.end)] = "the date of a statement (when it was said), not of the event"
        reading.event_dates = [t for t in dates if t not in reading.report_dates]
        if published is not None and discourse is not None and offset == discourse.lead and not reading.event_dates:
            perfect = PRESENT_PERFECT.search(folded)
            if perfect:  # the lead's "have voted": today's news
                reading.event_dates.append(Timex(perfect.group(0), perfect.start(), perfect.end(), "DATE",
                                                 published.isoformat(), None, published, published, "day"))
        days_named = any(t.granularity == "day" for t in reading.event_dates + reading.report_dates)
        if published is not None and discourse is not None and not days_named:
            for hit in self.same_day.finditer(tokens):  # "Canada responded hours later": the story's day
                day = discourse.story_date(offset + hit.begin) or published
                reading.event_dates.append(Timex(hit.text, hit.begin, hit.end, "DATE", day.isoformat(), None,
                                                 day, day, "day"))
        if published is not None:
            known = sorted(reading.event_dates + reading.report_dates, key=lambda t: t.begin)
            for derived in relative_to_event(folded, timexes, known, published):
                # it stands for the expression it was made from ("a day after" as the tagger read it)
                reading.event_dates = [t for t in reading.event_dates if (t.begin, t.end) != (derived.begin, derived.end)]
                reading.event_dates.append(derived)
                reading.forward_only.add((derived.begin, derived.end))
        return reading

    def _resolve_pronoun(self, folded, spans, roles, reading, discourse, offset) -> None:
        """'There, he will hold a bilateral summit with ...': a subject pronoun in the first words,
        before anyone is named, stands for the story's subject (see `Discourse.subject_before`)."""
        pronoun = PRONOUN_SUBJECT.match(folded)
        if pronoun is None or any(b < pronoun.start(1) for b, _, _ in spans):
            return
        name = discourse.subject_before(offset)
        if name is None:
            return
        person = self._person_named(name, discourse)
        if person is not None:
            _name(spans, roles, reading, pronoun.start(1), pronoun.end(1), person)

    def _title_holder(self, folded, hit: Hit, country_hits, discourse):
        """'the crown prince', 'the U.S. president', "the host country's president": the one person of
        that title (and country, when one is named before it) the article introduced, if only one."""
        if discourse is None or not discourse.titles or not re.search(r"\bthe\s+(?:\S+\s+){0,2}$",
                                                                      folded[max(0, hit.begin - 30):hit.begin], re.I):
            return None
        country = _country_before(hit.begin, country_hits, folded, self.country_of)
        holders = {p for p in discourse.titles.get(hit.text.lower(), ()) if country is None or p.country == country}
        return holders.pop() if len(holders) == 1 else None

    def _resolve_they(self, folded, spans, roles, reading, discourse, offset) -> None:
        """'Mr Trump said after their talks yesterday': "they"/"their" in a sentence naming fewer than
        two people are the people of the latest sentence that named two or more."""
        they = THEY.search(folded)
        if they is None or len({name for _, _, name in spans}) >= 2:
            return
        for name in discourse.group_before(offset):
            person = self._person_named(name, discourse)
            if person is not None and not any(n == person.name for _, _, n in spans):
                _name(spans, roles, reading, they.start(), they.end(), person)

    def _person_named(self, name: str, discourse):
        """The leader or official a name of the article stands for (listed, or introduced by it)."""
        person = self.person_of.get(_norm(name)) or discourse.people.get(name)
        return person if person is not None and person.role in ("leader", "official") else None

    def triggers(self, rule: Rule, reading: Reading) -> list[Hit]:
        """The rule's triggers in the sentence, except those inside a date ("March 2024")."""
        triggers, patterns, _, _ = self.rule_matchers[rule.id]
        covered = [(t.begin, t.end) for t in reading.timexes]
        hits = [hit for hit in triggers.finditer(reading.tokens) if not _inside(hit, covered)]
        for pattern in patterns:
            hits += [Hit(m.start(), m.end(), m.group(0), pattern.pattern) for m in pattern.finditer(reading.folded)]
        return hits

    def features(self, event_type: EventType, reading: Reading) -> tuple[dict, dict[str, Hit]]:
        """The fact handed to the engine for one event type, and each rule's trigger hit.

        When a trigger occurs several times, the occurrence closest to a date counts.
        """
        facts: dict = {**reading.counts(), "domestic": reading.domestic()}
        hits: dict[str, Hit] = {}
        for index, rule in enumerate(event_type.rules):
            _, _, required, forbidden = self.rule_matchers[rule.id]
            candidates = self.triggers(rule, reading)
            facts[f"t_{index}"] = bool(candidates)
            facts[f"req_{index}"] = required.search(reading.tokens) is not None
            facts[f"forb_{index}"] = forbidden.search(reading.tokens) is not None  # refined below: the trigger's stretch
            if not candidates:
                facts[f"neg_{index}"] = facts[f"hedged_{index}"] = False
                facts[f"dist_{index}"] = NO_DATE
                if rule.involving_scope == "clause":
                    facts.update({f"{kind}_{index}": 0 for kind in INVOLVING})
                continue
            # the occurrence nearest a date; with no date, the last one (what a following "it" refers to)
            anchors = self.anchors(rule, reading, candidates)
            # ("arrived in Hanoi early on Thursday after a visit to North Korea": Thursday is the arrival's)
            scored = [(min(((self.date_distance(rule, reading, h, t, anchors), self.conjoined_before(reading, h, t))
                            for t in self.dates_for(rule, reading, h)), default=(NO_DATE, False),
                           key=lambda pair: pair[0] + 6 * pair[1]), h) for h in candidates]
            (distance, _), hit = min(scored, key=lambda item: (
                item[0][0] + 6 * item[0][1], item[1].begin if item[0][0] < NO_DATE else -item[1].begin))
            hits[rule.id] = hit
            if facts[f"forb_{index}"]:  # "... parade on Saturday - the same day as his birthday - as protests ..."
                b, e = self.stretch(reading, hit)
                facts[f"forb_{index}"] = forbidden.search(reading.folded[b:e]) is not None
            word = reading.word_index(hit.begin)
            begin, end = self.clause(reading, hit)
            facts[f"neg_{index}"] = any(0 < word - n <= 3 for n in reading.negations)
            facts[f"hedged_{index}"] = self.hedges.search(reading.folded[begin:end]) is not None
            facts[f"dist_{index}"] = distance
            if rule.involving_scope == "clause":
                for kind, count in reading.counts(begin, end).items():
                    facts[f"{kind}_{index}"] = count
        return facts, hits

    def dates_for(self, rule: Rule, reading: Reading, hit: Hit) -> list[Timex]:
        """The dates that can be this rule's event date: with `announcements`, also the date of a
        statement that announces the move ("Beijing on Wednesday announced it would place higher
        levies", "said Friday it will raise tariffs"): an announcing word stands between the
        statement's date (or the verb just before it: "announced Wednesday that") and the trigger,
        or before the trigger when the statement's date comes after it."""
        if not rule.announcements or not reading.report_dates:
            return reading.event_dates
        announced = [t for t in reading.report_dates if t.end <= hit.begin
                     and self.announcing.search(reading.folded[max(0, t.begin - 16):hit.begin]) is not None]
        # "There will be a 100% tariff on rapeseed oil, the ministry said in a statement on Saturday"
        if self.announcing_ahead.search(reading.folded[:hit.begin]) is not None:
            announced += [t for t in reading.report_dates if t.begin >= hit.end]
        return reading.event_dates + announced

    def is_announcement(self, rule: Rule, reading: Reading, date: Timex) -> bool:
        return rule.announcements and date in reading.report_dates

    def anchors(self, rule: Rule, reading: Reading, triggers: list[Hit]) -> list[Hit]:
        """The rule's required words ("duties ... when they were first imposed in March", "tariffs will
        begin at 10 percent on Sept. 24 and increase to 25 percent on Jan. 1"): a date may attach to
        the action as well as to the trigger."""
        if not rule.required:
            return []
        required = self.rule_matchers[rule.id][2]
        return list(required.finditer(reading.tokens))

    @staticmethod
    def conjoined_before(reading: Reading, hit: Hit, timex: Timex) -> bool:
        """'depart late on Friday and arrive in Malaysia on Sunday': a date before the trigger, across
        'and', is more likely the date of the verb before (a tie-break among dates, not a refusal)."""
        return timex.end <= hit.begin and CONJOINED.search(reading.folded, timex.end, hit.begin) is not None

    def date_distance(self, rule: Rule, reading: Reading, hit: Hit, timex: Timex, anchors: list[Hit]) -> int:
        """`rule_distance`, except for a statement after the move it announces (`dates_for`): its date
        is the whole statement's ("There will be a 100% tariff on rapeseed oil ..., the ministry said in a
        statement on Saturday"), however long the sentence."""
        if rule.announcements and timex.begin >= hit.end and timex in reading.report_dates:
            return 0
        return self.rule_distance(reading, hit, timex, anchors)

    def rule_distance(self, reading: Reading, hit: Hit, timex: Timex, anchors: list[Hit]) -> int:
        """Words between a date and the trigger, or an anchor of it, whichever is nearer."""
        return min([self.distance(reading, hit, timex)] + [self.distance(reading, a, timex) for a in anchors])

    @staticmethod
    def distance(reading: Reading, hit: Hit, timex: Timex) -> int:
        """Words between a trigger and a date (0 when they touch).

        A date that opens the sentence ("Two days earlier, X and Y met") frames the whole clause: at most 3,
        so that a date next to the trigger still wins ("On Monday, aides said Putin will visit next month").
        """
        if (timex.begin, timex.end) in reading.forward_only and hit.begin < timex.end:
            return NO_DATE  # "two months after the summit": the date of a later trigger only
        if timex.begin >= hit.end:
            words = max(reading.word_index(timex.begin) - reading.word_index(hit.end - 1) - 1, 0)
            words -= _aside_words(reading, hit.end, timex.begin)
        else:
            words = max(reading.word_index(hit.begin) - reading.word_index(max(timex.end - 1, 0)) - 1, 0)
            words -= _aside_words(reading, timex.end, hit.begin)
        words = max(words, 0)
        if reading.word_index(timex.begin) <= 2 and reading.folded[timex.end:timex.end + 1] == ",":
            return min(words, 3)
        return words

    def nearest(self, matcher_hits, hit: Hit):
        """The hit closest to a trigger, preferring one before it (the subject, the place of 'in X')."""
        best, best_key = None, None
        for other in matcher_hits:
            key = (hit.begin - other.end) if other.end <= hit.begin else 1000 + other.begin - hit.end
            if best_key is None or key < best_key:
                best, best_key = other, key
        return best

    @staticmethod
    def stretch(reading: Reading, hit: Hit) -> tuple[int, int]:
        """The part of the sentence around a trigger between semicolons, dashes or brackets: where a
        forbidden word refuses it (a side remark set off by dashes does not)."""
        begin = max((m.end() for m in STRETCH_BREAK.finditer(reading.folded, 0, hit.begin)), default=0)
        after = STRETCH_BREAK.search(reading.folded, hit.end)
        return begin, after.start() if after else len(reading.folded)

    def clause(self, reading: Reading, hit: Hit) -> tuple[int, int]:
        """The stretch of the sentence around a trigger between commas, semicolons, dashes or brackets."""
        begin = max((m.end() for m in CLAUSE_BREAK.finditer(reading.folded, 0, hit.begin)), default=0)
        after = CLAUSE_BREAK.search(reading.folded, hit.end)
        return begin, after.start() if after else len(reading.folded)

    def participants(self, reading: Reading, hit: Hit) -> tuple[list[str], list[str], list[str]]:
        """(people, countries, groups) named in the trigger's clause; the whole sentence when it names none."""
        begin, end = self.clause(reading, hit)
        part = reading.folded[begin:end]
        people = _unique(name for b, e, name in reading.person_spans if begin <= b and e <= end)
        countries = _unique(c for c in reading.countries_at(begin, end))
        groups = [g for g in reading.groups if g in part]
        if not (people or groups) and SUBJECT_ELSEWHERE.search(part):
            # "During his four-day trip..., Xi will", "Xi finished..., touching down on May 8": the clause's
            # subject stands in another clause: the person named nearest the trigger ("their": everyone)
            if re.search(r"\btheir\b", part, re.IGNORECASE):
                people = list(reading.people)
            else:
                near = self.person_near(reading, hit)
                people = [near] if near else []
        for person in people:
            country = reading.person_countries.get(person)
            if country and country not in countries:
                countries.append(country)
        return people, countries, groups

    def joint_visitors(self, reading: Reading, hit: Hit) -> list[str]:
        """'Tajik President Emomali Rahmon and Uzbek leader Shavkat Mirziyoyev both commenced their
        two-day visit': people named together as the subject of one visit trigger, each on a visit
        of their own.  The names must be joined by 'and' or commas (titles between them allowed)
        and be followed by the trigger with no other name or possessive in between."""
        begin, _ = self.clause(reading, hit)
        before = [(b, e, name) for b, e, name in reading.person_spans if begin <= b and e <= hit.begin]
        if len(before) < 2 or not JOINT_TO_TRIGGER.fullmatch(reading.folded, before[-1][1], hit.begin):
            return []
        chain = [before[-1]]
        for previous in reversed(before[:-1]):
            if not JOINED_NAMES.fullmatch(reading.folded, previous[1], chain[0][0]):
                break
            chain.insert(0, previous)
        names = _unique(name for _, _, name in chain)
        return names if len(names) >= 2 else []

    def destination(self, reading: Reading, hit: Hit) -> str | None:
        """'visit China', 'trip to Moscow': a country or place named right after the trigger."""
        window = reading.folded[hit.end:hit.end + 25]
        for matcher, names in ((self.place_matcher, None), (self.country_matcher, self.country_of)):
            found = matcher.search(window)
            if found and re.fullmatch(r"\s*(?:to\s+|in\s+)?(?:the\s+)?", window[:found.begin]):
                return names[_norm(found.text)] if names else _norm(found.text)
        return None

    @staticmethod
    def actor(reading: Reading, hit: Hit) -> str | None:
        """The country that acts: the first person's country or country named before the trigger
        ("Beijing on Wednesday announced higher levies": China)."""
        named = sorted([(b, reading.person_countries.get(name)) for b, _, name in reading.person_spans]
                       + [(b, country) for b, _, country in reading.country_spans])
        return next((country for begin, country in named if begin < hit.begin and country), None)

    def where(self, reading: Reading, hit: Hit, place: str | None) -> str | None:
        """The country an event happens in: its destination ("visit India") or its place's country."""
        destination = self.destination(reading, hit)
        for name in (destination, place):
            if name and _norm(name) in self.country_of:
                return self.country_of[_norm(name)]
            if name in self.lexicon.countries:
                return name
        return None

    def person_near(self, reading: Reading, hit: Hit) -> str | None:
        spans = [Hit(b, e, name, name) for b, e, name in reading.person_spans]
        near = self.nearest(spans, hit)
        return near.entry if near else None

    def place_near(self, reading: Reading, hit: Hit) -> str | None:
        """A place introduced by a preposition ('in Geneva', 'through Red Square'), closest to the trigger."""
        groups = [(g.begin, g.end) for g in self.group_matcher.finditer(reading.tokens)]
        begin, end = self.clause(reading, hit)
        hits = [h for h in self.place_matcher.finditer(reading.tokens)
                if begin <= h.begin and h.end <= end and not _inside(h, groups) and re.search(r"\b(?:in|at|on|to|through|inside|near|into|from|of|across|outside|around)\s+(?:the\s+)?$",
                             reading.folded[max(0, h.begin - 12):h.begin], re.IGNORECASE)]
        after = [h for h in hits if 0 <= h.begin - hit.end <= 30]  # "talks in Geneva"
        near = after[0] if after else self.nearest(hits, hit)
        if near is None or abs(reading.word_index(near.begin) - reading.word_index(hit.begin)) > PLACE_REACH:
            return None  # "the visit ... a key economic lifeline to Moscow": too far to be the event's place
        return _norm(near.text)

    def continuation(self, reading: Reading) -> Hit | None:
        """'it would take place', 'the visit is scheduled for': a phrase that dates an event named
        just before; the anaphor must come first, in the same clause."""
        for cue in self.continuations.finditer(reading.tokens):
            begin, _ = self.clause(reading, cue)
            if any(begin <= a.begin < cue.begin for a in self.anaphors.finditer(reading.folded[:cue.begin])):
                return cue
        return None

    def status(self, type_name: str, reading: Reading, hit: Hit) -> str | None:
        """The first status whose words appear in the trigger's clause."""
        begin, end = self.clause(reading, hit)
        for status, matcher in self.status_matchers[type_name]:
            if matcher.search(reading.folded[begin:end]):
                return status
        return None


THEY = re.compile(r"^\W*(?:They|Their)\b|\b(?:after|before|during|at|since|following|in)\s+their\b")  # "after their talks"
PRONOUN_KINDS = {"leaders", "officials", "people", "actors"}
PRONOUN_SUBJECT = re.compile(r"^\W*(?:[^,.;:()\"“”]{1,40},\s+)?(he|she|He|She)\b")  # "The following day, he will"
TITLED_NAME = re.compile(r"\s+((?:[A-Z][a-z'’-]+|[A-Z]\.)(?:\s+(?:[A-Z][\w'’-]*\.?|de|da|van|von|der|bin|al)){0,3})(?<!\.)")
NOT_NAMES = {"The", "He", "She", "His", "Her", "It", "They", "This", "That", "And", "But", "In", "On", "Of", "For",
             "To", "At", "As", "With", "Who", "Whose", "Said", "Says", "Will", "Has", "Had", "Was", "Is", "Office"}


def _name(spans, roles, reading: Reading, begin: int, end: int, person) -> None:
    """Record that text[begin:end] names a person (listed, or one the article introduced)."""
    spans.append((begin, end, person.name))
    roles.setdefault(person.name, person.role)
    if person.country:
        reading.person_countries.setdefault(person.name, person.country)


def _country_before(offset: int, country_hits, folded: str, country_of) -> str | None:
    """'Japanese Prime Minister ...', "Japan's prime minister": the country just before a title."""
    for hit in reversed(country_hits):
        if hit.end <= offset and re.fullmatch(r"(?:'s)?\s*", folded[hit.end:offset]):
            return country_of[hit.text]
    return None


STRETCH_BREAK = re.compile(r"[;()\[\]]|\s[—–-]\s|\s--\s|—")
CLAUSE_BREAK = re.compile(r"[,;:()\[\]“”\"]|\s-\s|\s--\s")  # quotes delimit speech too


SUBJECT_ELSEWHERE = re.compile(r"\b(?:his|her|their|its)\b|^\W*\w+(?:ing|ed)\b", re.IGNORECASE)


def _norm(text: str) -> str:
    """One spelling per name whatever the spacing: 'Li  Qiang' and 'Li\tQiang' are 'Li Qiang'."""
    return " ".join(fold(text).split())


def _unique(items) -> list:
    return list(dict.fromkeys(items))


def _inside(hit: Hit, spans) -> bool:
    return any(b <= hit.begin and hit.end <= e for b, e in spans)


CONJOINED = re.compile(r"\s(?:and|then|before|after)\s+(?!\w+\s+(?:and|&)\b)")
ASIDE = re.compile(r",\s+(?:which|who|whose|whom)\b[^,;:()]*,")
def _same_weekday(timex: Timex, discourse) -> Timex:
    day = discourse.same_weekday(timex)
    if day is None:
        return timex
    return replace(timex, value=day.isoformat() + timex.value[10:], first=day, last=day)


def _aside_words(reading: Reading, begin: int, end: int) -> int:
    """Words of relative clauses between two points ("countermeasures, which apply to steel, take
    effect July 1"): they do not separate a trigger from its date."""
    words = 0
    for match in ASIDE.finditer(reading.folded, begin, end):
        words += len(WORD.findall(match.group(0)))
    spans = reading.names + [(t.begin, t.end) for t in reading.timexes]
    for b, e in spans:  # "Japanese Prime Minister Sanae Takaichi", "on May 15 and December 1": one word each
        if begin <= b and e <= end:
            words += len(WORD.findall(reading.folded[b:e])) - 1
    return words


def _title_start(begin: int, title_hits, folded: str) -> int:
    """Where a person's name starts with the title just before it ("Prime Minister Anwar Ibrahim")."""
    for hit, _ in title_hits:
        if hit.end <= begin and not folded[hit.end:begin].strip():
            return hit.begin
    return begin
