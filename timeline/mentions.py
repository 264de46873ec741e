"""Event mentions: one sentence that the rules classify as a summit, tariff move or parade."""
from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .articles import Article
from .discourse import read_discourse
from .engine import RuleEngine
from .features import NO_DATE, Reading, SentenceReader
from .labels import make_label
from .rulebook import EventType, Rule, Rulebook
from .sentences import Sentence, split_sentences
from .temporal import Timex, tag
from .wordlists import Tokens, fold

DURATION_DAYS = re.compile(r"^P(\d+)D$")
NEW_CLAUSE = re.compile(r",\s+(?:and|but|while|whereas)\s")
OPENS_DEFINITE = re.compile(r"\W*(?:\S+\s+){0,5}?(?:[Tt]he|[Tt]his|[Tt]hat|[Tt]heir)\s")  # within its first words
# the trigger heads its noun phrase: "this week's meeting in Moscow", not "Wednesday's tariff deadline"
HEAD_ENDS = re.compile(r"\s*(?:$|[^\w\s]|(?:in|at|on|of|with|between|among|was|is|will|would|has|had|were|are|"
                       r"and|or|to|for|by|from|that|which|the|a|an|could|may|might|should|can)\b)")
POSSESSIVE = re.compile(r"['’]s?\s")
QUALIFIED = re.compile(r"\s+(?:of|between|with|among|on|for)\b")
DEFINITE = re.compile(r"\b(?:[Tt]he|[Tt]his|[Tt]hat|[Tt]heir)\s+(?:[\w'’-]+\s+){0,2}$")
PACKAGE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def analysis_fingerprint() -> str:
    """A hash of the code and grammar files that turn articles into mentions."""
    digest = hashlib.sha256()
    for path in sorted([*PACKAGE_DIR.glob("*.py"), *PACKAGE_DIR.glob("temporal/*.py"),
                        *PACKAGE_DIR.glob("temporal/*.yaml")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:8]


@dataclass(frozen=True)
class Mention:
    type: str
    rule: str
    rules_version: str
    status: str
    label: str
    trigger: str
    article: str
    title: str
    published: dt.date
    sentence: str
    sentence_begin: int  # offsets into the article body
    sentence_end: int
    date_text: str | None
    date_begin: int | None
    date_end: int | None
    start: dt.date | None
    end: dt.date | None
    granularity: str | None
    people: tuple[str, ...]
    countries: tuple[str, ...]
    groups: tuple[str, ...]
    place: str | None
    priority: int
    label_rank: int = 0  # which of the rule's label templates was used: 0 is the editors' most specific
    where: str | None = None  # the country it happens in, when the sentence says ("visit India", "in Beijing")
    move: str | None = None  # its status, when the type calls it a move of its own (`distinct_statuses`)
    actor: str | None = None  # the acting country, for types whose moves differ by actor (`distinct_actors`)
    kind: str | None = None  # the rule's kind: mentions of two kinds never merge (a visit, a meeting)
    repeats: int = 1  # as an event's source: how often the article has this sentence (a repeated paragraph)


class Classifier:
    """A rulebook made ready for use: compiled word lists plus the engine's rulesets."""

    def __init__(self, rulebook: Rulebook):
        self.rulebook = rulebook
        self.reader = SentenceReader(rulebook.lexicon, rulebook.types)
        self.engine = RuleEngine(rulebook)
        self.rules = {rule.id: rule for rule in rulebook.rules}

    @property
    def rules_version(self) -> str:
        """The hash of the rule files: what every classification records."""
        return self.rulebook.version

    @property
    def version(self) -> str:
        """The rules plus the analysis code and grammar that read the articles: stored mentions made
        under another version are stale (a new tagger changes dates even when the rules did not)."""
        return f"{self.rulebook.version}.{analysis_fingerprint()}"

    def classify_sentence(self, reading: Reading, types: list[EventType] | None = None,
                          antecedents: dict[str, Mention] | None = None
                          ) -> list[tuple[EventType, Rule, object, bool, Mention | None]]:
        """Every event type the sentence is a mention of: (type, rule, trigger hit, dated, the mention
        it refers back to or None) for each rule that fired, highest priority first (see `read_sentence`).

        A sentence that would match but for its date is asked again as if dated, so that an event
        without a resolvable date is kept apart as undated instead of being lost silently.
        `types`: the types that may fire (`possible_types` of the reading's tokens), when known.
        `antecedents`: the article's latest mention of each type, for sentences that refer back.
        """
        found = []
        for event_type in self.possible_types(reading.tokens) if types is None else types:
            features, hits = self.reader.features(event_type, reading)
            dated = True
            fired = self.engine.fired_rules(event_type.name, features)
            if not fired and hits:
                as_if_dated = {k: (0 if k.startswith("dist_") else v) for k, v in features.items()}
                fired = self.engine.fired_rules(event_type.name, as_if_dated)
                dated = False
            # every rule that fired, the editors' priority first: a lower one adds events on other dates
            for rule in sorted((self.rules[r] for r in fired), key=lambda r: -r.priority):
                found.append((event_type, rule, hits[rule.id], dated, None))
        for event_type in self.rulebook.types if antecedents and not reading.people else ():
            antecedent = antecedents.get(event_type.name)
            if antecedent is not None and not any(f[0] is event_type for f in found):
                found.extend(self._refer_back(reading, event_type, antecedent))
        return found

    def _refer_back(self, reading: Reading, event_type: EventType, antecedent: Mention) -> list[tuple]:
        """'The face-to-face meeting began shortly after 11 a.m. on Thursday': a definite trigger that
        opens a sentence naming no one refers to the event of its type the article named before, with
        its participants (the date is the sentence's own); 'the meeting of the Assembly' is another."""
        features, hits = self.reader.features(event_type, reading)
        definite = {rule_id for rule_id, hit in hits.items()
                    if reading.word_index(hit.begin) <= 5 and DEFINITE.search(reading.folded, max(0, hit.begin - 40), hit.begin)
                    and not QUALIFIED.match(reading.folded, hit.end)}
        if not definite:
            return []
        people, countries, groups = len(antecedent.people), len(antecedent.countries), len(antecedent.groups)
        added = {"leaders": people, "people": people, "countries": countries, "groups": groups,
                 "actors": people + countries + groups}
        boosted = {key: value + added.get(key.split("_")[0], 0) if isinstance(value, int)
                   and not isinstance(value, bool) and key.split("_")[0] in added else value
                   for key, value in features.items()}
        boosted["domestic"] = False
        fired = [r for r in self.engine.fired_rules(event_type.name, boosted) if r in definite]
        if not fired:
            return []
        best = max((self.rules[r] for r in fired), key=lambda r: r.priority)
        return [(event_type, best, hits[best.id], True, antecedent)]

    def possible_types(self, tokens: Tokens) -> list[EventType]:
        """The event types one of whose rules could fire in a sentence with these words (see
        `SentenceReader.could_fire`); the others are not asked: their rules cannot fire."""
        return [t for t in self.rulebook.types if any(self.reader.could_fire(r, tokens) for r in t.rules)]

    def may_concern(self, tokens: Tokens) -> bool:
        """Does the text hold a trigger of any event type? A sentence without one is skipped by every
        type in `classify_sentence`; an article without one has no mention at all."""
        return self.reader.any_trigger_in(tokens)

    def _plan(self, tokens: Tokens, hits: list | None, sentences: list[Sentence]
              ) -> list[tuple[Tokens, list[EventType]] | None]:
        """For each sentence: its own tokens (None: not made yet) and the event types that could fire
        in it; None when the types are not known, for a sentence cut inside a word without a
        trigger (read only to continue an undated mention just before, as any sentence without
        types). `hits`: the body's trigger hits (None: a trigger may be anywhere)."""
        body = tokens.text
        # A sentence between spaces holds a trigger only where the body does: its text is the body's
        # up to a space, so a list entry matching in it matches in the body (there it may run on)
        firsts = [hit.begin for hit in hits or ()]
        plan: list[tuple[Tokens, list[EventType]] | None] = []
        for sentence in sentences:
            begin, end = sentence.begin, sentence.end
            if (begin and not body[begin - 1].isspace()) or (end < len(body) and not body[end].isspace()):
                # cut where a line longer than MAX_SENTENCE has no space: the body's words in it
                # decide whether it is read, as they always did
                starts = [start for start, _ in tokens.words]
                lo, hi = bisect.bisect_left(starts, begin), bisect.bisect_left(starts, end)
                words = [(start - begin, word) for start, word in tokens.words[lo:hi]]
                if not self.may_concern(Tokens(body[begin:end], words)):
                    plan.append(None)
                    continue
            elif hits is not None:
                first = bisect.bisect_left(firsts, begin)
                if not ((first < len(hits) and hits[first].begin < end) or (first and hits[first - 1].end > begin)):
                    plan.append((None, []))  # no trigger starts in it, nor runs into it: no rule can fire
                    continue
            own = Tokens(body[begin:end])  # = fold(sentence.text): folding keeps every offset
            plan.append((own, self.possible_types(own)))
        return plan

    def mentions(self, article: Article, timexes: list[Timex] | None = None,
                 trace: list | None = None) -> list[Mention]:
        """The article's mentions.  `trace` (`timeline explain`): a list that receives, for every
        sentence in order, (sentence, reading, the rules that fired as `classify_sentence` gives
        them, the mentions it gave); the readings are the ones the mentions were made from."""
        body = article.body
        tokens = Tokens(fold(body))
        hits = self.reader.trigger_hits(tokens)
        if hits == [] and trace is None:
            return []  # a sentence's words are words of the body: no sentence can hold a trigger
        sentences = split_sentences(body)
        plan = self._plan(tokens, hits, sentences)
        if not any(planned and planned[1] for planned in plan) and trace is None:
            return []  # no rule can fire in any sentence, so no mention to continue either: no dates needed
        if timexes is None:
            timexes = tag(body, article.published)
        discourse = read_discourse(body, tokens, self.reader, [s.begin for s in sentences], timexes)
        result: list[Mention] = []
        previous: list[Mention] = []  # the undated mentions of the sentence just read
        antecedents: dict[str, Mention] = {}  # the latest mention of each type
        position = 0
        for sentence, planned in zip(sentences, plan):
            # timexes are sorted: walk them alongside the sentences
            while position < len(timexes) and timexes[position].end <= sentence.begin:
                position += 1
            refers_back = (bool(antecedents) and planned is not None and planned[0] is not None
                           and OPENS_DEFINITE.match(sentence.text) is not None)  # see _refer_back
            skip = False
            if not previous and not (planned and planned[1]) and not refers_back:
                skip = True  # no rule can fire, and no undated mention just before to continue
            elif planned is not None and not planned[1]:
                own = planned[0] or Tokens(fold(sentence.text))
                if self.reader.continuations.search(own) is None and not refers_back:
                    previous = []  # no rule can fire, and nothing says when the undated event happens
                    skip = True
                planned = (own, [])
            if skip and trace is None:
                continue
            inside = []
            index = position
            while index < len(timexes) and timexes[index].begin < sentence.end:
                t = timexes[index]
                if t.begin >= sentence.begin and t.end <= sentence.end:
                    inside.append(_shift(t, -sentence.begin))
                index += 1
            reading = self.reader.read(sentence.text, inside, planned[0] if planned else None, discourse,
                                       sentence.begin, article.published)
            if skip:
                trace.append((sentence, reading, [], []))
                continue
            classified = self.classify_sentence(reading, planned and planned[1], antecedents)
            found = self.read_sentence(article, sentence, reading, classified)
            if not found and previous:
                found = self._continuation(article, sentence, reading, previous)
                if found:  # the event named before is dated now: no longer undated
                    result = [m for m in result if m is not previous[-1]]
            result.extend(found)
            if trace is not None:
                trace.append((sentence, reading, classified, found))
            antecedents.update((m.type, m) for m in found)
            previous = [m for m in found if m.start is None] if found else []
        return result

    def _continuation(self, article, sentence: Sentence, reading: Reading, previous: list[Mention]) -> list[Mention]:
        """'...Putin's upcoming visit to China. ... it would take place May 15-16.': a sentence that
        refers back ("it", "the visit") to an event left undated just before, and says when it happens,
        dates that event."""
        cue = self.reader.continuation(reading)
        if cue is None or not reading.event_dates:
            return []
        date = min(reading.event_dates, key=lambda t: self.reader.distance(reading, cue, t))
        if self.reader.distance(reading, cue, date) > 6:
            return []
        antecedent = previous[-1]
        start, end = date.first, date.last
        event_type = next(t for t in self.rulebook.types if t.name == antecedent.type)
        status = antecedent.status
        if status == event_type.future_status and end < article.published:
            status = event_type.default_status
        return [replace(
            antecedent, sentence=sentence.text, sentence_begin=sentence.begin, sentence_end=sentence.end,
            trigger=cue.text, date_text=date.text, date_begin=date.begin + sentence.begin,
            date_end=date.end + sentence.begin, start=start, end=end, granularity=date.granularity, status=status,
            move=status if status in event_type.distinct_statuses else None,
        )]

    def _event_dates(self, reading: Reading, hit, rule: Rule) -> list[tuple[Timex, object]]:
        """The event's date and its trigger: the date nearest the trigger (the more precise among
        equally near ones); a more precise date within reach replaces it only when it lies inside it
        ("this week ... on Thursday"), never when they disagree ("Xi will visit Moscow next month,
        not Hanoi as on May 16"). A rule with `split: dates` gives every date in reach its own event
        ("some on April 15 and others on May 15"), each with the trigger nearest it."""
        reach = rule.date_within if rule.needs_date else 10**6
        reader = self.reader
        for timex in reader.dates_for(rule, reading, hit):  # "this week's Xi-Putin meeting": its own date
            if timex.end <= hit.begin and POSSESSIVE.match(reading.folded, timex.end) \
                    and reader.distance(reading, hit, timex) <= 3 and HEAD_ENDS.match(reading.folded, hit.end):
                return [(timex, hit)]
        if rule.split == "dates":
            triggers = reader.triggers(rule, reading) or [hit]
            anchors = reader.anchors(rule, reading, triggers)
            pairs = {}
            for trigger in triggers:
                for timex in reader.dates_for(rule, reading, trigger):
                    d = reader.date_distance(rule, reading, trigger, timex, anchors)
                    if d <= reach and (timex not in pairs or d < pairs[timex][0]):
                        pairs[timex] = (d, trigger)
            if len(pairs) > 1:
                # a further date belongs to the event word nearest it ("slash tariffs ... after talks in
                # Geneva over the weekend": the weekend is the talks')
                own = [(h.begin, h.end) for h in [*triggers, *anchors]]
                others = self._other_event_words(reading, own)
                claimed = {t for t, pair in pairs.items() if any(reader.distance(reading, h, t) < pair[0] for h in others)}
                # "depart on Friday and arrive in Malaysia on Sunday", "Xi's trip started Wednesday, and on
                # Friday troops will march": a date across "and" belongs to the other verb
                apart = {t for t, (_, trigger) in pairs.items() if reader.conjoined_before(reading, trigger, t)
                         or self._new_clause_between(reading, trigger, t, own)
                         or any(0 < reading.word_index(t.begin) - n <= 4 for n in reading.negations)}  # "not ... on May 16"
                best = min(pairs, key=lambda t: (t in claimed, t in apart, pairs[t][0]))
                pairs = {t: pair for t, pair in pairs.items() if t == best or (t not in claimed and t not in apart)}
            if len(pairs) > 1:
                chosen = sorted(pairs, key=lambda t: (_precision(t), pairs[t][0]))
                kept: list[Timex] = []
                said = {t for t in chosen if reader.is_announcement(rule, reading, t)}
                for timex in chosen:  # the finer of two nested dates stands for both (an announcement apart)
                    if not any(k.first <= timex.last and timex.first <= k.last and (k in said) == (timex in said)
                               for k in kept):
                        kept.append(timex)
                return [(t, pairs[t][1]) for t in sorted(kept, key=lambda t: t.begin)]
        anchors = reader.anchors(rule, reading, [hit])
        scored = [(reader.date_distance(rule, reading, hit, t, anchors), t) for t in reader.dates_for(rule, reading, hit)]
        within = [(d, t) for d, t in scored if d <= reach] or scored
        if not within:
            return []
        nearest = min(within, key=lambda pair: (pair[0] + 6 * reader.conjoined_before(reading, hit, pair[1]),
                                                _precision(pair[1])))[1]
        if reader.conjoined_before(reading, hit, nearest) and self._claimed(reading, rule, hit, nearest, anchors):
            return []  # "to meet Trump on Wednesday for dinner after a three-day trip": the meeting's date
        inside = [(d, t) for d, t in within if _precision(t) < _precision(nearest)
                  and nearest.first <= t.first and t.last <= nearest.last]
        return [(min(inside, key=lambda pair: (_precision(pair[1]), pair[0]))[1] if inside else nearest, hit)]

    def read_sentence(self, article, sentence: Sentence, reading: Reading, classified) -> list[Mention]:
        """The mentions of a sentence's classification (`classify_sentence`). Per type, each date goes
        to the rule whose trigger stands nearest it (the editors' priority breaks ties): "Lula arrived
        in Johannesburg on Monday for the BRICS summit" is an arrival on Monday, not the summit; "Trump,
        who lands in Vietnam late on Tuesday, will have meetings ... on Wednesday" is both. A type
        with no dated mention keeps the undated one of its highest-priority rule."""
        candidates: dict[str, list[tuple[int, int, Mention]]] = {}
        for order, (event_type, rule, hit, dated, antecedent) in enumerate(classified):
            for distance, mention in self._mentions(article, sentence, reading, event_type, rule, hit, dated,
                                                    antecedent):
                candidates.setdefault(event_type.name, []).append((distance, order, mention))
        result: list[Mention] = []
        for found in candidates.values():
            kept: list[Mention] = []
            for _, _, mention in sorted((c for c in found if c[2].start is not None), key=lambda c: c[:2]):
                if not any(m.start <= mention.end and mention.start <= m.end
                           and (m.date_begin == mention.date_begin or (m.move, m.kind) == (mention.move, mention.kind))
                           and not _visits_of_others(m, mention)
                           for m in kept):  # one date, one event; on one day, an announcement and its effect
                    kept.append(mention)
            if not kept:
                kept = [min(found, key=lambda c: c[1])[2]]
            result.extend(sorted(kept, key=lambda m: (m.date_begin or 0, m.priority)))
        return result

    @staticmethod
    def _new_clause_between(reading: Reading, trigger, timex: Timex, own) -> bool:
        """A date after ', and' (', but', ', while') with none of the rule's words between: another clause's."""
        if timex.begin < trigger.end:
            return False
        joint = NEW_CLAUSE.search(reading.folded, trigger.end, timex.begin)
        return joint is not None and not any(joint.end() <= b < timex.begin for b, _ in own)

    def _claimed(self, reading: Reading, rule: Rule, hit, timex: Timex, anchors) -> bool:
        """Does another event word (not this rule's) stand nearer the date than the trigger?"""
        reader = self.reader
        own = [(h.begin, h.end) for h in [*reader.triggers(rule, reading), hit, *anchors]]
        mine = reader.date_distance(rule, reading, hit, timex, anchors)
        return any(reader.distance(reading, h, timex) < mine for h in self._other_event_words(reading, own))

    def _other_event_words(self, reading: Reading, own: list[tuple[int, int]]) -> list:
        """The triggers of any type in the sentence outside the rule's own words and outside dates
        ("March 4" holds no "march")."""
        taken = own + [(t.begin, t.end) for t in reading.timexes]
        return [h for h in self.reader.any_trigger.finditer(reading.tokens)
                if not any(b < h.end and h.begin < e for b, e in taken)]

    def _mentions(self, article, sentence: Sentence, reading: Reading, event_type: EventType, rule: Rule, hit,
                  dated: bool = True, antecedent: Mention | None = None) -> list[tuple[int, Mention]]:
        """The rule's mentions in the sentence, each with the words between its trigger and its date."""
        pairs = self._event_dates(reading, hit, rule) if dated else []
        if not pairs:
            found = [(NO_DATE, self._mention(article, sentence, reading, event_type, rule, hit, None))]
        else:
            found = [(self.reader.distance(reading, trigger, date),
                      self._mention(article, sentence, reading, event_type, rule, trigger, date))
                     for date, trigger in pairs]
        if rule.kind == "visit" and antecedent is None:
            # "X and Y both began their visit to Russia": a visit for each of them
            visitors = self.reader.joint_visitors(reading, hit)
            if visitors:
                found = [(d, self._for_visitor(rule, m, person, reading)) for d, m in found for person in visitors]
        if antecedent is not None:  # the event named before: its participants and label
            found = [(d, replace(m, people=antecedent.people, countries=antecedent.countries,
                                 groups=antecedent.groups, label=antecedent.label, label_rank=antecedent.label_rank))
                     for d, m in found]
        return found

    def _for_visitor(self, rule: Rule, mention: Mention, person: str, reading: Reading) -> Mention:
        """The mention as one visitor's own visit (their name in the label, only them as its person)."""
        label, label_rank = make_label(rule.labels, {
            "person": person, "people": person, "countries": join_names(mention.countries),
            "groups": join_names(mention.groups), "destination": mention.where or "", "place": mention.place or "",
            "status": mention.status, "trigger": mention.trigger.lower(),
            "Trigger": mention.trigger[:1].upper() + mention.trigger[1:].lower(),
        }) if mention.label_rank is not None else (mention.label, mention.label_rank)
        return replace(mention, people=(person,), label=label, label_rank=label_rank)

    def _mention(self, article, sentence: Sentence, reading: Reading, event_type: EventType, rule: Rule, hit,
                 date: Timex | None) -> Mention:
        start = end = granularity = None
        if date is not None:
            start, end, granularity = date.first, date.last, date.granularity
            start, end = _stretch_by_duration(reading, hit, date, start, end)
        status = self.reader.status(event_type.name, reading, hit)
        if date is not None and self.reader.is_announcement(rule, reading, date):
            status = event_type.future_status  # the day it was announced
        elif status is None:
            status = event_type.future_status if start and start > article.published else event_type.default_status
        elif status == event_type.future_status and end and end < article.published:
            status = event_type.default_status  # "will" belongs to another verb: the date is already past
        place = self.reader.place_near(reading, hit)
        people, countries, groups = self.reader.participants(reading, hit)
        label, label_rank = make_label(rule.labels, {
            "person": self.reader.person_near(reading, hit) or "",
            "people": join_names(people),
            "countries": join_names(countries),
            "groups": join_names(groups),
            "destination": self.reader.destination(reading, hit) or "",
            "place": place or "",
            "status": status,
            "trigger": hit.text.lower(),
            "Trigger": hit.text[:1].upper() + hit.text[1:].lower(),
        })
        return Mention(
            type=event_type.name, rule=rule.id, rules_version=self.rules_version, status=status, label=label,
            trigger=hit.text, article=article.id, title=article.title, published=article.published,
            sentence=sentence.text, sentence_begin=sentence.begin, sentence_end=sentence.end,
            date_text=date.text if date else None,
            date_begin=(date.begin + sentence.begin) if date else None,
            date_end=(date.end + sentence.begin) if date else None,
            start=start, end=end, granularity=granularity,
            people=tuple(people), countries=tuple(countries), groups=tuple(groups),
            place=place, priority=rule.priority, label_rank=label_rank,
            where=self.reader.where(reading, hit, place),
            move=status if status in event_type.distinct_statuses else None,
            actor=self.reader.actor(reading, hit) if event_type.distinct_actors else None,
            kind=rule.kind or None,
        )


GRANULARITY_ORDER = {"day": 0, "week": 1, "month": 2, "season": 3, "quarter": 3, "year": 4, "decade": 5, "century": 6}


def _visits_of_others(a: Mention, b: Mention) -> bool:
    """Two visits by different people ("X and Y both began their visit"): two events on one date."""
    return a.kind == b.kind == "visit" and bool(a.people) and bool(b.people) and not set(a.people) & set(b.people)


def _precision(timex: Timex) -> int:
    return GRANULARITY_ORDER.get(timex.granularity or "", 9)


def _shift(timex: Timex, delta: int) -> Timex:
    return replace(timex, begin=timex.begin + delta, end=timex.end + delta)


def _stretch_by_duration(reading: Reading, hit, date: Timex, start, end):
    """'a four-day trip starting Wednesday': a one-day date plus a day count next to the trigger."""
    if start != end or date.granularity != "day":
        return start, end
    for timex in reading.timexes:
        match = DURATION_DAYS.match(timex.value) if timex.type == "DURATION" else None
        if match and 0 <= hit.begin - timex.end <= 3 and 1 < int(match.group(1)) <= 31:
            days = dt.timedelta(days=int(match.group(1)) - 1)
            return start, (start + days) if dt.date.max - start >= days else dt.date.max
    return start, end


def join_names(names) -> str:
    names = list(names)[:3]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
