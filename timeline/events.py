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


def affinity(cluster: list[Mention], mention: Mention) -> int:
    """How strongly a mention belongs with a cluster; 0 when it cannot be the same event."""
    best = cluster[0]
    if not (mention.start <= best.end and best.start <= mention.end):
        return 0
    places = {m.place for m in cluster if m.place}
    if mention.place and places and mention.place not in places:
        return 0  # different cities, different events
    same_place = bool(mention.place and mention.place in places)
    if max(rank(best), rank(mention)) >= COARSE and not same_place:
        return 0
    who = set().union(*(_who(m) for m in cluster))
    countries = set().union(*(set(m.countries) for m in cluster))
    if who and _who(mention):
        if who & _who(mention):
            return 4 + 2 * same_place
        # different names, but the same city, days and countries: one event seen from two angles
        return 3 if same_place and countries & set(mention.countries) else 0
    # one side names no one: fall back on the place, then the countries
    if same_place:
        return 3
    if countries & set(mention.countries):
        return 2
    return 1 if not countries or not mention.countries else 0


def merge(mentions: list[Mention]) -> tuple[list[Event], list[Mention]]:
    """Cluster dated mentions into events; return (events ordered for the timeline, undated mentions)."""
    undated = [m for m in mentions if m.start is None]
    clusters: dict[str, list[list[Mention]]] = {}
    # Precise dates first, so that coarse mentions ("mid-May") join the clusters of precise ones.
    for mention in sorted((m for m in mentions if m.start is not None),
                          key=lambda m: (rank(m), m.start, m.end, m.article, m.sentence_begin)):
        candidates = clusters.setdefault(mention.type, [])
        scored = [(affinity(cluster, mention), -i) for i, cluster in enumerate(candidates)]
        best = max(scored, default=(0, 0))
        if best[0] > 0:
            candidates[-best[1]].append(mention)
        else:
            candidates.append([mention])
    events = [build_event(cluster) for group in clusters.values() for cluster in group]
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
    key = f"{best.type}|{best.start}|{best.end}|{best.label}"
    return Event(
        id=hashlib.sha1(key.encode("utf-8")).hexdigest()[:12], type=best.type, label=best.label,
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
