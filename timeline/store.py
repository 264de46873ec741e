"""The store: articles, the mentions the rules found in them and the merged events, persisted with
SQLAlchemy 2 in SQLite (default: one file, WAL mode) or PostgreSQL.

The store keeps what the pipeline produced; it decides nothing about events itself. Mentions and
events are kept as JSON made from their dataclasses plus the columns that queries filter on, and
are rebuilt tolerantly (unknown keys ignored, missing ones defaulted) so that the dataclasses may
grow without breaking stored data.

Writes are serialized: a lock in the process, `BEGIN IMMEDIATE` on SQLite and a transaction-level
advisory lock on PostgreSQL.

Ingest is incremental. A new article's mentions are merged again with the stored mentions they can
reach in `timeline.events.merge`, and only those mentions' events are replaced, in the same transaction
as the article (readers see the timeline before or after a write, never a mix). What a mention can reach
(`_Reach`): fine mentions (finer than a year) meet only in fine regions, runs of days connected through
fine mentions' intervals, and there only through a shared merge key (person, group, country, place,
article); coarse ones ("in 2025") only join clusters of their own place or article. So a year-wide
mention reaches its own article's and its place's events, not the whole year of its type, and the
events come out exactly as one merge of everything would make them (tests/test_bounded_merge.py).

Mentions and events carry a generation: readers read the generation named in `meta` ("generation")
only. Classifying the archive again (`timeline reprocess`, or changed rule files) builds a new
generation beside the served one and switches to it in one transaction when it is complete.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import logging
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from sqlalchemy import (
    JSON, Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, MetaData, String, Table, Text, bindparam,
    column, create_engine, delete, event as sa_event, false, func, insert, inspect, or_, select, text, true, tuple_,
    update,
)
from sqlalchemy.engine import Connection, Engine, make_url

from .articles import Article, ArticleError, iter_articles
from .events import COARSE, GRANULARITY_RANK, Event, merge, merge_keys, rank
from .mentions import Classifier, Mention
from .schemas import EventSchema, event_record

log = logging.getLogger("timeline.store")

DEFAULT_DATABASE_URL = "sqlite:///timeline.sqlite"
WRITE_LOCK_KEY = 0x74696D65  # PostgreSQL advisory lock (with the schema's hash) every writer of a store takes
INLINE_SYNC_ARTICLES = 1000  # a stale archive up to this size is classified again at once (a few seconds)
BUILD_LEASE_SECONDS = 120.0  # a background build silent for this long is taken over by another process
SYNC_CHECK_EVERY = 2.0  # seconds between looks at the store while a background build runs

metadata = MetaData()

articles = Table(
    "articles", metadata,
    Column("id", String(64), primary_key=True),
    Column("url", String(2048), unique=True, nullable=True),
    Column("text_hash", String(64), unique=True, nullable=False),
    Column("title", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("published", Date, nullable=False),
    Column("language", String(16), nullable=False),
    Column("body", Text, nullable=False),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Index("ix_articles_order", "published", "id"),
)

SHORT_DAYS = 31  # a mention whose last day is at most this many days after its first is "short"

mentions = Table(
    "mentions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("generation", Integer, nullable=False),
    Column("article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(64), nullable=False),
    Column("start", Date),
    Column("end", Date),
    # first and last day as ordinals (null when undated); "long": more than SHORT_DAYS apart
    Column("day_lo", Integer),
    Column("day_hi", Integer),
    Column("long", Boolean, nullable=False),
    # year or coarser (timeline.events.COARSE): such a mention joins only clusters of its place or article
    Column("coarse", Boolean, nullable=False),
    Column("place", Text),
    Column("merge_keys", Text),  # what merge looks clusters up by (events.merge_keys), one a line
    Column("rules_version", String(64), nullable=False),
    Column("payload", JSON, nullable=False),
    Index("ix_mentions_days", "generation", "type", "coarse", "long", "day_lo", "day_hi"),
    Index("ix_mentions_place", "generation", "type", "place", "day_lo"),
    Index("ix_mentions_article", "article_id", "generation"),
)

# How long an event may be in each span class (days): the class bounds the start of a window query
SPAN_CLASSES = (31, 366, None)

events = Table(
    "events", metadata,
    Column("generation", Integer, primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("type", String(64), nullable=False),
    Column("start", Date, nullable=False),
    Column("end", Date, nullable=False),
    Column("span_class", Integer, nullable=False),
    Column("granularity", String(16)),
    Column("label", Text, nullable=False),
    Column("rules_version", String(64), nullable=False),
    # lower-cased text the filters search in: label and sentences; participants; publishers and article ids
    Column("search", Text, nullable=False),
    Column("participants", Text, nullable=False),
    Column("sources", Text, nullable=False),
    Column("payload", JSON, nullable=False),
    # the event as the timeline JSON gives it (EventSchema), rendered once when written: reads only join
    Column("record", Text, nullable=False),
    Column("digest", String(40), nullable=False),  # see event_digest
    Index("ix_events_by_type", "generation", "span_class", "type", "start", "end", "id"),
    Index("ix_events_by_start", "generation", "span_class", "start", "end", "type", "id"),
)

article_events = Table(
    "article_events", metadata,
    Column("generation", Integer, primary_key=True),
    Column("article_id", String(64), primary_key=True),
    Column("event_id", String(64), primary_key=True),
    Index("ix_article_events_event", "generation", "event_id"),
)

# articles already classified into a generation that is being built (see reprocess)
staged = Table(
    "staged", metadata,
    Column("generation", Integer, primary_key=True),
    Column("article_id", String(64), primary_key=True),
)

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

DERIVED = (article_events, events, mentions, staged)  # rebuilt from the articles whenever needed


# --- plain JSON from dataclasses, and back ---------------------------------------------------

def plain(value):
    """Dates as ISO strings, tuples as lists: what a JSON column can hold."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _empty(annotation: str):
    if "None" in annotation:
        return None
    for prefix, empty in (("tuple", ()), ("list", []), ("dict", {}), ("int", 0), ("float", 0.0), ("bool", False),
                          ("str", "")):
        if annotation.startswith(prefix):
            return empty
    return None


def _convert(annotation: str, value):
    if value is None:
        return None
    if isinstance(value, str) and "date" in annotation:
        try:
            if "datetime" in annotation:
                return dt.datetime.fromisoformat(value)
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, list) and annotation.startswith("tuple"):
        return tuple(tuple(v) if isinstance(v, list) else v for v in value)
    return value


@functools.lru_cache(maxsize=None)
def _fields(cls) -> tuple[tuple[str, str, bool], ...]:
    """(name, annotation, has a default) of each init field of a dataclass, read once."""
    return tuple(
        (f.name, f.type if isinstance(f.type, str) else getattr(f.type, "__name__", None) or str(f.type),
         f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING)
        for f in dataclasses.fields(cls) if f.init)


def rebuild(cls, data: dict, **nested):
    """A dataclass from stored JSON: unknown keys ignored, missing ones defaulted, dates parsed.
    `nested` maps a field name to a function that rebuilds its value."""
    kwargs = {}
    for name, annotation, has_default in _fields(cls):
        if name not in data:
            if has_default:
                continue
            kwargs[name] = _empty(annotation)
        elif name in nested:
            kwargs[name] = nested[name](data[name])
        else:
            kwargs[name] = _convert(annotation, data[name])
    return cls(**kwargs)


def mention_from_json(data: dict) -> Mention:
    return rebuild(Mention, data)


def mention_json(mention: Mention) -> dict:
    """`plain(mention)`, without the deep copies of `dataclasses.asdict` (the store writes many)."""
    out = {}
    for name, _, _ in _fields(Mention):
        value = getattr(mention, name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = [v if isinstance(v, str) else plain(v) for v in value]
        elif not (value is None or isinstance(value, (str, int))):
            value = plain(value)
        out[name] = value
    return out


def event_json(event: Event) -> dict:
    """`plain(event)`, built the same way as `mention_json`."""
    out = {}
    for name, _, _ in _fields(Event):
        value = getattr(event, name)
        if name == "sources":
            value = [mention_json(m) for m in value]
        else:
            value = plain(value)
        out[name] = value
    return out


_EVENT_SCHEMA = EventSchema()


def event_record_json(event: Event) -> str:
    """The event's entry in the timeline JSON, compact (what GET /timeline pages are made of)."""
    return json.dumps(_EVENT_SCHEMA.dump(event_record(event)), ensure_ascii=False, separators=(",", ":"))


def event_digest(event: Event, rules_version: str) -> str:
    """What an event row is made of, in a few bytes: its own fields and which mentions it holds. Mentions
    do not change inside a generation (another analysis makes another generation), so a mention is told
    by where it is; cheap enough to compute for every event a write merges again."""
    parts = [event.id, event.type, event.label, str(event.start), str(event.end), event.granularity or "",
             event.status or "", rules_version, repr(event.conflicts)]
    parts += [f"{m.article}:{m.sentence_begin}:{m.date_begin}:{m.rule}:{m.repeats}" for m in event.sources]
    return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()


def _conflict(data: dict) -> dict:
    return {k: _convert("dt.date", v) if k in ("published", "start", "end") else v for k, v in data.items()}


def event_from_json(data: dict) -> Event:
    return rebuild(Event, data,
                   sources=lambda items: [mention_from_json(m) for m in items or []],
                   conflicts=lambda items: [_conflict(c) for c in items or []])


def text_hash(body: str) -> str:
    """The same text, whatever its spacing, has the same hash."""
    return hashlib.sha256(" ".join(body.split()).encode("utf-8")).hexdigest()


# --- engine --------------------------------------------------------------------------------

def normalize_url(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            Path(parsed.database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @sa_event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # the driver's own BEGIN handling is off: see _sqlite_begin
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @sa_event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            # reads see one snapshot; writers take the write lock up front instead of upgrading later
            writing = connection.get_execution_options().get("timeline_write")
            connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

        return engine
    if parsed.get_backend_name() == "postgresql":
        # reads see one snapshot (a page and its rules version agree); writes use READ COMMITTED after the lock
        return create_engine(url, pool_pre_ping=True, isolation_level="REPEATABLE READ")
    return create_engine(url, pool_pre_ping=True)


@dataclasses.dataclass
class Ingested:
    article_id: str
    created: bool  # False: the same url or text was already stored, nothing changed
    events: list[Event]


@dataclasses.dataclass
class StoredArticle:
    id: str
    title: str
    source: str
    published: dt.date
    url: str | None
    language: str
    ingested_at: dt.datetime
    body: str | None = None


@dataclasses.dataclass
class IngestReport:
    """What a batch ingest did: new articles, articles already stored, files refused."""
    added: int = 0
    duplicates: int = 0
    errors: list[ArticleError] = dataclasses.field(default_factory=list)


def span_class(start: dt.date, end: dt.date) -> int:
    days = (end - start).days + 1
    for index, longest in enumerate(SPAN_CLASSES):
        if longest is None or days <= longest:
            return index
    return len(SPAN_CLASSES) - 1


# The fine mentions (finer than a year) of a type whose days overlap [lo, hi], index-friendly: short ones
# (at most SHORT_DAYS) start no earlier than lo - SHORT_DAYS. Built once: building them per region cost more
# than running them.
_OF_TYPE = (mentions.c.generation == bindparam("generation")) & (mentions.c.type == bindparam("type"))
_OVERLAPPING = _OF_TYPE & (mentions.c.day_lo <= bindparam("hi")) & (mentions.c.day_hi >= bindparam("lo"))
_FINE_SHORT = _OVERLAPPING & (mentions.c.coarse == false()) & (mentions.c.long == false()) \
    & (mentions.c.day_lo >= bindparam("earliest"))
_FINE_LONG = _OVERLAPPING & (mentions.c.coarse == false()) & (mentions.c.long == true())
FINE_BOUNDS = [select(func.min(mentions.c.day_lo), func.max(mentions.c.day_hi)).where(condition)
               for condition in (_FINE_SHORT, _FINE_LONG)]
_ROW = (mentions.c.id, mentions.c.payload)
FINE_KEYS = [select(mentions.c.id, mentions.c.merge_keys).where(condition) for condition in (_FINE_SHORT, _FINE_LONG)]
MENTIONS_BY_ID = select(*_ROW).where(mentions.c.id.in_(bindparam("ids", expanding=True)))
COARSE_MENTIONS = select(*_ROW).where(_OVERLAPPING & (mentions.c.coarse == true()))
PLACE_MENTIONS = select(*_ROW).where(_OF_TYPE & (mentions.c.coarse == false()) & (mentions.c.place == bindparam("place"))
                                     & mentions.c.day_lo.between(bindparam("lo"), bindparam("hi")))
# by article only (the type is told apart when read): with the type in the query, SQLite may choose the
# place index and read every mention of the type
ARTICLE_MENTIONS = select(*_ROW, mentions.c.type, mentions.c.day_lo).where(
    (mentions.c.generation == bindparam("generation")) & mentions.c.article_id.in_(bindparam("ids", expanding=True)))


SERVED_STATE = select(meta.c.key, meta.c.value).where(meta.c.key.in_(["generation", "rules_version"]))

# The events that hold a mention of the given articles (two steps: one query joining them lets SQLite scan
# the events), and the articles of the given events.
ARTICLES_EVENT_IDS = select(article_events.c.event_id).where(
    (article_events.c.generation == bindparam("generation"))
    & article_events.c.article_id.in_(bindparam("ids", expanding=True)))
EVENTS_DIGESTS = select(events.c.id, events.c.type, events.c.digest).where(
    (events.c.generation == bindparam("generation")) & events.c.id.in_(bindparam("ids", expanding=True)))
EVENT_ARTICLES = select(article_events.c.article_id).where(
    (article_events.c.generation == bindparam("generation"))
    & article_events.c.event_id.in_(bindparam("ids", expanding=True)))
DELETE_LINKS = delete(article_events).where((article_events.c.generation == bindparam("generation"))
                                            & article_events.c.event_id.in_(bindparam("ids", expanding=True)))
DELETE_EVENTS = delete(events).where((events.c.generation == bindparam("generation"))
                                     & events.c.id.in_(bindparam("ids", expanding=True)))
PUBLISHERS = select(articles.c.id, articles.c.source).where(articles.c.id.in_(bindparam("ids", expanding=True)))


# The stored events named `id` or a numbered twin `id-N` (events._dedupe_ids), for one id (a range on the
# primary key: SQLite reads an OR of several ranges by scanning)
TWINS = select(events.c.id).where((events.c.generation == bindparam("generation"))
                                  & (events.c.id >= bindparam("id")) & (events.c.id < bindparam("id") + "."))


def _chunks(items: list, size: int = 500) -> Iterator[list]:
    for begin in range(0, len(items), size):
        yield items[begin:begin + size]


def mention_row(generation: int, mention: Mention) -> dict:
    lo = mention.start.toordinal() if mention.start is not None else None
    hi = mention.end.toordinal() if mention.end is not None else lo
    return {"generation": generation, "article_id": mention.article, "type": mention.type, "start": mention.start,
            "end": mention.end, "day_lo": lo, "day_hi": hi,
            "long": lo is not None and hi - lo > SHORT_DAYS, "coarse": rank(mention) >= COARSE,
            "place": mention.place, "merge_keys": merge_keys(mention),
            "rules_version": mention.rules_version, "payload": mention_json(mention)}


class Store:
    def __init__(self, url: str = DEFAULT_DATABASE_URL, inline_sync_articles: int = INLINE_SYNC_ARTICLES):
        self.url = normalize_url(url)
        self.engine = make_engine(self.url)
        self.backend = self.engine.dialect.name
        self._lock = threading.RLock()
        self.inline_sync_articles = inline_sync_articles
        self._next_sync_check = 0.0
        self._rebuilding: threading.Thread | None = None

    def close(self) -> None:
        self.engine.dispose()

    def create_schema(self) -> None:
        with self.writing() as conn:
            found = inspect(conn)
            columns = {f"{t}.{c['name']}" for t in ("events", "mentions") if found.has_table(t)
                       for c in found.get_columns(t)}
            if columns and not {"events.span_class", "mentions.day_lo"} <= columns:
                # a store from before generations: its derived tables are rebuilt from the articles
                for table in ("article_events", "events", "mentions", "staged"):
                    conn.execute(text(f'DROP TABLE IF EXISTS "{table}"'))
                if found.has_table("meta"):
                    conn.execute(delete(meta).where(meta.c.key.in_(["analysis_version", "generation"])))
                log.info("store schema upgraded: mentions and events will be built again")
                columns = set()
            if columns and "mentions.coarse" not in columns:
                self._add_mention_columns(conn)
            rebuild_events = bool(columns) and not {"events.record", "events.digest"} <= columns
            if rebuild_events:
                # events from before their rendered records and digests: merged again from the stored mentions
                for table in ("article_events", "events"):
                    conn.execute(text(f'DROP TABLE IF EXISTS "{table}"'))
            metadata.create_all(conn)
            if rebuild_events:
                rules_version = self._get_meta(conn, "rules_version") or ""
                count = self._build_events(conn, self._served(conn), rules_version)
                self._bump_revision(conn)
                log.info("store schema upgraded: %d events merged again from the stored mentions", count)

    @staticmethod
    def _add_mention_columns(conn: Connection) -> None:
        """A store from before the mentions' `coarse`, `place` and `merge_keys` columns: filled from the stored
        mentions, and the mentions' new indexes made."""
        conn.execute(text("DROP INDEX IF EXISTS ix_mentions_region"))
        conn.execute(text("ALTER TABLE mentions ADD COLUMN coarse BOOLEAN NOT NULL DEFAULT false"))
        conn.execute(text("ALTER TABLE mentions ADD COLUMN place TEXT"))
        conn.execute(text("ALTER TABLE mentions ADD COLUMN merge_keys TEXT"))
        fill = update(mentions).where(mentions.c.id == bindparam("row")).values(merge_keys=bindparam("keys"))
        for chunk in conn.execute(select(mentions.c.id, mentions.c.payload)).partitions(5000):
            rows = [{"row": row_id, "keys": merge_keys(mention_from_json(payload))} for row_id, payload in chunk]
            conn.execute(fill, rows)
        granularity = mentions.c.payload["granularity"].as_string()
        fine = sorted(name for name, number in GRANULARITY_RANK.items() if number < COARSE)
        conn.execute(update(mentions).values(place=mentions.c.payload["place"].as_string(),
                                             coarse=or_(granularity.is_(None), granularity.not_in(fine))))
        for index in mentions.indexes:
            index.create(conn, checkfirst=True)
        log.info("store schema upgraded: mentions' coarse and place columns filled")

    # --- transactions ---

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        with self._lock, self.engine.connect() as conn:
            if self.backend == "postgresql":
                conn.execution_options(isolation_level="READ COMMITTED")
            else:
                conn.execution_options(timeline_write=True)
            with conn.begin():
                if self.backend == "postgresql":
                    # one lock per schema: stores in other schemas of the database do not wait for it
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key, hashtext(current_schema()))"),
                                 {"key": WRITE_LOCK_KEY})
                yield conn

    # --- meta ---

    @staticmethod
    def _get_meta(conn: Connection, key: str) -> str | None:
        return conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()

    @staticmethod
    def _set_meta(conn: Connection, key: str, value: str) -> None:
        if conn.execute(update(meta).where(meta.c.key == key).values(value=value)).rowcount == 0:
            conn.execute(insert(meta).values(key=key, value=value))

    def _bump_revision(self, conn: Connection) -> None:
        self._set_meta(conn, "revision", str(int(self._get_meta(conn, "revision") or 0) + 1))

    def _served(self, conn: Connection) -> int:
        """The generation readers see."""
        return int(self._get_meta(conn, "generation") or 0)

    def _new_generation(self, conn: Connection) -> int:
        number = max(int(self._get_meta(conn, "next_generation") or 1), self._served(conn) + 1)
        self._set_meta(conn, "next_generation", str(number + 1))
        return number

    # --- writes ---

    def load_corpus_once(self, paths: Iterable[str | Path], classifier: Classifier) -> list[ArticleError]:
        """Load the articles of `paths` on the store's first start only; return the refused files."""
        errors: list[ArticleError] = []
        with self.writing() as conn:
            if self._get_meta(conn, "corpus_loaded_at"):
                return errors
            self._sync(conn, classifier)
            generation = self._served(conn)
            added, found = 0, []
            for item in iter_articles(paths):
                if isinstance(item, ArticleError):
                    errors.append(item)
                    continue
                item_mentions = classifier.mentions(item)
                if self._add_article(conn, item, item_mentions, generation):
                    added += 1
                    found.extend(item_mentions)
            if added:
                self._remerge(conn, generation, classifier.rules_version, found)
                self._bump_revision(conn)
            self._set_meta(conn, "corpus_loaded_at", dt.datetime.now(dt.timezone.utc).isoformat())
            log.info("corpus loaded: %d articles, %d refused", added, len(errors))
        return errors

    def ingest(self, article: Article, classifier: Classifier) -> Ingested:
        """Store one article and update the events its mentions can touch; the same url or text again
        changes nothing. The article is classified before the write lock is taken."""
        found = classifier.mentions(article)
        with self.writing() as conn:
            existing = self._existing_id(conn, article)
            if existing:
                return Ingested(existing, False, [])
            self._sync(conn, classifier)
            generation = self._served(conn)
            self._add_article(conn, article, found, generation)
            touched = self._remerge(conn, generation, classifier.rules_version, found)
            self._bump_revision(conn)
        produced = [e for e in touched if any(s.article == article.id for s in e.sources)]
        produced.sort(key=lambda e: (e.start, e.end, e.type, e.id))
        return Ingested(article.id, True, produced)

    def ingest_many(self, items: Iterable[Article | ArticleError], classifier: Classifier,
                    batch_size: int = 200) -> IngestReport:
        """Store a stream of articles, one transaction per batch of `batch_size` (classified before the
        batch's write lock is taken); refused files are reported, duplicates skipped."""
        report = IngestReport()
        batch: list[tuple[Article, list[Mention]]] = []
        for item in items:
            if isinstance(item, ArticleError):
                report.errors.append(item)
                continue
            batch.append((item, classifier.mentions(item)))
            if len(batch) >= batch_size:
                self._write_batch(batch, classifier, report)
                batch = []
        if batch:
            self._write_batch(batch, classifier, report)
        return report

    def _write_batch(self, batch: list[tuple[Article, list[Mention]]], classifier: Classifier,
                     report: IngestReport) -> None:
        with self.writing() as conn:
            self._sync(conn, classifier)
            generation = self._served(conn)
            found: list[Mention] = []
            for (_, article_mentions), added in zip(batch, self._add_articles(conn, batch, generation)):
                if added:
                    report.added += 1
                    found.extend(article_mentions)
                else:
                    report.duplicates += 1
            self._remerge(conn, generation, classifier.rules_version, found)
            self._bump_revision(conn)

    def sync_rules(self, classifier: Classifier, background: bool = True) -> bool:
        """Bring the stored mentions to the classifier's version (rules and analysis code). An archive of
        up to `inline_sync_articles` is classified again at once, under the write lock; True when its
        events were rewritten. A larger one is classified again by a thread of this process into a new
        generation (`rebuild`), while readers keep the served one until the switch; with
        `background=False` (before a server forks its workers) it is left to the first request."""
        if time.monotonic() < self._next_sync_check or not self.needs_sync(classifier):
            return False
        with self.reading() as conn:
            count = conn.execute(select(func.count()).select_from(articles)).scalar_one()
        if count > self.inline_sync_articles:
            if background:
                self.rebuild_in_background(classifier)
            self._next_sync_check = time.monotonic() + SYNC_CHECK_EVERY
            return False
        with self.writing() as conn:
            return self._sync(conn, classifier)

    def rebuild_in_background(self, classifier: Classifier) -> threading.Thread:
        """Classify the archive again in a thread of this process (one at a time), unless another process
        holds a fresh lease on the build."""
        with self._lock:
            if self._rebuilding is None or not self._rebuilding.is_alive():
                self._rebuilding = threading.Thread(target=self.rebuild, args=(classifier,), daemon=True,
                                                    name="timeline-rebuild")
                self._rebuilding.start()
            return self._rebuilding

    def rebuild(self, classifier: Classifier, partition_size: int = 200) -> dict | None:
        """The whole archive classified into a new generation, partition by partition (each its own short
        write), then merged and switched to; None when another process is building one."""
        try:
            generation = self.begin_generation(lease=BUILD_LEASE_SECONDS)
            if generation is None:
                return None
            log.info("rules %s: classifying the archive again in the background", classifier.rules_version)
            for after, last in self.partitions(partition_size):
                self.stage_partition(generation, classifier, after, last)
            done = self.finish_generation(generation, classifier)
            log.info("rules %s now served: %d events", classifier.rules_version, done["events"])
            return done
        except Exception:  # the served generation stays as it was; the next request tries again
            log.exception("the background rebuild for rules %s failed", classifier.rules_version)
            return None

    def _sync(self, conn: Connection, classifier: Classifier) -> bool:
        # "analysis_version" (rules + analysis code) decides staleness; "rules_version" is what users see.
        stored = self._get_meta(conn, "analysis_version")
        if stored == classifier.version:
            return False
        old = self._served(conn)
        count = conn.execute(select(func.count()).select_from(articles)).scalar_one()
        if count > self.inline_sync_articles:
            return False  # too large to classify inside a write: sync_rules builds it in the background
        if count or stored is not None:
            # the whole archive again, into a new generation, switched to inside this transaction
            generation = self._new_generation(conn)
            query = select(articles).order_by(articles.c.published, articles.c.id)
            for chunk in conn.execute(query).mappings().partitions(200):
                rows = [mention_row(generation, m) for row in chunk
                        for m in classifier.mentions(_article_from_row(row))]
                if rows:
                    conn.execute(insert(mentions), rows)
            self._build_events(conn, generation, classifier.rules_version)
            self._switch(conn, generation, classifier)
            self._drop_generation(conn, old)
            log.info("rules %s -> %s: %d articles classified again", stored, classifier.version, count)
        else:
            self._set_meta(conn, "analysis_version", classifier.version)
            self._set_meta(conn, "rules_version", classifier.rules_version)
        return stored is not None

    def _switch(self, conn: Connection, generation: int, classifier: Classifier) -> None:
        self._set_meta(conn, "generation", str(generation))
        self._set_meta(conn, "analysis_version", classifier.version)
        self._set_meta(conn, "rules_version", classifier.rules_version)
        self._bump_revision(conn)

    @staticmethod
    def _drop_generation(conn: Connection, generation: int) -> None:
        for table in DERIVED:
            conn.execute(delete(table).where(table.c.generation == generation))

    def _existing_id(self, conn: Connection, article: Article) -> str | None:
        found = self._existing(conn, [article])
        return found[0]

    @staticmethod
    def _existing(conn: Connection, items: list[Article], hashes: list[str] | None = None) -> list[str | None]:
        """For each article, the id of the stored one with its id, text or url (the smallest), or None.
        `hashes`: the articles' text hashes when the caller has them already."""
        hashes = hashes if hashes is not None else [text_hash(a.body) for a in items]
        stored: dict[tuple[str, str], str] = {}
        for field, values in ((articles.c.id, [a.id for a in items]), (articles.c.text_hash, hashes),
                              (articles.c.url, [a.url for a in items if a.url])):
            for chunk in _chunks(sorted(set(values))):
                for key, article_id in conn.execute(select(field, articles.c.id).where(field.in_(chunk))):
                    stored[(field.key, key)] = article_id
        answers = []
        for article, digest in zip(items, hashes):
            keys = [("id", article.id), ("text_hash", digest)] + ([("url", article.url)] if article.url else [])
            matches = [stored[k] for k in keys if k in stored]
            answers.append(min(matches) if matches else None)
        return answers

    def _add_article(self, conn: Connection, article: Article, found: list[Mention], generation: int) -> bool:
        return self._add_articles(conn, [(article, found)], generation)[0]

    def _add_articles(self, conn: Connection, batch: list[tuple[Article, list[Mention]]], generation: int) -> list[bool]:
        """Store the articles not stored yet (by id, text or url; the first of a batch wins) with their
        mentions, in two multi-row inserts; True for each one stored."""
        hashes = [text_hash(article.body) for article, _ in batch]
        existing = self._existing(conn, [article for article, _ in batch], hashes)
        now = dt.datetime.now(dt.timezone.utc)
        seen: set[tuple[str, str]] = set()
        rows, mention_rows, added = [], [], []
        for (article, found), stored, digest in zip(batch, existing, hashes):
            keys = {("id", article.id), ("text_hash", digest)} | ({("url", article.url)} if article.url else set())
            if stored or keys & seen:
                added.append(False)
                continue
            seen |= keys
            added.append(True)
            rows.append({"id": article.id, "url": article.url or None, "text_hash": digest, "title": article.title,
                         "source": article.source or "", "published": article.published,
                         "language": article.language or "en", "body": article.body, "ingested_at": now})
            mention_rows += [mention_row(generation, m) for m in found]
        if rows:
            conn.execute(insert(articles), rows)
        for chunk in _chunks(mention_rows, 2000):
            conn.execute(insert(mentions), chunk)
        return added

    # --- merging: what a change can reach, its events replaced ---

    def _remerge(self, conn: Connection, generation: int, rules_version: str, found: Iterable[Mention]) -> list[Event]:
        """Merge again whatever the mentions `found` (already stored) can change and replace those events, as a
        merge of the whole generation would make them (see `_Reach`). Returns the events merged again: among
        them, every event of `found`'s articles."""
        by_type: dict[str, set[str]] = {}
        for m in found:
            if m.start is not None:
                by_type.setdefault(m.type, set()).add(m.article)
        touched: list[Event] = []
        for type_name, article_ids in sorted(by_type.items()):
            touched += self._remerge_type(conn, generation, rules_version, type_name, article_ids)
        return touched

    def _remerge_type(self, conn: Connection, generation: int, rules_version: str, type_name: str,
                      article_ids: set[str]) -> list[Event]:
        reach = _Reach(conn, generation, type_name)
        reach.add_articles(article_ids)
        while True:
            reach.close()
            merged, _undated = merge([reach.mentions[key] for key in sorted(reach.mentions)])
            event_ids: set[str] = set()
            for chunk in _chunks(sorted(reach.article_ids)):
                event_ids.update(conn.execute(ARTICLES_EVENT_IDS, {"generation": generation, "ids": chunk}).scalars())
            stored: dict[str, str] = {}  # the stored events of what was reached: replaced, unless unchanged
            for chunk in _chunks(sorted(event_ids)):
                stored.update((event_id, digest) for event_id, event_type, digest in conn.execute(
                    EVENTS_DIGESTS, {"generation": generation, "ids": chunk}) if event_type == type_name)
            twins: set[str] = set()
            for base in sorted({e.id.split("-")[0] for e in merged}):
                twins.update(conn.execute(TWINS, {"generation": generation, "id": base}).scalars())
            twins -= stored.keys()
            if not twins:
                break
            # an event outside with the same type, days and label: their ids are numbered together
            # (events._dedupe_ids), so it is merged again with them
            reach.add_articles(conn.execute(EVENT_ARTICLES, {"generation": generation, "ids": sorted(twins)}).scalars())
        # only what changed is written
        digests = {e.id: event_digest(e, rules_version) for e in merged}
        kept = {event_id for event_id, digest in stored.items() if digests.get(event_id) == digest}
        for chunk in _chunks(sorted(stored.keys() - kept)):
            conn.execute(DELETE_LINKS, {"generation": generation, "ids": chunk})
            conn.execute(DELETE_EVENTS, {"generation": generation, "ids": chunk})
        self._insert_events(conn, generation, [e for e in merged if e.id not in kept], rules_version)
        return merged

    @staticmethod
    def _insert_events(conn: Connection, generation: int, merged: list[Event], rules_version: str) -> None:
        if not merged:
            return
        wanted = sorted({s.article for e in merged for s in e.sources})
        publishers: dict[str, str] = {}
        for chunk in _chunks(wanted):
            publishers.update(conn.execute(PUBLISHERS, {"ids": chunk}).all())
        rows, links = [], []
        for e in merged:
            article_ids = sorted({s.article for s in e.sources})
            rows.append({
                "generation": generation, "id": e.id, "type": e.type, "start": e.start, "end": e.end,
                "span_class": span_class(e.start, e.end), "granularity": e.granularity,
                "label": e.label, "rules_version": rules_version,
                "search": "\n".join([e.label, *(s.sentence for s in e.sources)]).lower(),
                "participants": "\n".join(e.participants).lower(),
                "sources": "\n".join([*article_ids, *sorted({publishers.get(a) or "" for a in article_ids})]).lower(),
                "payload": event_json(e), "record": event_record_json(e), "digest": event_digest(e, rules_version),
            })
            links += [{"generation": generation, "article_id": a, "event_id": e.id} for a in article_ids]
        for chunk in _chunks(rows, 2000):
            conn.execute(insert(events), chunk)
        for chunk in _chunks(links, 5000):
            conn.execute(insert(article_events), chunk)

    def _build_events(self, conn: Connection, generation: int, rules_version: str) -> int:
        """Every event of a generation from its stored mentions, one type at a time."""
        count = 0
        for _type_name, merged in _merged_by_type(conn, generation):
            self._insert_events(conn, generation, merged, rules_version)
            count += len(merged)
        return count

    # --- reprocessing into a new generation (see timeline/reprocess.py) ---

    def begin_generation(self, lease: float | None = None) -> int | None:
        """A new generation to build beside the served one; leftovers of unfinished runs are dropped.
        With `lease` (seconds), None instead while another build has shown progress that recently."""
        with self.writing() as conn:
            beat = float(self._get_meta(conn, "building_beat") or 0)
            if lease is not None and self._get_meta(conn, "building") and time.time() - beat < lease:
                return None
            served = self._served(conn)
            for table in DERIVED:
                conn.execute(delete(table).where(table.c.generation != served))
            generation = self._new_generation(conn)
            self._set_meta(conn, "building", str(generation))
            self._set_meta(conn, "building_beat", str(time.time()))
            return generation

    def partitions(self, size: int) -> list[tuple[str | None, str]]:
        """The archive cut into runs of about `size` articles: (after this id, up to this id)."""
        with self.reading() as conn:
            ids = conn.execute(select(articles.c.id).order_by(articles.c.id)).scalars().all()
        bounds, after = [], None
        for end in range(size - 1, len(ids) + size - 1, size):
            last = ids[min(end, len(ids) - 1)]
            bounds.append((after, last))
            after = last
        return bounds

    def articles_between(self, after: str | None, last: str) -> list[Article]:
        query = select(articles).where(articles.c.id <= last)
        if after is not None:
            query = query.where(articles.c.id > after)
        with self.reading() as conn:
            return [_article_from_row(row) for row in conn.execute(query.order_by(articles.c.id)).mappings()]

    def stage(self, generation: int, classified: list[tuple[str, list[Mention]]]) -> None:
        """Store the mentions of classified articles under a generation being built."""
        with self.writing() as conn:
            if self._get_meta(conn, "building") != str(generation):
                raise RuntimeError(f"generation {generation} is not being built (another reprocess started?)")
            rows = [mention_row(generation, m) for _, found in classified for m in found]
            done = {article_id for article_id, _ in classified}
            done -= set(conn.execute(select(staged.c.article_id).where(
                (staged.c.generation == generation) & staged.c.article_id.in_(sorted(done)))).scalars())
            rows = [r for r in rows if r["article_id"] in done]  # a partition run twice counts once
            for chunk in _chunks(rows, 2000):
                conn.execute(insert(mentions), chunk)
            if done:
                conn.execute(insert(staged), [{"generation": generation, "article_id": a} for a in sorted(done)])
            self._set_meta(conn, "building_beat", str(time.time()))

    def stage_partition(self, generation: int, classifier: Classifier, after: str | None, last: str) -> int:
        """Classify one partition of the archive into a generation being built; returns its articles."""
        found = [(a.id, classifier.mentions(a)) for a in self.articles_between(after, last)]
        self.stage(generation, found)
        return len(found)

    def finish_generation(self, generation: int, classifier: Classifier) -> dict:
        """Merge a staged generation into events, classify what arrived meanwhile and switch readers to
        it in one transaction; the old generation is dropped afterwards."""
        merged_types: dict[str, list[Event]] = {}
        with self.reading() as conn:
            for type_name, merged in _merged_by_type(conn, generation):
                merged_types[type_name] = merged
        for type_name, merged in merged_types.items():  # written in slices: other writers go in between
            for chunk in _chunks(merged, 5000):
                with self.writing() as conn:
                    self._check_building(conn, generation)
                    self._insert_events(conn, generation, chunk, classifier.rules_version)
        with self.writing() as conn:
            self._check_building(conn, generation)
            late = conn.execute(select(articles).where(articles.c.id.not_in(
                select(staged.c.article_id).where(staged.c.generation == generation)))).mappings().all()
            found = []
            for row in late:  # ingested while the run went on
                article_mentions = classifier.mentions(_article_from_row(row))
                if article_mentions:
                    conn.execute(insert(mentions), [mention_row(generation, m) for m in article_mentions])
                found += article_mentions
            self._remerge(conn, generation, classifier.rules_version, found)
            old = self._served(conn)
            self._switch(conn, generation, classifier)
            conn.execute(delete(meta).where(meta.c.key.in_(["building", "building_beat"])))
        with self.writing() as conn:
            self._drop_generation(conn, old)
            conn.execute(delete(staged).where(staged.c.generation == generation))
        return {"generation": generation, "late_articles": len(late),
                "events": sum(len(v) for v in merged_types.values())}

    def _check_building(self, conn: Connection, generation: int) -> None:
        if self._get_meta(conn, "building") != str(generation):
            raise RuntimeError(f"generation {generation} is no longer being built (another reprocess started?)")

    # --- reads ---

    def now(self) -> tuple[int, str | None]:
        """(revision, analysis version) as stored this moment. The revision is a number every write
        increases (answers read at one revision stay true until the next); the analysis version names
        the rules and code the stored mentions come from. Asked on every request, so read through the
        driver directly: one tiny query."""
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT key, value FROM meta WHERE key IN ('revision', 'analysis_version')")
            found = dict(cursor.fetchall())
            cursor.close()
        finally:
            connection.close()
        return int(found.get("revision") or 0), found.get("analysis_version")

    def needs_sync(self, classifier: Classifier) -> bool:
        """Whether the stored mentions come from other rules or analysis code than `classifier`'s. Read
        from the store every time: another server process may have moved it to other rules."""
        return self.now()[1] != classifier.version

    def stats(self) -> dict:
        with self.reading() as conn:
            generation = self._served(conn)
            return {
                "articles": conn.execute(select(func.count()).select_from(articles)).scalar_one(),
                "events": conn.execute(select(func.count()).select_from(events)
                                       .where(events.c.generation == generation)).scalar_one(),
                "rules_version": self._get_meta(conn, "rules_version"),
                "revision": int(self._get_meta(conn, "revision") or 0),
            }

    def events_page(self, types: Iterable[str] = (), start: dt.date | None = None, end: dt.date | None = None,
                    q: str | None = None, participant: str | None = None, source: str | None = None,
                    after: tuple | None = None, limit: int = 100,
                    records: bool = False) -> tuple[list, tuple | None, str | None]:
        """Events overlapping [start, end] that match every filter, ordered by (start, end, type, id),
        after the key `after`; returns (events, key of the last one when more follow, rules version).
        With `records`, each event is its timeline JSON text (see `event_record_json`) instead.

        One ordered, limited index scan per span class (and per type when types are given), merged:
        the span class bounds how early an event overlapping `start` can begin."""
        types = sorted(set(types))
        filters = (q, participant, source)
        statement = _page_statement(len(types), start is not None, end is not None,
                                    tuple(bool(v) for v in filters), after is not None, records)
        params = {"limit": limit + 1, **{f"type{n}": t for n, t in enumerate(types)}}
        if start is not None:
            params["start"] = start
            for index, longest in enumerate(SPAN_CLASSES):
                if longest is not None:
                    params[f"earliest{index}"] = start - dt.timedelta(days=longest - 1)
        if end is not None:
            params["end"] = end
        for name, value in zip(("q", "participant", "source"), filters):
            if value:
                escaped = value.lower().replace("/", "//").replace("%", "/%").replace("_", "/_")
                params[name] = f"%{escaped}%"
        if after is not None:
            params.update(after_start=after[0], after_end=after[1], after_type=after[2], after_id=after[3])
        with self.reading() as conn:
            state = dict(conn.execute(SERVED_STATE).all())
            generation, version = int(state.get("generation") or 0), state.get("rules_version")
            rows = conn.execute(statement, {**params, "generation": generation}).all()
        rows.sort(key=lambda row: row[1:])  # (body, start, end, type, id): by start, end, type, id
        found = [row[0] if records else event_from_json(row[0]) for row in rows[:limit]]
        key = None
        if len(rows) > limit:
            start_day, end_day, type_name, event_id = rows[limit - 1][1:]
            key = (_day(start_day), _day(end_day), type_name, event_id)
        return found, key, version

    def event(self, event_id: str, record: bool = False) -> Event | str | None:
        """One event of the served generation; with `record`, its timeline JSON text."""
        with self.reading() as conn:
            found = conn.execute(select(events.c.record if record else events.c.payload).where(
                (events.c.generation == self._served(conn)) & (events.c.id == event_id))).scalar()
        return found if record or found is None else event_from_json(found)

    def articles_page(self, after: tuple | None = None, limit: int = 100) -> tuple[list[StoredArticle], tuple | None]:
        """Articles without their text, ordered by (published, id)."""
        columns = [c for c in articles.c if c.name not in ("body", "text_hash")]
        query = select(*columns)
        if after is not None:
            query = query.where(tuple_(articles.c.published, articles.c.id) > tuple_(*after))
        query = query.order_by(articles.c.published, articles.c.id).limit(limit + 1)
        with self.reading() as conn:
            rows = conn.execute(query).mappings().all()
        found = [_stored_article(row) for row in rows[:limit]]
        key = (found[-1].published, found[-1].id) if len(rows) > limit else None
        return found, key

    def article(self, article_id: str) -> tuple[StoredArticle, list[Event]] | None:
        """One article with its text, and the events it is a source of."""
        with self.reading() as conn:
            row = conn.execute(select(articles).where(articles.c.id == article_id)).mappings().first()
            if row is None:
                return None
            generation = self._served(conn)
            payloads = conn.execute(
                select(events.c.payload).join(article_events, (article_events.c.generation == events.c.generation)
                                              & (article_events.c.event_id == events.c.id))
                .where((article_events.c.generation == generation) & (article_events.c.article_id == article_id))
                .order_by(events.c.start, events.c.end, events.c.type, events.c.id)
            ).scalars().all()
        return _stored_article(row), [event_from_json(p) for p in payloads]


@functools.lru_cache(maxsize=256)
class _Reach:
    """The stored mentions of one type that a change can reach in `timeline.events.merge`, so that merging
    them alone gives their events exactly as merging the whole type would.

    `merge` clusters the fine mentions (finer than a year) first, and a fine mention is only compared with
    clusters whose first mention's days overlap its own: the fine mentions fall into fine regions, runs of
    days connected through fine mentions' intervals, each clustered on its own. Then come the coarse
    mentions (a year or coarser), which join only a cluster holding their own place or their own article
    (events.affinity), or another coarse mention's cluster on the same terms. So the reach of a change is
    closed under: every mention of an article reached (its events are replaced whole); the fine region of
    every fine mention reached; the coarse mentions overlapping a region reached that name one of its places
    or articles; for a coarse mention reached, the fine mentions of its place in the fine regions its days
    overlap, and the coarse mentions it overlaps with its place or article. A coarse "in 2025" so reaches its
    own article's and its city's events, not the whole year of its type."""

    def __init__(self, conn: Connection, generation: int, type_name: str):
        self.conn = conn
        self.params = {"generation": generation, "type": type_name}
        self.mentions: dict[int, Mention] = {}  # by row id: the order they were stored in
        self.article_ids: set[str] = set()
        self._articles: set[str] = set()
        self._in_region: set[int] = set()
        self._keys: dict[tuple[int, int], tuple[dict, dict]] = {}  # by fine region: each mention's keys, each key's mentions
        self._spans: list[tuple[int, int, int]] = []  # (row id, first day, last day) of fine mentions
        self._coarse: list[Mention] = []

    def add_articles(self, ids: Iterable[str]) -> None:
        self._articles |= set(ids) - self.article_ids

    def close(self) -> None:
        while self._articles or self._spans or self._coarse:
            if self._articles:
                ids, self._articles = sorted(self._articles), set()
                self.article_ids.update(ids)
                for chunk in _chunks(ids):
                    self._take(ARTICLE_MENTIONS, ids=chunk)
            elif self._spans:
                key, lo, hi = self._spans.pop()
                if key not in self._in_region:
                    self._take_linked(key, lo, hi)
            else:
                mention = self._coarse.pop()
                lo, hi = _days(mention)
                if mention.place:  # its place's fine mentions in the fine regions its days overlap
                    first, last = self._region(lo, lo)[0], self._region(hi, hi)[1]
                    self._take(PLACE_MENTIONS, place=mention.place, lo=min(first, lo), hi=max(last, hi))
                self._take(COARSE_MENTIONS, lo=lo, hi=hi, keep=lambda m: m.article == mention.article
                           or (mention.place is not None and m.place == mention.place))

    def _region(self, lo: int, hi: int) -> tuple[int, int]:
        """The days reachable from [lo, hi] through stored fine mentions' intervals."""
        while True:
            new_lo, new_hi = lo, hi
            for statement in FINE_BOUNDS:
                low, high = self.conn.execute(statement, {**self.params, "lo": lo, "hi": hi,
                                                          "earliest": lo - SHORT_DAYS}).one()
                if low is not None:
                    new_lo, new_hi = min(new_lo, low), max(new_hi, high)
            if (new_lo, new_hi) == (lo, hi):
                return lo, hi
            lo, hi = new_lo, new_hi

    def _take_linked(self, key: int, lo: int, hi: int) -> None:
        """The fine mentions linked to one through shared merge keys in its fine region, and the coarse
        mentions that may join them: the only part of the region the mention can reach."""
        region = self._region(lo, hi)
        if region not in self._keys:
            found = [(row, value.split("\n")) for statement in FINE_KEYS for row, value in self.conn.execute(
                statement, {**self.params, "lo": region[0], "hi": region[1], "earliest": region[0] - SHORT_DAYS})]
            holders: dict[str, list[int]] = {}
            for row, names in found:
                for name in names:
                    holders.setdefault(name, []).append(row)
            self._keys[region] = (dict(found), holders)
        keys_of, holders = self._keys[region]
        linked, todo = {key}, [key]
        while todo:
            for name in keys_of[todo.pop()]:
                for other in holders[name]:
                    if other not in linked:
                        linked.add(other)
                        todo.append(other)
        self._in_region |= linked
        found = []
        for chunk in _chunks(sorted(linked)):
            found += self._take(MENTIONS_BY_ID, ids=chunk)
        places = {m.place for _, m in found if m.place}
        articles_here = {m.article for _, m in found}
        self._take(COARSE_MENTIONS, lo=region[0], hi=region[1],
                   keep=lambda m: m.article in articles_here or m.place in places)

    def _take(self, statement, keep=None, **params) -> list[tuple[int, Mention]]:
        """The mentions a statement selects (those `keep` accepts), each new one added with what it leads to."""
        taken = []
        for key, payload, *type_and_day in self.conn.execute(statement, {**self.params, **params}):
            if type_and_day and (type_and_day[0] != self.params["type"] or type_and_day[1] is None):
                continue  # ARTICLE_MENTIONS: another type, or undated
            mention = self.mentions.get(key) or mention_from_json(payload)
            if keep is not None and not keep(mention):
                continue
            taken.append((key, mention))
            if key in self.mentions:
                continue
            self.mentions[key] = mention
            if mention.article not in self.article_ids:
                self._articles.add(mention.article)
            if rank(mention) >= COARSE:
                self._coarse.append(mention)
            else:
                self._spans.append((key, *_days(mention)))
        return taken


def _days(mention: Mention) -> tuple[int, int]:
    return mention.start.toordinal(), (mention.end or mention.start).toordinal()


def _page_statement(type_count: int, has_start: bool, has_end: bool, filters: tuple[bool, bool, bool],
                    has_after: bool, records: bool):
    """The SQL of one timeline page of a given shape, built once: an ordered, limited index scan per span
    class (and per type), glued with UNION ALL. The span class bounds how early an event overlapping
    `start` can begin, so each scan reads a short index range. (Building the statement with the SQL
    expression language on every request cost more than running it.)"""
    scans, dates = [], set()
    for index, longest in enumerate(SPAN_CLASSES):
        for slot in range(type_count) if type_count else [None]:
            where = ["generation = :generation", f"span_class = {index}"]
            if slot is not None:
                where.append(f"type = :type{slot}")
            if has_start:
                where.append('"end" >= :start')
                dates.add("start")
                if longest is not None:
                    where.append(f"start >= :earliest{index}")
                    dates.add(f"earliest{index}")
            if has_end:
                where.append("start <= :end")
                dates.add("end")
            for searched, param, wanted in zip(("search", "participants", "sources"), ("q", "participant", "source"),
                                               filters):
                if wanted:
                    where.append(f"{searched} LIKE :{param} ESCAPE '/'")
            if has_after:
                where.append('start >= :after_start AND (start, "end", type, id) > '
                             "(:after_start, :after_end, :after_type, :after_id)")
                dates.update(("after_start", "after_end"))
            body = "record" if records else "payload"
            scans.append(f'SELECT * FROM (SELECT {body} AS body, start, "end", type, id FROM events '
                         f'WHERE {" AND ".join(where)} ORDER BY start, "end", type, id LIMIT :limit) AS scan{len(scans)}')
    statement = text(" UNION ALL ".join(scans)).bindparams(*[bindparam(name, type_=Date) for name in sorted(dates)])
    # Days come back as the driver gives them (ISO text in SQLite, dates in PostgreSQL): both sort in
    # day order, and only the cursor's last row needs a date made of them.
    return statement.columns(column("body", Text if records else JSON), column("start", String),
                             column("end", String), column("type", String), column("id", String))


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)

def _stored_article(row) -> StoredArticle:
    stored = rebuild(StoredArticle, dict(row))
    if stored.ingested_at is not None and stored.ingested_at.tzinfo is None:  # SQLite keeps no offset
        stored.ingested_at = stored.ingested_at.replace(tzinfo=dt.timezone.utc)
    return stored


def _article_from_row(row) -> Article:
    return rebuild(Article, {**dict(row), "path": None})


def _merged_by_type(conn: Connection, generation: int):
    """(type, events) for each event type: the dated mentions of a generation merged, one type at a time."""
    types = conn.execute(select(mentions.c.type).where(mentions.c.generation == generation)
                         .group_by(mentions.c.type)).scalars().all()
    for type_name in sorted(types):
        stored = [mention_from_json(p) for p in conn.execute(
            select(mentions.c.payload).where((mentions.c.generation == generation)
                                             & (mentions.c.type == type_name)
                                             & mentions.c.day_lo.is_not(None))).scalars()]
        yield type_name, merge(stored)[0]
