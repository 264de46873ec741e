"""A write merges again only what its mentions can reach (store._Reach): the stored events must be, event
for event, those of one merge of everything stored, whatever was posted in whatever order."""
import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS

from timeline.articles import Article, load_paths
from timeline.events import merge, merge_keys
from timeline.mentions import Mention
from timeline.store import Store, article_events, event_json, events, mention_from_json, mentions

NEWS = Path(__file__).resolve().parent / "data" / "news"
FIRST = dt.date(2024, 1, 1)


class Given:
    """A classifier whose mentions are given, article by article."""
    version = rules_version = "given"

    def __init__(self, found: dict[str, list[Mention]]):
        self.found = found

    def mentions(self, article: Article) -> list[Mention]:
        return self.found[article.id]


def stored_timeline(store: Store) -> tuple[dict, set]:
    with store.reading() as conn:
        served = {row.id: row.payload for row in conn.execute(events.select())}
        links = {(row.article_id, row.event_id) for row in conn.execute(article_events.select())}
    return served, links


def merged_timeline(store: Store) -> tuple[dict, set]:
    """What one merge of every stored mention gives (each type on its own, as the store builds it)."""
    with store.reading() as conn:
        stored = [mention_from_json(row.payload) for row in conn.execute(
            mentions.select().where(mentions.c.day_lo.is_not(None)).order_by(mentions.c.id))]
    expected, links = {}, set()
    for type_name in sorted({m.type for m in stored}):
        for event in merge([m for m in stored if m.type == type_name])[0]:
            expected[event.id] = event_json(event)
            links |= {(s.article, event.id) for s in event.sources}
    return expected, links


def assert_same_as_one_merge(store: Store) -> None:
    served, links = stored_timeline(store)
    expected, expected_links = merged_timeline(store)
    assert sorted(served) == sorted(expected)
    for event_id, event in expected.items():
        assert served[event_id] == event, event_id
    assert links == expected_links


# --- randomized mentions: few people, places and articles, so that they meet often ---

GRANULARITIES = ("day", "day", "day", "week", "month", "year", "year", "decade")


@st.composite
def a_mention(draw, article: str, number: int) -> Mention:
    granularity = draw(st.sampled_from(GRANULARITIES))
    day = FIRST + dt.timedelta(days=draw(st.integers(0, 900)))
    if granularity == "day":
        start, end = day, day + dt.timedelta(days=draw(st.sampled_from((0, 0, 1, 3, 40))))
    elif granularity == "week":
        start = day - dt.timedelta(days=day.weekday())
        end = start + dt.timedelta(days=6)
    elif granularity == "month":
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    elif granularity == "year":
        start, end = dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    else:
        start, end = dt.date(2020, 1, 1), dt.date(2029, 12, 31)
    people = tuple(draw(st.lists(st.sampled_from(("Xi", "Putin", "Modi", "Lula")), max_size=2, unique=True)))
    label = draw(st.sampled_from(("Talks", "Visit", f"Event {number}")))
    return Mention(
        type=draw(st.sampled_from(("summit", "parade"))), rule="r", rules_version="given", status="held",
        label=label, trigger="met", article=article, title="t", published=day, sentence=f"Sentence {number}.",
        sentence_begin=number * 10, sentence_end=number * 10 + 5, date_text="d", date_begin=number * 10,
        date_end=number * 10 + 1, start=start, end=end, granularity=granularity, people=people,
        countries=tuple(draw(st.lists(st.sampled_from(("China", "India")), max_size=1))), groups=(),
        place=draw(st.sampled_from((None, None, "Moscow", "Delhi"))), priority=1,
        where=draw(st.sampled_from((None, None, "Russia"))))


@st.composite
def an_archive(draw) -> list[tuple[Article, list[Mention]]]:
    posted = []
    for n in range(draw(st.integers(1, 12))):
        article_id = f"a{n}"
        found = [draw(a_mention(article_id, k)) for k in range(draw(st.integers(0, 4)))]
        posted.append((Article(id=article_id, title="t", published=FIRST, body=f"Article {n}."), found))
    return posted


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(an_archive(), st.data())
def test_posted_one_by_one_or_in_batches_the_events_are_those_of_one_merge(posted, data):
    classifier = Given({article.id: found for article, found in posted})
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/store.sqlite")
        store.create_schema()
        rest = list(posted)
        while rest:
            size = data.draw(st.integers(1, 3))
            batch, rest = rest[:size], rest[size:]
            if size == 1:
                store.ingest(batch[0][0], classifier)
            else:
                store.ingest_many([article for article, _ in batch], classifier)
            assert_same_as_one_merge(store)
        store.close()


def test_an_answer_names_every_event_of_its_article_as_one_merge_makes_it(tmp_path, classifier):
    """Wire copies of the test news, each dated years apart (coarse "next year", months), posted one by one."""
    store = Store(f"sqlite:///{tmp_path}/store.sqlite")
    store.create_schema()
    store.load_corpus_once([CORPUS], classifier)
    news = load_paths([NEWS])[0]
    for copy in range(3):
        for number, original in enumerate(news):
            published = dt.date(2016 + copy, 1 + number, 10 + copy)
            article = Article(id=f"{original.id}-{copy}", title=original.title, published=published,
                              body=original.body + f"\n\nCopy {copy}.", source="wire")
            answer = store.ingest(article, classifier)
            served, _ = stored_timeline(store)
            assert answer.created
            assert {e.id for e in answer.events} <= served.keys()
            for event in answer.events:
                assert any(s.article == article.id for s in event.sources)
                assert served[event.id] == event_json(event)
    assert_same_as_one_merge(store)
    store.close()


def test_a_store_from_before_the_coarse_place_and_keys_columns_is_upgraded_in_place(tmp_path, classifier):
    url = f"sqlite:///{tmp_path}/store.sqlite"
    store = Store(url)
    store.create_schema()
    store.load_corpus_once([CORPUS], classifier)
    before = stored_timeline(store)
    with store.writing() as conn:  # the mentions table as the previous release made it
        for statement in ("DROP INDEX ix_mentions_days", "DROP INDEX ix_mentions_place",
                          "ALTER TABLE mentions DROP COLUMN coarse", "ALTER TABLE mentions DROP COLUMN place",
                          "ALTER TABLE mentions DROP COLUMN merge_keys",
                          "CREATE INDEX ix_mentions_region ON mentions (generation, type, long, day_lo)"):
            conn.exec_driver_sql(statement)
    store.close()
    store = Store(url)
    store.create_schema()
    assert stored_timeline(store) == before
    with store.reading() as conn:
        rows = conn.execute(mentions.select()).all()
    assert rows and all(row.coarse == (mention_from_json(row.payload).granularity not in
                                       ("day", "week", "month", "season", "quarter")) for row in rows)
    assert all(row.place == row.payload["place"] for row in rows)
    assert all(row.merge_keys == merge_keys(mention_from_json(row.payload)) for row in rows)
    assert any(row.coarse for row in rows) and any(row.place for row in rows)
    news = load_paths([NEWS])[0]
    for number, original in enumerate(news):
        store.ingest(Article(id=f"copy-{number}", title=original.title, published=original.published,
                             body=original.body + "\n\nA copy.", source="wire"), classifier)
    assert_same_as_one_merge(store)
    store.close()
