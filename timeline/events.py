"""From mentions to events: one real event, one entry, with every source kept.

Mentions of one type are clustered when their dates are compatible (overlapping intervals, or a
coarse date containing a fine one) and their participants overlap. The event takes the most
precise, best supported date; sources that disagree beyond granularity are listed as conflicts.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field

from .mentions import Mention

GRANULARITY_RANK = {"day": 0, "week": 1, "month": 2, "season": 3, "quarter": 3, "year": 4, "decade": 5, "century": 6}
COARSE = 4  # year or coarser: merge only when the place agrees too


@dataclass
class Event:
    id: str
    type: str
    label: str
    start: dt.date | None
    end: dt.date | None
    granularity: str | None
    status: str
    sources: list[Mention]
    conflicts: list[dict] = field(default_factory=list)

    @property
    def participants(self) -> list[str]:
        seen: dict[str, None] = {}
        for source in self.sources:
            for name in (*source.people, *source.groups):
                seen.setdefault(name)
        return list(seen)


def rank(mention: Mention) -> int:
    return GRANULARITY_RANK.get(mention.granularity or "", 9)


def _who(mention: Mention) -> set[str]:
    return set(mention.people) | set(mention.groups)


class Cluster:
    """Mentions of one event so far; its date is that of its first (most precise) mention."""

    __slots__ = ("mentions", "first", "who", "countries", "places")

    def __init__(self, mention: Mention):
        self.mentions = [mention]
        self.first = mention
        self.who = set(_who(mention))
        self.countries = set(mention.countries)
        self.places = {mention.place} if mention.place else set()

    def add(self, mention: Mention) -> None:
        self.mentions.append(mention)
        self.who |= _who(mention)
        self.countries |= set(mention.countries)
        if mention.place:
            self.places.add(mention.place)


def affinity(cluster: Cluster, mention: Mention) -> int:
    """How strongly a mention belongs with a cluster; 0 when it cannot be the same event."""
    best = cluster.first
    if not (mention.start <= best.end and best.start <= mention.end):
        return 0
    places = cluster.places
    if mention.place and places and mention.place not in places:
        return 0  # different cities, different events
    same_place = bool(mention.place and mention.place in places)
    if max(rank(best), rank(mention)) >= COARSE and not same_place:
        return 0
    who, countries = cluster.who, cluster.countries
    mention_who = _who(mention)
    if who and mention_who:
        if who & mention_who:
            return 4 + 2 * same_place
        # different names, but the same city, days and countries: one event seen from two angles
        return 3 if same_place and countries & set(mention.countries) else 0
    # one side names no one: fall back on the place, then the countries
    if same_place:
        return 3
    if countries & set(mention.countries):
        return 2
    return 1 if not countries or not mention.countries else 0


def _months(mention: Mention) -> range:
    return range(mention.start.year * 12 + mention.start.month - 1, mention.end.year * 12 + mention.end.month)


class _Index:
    """Where to look for a mention's cluster: by person or group, by place, and (for mentions that
    name no one) by month alone; every key carries the type and a month of the cluster's date, so a
    lookup touches only clusters that could be the same event. Merging stays linear."""

    def __init__(self):
        self.keys: dict[tuple, list[int]] = {}

    def add(self, cluster_index: int, cluster: Cluster, names) -> None:
        first = cluster.first
        anonymous = not cluster.who
        for month in _months(first):
            self.keys.setdefault((first.type, "m", month), []).append(cluster_index)
            if anonymous:  # names no one: any mention of those days may belong to it
                self.keys.setdefault((first.type, "a", month), []).append(cluster_index)
            for name in names:
                self.keys.setdefault((first.type, "w", name, month), []).append(cluster_index)

    def add_names(self, cluster_index: int, cluster: Cluster, names) -> None:
        first = cluster.first
        for month in _months(first):
            for name in names:
                self.keys.setdefault((first.type, "w", name, month), []).append(cluster_index)

    def candidates(self, mention: Mention) -> list[int]:
        found: set[int] = set()
        who = _who(mention)
        for month in _months(mention):
            if who:
                found.update(self.keys.get((mention.type, "a", month), ()))
                for name in who:
                    found.update(self.keys.get((mention.type, "w", name, month), ()))
                if mention.place:
                    found.update(self.keys.get((mention.type, "w", "@" + mention.place, month), ()))
            else:
                found.update(self.keys.get((mention.type, "m", month), ()))
        return sorted(found)


def _names(mention: Mention) -> set[str]:
    return _who(mention) | ({"@" + mention.place} if mention.place else set())


def merge(mentions: list[Mention]) -> tuple[list[Event], list[Mention]]:
    """Cluster dated mentions into events; return (events ordered for the timeline, undated mentions)."""
    undated = [m for m in mentions if m.start is None]
    clusters: list[Cluster] = []
    index = _Index()
    # Precise dates first, so that coarse mentions ("mid-May") join the clusters of precise ones.
    for mention in sorted((m for m in mentions if m.start is not None),
                          key=lambda m: (rank(m), m.start, m.end, m.article, m.sentence_begin)):
        best_score, best_index = 0, None
        for candidate in index.candidates(mention):
            score = affinity(clusters[candidate], mention)
            if score > best_score:
                best_score, best_index = score, candidate
        if best_index is not None:
            cluster = clusters[best_index]
            new_names = _names(mention) - cluster.who - {"@" + p for p in cluster.places}
            cluster.add(mention)
            if new_names:
                index.add_names(best_index, cluster, new_names)  # findable by its new participants too
        else:
            clusters.append(Cluster(mention))
            index.add(len(clusters) - 1, clusters[-1], _names(mention))
    events = [build_event(cluster.mentions) for cluster in clusters]
    events.sort(key=lambda e: (e.start, e.end, e.type, e.label, e.id))
    _dedupe_ids(events)
    return events, undated


def build_event(cluster: list[Mention]) -> Event:
    # The best date: most precise, then most sources agreeing, then the latest report.
    support = Counter((m.start, m.end) for m in cluster if rank(m) == rank(cluster[0]))
    best = max(
        (m for m in cluster if rank(m) == rank(cluster[0])),
        key=lambda m: (support[(m.start, m.end)], m.published, -m.priority, m.article, -m.sentence_begin),
    )
    conflicts = [
        {"article": m.article, "published": m.published, "date_text": m.date_text, "start": m.start, "end": m.end}
        for m in cluster if m.granularity == "day" and _disagrees(m, cluster)
    ]
    sources = sorted(cluster, key=lambda m: (m.published, m.article, m.sentence_begin))
    # The label: the most specific template that a source of the winning rule could fill
    # ("Xi Jinping's visit to Moscow" over "Xi Jinping's trip").
    label = min((m for m in cluster if m.rule == best.rule),
                key=lambda m: (m.label_rank, m is not best, m.published, m.article, m.sentence_begin)).label
    key = f"{best.type}|{best.start}|{best.end}|{label}"
    return Event(
        id=hashlib.sha1(key.encode("utf-8")).hexdigest()[:12], type=best.type, label=label,
        start=best.start, end=best.end, granularity=best.granularity, status=best.status,
        sources=sources, conflicts=conflicts,
    )


def _disagrees(mention: Mention, cluster: list[Mention]) -> bool:
    """Day-precise claims that overlap without one containing the other: May 15-16 against May 16-17.
    A day inside a longer claim (the first day of a four-day trip) is partial, not conflicting."""
    def nested(a, b):
        return (a.start <= b.start and b.end <= a.end) or (b.start <= a.start and a.end <= b.end)

    return any(other.granularity == "day" and not nested(mention, other) for other in cluster)


def _dedupe_ids(events: list[Event]) -> None:
    seen: Counter = Counter()
    for event in events:
        seen[event.id] += 1
        if seen[event.id] > 1:
            event.id = f"{event.id}-{seen[event.id]}"
