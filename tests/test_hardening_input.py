"""Hardening (issue 8): whatever text comes in, the tagger and article loading answer, quickly and
sanely. Property-based (hypothesis): arbitrary Unicode, control characters, right-to-left text,
very long lines, and publication dates at the edges of the calendar.

The default run is short and bounded (CI); `pytest -m fuzz` runs the same properties much longer.
"""
import datetime as dt
import signal
import time
from contextlib import contextmanager

import pytest
from conftest import RULES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.articles import Article, ArticleRejected, build_article, parse_article, read_article
from timeline.temporal import tag

SECONDS_PER_ARTICLE = 10  # a hang is anything slower than this; a real article takes milliseconds
SHORT = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
LONG = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TYPES = {"DATE", "TIME", "DURATION", "SET"}

# --- what comes in ------------------------------------------------------------------------------

EDGE_DAYS = [
    dt.date(1, 1, 1), dt.date(1, 12, 31), dt.date(9999, 1, 1), dt.date(9999, 12, 31),
    dt.date(2024, 2, 29), dt.date(2000, 2, 29), dt.date(2400, 2, 29), dt.date(1900, 2, 28),
    dt.date(2025, 3, 9), dt.date(2025, 11, 2),  # US daylight-saving switches
    dt.date(2025, 3, 30), dt.date(2025, 10, 26),  # European ones
    *[dt.date(2025, 5, 5) + dt.timedelta(days=i) for i in range(7)],  # every weekday as publication day
]
publication_days = st.one_of(st.sampled_from(EDGE_DAYS), st.dates())

PHRASES = [
    "Wednesday", "last Friday", "next week", "two days earlier", "mid-May", "May 15-16", "February 29",
    "Feb. 29, 2023", "the year 1", "in 9999", "December 31, 9999", "January 1, 0001", "10000 BC", "next year",
    "the following day", "last year", "in three weeks", "the weekend", "2025-W53", "Q5 2025", "the 32nd of May",
    "tomorrow morning", "every Monday", "the past decade", "1 January 1", "31/12/9999", "spring", "2:30 a.m.",
    "the day before yesterday", "half a century ago", "the first half of fiscal 2013",
]
STRANGE = [
    "\x00", "\x07", "\x1b[31m", "\r\n", "\u2028", "\u200b", "\ufeff", "\u202e", "\u200f", "\u061c",
    "\ud7ff", "\U0001F600", "e\u0301", "\u0627\u0644\u062e\u0645\u064a\u0633",  # Arabic: Thursday
    "\u05d9\u05d5\u05dd \u05e9\u05dc\u05d9\u05e9\u05d9",  # Hebrew: Tuesday
    "\uff11\uff19\uff19\uff19", "\u0669\u0669", "Ⅻ", "ß", "İ", "ﬁ",
]
words = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.sampled_from(PHRASES),
    st.sampled_from(STRANGE),
    st.integers(min_value=-10**6, max_value=10**12).map(str),
)
texts = st.one_of(
    st.lists(words, max_size=40).map(" ".join),
    st.text(max_size=500),
    # very long lines: one phrase repeated without a line break
    st.tuples(st.sampled_from(PHRASES + STRANGE), st.integers(1, 3000)).map(lambda p: " ".join([p[0]] * p[1])),
)


# --- a bound on time per article ---------------------------------------------------------------

class Hang(Exception):
    pass


@contextmanager
def at_most(seconds: int):
    """Fail (raise Hang) when the block runs longer than `seconds`: a hang ends as a failing example."""
    def interrupt(_signum, _frame):
        raise Hang(f"more than {seconds} s")
    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- the tagger ----------------------------------------------------------------------------------

def check_tagger(text: str, published: dt.date):
    with at_most(SECONDS_PER_ARTICLE):
        found = tag(text, published)
    for timex in found:
        assert 0 <= timex.begin < timex.end <= len(text), timex
        assert text[timex.begin:timex.end] == timex.text, timex
        assert timex.type in TYPES, timex
        assert isinstance(timex.value, str) and timex.value, timex
        if timex.first is not None and timex.last is not None:
            assert timex.first <= timex.last, timex


@SHORT
@given(texts, publication_days)
def test_tagger_answers_any_text_on_any_publication_day(text, published):
    check_tagger(text, published)


@pytest.mark.fuzz
@LONG
@given(texts, publication_days)
def test_tagger_answers_any_text_on_any_publication_day_long(text, published):
    check_tagger(text, published)


@pytest.mark.parametrize("published", EDGE_DAYS, ids=str)
def test_tagger_on_the_edges_of_the_calendar(published):
    text = " ".join(PHRASES) + ". " + " ".join(STRANGE)
    check_tagger(text, published)


@pytest.mark.parametrize("published", [dt.date(1, 1, 1), dt.date(9999, 12, 31)], ids=str)
def test_tagger_on_one_very_long_line(published):
    text = " ".join(PHRASES) + ". " + " ".join(STRANGE)
    check_tagger(" ".join([text] * 200), published)  # about 150,000 characters on one line


# --- article loading ---------------------------------------------------------------------------

field_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=50),
    st.sampled_from(["2025-05-08", "0001-01-01", "9999-12-31", "2024-02-29", "2023-02-29", "2025-05-08T10:00:00Z",
                     "2025-05-08T10:00:00", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "",
                     "https://example.com/a", "javascript:alert(1)", "en", "EN", "zh-Hant", "'; DROP TABLE articles;--"]),
    st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)
FIELDS = ["title", "source", "published", "url", "language", "text", "unknown"]
bodies = st.dictionaries(st.sampled_from(FIELDS), field_values, max_size=7)


def check_built(data: dict):
    try:
        article = build_article(data, "request")
    except ArticleRejected as rejected:
        assert rejected.error.location == "request"
        assert rejected.error.field in FIELDS + ["body"], rejected.error
        assert rejected.error.message
        return None
    assert isinstance(article, Article)
    assert isinstance(article.published, dt.date) and article.body.strip()
    return article


@SHORT
@given(bodies)
def test_any_json_body_becomes_an_article_or_a_named_refusal(data):
    check_built(data)


@SHORT
@given(st.sampled_from(EDGE_DAYS), texts.filter(lambda t: t.strip()))
def test_valid_articles_on_edge_days_always_load(published, text):
    article = check_built({"published": published.isoformat(), "text": text, "title": "t"})
    assert article is not None and article.published == published


front_lines = st.lists(st.one_of(
    st.tuples(st.sampled_from(FIELDS[:-2] + ["x"]), st.text(max_size=40)).map(lambda kv: f"{kv[0]}: {kv[1]}"),
    st.text(max_size=40),
    st.sampled_from(["published: 2025-05-08", "published: [1, 2", "published: {a: 1}", "- list", "&a [*a]",
                     "!!python/object/apply:os.system ['true']", "title: 'unclosed", "? complex\n: key", "---"]),
), max_size=8)


def check_parsed(raw: str):
    with at_most(SECONDS_PER_ARTICLE):
        try:
            article = parse_article(raw, "attack.txt")
        except ArticleRejected as rejected:
            assert rejected.error.location == "attack.txt" and rejected.error.field and rejected.error.message
            return
    assert isinstance(article.published, dt.date) and article.body.strip()


@SHORT
@given(front_lines, texts)
def test_any_article_file_text_loads_or_is_refused_naming_the_field(lines, body):
    check_parsed("---\n" + "\n".join(lines) + "\n---\n" + body)


@pytest.mark.fuzz
@LONG
@given(front_lines, texts, bodies)
def test_article_loading_long(lines, body, data):
    check_parsed("---\n" + "\n".join(lines) + "\n---\n" + body)
    check_built(data)


@SHORT
@given(st.binary(max_size=300))
def test_any_bytes_on_disk_load_or_are_refused(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("bytes") / "raw.txt"
    path.write_bytes(b"---\npublished: 2025-05-08\n---\n" + raw)
    try:
        article = read_article(path)
    except ArticleRejected as rejected:
        assert rejected.error.location == str(path)
        assert rejected.error.field in ("encoding", "body", "front matter"), rejected.error
    else:
        assert article.published == dt.date(2025, 5, 8)


# --- the whole analysis of one article: mentions have ordered intervals -------------------------

@pytest.fixture(scope="module")
def rules_classifier():
    from timeline.pipeline import classifier_for

    return classifier_for(RULES)


NEWS = ["Xi Jinping will visit Moscow {when} for a summit with Putin.",
        "Trump ordered new tariffs on Chinese goods {when}.",
        "Chinese troops marched in a military parade through Red Square {when}."]


def check_mentions(classifier, text: str, published: dt.date):
    article = Article(id="attack", title="t", published=published, body=text)
    with at_most(SECONDS_PER_ARTICLE):
        found = classifier.mentions(article)
    for mention in found:
        if mention.start is not None and mention.end is not None:
            assert mention.start <= mention.end, mention


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture],
          derandomize=True)
@given(st.sampled_from(NEWS), st.sampled_from(PHRASES + STRANGE), publication_days, texts)
def test_classified_mentions_have_ordered_intervals(rules_classifier, template, when, published, noise):
    check_mentions(rules_classifier, template.format(when=when) + " " + noise, published)
