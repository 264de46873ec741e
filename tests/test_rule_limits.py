"""Rule files cannot hang or break the server (issue 18): trigger patterns are probed with inputs
built to make them backtrack and run with a time limit; label templates use the documented blanks only."""
import dataclasses
import logging
import shutil
import subprocess
import time

import pytest
from conftest import BIN, RULES, write_article

from timeline.articles import load_paths
from timeline.events import merge
from timeline.mentions import Classifier
from timeline.patterns import TriggerPattern
from timeline.rulebook import load_rulebook
from timeline.rulecheck import check_rules

SLOW_PATTERNS = [r"[a-z]+ ?[a-z]+ ?[a-z]+ ?[a-z]+;", r"\w+\s?\w+\s?\w+\s?\w+!"]
PARADE_SENTENCE = "On Friday Chinese and Russian troops will march together through Red Square."


def rules_copy(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("*.md"))
    return folder


def insert_after(path, anchor: str, new_line: str) -> int:
    """Insert `new_line` after the first line equal to `anchor`; the new line's number."""
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index(anchor) + 1
    lines.insert(at, new_line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at + 1


# --- trigger patterns -----------------------------------------------------------------------------

@pytest.mark.parametrize("pattern", SLOW_PATTERNS)
def test_rules_check_refuses_a_pattern_slow_on_inputs_built_for_it_within_a_bounded_time(tmp_path, pattern):
    folder = rules_copy(tmp_path)
    path = folder / "parade.yaml"
    line = insert_after(path, "  - id: parade.troops-march", f"    trigger_patterns: ['{pattern}']")
    started = time.perf_counter()
    problems, summary = check_rules(folder)
    took = time.perf_counter() - started
    assert summary == "1 error(s) in the rule files"
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:{line}: rules.1.trigger_patterns.0: regular expression {pattern!r} "
                                  "refused: matching takes more than 0.2 s on an input of 200"), problems
    assert took < 5, took  # about 0.3 s: the first input that runs out of time ends the probe


def test_the_command_refuses_both_patterns_with_exit_1(tmp_path):
    folder = rules_copy(tmp_path)
    path = folder / "parade.yaml"
    first = insert_after(path, "  - id: parade.military", f"    trigger_patterns: ['{SLOW_PATTERNS[0]}']")
    second = insert_after(path, "  - id: parade.troops-march", f"    trigger_patterns: ['{SLOW_PATTERNS[1]}']")
    started = time.perf_counter()
    done = subprocess.run([str(BIN), "rules", "check", str(folder)], capture_output=True, text=True, timeout=120)
    took = time.perf_counter() - started
    assert done.returncode == 1
    errors = done.stderr.splitlines()
    assert [e.split(": regular expression")[0] for e in errors] == [
        f"{path}:{first}: rules.0.trigger_patterns.0", f"{path}:{second}: rules.1.trigger_patterns.0"]
    assert took < 30, took


def test_sane_patterns_pass_the_probe(tmp_path):
    folder = rules_copy(tmp_path)
    path = folder / "parade.yaml"
    insert_after(path, "  - id: parade.troops-march",
                 r"    trigger_patterns: ['\bmarch(?:es|ed)? (?:through|across) \w+', '\d{1,3} troops']")
    problems, summary = check_rules(folder)
    _, shipped = check_rules(RULES)
    examples = shipped.rsplit(": ", 1)[1]   # "N of N examples pass": the shipped rules' own count
    assert problems == [] and summary.endswith(examples) and examples.split()[0] == examples.split()[2], (problems, summary)


def test_a_pattern_out_of_time_finds_nothing_and_is_reported(caplog):
    pattern = TriggerPattern(SLOW_PATTERNS[0], "parade.x", "rules/parade.yaml:44", seconds=0.001)
    text = "a" * 400 + "!;"
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="timeline.patterns"):
        assert pattern.finditer(text) == []
        assert pattern.search(text) is None
    assert time.perf_counter() - started < 1
    assert len(caplog.records) == 2
    assert caplog.records[0].getMessage().startswith(
        "rules/parade.yaml:44: rule parade.x: trigger pattern '[a-z]+ ?[a-z]+ ?[a-z]+ ?[a-z]+;' took more than "
        "0.001 s on a sentence of 402 characters; skipped for that sentence")
    quick = TriggerPattern(r"troops? march", "parade.x")
    assert [m.group(0) for m in quick.finditer("Chinese troops march")] == ["troops march"]


def test_a_slow_pattern_loaded_past_the_check_costs_one_sentence_not_the_article(tmp_path, caplog):
    """The pattern is put into a rulebook the checker never saw; extract still ends quickly and the
    article's other sentence still makes its event."""
    rulebook = load_rulebook(RULES)
    parade = next(t for t in rulebook.types if t.name == "parade")
    rule = dataclasses.replace(parade.rules[1], trigger_patterns=(SLOW_PATTERNS[0],))
    parade = dataclasses.replace(parade, rules=(parade.rules[0], rule, *parade.rules[2:]))
    rulebook = dataclasses.replace(rulebook, types=tuple(parade if t.name == "parade" else t for t in rulebook.types),
                                   version="slowpattern1")
    classifier = Classifier(rulebook)
    (tmp_path / "in").mkdir()
    write_article(tmp_path / "in", "a.md", body=f"{'a' * 300}!; {PARADE_SENTENCE}")
    articles, errors = load_paths([tmp_path / "in"])
    assert errors == []
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="timeline.patterns"):
        events, _ = merge(classifier.mentions(articles[0]))
    took = time.perf_counter() - started
    assert took < 10, took  # Python's re needs minutes on this sentence
    assert [(e.label, str(e.start)) for e in events] == [("Troops march through Red Square", "2025-05-09")]
    reports = [r.getMessage() for r in caplog.records]
    assert reports and all(m.startswith(f"{rule.file}:{rule.line}: rule parade.troops-march: trigger pattern")
                           for m in reports), reports


# --- label templates ------------------------------------------------------------------------------

@pytest.mark.parametrize("template, reason", [
    ("{}", "a blank needs a name"),
    ("{0}", "a blank needs a name"),
    ("{place:>200000000}", "'{place:>200000000}': format specifications are not allowed; write {place}"),
    ("{place!r}", "'{place!r}': conversions are not allowed; write {place}"),
    ("{place.upper}", "'{place.upper}': attributes and indexes are not allowed"),
    ("{people[0]}", "'{people[0]}': attributes and indexes are not allowed"),
    ("{nobody} marches", "unknown blank '{nobody}'"),
    ("Troops march {place", "expected '}' before end of string"),
])
def test_rules_check_refuses_label_templates_beyond_the_blanks(tmp_path, template, reason):
    folder = rules_copy(tmp_path)
    path = folder / "parade.yaml"
    text = path.read_text(encoding="utf-8")
    old = '    label: ["Troops march through {place}", "{countries} troops march", "Troops march"]'
    new = f'    label: ["Troops march through {{place}}", "{template}", "Troops march"]'
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    line = text.splitlines().index(old) + 1
    problems, summary = check_rules(folder)
    assert summary == "1 error(s) in the rule files"
    assert len(problems) == 1 and problems[0].startswith(f"{path}:{line}: rules.1.label.1: label {template!r}: ")
    assert reason in problems[0], problems


def test_every_label_template_of_the_shipped_rules_is_filled_by_the_check(tmp_path):
    folder = rules_copy(tmp_path)
    path = folder / "parade.yaml"
    text = path.read_text(encoding="utf-8")
    assert check_rules(folder)[0] == []
    path.write_text(text.replace('"Troops march through {place}"', '"Troops march {{through}} {place}"'),
                    encoding="utf-8")
    assert check_rules(folder)[0] == []  # a doubled brace is a brace
    events = subprocess.run([str(BIN), "extract", "--rules", str(folder), "--format", "csv",
                             str(write_article(tmp_path, "a.md", body=PARADE_SENTENCE))],
                            capture_output=True, text=True, timeout=120)
    assert events.returncode == 0, events.stderr
    assert ",Troops march {through} Red Square," in events.stdout
