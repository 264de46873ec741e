"""The whole flow: articles -> sentences -> time expressions -> mentions -> rules -> events."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Iterable

from .articles import Article, ArticleError, iter_articles
from .events import Event, merge
from .mentions import Classifier, Mention
from .rulebook import load_rulebook

_CLASSIFIERS: dict[tuple[str, str], Classifier] = {}
KEEP_CLASSIFIERS = 4
log = logging.getLogger("timeline.pipeline")


def classifier_for(rules_dir=None) -> Classifier:
    """A classifier per rules folder and version: the engine leaks on every ruleset registration,
    so one is built only when the files' hash changes."""
    rulebook = load_rulebook(rules_dir)
    key = (rulebook.directory, rulebook.version)
    if key not in _CLASSIFIERS:
        _CLASSIFIERS[key] = Classifier(rulebook)
        # keep the newest few: an editor's every save is a new version, and each costs megabytes
        for old in list(_CLASSIFIERS)[:-KEEP_CLASSIFIERS]:
            del _CLASSIFIERS[old]
    return _CLASSIFIERS[key]


@dataclass
class Timeline:
    events: list[Event]
    undated: list[Mention]
    rules_version: str
    articles: int = 0
    errors: list[ArticleError] = field(default_factory=list)


def build_timeline(articles: Iterable[Article | ArticleError], classifier: Classifier) -> Timeline:
    mentions: list[Mention] = []
    errors: list[ArticleError] = []
    count = 0
    for article in articles:
        if isinstance(article, ArticleError):
            errors.append(article)
            continue
        try:
            mentions.extend(classifier.mentions(article))
        except Exception as exc:  # a bug must cost one article, never the batch
            log.exception("article %s could not be analysed", article.path or article.id)
            errors.append(ArticleError(article.path or article.id, "analysis", f"internal error: {exc!r}"))
            continue
        count += 1
    events, undated = merge(mentions)
    return Timeline(events, undated, classifier.rules_version, count, errors)


def timeline_from_paths(paths, rules_dir=None) -> Timeline:
    return build_timeline(iter_articles(paths), classifier_for(rules_dir))


def filter_events(events: list[Event], types=None, start=None, end=None) -> list[Event]:
    """Events of the given types that overlap the [start, end] window (either bound optional)."""
    return [
        e for e in events
        if (not types or e.type in types)
        and (start is None or e.end >= start)
        and (end is None or e.start <= end)
    ]
