"""The shortcuts of `Classifier.mentions` (sentences and articles skipped when no rule can fire,
words looked up instead of walked) give what reading every sentence gives."""
import datetime as dt

from conftest import CORPUS

from timeline.articles import Article, load_paths
from timeline.discourse import read_discourse
from timeline.mentions import _shift
from timeline.sentences import split_sentences
from timeline.temporal import tag
from timeline.wordlists import Tokens, WordMatcher, fold


def every_sentence(classifier, article):
    """The mentions found by reading every sentence and asking every event type (of an article
    whose text holds a trigger)."""
    body = article.body
    if not classifier.may_concern(Tokens(fold(body))):
        return []
    timexes = tag(body, article.published)
    sentences = split_sentences(body)
    discourse = read_discourse(body, Tokens(fold(body)), classifier.reader, [s.begin for s in sentences], timexes)
    result, previous, antecedents = [], [], {}
    for sentence in sentences:
        inside = [_shift(t, -sentence.begin) for t in timexes
                  if t.begin >= sentence.begin and t.end <= sentence.end]
        reading = classifier.reader.read(sentence.text, inside, None, discourse, sentence.begin, article.published)
        found = classifier.read_sentence(article, sentence, reading,
                                         classifier.classify_sentence(reading, classifier.rulebook.types, antecedents))
        if not found and previous:
            found = classifier._continuation(article, sentence, reading, previous)
            if found:
                result = [m for m in result if m is not previous[-1]]
        result.extend(found)
        antecedents.update((m.type, m) for m in found)
        previous = [m for m in found if m.start is None] if found else []
    return result


BODIES = [
    "Putin's upcoming visit to China was announced. Officials said it would take place May 15-16.",
    "On Friday Chinese and Russian troops will march together through Red Square.\nNothing else.",
    "Xi will visit Moscow next month. The summit talks were held in Geneva on Saturday and Sunday.",
    "Protesters will march on Sunday. Troops marched in Paris on July 14 alongside French soldiers.",
    # a line longer than a sentence may be, cut inside a word
    "Trump and Xi met on Monday " + "x" * 1200 + "visit Beijing on May 5 " + "y" * 30,
    # cut where no space is: the next sentence starts at a quoted word
    "Trump said " + "a" * 988 + "'visit Beijing on May 5 with Xi' was the plan, Trump said on Monday.",
    # a trigger running over a line break into the next sentence
    "China held a military\nparade in Beijing on Wednesday, Xi said. Troops held a military\nparade on May 9.",
    "The talks' and the visit's dates: Xi's 'visit' to Hanoi on Tuesday. It will take place on May 3.",
]


def test_same_mentions_as_reading_every_sentence(classifier):
    articles, errors = load_paths([CORPUS])
    assert articles and not errors
    articles += [Article(id=f"b{i}", title="t", published=dt.date(2025, 5, 8), body=body)
                 for i, body in enumerate(BODIES)]
    found = 0
    for article in articles:
        mentions = classifier.mentions(article)
        assert mentions == every_sentence(classifier, article), article.id
        found += len(mentions)
    assert found > 20


def test_long_and_short_texts_give_the_same_hits():
    matcher = WordMatcher(["visit", "talks", "=Xi", "congratulat*", "touch down"])
    sentence = "Xi's visit: talks, 'Visit' and congratulations; touching down in XI visits. "
    text = fold(sentence * 40)  # long: the words sought are found by a search, not by splitting all
    assert len(text) > 2000
    long_hits = list(matcher.finditer(Tokens(text)))
    split = Tokens(text)
    split.words  # split first: the words are then filtered
    assert long_hits == list(matcher.finditer(split))
    assert len(long_hits) == 40 * len(list(matcher.finditer(fold(sentence))))


def test_whole_word_entries_match_as_their_patterns_do():
    entries = ["visit", "meet", "=could", "talks", "summit", "=Xi", "op-ed", "congratulat*", "stop", "fly"]
    irregular = {"meet": ["met"], "fly": ["flew", "flown"]}
    words = ["visit", "Visits", "VISITED", "visiting", "met", "Meets", "could", "Could", "talks", "Summit",
             "Xi", "XI", "xi", "op", "stopped", "flown", "Flew", "viſit", "\u212aeep", "visitß", "İstanbul",
             "summits", "summitry"]
    for ignore_case in (True, False):
        matcher = WordMatcher(entries, irregular, ignore_case=ignore_case)
        checked = 0
        for word in words:
            text = f"the {word} -ed"
            for index, _ in enumerate(entries):
                if matcher._whole_words(index) is None:
                    continue
                pattern = matcher._pattern(index).match(text, 4)
                assert matcher._match_end(index, text, 4, word) == (pattern.end() if pattern else None), (word, index)
                checked += 1
        assert checked > 100
