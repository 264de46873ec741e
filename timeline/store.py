"""The store: articles, the mentions the rules found in them and the merged events, persisted with
SQLAlchemy 2 in SQLite (default: one file, WAL mode) or PostgreSQL.

The store keeps what the pipeline produced; it decides nothing about events itself. Mentions and
events are kept as JSON made from their dataclasses plus the columns that queries filter on, and
are rebuilt tolerantly (unknown keys ignored, missing ones defaulted) so that the dataclasses may
grow without breaking stored data.

Writes are serialized: a lock in the process, `BEGIN IMMEDIATE` on SQLite and a transaction-level
advisory lock on PostgreSQL. Every write rewrites the events in the same transaction as the change
(`recompute_events`), so readers see the timeline before or after a write, never a mix.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from sqlalchemy import (
    JSON, Column, Date, DateTime, ForeignKey, Index, Integer, MetaData, String, Table, Text, create_engine, delete,
    event as sa_event, func, insert, select, text, tuple_, update,
)
from sqlalchemy.engine import Connection, Engine, make_url

from .articles import Article, ArticleError, iter_articles
from .events import Event, merge
from .mentions import Classifier, Mention

log = logging.getLogger("timeline.store")

DEFAULT_DATABASE_URL = "sqlite:///timeline.sqlite"
WRITE_LOCK_KEY = 0x74696D65  # PostgreSQL advisory lock shared by every writer of a database

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

mentions = Table(
    "mentions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("type", String(64), nullable=False),
    Column("start", Date),
    Column("end", Date),
    Column("rules_version", String(64), nullable=False, index=True),
    Column("payload", JSON, nullable=False),
    Index("ix_mentions_type_start", "type", "start"),
)

events = Table(
    "events", metadata,
    Column("id", String(64), primary_key=True),
    Column("type", String(64), nullable=False),
    Column("start", Date, nullable=False),
    Column("end", Date, nullable=False),
    Column("granularity", String(16)),
    Column("label", Text, nullable=False),
    Column("rules_version", String(64), nullable=False),
    # lower-cased text the filters search in: label and sentences; participants; publishers and article ids
    Column("search", Text, nullable=False),
    Column("participants", Text, nullable=False),
    Column("sources", Text, nullable=False),
    Column("payload", JSON, nullable=False),
    Index("ix_events_order", "start", "end", "type", "id"),
    Index("ix_events_type_start", "type", "start"),
    Index("ix_events_end", "end"),
)

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)


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


def rebuild(cls, data: dict, **nested):
    """A dataclass from stored JSON: unknown keys ignored, missing ones defaulted, dates parsed.
    `nested` maps a field name to a function that rebuilds its value."""
    kwargs = {}
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        annotation = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", None) or str(f.type)
        if f.name not in data:
            if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING:
                continue
            kwargs[f.name] = _empty(annotation)
        elif f.name in nested:
            kwargs[f.name] = nested[f.name](data[f.name])
        else:
            kwargs[f.name] = _convert(annotation, data[f.name])
    return cls(**kwargs)


def mention_from_json(data: dict) -> Mention:
    return rebuild(Mention, data)


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


class Store:
    def __init__(self, url: str = DEFAULT_DATABASE_URL):
        self.url = normalize_url(url)
        self.engine = make_engine(self.url)
        self.backend = self.engine.dialect.name
        self._lock = threading.RLock()
        self._rules_version: str | None = None  # version of the stored mentions, as last seen

    def close(self) -> None:
        self.engine.dispose()

    def create_schema(self) -> None:
        with self.writing() as conn:
            metadata.create_all(conn)

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
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
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

    # --- writes ---

    def load_corpus_once(self, paths: Iterable[str | Path], classifier: Classifier) -> list[ArticleError]:
        """Load the articles of `paths` on the store's first start only; return the refused files."""
        errors: list[ArticleError] = []
        with self.writing() as conn:
            if self._get_meta(conn, "corpus_loaded_at"):
                return errors
            self._sync(conn, classifier)
            added = 0
            for item in iter_articles(paths):
                if isinstance(item, ArticleError):
                    errors.append(item)
                elif self._add_article(conn, item, classifier):
                    added += 1
            if added:
                recompute_events(conn, classifier.rules_version)
                self._bump_revision(conn)
            self._set_meta(conn, "corpus_loaded_at", dt.datetime.now(dt.timezone.utc).isoformat())
            log.info("corpus loaded: %d articles, %d refused", added, len(errors))
        return errors

    def ingest(self, article: Article, classifier: Classifier) -> Ingested:
        """Store one article and rewrite the events; the same url or text again changes nothing."""
        with self.writing() as conn:
            existing = self._existing_id(conn, article)
            if existing:
                return Ingested(existing, False, [])
            self._sync(conn, classifier)
            self._add_article(conn, article, classifier)
            all_events = recompute_events(conn, classifier.rules_version)
            self._bump_revision(conn)
        produced = [e for e in all_events if any(s.article == article.id for s in e.sources)]
        return Ingested(article.id, True, produced)

    def sync_rules(self, classifier: Classifier) -> bool:
        """Re-classify every stored article when the rules changed; True when the events were rewritten."""
        if self._rules_version == classifier.version:
            return False
        with self.writing() as conn:
            return self._sync(conn, classifier)

    def _sync(self, conn: Connection, classifier: Classifier) -> bool:
        # "analysis_version" (rules + analysis code) decides staleness; "rules_version" is what users see.
        stored = self._get_meta(conn, "analysis_version")
        if stored == classifier.version:
            self._rules_version = stored
            return False
        conn.execute(delete(mentions))
        count = 0
        for row in conn.execute(select(articles).order_by(articles.c.published, articles.c.id)).mappings():
            self._add_mentions(conn, _article_from_row(row), classifier)
            count += 1
        self._set_meta(conn, "analysis_version", classifier.version)
        self._set_meta(conn, "rules_version", classifier.rules_version)
        if count or stored is not None:
            recompute_events(conn, classifier.rules_version)
            self._bump_revision(conn)
            log.info("rules %s -> %s: %d articles classified again", stored, classifier.version, count)
        self._rules_version = classifier.version
        return stored is not None

    def _existing_id(self, conn: Connection, article: Article) -> str | None:
        condition = (articles.c.text_hash == text_hash(article.body)) | (articles.c.id == article.id)
        if article.url:
            condition = condition | (articles.c.url == article.url)
        return conn.execute(select(articles.c.id).where(condition).order_by(articles.c.id).limit(1)).scalar()

    def _add_article(self, conn: Connection, article: Article, classifier: Classifier) -> bool:
        if self._existing_id(conn, article):
            return False
        conn.execute(insert(articles).values(
            id=article.id, url=article.url or None, text_hash=text_hash(article.body), title=article.title,
            source=article.source or "", published=article.published, language=article.language or "en",
            body=article.body, ingested_at=dt.datetime.now(dt.timezone.utc),
        ))
        self._add_mentions(conn, article, classifier)
        return True

    @staticmethod
    def _add_mentions(conn: Connection, article: Article, classifier: Classifier) -> None:
        rows = [{"article_id": article.id, "type": m.type, "start": m.start, "end": m.end,
                 "rules_version": m.rules_version, "payload": plain(m)} for m in classifier.mentions(article)]
        if rows:
            conn.execute(insert(mentions), rows)

    # --- reads ---

    def stats(self) -> dict:
        with self.reading() as conn:
            return {
                "articles": conn.execute(select(func.count()).select_from(articles)).scalar_one(),
                "events": conn.execute(select(func.count()).select_from(events)).scalar_one(),
                "rules_version": self._get_meta(conn, "rules_version"),
                "revision": int(self._get_meta(conn, "revision") or 0),
            }

    def events_page(self, types: Iterable[str] = (), start: dt.date | None = None, end: dt.date | None = None,
                    q: str | None = None, participant: str | None = None, source: str | None = None,
                    after: tuple | None = None, limit: int = 100) -> tuple[list[Event], tuple | None, str | None]:
        """Events overlapping [start, end] that match every filter, ordered by (start, end, type, id),
        after the key `after`; returns (events, key of the last one when more follow, rules version)."""
        order = (events.c.start, events.c.end, events.c.type, events.c.id)
        query = select(events.c.payload, *order)
        types = list(types)
        if types:
            query = query.where(events.c.type.in_(types))
        if start is not None:
            query = query.where(events.c.end >= start)
        if end is not None:
            query = query.where(events.c.start <= end)
        for column, value in ((events.c.search, q), (events.c.participants, participant), (events.c.sources, source)):
            if value:
                query = query.where(column.contains(value.lower(), autoescape=True))
        if after is not None:
            query = query.where(tuple_(*order) > tuple_(*after))
        query = query.order_by(*order).limit(limit + 1)
        with self.reading() as conn:
            rows = conn.execute(query).all()
            version = self._get_meta(conn, "rules_version")
        found = [event_from_json(row.payload) for row in rows[:limit]]
        last = rows[limit - 1] if len(rows) > limit else None
        key = (last.start, last.end, last.type, last.id) if last is not None else None
        return found, key, version

    def event(self, event_id: str) -> Event | None:
        with self.reading() as conn:
            payload = conn.execute(select(events.c.payload).where(events.c.id == event_id)).scalar()
        return event_from_json(payload) if payload is not None else None

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
            payloads = conn.execute(
                select(events.c.payload).where(events.c.sources.contains(article_id.lower(), autoescape=True))
                .order_by(events.c.start, events.c.end, events.c.type, events.c.id)
            ).scalars().all()
        found = [e for e in map(event_from_json, payloads) if any(s.article == article_id for s in e.sources)]
        return _stored_article(row), found


def _stored_article(row) -> StoredArticle:
    stored = rebuild(StoredArticle, dict(row))
    if stored.ingested_at is not None and stored.ingested_at.tzinfo is None:  # SQLite keeps no offset
        stored.ingested_at = stored.ingested_at.replace(tzinfo=dt.timezone.utc)
    return stored


def _article_from_row(row) -> Article:
    return rebuild(Article, {**dict(row), "path": None})


def recompute_events(conn: Connection, rules_version: str) -> list[Event]:
    """Merge every stored mention into events and replace the events table, inside the caller's
    transaction. A full recompute: the one place to make incremental later."""
    stored = [mention_from_json(p) for p in
              conn.execute(select(mentions.c.payload).order_by(mentions.c.id)).scalars()]
    merged, _undated = merge(stored)
    publishers = dict(conn.execute(select(articles.c.id, articles.c.source)).all())
    conn.execute(delete(events))
    rows = []
    for e in merged:
        names = [*e.participants]
        article_ids = sorted({s.article for s in e.sources})
        rows.append({
            "id": e.id, "type": e.type, "start": e.start, "end": e.end, "granularity": e.granularity,
            "label": e.label, "rules_version": rules_version,
            "search": "\n".join([e.label, *(s.sentence for s in e.sources)]).lower(),
            "participants": "\n".join(names).lower(),
            "sources": "\n".join([*article_ids, *sorted({publishers.get(a) or "" for a in article_ids})]).lower(),
            "payload": plain(e),
        })
    if rows:
        conn.execute(insert(events), rows)
    return merged
