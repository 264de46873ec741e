"""`timeline rules check`: validate the rule files, fill every label template once and run every
example they carry; a failing example is reported at its own line, with the conditions that failed."""
from __future__ import annotations

from dataclasses import dataclass

from .explain import conditions
from .labels import SAMPLE, fill
from .mentions import Classifier
from .rulebook import Rule, RulebookInvalid, load_rulebook
from .temporal import tag


@dataclass(frozen=True)
class ExampleResult:
    rule: Rule
    sentence: str
    expected: bool
    fired: bool
    line: int = 0  # the example's own line in the rule file
    reason: str = ""  # why it fired or did not

    @property
    def ok(self) -> bool:
        return self.expected == self.fired

    def __str__(self) -> str:
        wanted = "should match" if self.expected else "should NOT match"
        because = f": {self.reason}" if self.reason else ""
        return f"{self.rule.file}:{self.line or self.rule.line}: {self.rule.id}: example {wanted}{because}: {self.sentence!r}"


def example_outcome(classifier: Classifier, rule: Rule, sentence: str, published) -> tuple[bool, str]:
    """(whether the rule fires on the sentence, why it does or does not)."""
    event_type = next(t for t in classifier.rulebook.types if t.name == rule.type)
    reading = classifier.reader.read(sentence, tag(sentence, published), published=published)
    features, hits = classifier.reader.features(event_type, reading)
    fired = rule.id in classifier.engine.fired_rules(event_type.name, features)
    if fired:
        hit = hits.get(rule.id)
        return True, f"the rule fired on {hit.text!r}" if hit is not None else "the rule fired"
    index = event_type.rules.index(rule)
    hit = hits.get(rule.id)
    found = conditions(rule, index, features, hit.text if hit is not None else None)
    return False, "; ".join(f"{c['detail']} ({name})" for name, c in found.items() if not c["ok"])


def rule_fires(classifier: Classifier, rule: Rule, sentence: str, published) -> bool:
    return example_outcome(classifier, rule, sentence, published)[0]


def run_examples(classifier: Classifier) -> list[ExampleResult]:
    results = []
    for event_type in classifier.rulebook.types:
        for rule in event_type.rules:
            for expected, sentences, lines in ((True, rule.examples_match, rule.match_lines),
                                               (False, rule.examples_no_match, rule.no_match_lines)):
                for i, sentence in enumerate(sentences):
                    fired, reason = example_outcome(classifier, rule, sentence, event_type.examples_published)
                    line = lines[i] if i < len(lines) else rule.line
                    results.append(ExampleResult(rule, sentence, expected, fired, line, reason))
    return results


def render_labels(rulebook) -> list[str]:
    """Fill every label template once with sample values: 'file:line: ...' for each that fails."""
    problems = []
    for rule in rulebook.rules:
        for i, template in enumerate(rule.labels):
            try:
                fill(template, SAMPLE)
            except Exception as exc:  # noqa: BLE001 - the schema refuses these; this is the proof
                line = rule.label_lines[i] if i < len(rule.label_lines) else rule.line
                problems.append(f"{rule.file}:{line}: {rule.id}: label {template!r} cannot be filled: {exc}")
    return problems


def check_rules(directory=None) -> tuple[list[str], str]:
    """(problems as 'file:line: ...' lines, a one-line summary)."""
    try:
        rulebook = load_rulebook(directory)
    except RulebookInvalid as exc:
        return [str(e) for e in exc.errors], f"{len(exc.errors)} error(s) in the rule files"
    from .pipeline import classifier_for

    label_problems = render_labels(rulebook)
    classifier = classifier_for(rulebook.directory)
    results = run_examples(classifier)
    failed = [str(r) for r in results if not r.ok]
    summary = (f"{len(rulebook.rules)} rules in {len(rulebook.types)} files, version {rulebook.version}: "
               f"{len(results) - len(failed)} of {len(results)} examples pass")
    return label_problems + failed, summary
