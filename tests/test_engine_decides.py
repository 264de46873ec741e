"""The real durable_rules engine decides which rules fire; the Python evaluator only explains."""
import datetime as dt

import timeline.engine as engine
from timeline.articles import Article
from timeline.pipeline import classifier_for

SENTENCE = "On Friday Chinese and Russian troops will march together through Red Square."


def _parades(classifier):
    article = Article(id="a", title="", published=dt.date(2025, 5, 8), body=SENTENCE)
    return [(m.type, m.rule, m.start) for m in classifier.mentions(article)]


def test_rules_fire_without_the_python_evaluator(monkeypatch):
    classifier = classifier_for()

    def not_consulted(*args, **kwargs):
        raise AssertionError("the Python evaluator was consulted to decide")

    monkeypatch.setattr(engine, "evaluate", not_consulted)
    assert _parades(classifier) == [("parade", "parade.troops-march", dt.date(2025, 5, 9))]


def test_nothing_fires_when_the_engine_is_not_asked(monkeypatch):
    classifier = classifier_for()
    assert _parades(classifier)  # the engine answers ...
    host = engine._host()
    monkeypatch.setattr(host, "assert_fact", lambda ruleset, fact: None)
    assert _parades(classifier) == []  # ... and without its answer no rule fires, though the conditions hold
