"""`timeline rules check`: validate the rule files and run every example they carry."""
from __future__ import annotations

from dataclasses import dataclass

from .mentions import Classifier
from .rulebook import Rule, RulebookInvalid, load_rulebook
from .temporal import tag


@dataclass(frozen=True)
class ExampleResult:
    rule: Rule
    sentence: str
    expected: bool
    fired: bool

    @property
    def ok(self) -> bool:
        return self.expected == self.fired

    def __str__(self) -> str:
        wanted = "should match" if self.expected else "should NOT match"
        return f"{self.rule.file}:{self.rule.line}: {self.rule.id}: example {wanted}: {self.sentence!r}"


def rule_fires(classifier: Classifier, rule: Rule, sentence: str, published) -> bool:
    event_type = next(t for t in classifier.rulebook.types if t.name == rule.type)
    reading = classifier.reader.read(sentence, tag(sentence, published), published=published)
    features, _ = classifier.reader.features(event_type, reading)
    return rule.id in classifier.engine.fired_rules(event_type.name, features)


def run_examples(classifier: Classifier) -> list[ExampleResult]:
    results = []
    for event_type in classifier.rulebook.types:
        for rule in event_type.rules:
            for expected, sentences in ((True, rule.examples_match), (False, rule.examples_no_match)):
                for sentence in sentences:
                    fired = rule_fires(classifier, rule, sentence, event_type.examples_published)
                    results.append(ExampleResult(rule, sentence, expected, fired))
    return results


def check_rules(directory=None) -> tuple[list[str], str]:
    """(problems as 'file:line: ...' lines, a one-line summary)."""
    try:
        rulebook = load_rulebook(directory)
    except RulebookInvalid as exc:
        return [str(e) for e in exc.errors], f"{len(exc.errors)} error(s) in the rule files"
    from .pipeline import classifier_for

    classifier = classifier_for(rulebook.directory)
    results = run_examples(classifier)
    failed = [str(r) for r in results if not r.ok]
    summary = (f"{len(rulebook.rules)} rules in {len(rulebook.types)} files, version {rulebook.version}: "
               f"{len(results) - len(failed)} of {len(results)} examples pass")
    return failed, summary
