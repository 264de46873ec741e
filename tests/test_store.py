"""The store, on SQLite and on PostgreSQL: what it keeps, what it answers, what survives a restart."""
import dataclasses
import datetime as dt
import shutil
import threading

import pytest
from backends import SEED, database_url  # noqa: F401 - fixture
from conftest import CORPUS, RULES

from timeline.articles import build_article
from timeline.pipeline import classifier_for
from timeline.store import Store, event_from_json, mention_from_json, plain

PARADE = "On Friday Chinese and Russian troops will march together through Red Square."


def article(text=PARADE, url=None, published="2025-05-08", source="Test wire", title="Test"):
    return build_article({"title": title, "source": source, "published": published, "url": url, "text": text},
                         "test")


@pytest.fixture
def store(database_url, classifier):  # noqa: F811
    opened = Store(database_url)
    opened.create_schema()
    opened.load_corpus_once([CORPUS], classifier)
    yield opened
    opened.close()


def test_first_start_loads_the_corpus_into_the_same_timeline_as_the_pipeline(store, seed_timeline):
    assert store.stats()["articles"] == SEED
    events, more, version = store.events_page(limit=1000)
    assert more is None and version == seed_timeline.rules_version
    assert sorted(e.id for e in events) == sorted(e.id for e in seed_timeline.events)
    keys = [(e.start, e.end, e.type, e.id) for e in events]
    assert keys == sorted(keys)
    by_id = {e.id: e for e in seed_timeline.events}
    for event in events:
        assert event == by_id[event.id]  # the stored event is the pipeline's, field for field


def test_a_restart_loses_nothing_and_does_not_load_the_corpus_again(database_url, classifier):  # noqa: F811
    first = Store(database_url)
    first.create_schema()
    first.load_corpus_once([CORPUS], classifier)
    first.ingest(article(), classifier)
    before = first.stats()
    first.close()
    second = Store(database_url)
    second.create_schema()
    assert second.load_corpus_once([CORPUS], classifier) == []
    assert second.stats() == before and before["articles"] == SEED + 1
    second.close()


def test_the_same_article_twice_changes_nothing(store, classifier):
    first = store.ingest(article(url="https://example.com/a"), classifier)
    assert first.created and [e.type for e in first.events] == ["parade"]
    revision = store.stats()["revision"]
    same_url = store.ingest(article(url="https://example.com/a", text="Another text entirely."), classifier)
    same_text = store.ingest(article(url="https://example.com/b", text="  " + PARADE.replace(" ", "\n ") + "\n"),
                             classifier)
    assert (same_url.article_id, same_url.created) == (first.article_id, False)
    assert (same_text.article_id, same_text.created) == (first.article_id, False)
    assert store.stats()["revision"] == revision and store.stats()["articles"] == SEED + 1


def test_an_ingested_article_joins_the_event_it_reports(store, classifier):
    parades = store.events_page(types=["parade"], start=dt.date(2025, 5, 9), end=dt.date(2025, 5, 9))[0]
    assert len(parades) == 1
    result = store.ingest(article(), classifier)
    event = store.event(parades[0].id)
    assert [e.id for e in result.events] == [event.id]
    assert result.article_id in {s.article for s in event.sources}
    stored, its_events = store.article(result.article_id)
    assert stored.body == PARADE and stored.ingested_at.tzinfo is not None
    assert [e.id for e in its_events] == [event.id]


def test_filters_and_pages(store):
    everything = store.events_page(limit=1000)[0]
    walked, after = [], None
    while True:
        page, after, _ = store.events_page(after=after, limit=3)
        walked += page
        if after is None:
            break
    assert [e.id for e in walked] == [e.id for e in everything]
    window = store.events_page(start=dt.date(2025, 5, 1), end=dt.date(2025, 5, 31))[0]
    assert window and all(e.end >= dt.date(2025, 5, 1) and e.start <= dt.date(2025, 5, 31) for e in window)
    red_square = store.events_page(q="RED SQUARE")[0]
    assert red_square and all("red square" in (e.label + " ".join(s.sentence for s in e.sources)).lower()
                              for e in red_square)
    xi = store.events_page(participant="xi")[0]
    assert xi and all(any("xi" in p.lower() for p in e.participants) for e in xi)
    ap = store.events_page(source="associated press")[0]
    assert {e.id for e in ap} == {e.id for e in everything
                                  if any(s.article.startswith("2025-0") and "-ap-" in s.article for s in e.sources)}
    assert store.events_page(q="100%_")[0] == []  # LIKE wildcards are text, not patterns


def test_changed_rules_classify_every_article_again_and_switch_the_events(store, tmp_path, classifier):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    parade = rules / "parade.yaml"
    original = parade.read_text(encoding="utf-8")
    assert '"Troops march through {place}"' in original   # the template this test edits
    parade.write_text(original.replace('"Troops march through {place}"', '"Edited march through {place}"')
                      + "\n# edited\n", encoding="utf-8")
    edited = classifier_for(rules)
    assert edited.version != classifier.version
    assert store.sync_rules(edited) is True
    events, _, version = store.events_page(limit=1000)
    assert version == edited.rules_version
    assert all(s.rules_version == edited.rules_version for e in events for s in e.sources)
    assert any(e.label.startswith("Edited march through") for e in events)
    assert store.sync_rules(edited) is False


def test_concurrent_writers_never_see_database_is_locked(store, classifier):
    failures = []

    def post(n):
        try:
            store.ingest(article(text=f"{PARADE} Report number {n}.", url=f"https://example.com/{n}"), classifier)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            failures.append(exc)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and store.stats()["articles"] == SEED + 8


def test_stored_json_is_read_back_tolerantly(seed_timeline):
    event = seed_timeline.events[0]
    assert event_from_json(plain(event)) == event
    stored = plain(event.sources[0])
    stored["a_field_from_the_future"] = 1  # a newer version wrote it: ignored
    del stored["place"]  # an older version did not: defaulted
    mention = mention_from_json(stored)
    assert mention.place is None and mention.start == event.sources[0].start
    assert dataclasses.replace(mention, place=event.sources[0].place) == event.sources[0]


def test_readers_see_the_old_or_the_new_rules_never_a_mix(store, tmp_path, classifier):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    (rules / "parade.yaml").write_text((rules / "parade.yaml").read_text(encoding="utf-8") + "\n# edited\n",
                                       encoding="utf-8")
    edited = classifier_for(rules)
    seen, mixed, done = set(), [], threading.Event()

    def read():
        while not done.is_set():
            events, _, version = store.events_page(limit=1000)
            seen.add(version)
            if {s.rules_version for e in events for s in e.sources} != {version}:
                mixed.append(version)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        store.sync_rules(edited)
    finally:
        done.set()
        reader.join()
    events, _, version = store.events_page(limit=1000)
    assert mixed == [] and version == edited.rules_version and seen <= {classifier.rules_version, edited.rules_version}


def test_a_large_stale_archive_is_rebuilt_in_the_background_while_readers_keep_the_old_rules(
        database_url, tmp_path, classifier):  # noqa: F811
    """Above `inline_sync_articles` a rules change never blocks the request that notices it: a thread
    classifies the archive into a new generation and readers are switched when it is complete."""
    big = Store(database_url, inline_sync_articles=0)  # the 7 seed articles count as a large archive
    big.create_schema()
    big.load_corpus_once([CORPUS], classifier)
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    parade = rules / "parade.yaml"
    parade.write_text(parade.read_text(encoding="utf-8").replace(
        '"Troops march through {place}"', '"Edited march through {place}"') + "\n# edited\n", encoding="utf-8")
    edited = classifier_for(rules)
    before, _, version = big.events_page(limit=1000)
    assert version == classifier.rules_version

    # a second process holding a fresh lease on a build: this one does not start its own
    other = Store(database_url)
    assert other.begin_generation(lease=60) is not None
    assert big.rebuild(edited) is None
    other.close()

    big._next_sync_check = 0.0
    assert big.sync_rules(edited) is False  # answered at once; the stale lease (60 s) is still fresh
    assert big.events_page(limit=1000)[2] == classifier.rules_version
    with big.writing() as conn:  # the other process died: its lease goes stale
        big._set_meta(conn, "building_beat", "0")
    big._next_sync_check = 0.0
    big.sync_rules(edited)
    big._rebuilding.join(timeout=120)
    events, _, version = big.events_page(limit=1000)
    assert version == edited.rules_version
    assert all(s.rules_version == edited.rules_version for e in events for s in e.sources)
    assert [(e.type, e.start, e.end) for e in events] == [(e.type, e.start, e.end) for e in before]
    assert [e.label for e in events if e.type == "parade"] == ["Edited march through Red Square",
                                                               "Edited march through Beijing"]
    big._next_sync_check = 0.0
    assert big.sync_rules(edited) is False and not big.needs_sync(edited)
    big.close()


# --- incremental ingest: the same events as merging everything at once ------------------------

NEWS = CORPUS.parent / "tests" / "data" / "news"


def _all_articles():
    from timeline.articles import load_paths

    found, errors = load_paths([CORPUS, NEWS])
    assert not errors and len(found) > SEED
    return found


def _stored_events(store):
    events, more, _ = store.events_page(limit=1000)
    assert more is None
    return events


@pytest.mark.parametrize("order", ["published", "reversed", "shuffled", "by-id"])
def test_incremental_ingest_gives_the_events_of_a_full_merge(database_url, classifier, order):  # noqa: F811
    import random

    from timeline.pipeline import timeline_from_paths

    expected = timeline_from_paths([CORPUS, NEWS], RULES).events
    assert expected
    found = _all_articles()
    found.sort(key=lambda a: (a.published, a.id))
    if order == "reversed":
        found.reverse()
    elif order == "shuffled":
        random.Random(7).shuffle(found)
    elif order == "by-id":
        found.sort(key=lambda a: a.id, reverse=True)
    opened = Store(database_url)
    opened.create_schema()
    try:
        for item in found:
            result = opened.ingest(item, classifier)
            assert result.created
            # what the ingest reports is what the store now serves for that article
            assert [e.id for e in result.events] == [e.id for e in opened.article(item.id)[1]]
        stored = _stored_events(opened)
        assert [e.id for e in stored] == [e.id for e in expected]
        assert stored == expected  # ids, dates, labels, sources, conflicts: field for field
        assert opened.stats()["events"] == len(expected)
    finally:
        opened.close()


def test_batch_ingest_gives_the_same_events_and_skips_duplicates(database_url, classifier):  # noqa: F811
    from timeline.articles import iter_articles
    from timeline.pipeline import timeline_from_paths

    expected = timeline_from_paths([CORPUS, NEWS], RULES).events
    opened = Store(database_url)
    opened.create_schema()
    try:
        report = opened.ingest_many(iter_articles([NEWS, CORPUS, NEWS]), classifier, batch_size=4)
        assert report.added == len(_all_articles()) and report.errors == []
        assert report.duplicates == len(list(NEWS.glob("*.txt")))
        assert _stored_events(opened) == expected
    finally:
        opened.close()


def test_a_window_of_one_type_is_an_index_search():
    """GET /timeline?type=...&from=...&to=... reads short index ranges, never the whole events table."""
    import sqlalchemy

    from timeline import store as store_module

    engine = sqlalchemy.create_engine("sqlite://")
    store_module.metadata.create_all(engine)
    statement = store_module._page_statement(1, True, True, (False, False, False), False, True)
    params = {"generation": 1, "type0": "summit", "start": "2025-05-01", "end": "2025-05-31", "limit": 101,
              "earliest0": "2025-04-01", "earliest1": "2024-05-01"}
    with engine.connect() as conn:
        plan = [str(row[-1]) for row in conn.execute(sqlalchemy.text("EXPLAIN QUERY PLAN " + statement.element.text), params)]
    reads = [line for line in plan if line.startswith(("SEARCH events", "SCAN events"))]  # not the subqueries
    assert len(reads) == 3 and all(line.startswith("SEARCH events USING INDEX ix_events_by_type") for line in reads), plan
    assert not [line for line in plan if "TEMP B-TREE" in line], plan


def test_long_events_are_found_by_a_window_inside_them(store, classifier):
    text = "Chinese and Russian troops will march together through Red Square in 2026, officials said."
    result = store.ingest(article(text=text, url="https://example.com/year"), classifier)
    year_events = [e for e in result.events if e.start == dt.date(2026, 1, 1)]
    assert [(e.start, e.end) for e in year_events] == [(dt.date(2026, 1, 1), dt.date(2026, 12, 31))]
    window = store.events_page(start=dt.date(2026, 7, 1), end=dt.date(2026, 7, 31))[0]
    assert year_events[0].id in {e.id for e in window}


def test_json_records_are_what_the_event_schema_makes_of_each_event(store):
    """GET /timeline joins records rendered when events are written; they must be the schema's dump."""
    import json

    from timeline.schemas import EventSchema, event_record

    events, _, _ = store.events_page(limit=1000)
    records, _, _ = store.events_page(limit=1000, records=True)
    assert len(records) == len(events) > 10
    for event, record in zip(events, records):
        assert json.loads(record) == EventSchema().dump(event_record(event))
    parades = [json.loads(r) for r in store.events_page(types=["parade"], records=True)[0]]
    assert [(p["start"], p["end"]) for p in parades] == [("2025-05-09", "2025-05-09"), ("2025-09-03", "2025-09-03")]


def test_a_store_from_before_json_records_merges_its_events_again_without_classifying(tmp_path, classifier):
    import sqlalchemy

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = Store(url)
    old.create_schema()
    old.load_corpus_once([CORPUS], classifier)
    before = old.events_page(limit=1000)[0]
    stats_before = old.stats()
    with old.engine.begin() as conn:  # what a store written by the previous release looks like
        conn.exec_driver_sql("DROP INDEX ix_events_by_type")
        conn.exec_driver_sql("DROP INDEX ix_events_by_start")
        conn.exec_driver_sql("ALTER TABLE events DROP COLUMN record")
        conn.exec_driver_sql("ALTER TABLE events DROP COLUMN digest")
    old.close()

    upgraded = Store(url)
    upgraded.create_schema()
    with upgraded.engine.connect() as conn:
        columns = {c["name"] for c in sqlalchemy.inspect(conn).get_columns("events")}
    assert "record" in columns
    after = upgraded.events_page(limit=1000)[0]
    assert [e.id for e in after] == [e.id for e in before]
    assert [(e.start, e.end, e.label) for e in after] == [(e.start, e.end, e.label) for e in before]
    assert upgraded.stats()["articles"] == stats_before["articles"]
    assert len(upgraded.events_page(limit=1000, records=True)[0]) == len(before)
    upgraded.close()


def test_a_coarse_date_rewrites_only_the_events_that_change(tmp_path, classifier):
    """'in May' joins every summit of May to the region merged again; the events that come out of the
    merge as they went in keep their rows (SQLite rowids), the new one is added."""
    import sqlalchemy

    store = Store(f"sqlite:///{tmp_path / 'timeline.sqlite'}")
    store.create_schema()
    store.load_corpus_once([CORPUS], classifier)

    def rows():
        with store.engine.connect() as conn:
            return {row.id: (row.rowid, row.record) for row in conn.execute(sqlalchemy.text(
                "SELECT rowid, id, record FROM events WHERE type = 'summit' AND start >= '2025-05-01'"))}

    before = rows()
    assert len(before) >= 2
    text = "The presidents of Chile and Peru will hold a summit in Lima in May, their offices said."
    result = store.ingest(article(text=text, url="https://example.com/lima", published="2025-04-20"), classifier)
    new = [e for e in result.events if e.type == "summit"]
    assert [(e.start, e.end, e.granularity) for e in new] == [(dt.date(2025, 5, 1), dt.date(2025, 5, 31), "month")]
    after = rows()
    assert set(after) == set(before) | {new[0].id}
    assert all(after[event_id] == before[event_id] for event_id in before)  # same row, same record
    store.close()
