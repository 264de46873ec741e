"""From mentions to events: one real event, one entry, with every source kept.

Mentions of one type are clustered when their dates are compatible (overlapping intervals, or a
coarse date containing a fine one) and their participants overlap. The event takes the most
precise, best supported date; sources that disagree beyond granularity are listed as conflicts.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace

from .mentions import GRANULARITY_ORDER as GRANULARITY_RANK
from .mentions import Mention
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

    __slots__ = ("mentions", "first", "who", "countries", "places", "wheres", "articles")

    def __init__(self, mention: Mention):
        self.mentions = [mention]
        self.first = mention
        self.who, self.countries, self.places, self.wheres, self.articles = set(), set(), set(), set(), set()
        self._absorb(mention)

    def _absorb(self, mention: Mention) -> None:
        self.who |= _who(mention)
        self.countries |= set(mention.countries)
        self.articles.add(mention.article)
        if mention.place:
            self.places.add(mention.place)
        if mention.where:
            self.wheres.add(mention.where)

    def add(self, mention: Mention) -> None:
        self.mentions.append(mention)
        self._absorb(mention)


def affinity(cluster: Cluster, mention: Mention) -> int:
    """How strongly a mention belongs with a cluster; 0 when it cannot be the same event."""
    best = cluster.first
    if not (mention.start <= best.end and best.start <= mention.end):
        return 0
    if mention.move != best.move:
        return 0  # a tariff announced and one taking effect, or paused: two moves
    if mention.kind != best.kind and rank(mention) == rank(best) == 0:
        return 0  # a state visit and the meeting held during it: two entries (a coarse "talks in mid-May" joins)
    if mention.actor and best.actor and mention.actor != best.actor:
        return 0  # the US raising tariffs on China and China answering: two moves
    places = cluster.places
    if mention.place and places and mention.place not in places:
        return 0  # different cities, different events
    if mention.where and cluster.wheres and mention.where not in cluster.wheres:
        return 0  # "visit India" and "meet in Beijing": different countries, different events
    same_place = bool(mention.place and mention.place in places)
    if max(rank(best), rank(mention)) >= COARSE and not same_place and mention.article not in cluster.articles:
        return 0  # "in 2023" across articles: only with the place; within one article it is the event it dated
    who, countries = cluster.who, cluster.countries
    mention_who = _who(mention)
    if mention.kind == "visit" and who and mention_who and not who & mention_who:
        return 0  # two leaders arriving in Riyadh on Friday: two visits, even to one city
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
    # nothing to compare: only a mention of the same article may be the same event
    return 1 if mention.article in cluster.articles else 0


def _months(mention: Mention) -> range:
    return range(mention.start.year * 12 + mention.start.month - 1, mention.end.year * 12 + mention.end.month)


class _Index:
    """Where to look for a mention's cluster: by person or group, country, place and article, each key
    with the type and a month of the cluster's date. A lookup touches only clusters that share
    something with the mention and could overlap it in time, so merging stays linear."""

    def __init__(self):
        self.keys: dict[tuple, list[int]] = {}

    def add(self, cluster_index: int, cluster: Cluster, keys) -> None:
        first = cluster.first
        for month in _months(first):
            for key in keys:
                self.keys.setdefault((first.type, month, key), []).append(cluster_index)

    def candidates(self, mention: Mention) -> list[int]:
        found: set[int] = set()
        keys = _keys(mention)
        for month in _months(mention):
            for key in keys:
                found.update(self.keys.get((mention.type, month, key), ()))
        return sorted(found)


def _keys(mention: Mention) -> set[tuple]:
    keys = {("who", name) for name in _who(mention)} | {("country", c) for c in mention.countries}
    keys.add(("article", mention.article))
    if mention.place:
        keys.add(("place", mention.place))
    return keys


def merge_keys(mention: Mention) -> str:
    """`_keys` as text, one a line: two mentions can only meet in `merge` through a key they share."""
    return "\n".join(sorted(f"{kind}:{value}" for kind, value in _keys(mention)))


def merge(mentions: list[Mention]) -> tuple[list[Event], list[Mention]]:
    """Cluster dated mentions into events; return (events ordered for the timeline, undated mentions)."""
    undated = sorted((m for m in mentions if m.start is None),
                     key=lambda m: (m.published, m.article, m.sentence_begin, m.type))
    clusters: list[Cluster] = []
    cluster_keys: list[set] = []
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
            new_keys = _keys(mention) - cluster_keys[best_index]
            cluster.add(mention)
            if new_keys:  # findable by its new participants, countries, places and articles too
                cluster_keys[best_index] |= new_keys
                index.add(best_index, cluster, new_keys)
        else:
            clusters.append(Cluster(mention))
            cluster_keys.append(_keys(mention))
            index.add(len(clusters) - 1, clusters[-1], cluster_keys[-1])
    events = [build_event(cluster.mentions) for cluster in clusters]
    events.sort(key=lambda e: (e.start, e.end, e.type, e.label, e.id))
    _dedupe_ids(events)
    return events, undated


def _nested(inner: Mention, outer: Mention) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def build_event(cluster: list[Mention]) -> Event:
    # A paragraph a scraped page repeats is one report, not two: support counts distinct sentences.
    distinct = list({(m.article, m.sentence): m for m in cluster}.values())
    precise = [m for m in distinct if rank(m) == min(rank(x) for x in distinct)]
    # The best date: most precise; then the claim most sources support (a range is supported by the
    # days nested in it: "a four-day trip starting Wednesday" and "the trip started Wednesday");
    # then the latest report; then the editors' priority.
    def support(claim: Mention) -> int:
        return sum(1 for m in precise if _nested(m, claim))

    best = max(precise, key=lambda m: (support(m), m.published, m.priority, m.article, -m.sentence_begin))
    latest = max(distinct, key=lambda m: (m.published, m.article, m.sentence_begin))
    # Day-precise claims that neither contain nor sit inside the chosen date: May 15-16 against May 16-17.
    disagreeing = [m for m in distinct if m.granularity == "day" and best.granularity == "day"
                   and not _nested(m, best) and not _nested(best, m)]
    conflicts = []
    if disagreeing:
        claims = {(m.article, m.start, m.end): m for m in sorted(distinct, key=lambda m: m.sentence_begin)
                  if m.granularity == "day" and (m in disagreeing or (m.start, m.end) == (best.start, best.end))}
        conflicts = [{"article": m.article, "published": m.published, "date_text": m.date_text,
                      "start": m.start, "end": m.end}
                     for m in sorted(claims.values(), key=lambda m: (m.start, m.end, m.published, m.article))]
    sources = once_each(cluster)
    # The label: the most specific template that a source of the winning rule could fill
    # ("Xi Jinping's visit to Moscow" over "Xi Jinping's trip").
    label = min((m for m in cluster if m.rule == best.rule),
                key=lambda m: (m.label_rank, m is not best, m.published, m.article, m.sentence_begin)).label
    key = f"{best.type}|{best.start}|{best.end}|{label}"
    return Event(
        id=hashlib.sha1(key.encode("utf-8")).hexdigest()[:12], type=best.type, label=label,
        start=best.start, end=best.end, granularity=best.granularity,
        status=latest.status,  # the latest report knows best: announced, then held or cancelled
        sources=sources, conflicts=conflicts,
    )


def once_each(mentions) -> list[Mention]:
    """Sources in timeline order, an identical sentence of one article once: its first occurrence,
    with `repeats` saying how many places of the article hold it (a paragraph a scraped page repeats)."""
    ordered = sorted(mentions, key=lambda m: (m.published, m.article, m.sentence_begin))
    places: dict[tuple, set[int]] = {}
    first: dict[tuple, Mention] = {}
    for mention in ordered:
        key = (mention.article, mention.sentence)
        places.setdefault(key, set()).add(mention.sentence_begin)
        first.setdefault(key, mention)
    return [m if len(places[k]) == 1 else replace(m, repeats=len(places[k])) for k, m in first.items()]


def _dedupe_ids(events: list[Event]) -> None:
    seen: Counter = Counter()
    for event in events:
        seen[event.id] += 1
        if seen[event.id] > 1:
            event.id = f"{event.id}-{seen[event.id]}"
