"""The editors' `trigger_patterns`: run on the `regex` module with a time limit, and probed before use.

`re` cannot stop a match; `regex` (same dialect, V0) can. At run time a pattern gets RUN_SECONDS on
one sentence: a pattern that takes longer loses that sentence (no trigger found by it there) and
the time-out is logged with the rule's file, line and id; the rest of the article, the batch and
the server go on.

Before a rule file is accepted, `slow_on_adversarial_input` runs the pattern on inputs built for it:
long runs of the characters its repeats accept, followed by a character that makes the match
fail (and then the pattern's own literal characters, so that a required-literal shortcut cannot
skip the work). A pattern that exceeds PROBE_SECONDS on one of them is refused.
"""
from __future__ import annotations

import logging
import re._constants as sre_constants
import re._parser as sre_parse

import regex

RUN_SECONDS = 0.1  # per sentence and pattern; sane patterns take microseconds on a sentence
PROBE_SECONDS = 0.2  # per adversarial input of PROBE_LENGTH characters
PROBE_LENGTH = 2000  # longer than nearly every news sentence
FAILING = ("\x00", "!", "\n")  # characters after the run that make the match fail (one of them will)
MAX_RUN_CHARS = 6  # distinct characters tried as runs
FLAGS = regex.IGNORECASE | regex.V0

log = logging.getLogger("timeline.patterns")
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, getattr(sre_constants, "POSSESSIVE_REPEAT", None)}
_CATEGORY_SAMPLES = {
    sre_constants.CATEGORY_WORD: "a1_", sre_constants.CATEGORY_DIGIT: "1", sre_constants.CATEGORY_SPACE: " ",
    sre_constants.CATEGORY_NOT_WORD: " !", sre_constants.CATEGORY_NOT_DIGIT: "a ", sre_constants.CATEGORY_NOT_SPACE: "a!",
}


def compile_pattern(pattern: str) -> regex.Pattern:
    return regex.compile(pattern, FLAGS)


class TriggerPattern:
    """One rule's pattern, with where it comes from (for the report when it times out)."""

    def __init__(self, pattern: str, rule_id: str = "", where: str = "", seconds: float = RUN_SECONDS):
        self.pattern = pattern
        self.rule_id = rule_id
        self.where = where  # "rules/summit.yaml:12"
        self.seconds = seconds
        self.compiled = compile_pattern(pattern)

    def finditer(self, text: str) -> list:
        """The matches in `text`; none when the pattern runs out of time on it (logged)."""
        try:
            return list(self.compiled.finditer(text, timeout=self.seconds))
        except TimeoutError:
            self._report(text)
            return []

    def search(self, text: str):
        try:
            return self.compiled.search(text, timeout=self.seconds)
        except TimeoutError:
            self._report(text)
            return None

    def _report(self, text: str) -> None:
        log.warning("%s: rule %s: trigger pattern %r took more than %s s on a sentence of %d characters; "
                    "skipped for that sentence: %.80r", self.where or "?", self.rule_id or "?", self.pattern,
                    self.seconds, len(text), text)


def _samples(items) -> list[str]:
    """Characters the parsed pattern `items` can consume, in pattern order."""
    found: list[str] = []
    for op, arg in items:
        if op == sre_constants.LITERAL:
            found.append(chr(arg))
        elif op == sre_constants.ANY:
            found += ["a", " "]
        elif op == sre_constants.IN:
            negated = any(o == sre_constants.NEGATE for o, _ in arg)
            if negated:
                found += ["a", " ", "1"]
                continue
            for o, a in arg:
                if o == sre_constants.LITERAL:
                    found.append(chr(a))
                elif o == sre_constants.RANGE:
                    found.append(chr(a[0]))
                elif o == sre_constants.CATEGORY:
                    found += list(_CATEGORY_SAMPLES.get(a, "a"))
        elif op in _REPEATS:
            found += _samples(arg[2])
        elif op == sre_constants.SUBPATTERN:
            found += _samples(arg[-1])
        elif op == sre_constants.BRANCH:
            for branch in arg[1]:
                found += _samples(branch)
        elif getattr(sre_constants, "ATOMIC_GROUP", None) == op:
            found += _samples(arg)
    return found


def _repeated_samples(items) -> list[list[str]]:
    """For each repeat of the pattern, in order, the characters it accepts."""
    found: list[list[str]] = []
    for op, arg in items:
        if op in _REPEATS:
            found.append(list(dict.fromkeys(_samples(arg[2]))))
            found += _repeated_samples(arg[2])
        elif op == sre_constants.SUBPATTERN:
            found += _repeated_samples(arg[-1])
        elif op == sre_constants.BRANCH:
            for branch in arg[1]:
                found += _repeated_samples(branch)
        elif getattr(sre_constants, "ATOMIC_GROUP", None) == op or op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            found += _repeated_samples(arg if not isinstance(arg, tuple) else arg[1])
    return found


def adversarial_inputs(pattern: str, length: int = PROBE_LENGTH) -> list[str]:
    """Inputs built to make `pattern` backtrack: runs of what its repeats accept, alone and
    interleaved in the pattern's order ('a a a ' for '\\w+\\s?\\w+'), each followed by a character
    that fails the match, then by the pattern's literal characters."""
    parsed = sre_parse.parse(pattern)
    repeats = [r for r in _repeated_samples(parsed) if r]
    chars = list(dict.fromkeys(c for r in repeats for c in r))[:MAX_RUN_CHARS] or ["a"]
    literals = "".join(dict.fromkeys(chr(a) for op, a in _walk(parsed) if op == sre_constants.LITERAL))
    units = [c for c in chars]
    units.append("".join(r[0] for r in repeats) or "a")  # each repeat's first character, in order
    units.append("".join(chars))
    units.append("a ")  # words and spaces: what sentences are made of
    inputs = []
    for unit in dict.fromkeys(units):
        run = (unit * (length // len(unit) + 1))[:length]
        for fail in FAILING:
            inputs.append(run + fail)
            if literals:
                inputs.append(run + fail + literals)
    return inputs


def _walk(items):
    for op, arg in items:
        yield op, arg
        if op in _REPEATS:
            yield from _walk(arg[2])
        elif op == sre_constants.SUBPATTERN:
            yield from _walk(arg[-1])
        elif op == sre_constants.BRANCH:
            for branch in arg[1]:
                yield from _walk(branch)


def slow_on_adversarial_input(pattern: str, seconds: float = PROBE_SECONDS) -> str | None:
    """A description of the input on which `pattern` takes longer than `seconds`, or None."""
    compiled = compile_pattern(pattern)
    for text in adversarial_inputs(pattern):
        try:
            compiled.search(text, timeout=seconds)
        except TimeoutError:
            return (f"matching takes more than {seconds} s on an input of {len(text)} characters "
                    f"({text[:6]!r}... ending {text[-6:]!r})")
    return None
