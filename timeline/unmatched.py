"""What no rule caught: sentences that look like news of an event but became no mention.

Like PETRARCH's report of null verbs, this shows editors the gaps of their vocabulary: a sentence that
carries an event date and names an actor, with a word close to a trigger ("levies" for "levy",
"summitry" for "summit", or a trigger whose rule did not fire), but from which no event came.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

from .articles import Article
from .discourse import read_discourse
from .mentions import Classifier, _shift
from .sentences import split_sentences
from .temporal import tag
from .wordlists import Tokens, fold


@dataclass(frozen=True)
class Unmatched:
    article: str
    sentence_begin: int
    sentence: str
    words: dict[str, list[str]]  # event type -> the words close to its triggers
    dates: list[str]
    actors: list[str]

    def __str__(self) -> str:
        near = "; ".join(f"{kind}: {', '.join(words)}" for kind, words in self.words.items())
        return (f"{self.article}:{self.sentence_begin}: [{near}] dates {', '.join(self.dates)}; "
                f"actors {', '.join(self.actors)}: {self.sentence}")


def unmatched(articles: Iterable[Article], classifier: Classifier) -> Iterator[Unmatched]:
    reader = classifier.reader
    for article in articles:
        found = {m.sentence_begin for m in classifier.mentions(article)}
        body = article.body
        sentences = split_sentences(body)
        candidates = [s for s in sentences if s.begin not in found and reader.near_triggers(fold(s.text))]
        if not candidates:
            continue
        timexes = tag(body, article.published)
        discourse = read_discourse(body, Tokens(fold(body)), reader, [s.begin for s in sentences], timexes)
        for sentence in candidates:
            inside = [_shift(t, -sentence.begin) for t in timexes
                      if t.begin >= sentence.begin and t.end <= sentence.end]
            reading = reader.read(sentence.text, inside, None, discourse, sentence.begin, article.published)
            actors = list(dict.fromkeys([*reading.people, *reading.countries, *reading.groups]))
            if reading.event_dates and actors:
                yield Unmatched(article.path or article.id, sentence.begin, sentence.text,
                                reader.near_triggers(reading.folded), [t.text for t in reading.event_dates], actors)
