"""The editors' rule files (rules/*.yaml): the model, and loading them (reading and validating them
with file:line errors is timeline/rule_loading.py's; a fresh process takes an unchanged folder's
rulebook from the user's cache).

Every `<type>.yaml` holds the rules of one event type; `actors.yaml` and `language.yaml` hold the
word lists they share. The whole folder has a version: the hash of its files' bytes.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import cachefiles

SHARED_FILES = ("actors.yaml", "language.yaml")
DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
INVOLVING_KINDS = ("leaders", "officials", "people", "countries", "groups", "actors")
MAX_RULES_PER_TYPE = 100  # the engine hangs on very large rulesets (DURABLE_RULES.md)


@dataclass(frozen=True)
class RuleFileError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class RulebookInvalid(ValueError):
    def __init__(self, errors: list[RuleFileError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


# ---------------------------------------------------------------- the model

@dataclass(frozen=True)
class Rule:
    id: str
    type: str
    description: str
    triggers: tuple[str, ...]
    trigger_patterns: tuple[str, ...]
    required: tuple[str, ...]
    forbidden: tuple[str, ...]
    involving: dict
    involving_scope: str
    needs_date: bool
    date_within: int
    refuse_hedged: bool
    refuse_domestic: bool
    priority: int
    split: str  # "dates": each date in reach of a trigger is its own event ("some on April 15, others on May 15")
    announcements: bool  # a statement's date counts when it announces the move ("announced Monday a 25% tariff")
    kind: str  # events of two kinds never merge (a visit and a meeting during it)
    labels: tuple[str, ...]
    examples_match: tuple[str, ...]
    examples_no_match: tuple[str, ...]
    file: str
    line: int
    label_lines: tuple[int, ...] = ()  # the line of each label template, of each example below
    match_lines: tuple[int, ...] = ()
    no_match_lines: tuple[int, ...] = ()


@dataclass(frozen=True)
class EventType:
    name: str
    file: str
    rules: tuple[Rule, ...]
    status: tuple[tuple[str, tuple[str, ...]], ...]
    examples_published: dt.date
    default_status: str = "reported"
    future_status: str = "announced"
    distinct_statuses: tuple[str, ...] = ()  # moves of their own: a mention with one merges only with its like
    distinct_actors: bool = False  # moves of two acting countries (a tariff and the other side's answer) never merge


@dataclass(frozen=True)
class Person:
    name: str
    aliases: tuple[str, ...]
    country: str | None
    role: str


@dataclass
class Lexicon:
    people: list[Person]
    titles: dict[str, list[str]]
    countries: dict[str, list[str]]
    groups: list[str]
    places: list[str]
    ignore: list[str]
    reporting_verbs: list[str]
    negations: list[str]
    hedges: list[str]
    continuations: list[str]
    anaphors: list[str]
    irregular_verbs: dict[str, list[str]]
    announcing: list[str] = field(default_factory=list)
    not_titles: list[str] = field(default_factory=list)
    not_name_words: list[str] = field(default_factory=list)
    same_day: list[str] = field(default_factory=list)


@dataclass
class Rulebook:
    directory: str
    version: str
    types: tuple[EventType, ...]
    lexicon: Lexicon

    @property
    def rules(self) -> list[Rule]:
        return [rule for event_type in self.types for rule in event_type.rules]


# ---------------------------------------------------------------- loading

def rule_files(folder: Path) -> list[Path]:
    """The folder's `*.yaml` files, without hidden ones: editors' lock files ('.#summit.yaml', a
    dangling link while Emacs edits summit.yaml) and backups are not rules."""
    return sorted(p for p in folder.glob("*.yaml") if not p.name.startswith("."))


def load_rulebook(directory: str | Path | None = None) -> Rulebook:
    """Read and validate the rule folder; raises RulebookInvalid listing every mistake as file:line."""
    folder = Path(directory) if directory else DEFAULT_RULES_DIR
    if not folder.is_dir():
        raise RulebookInvalid([RuleFileError(str(folder), 1, "no such rules folder")])
    digest = hashlib.sha256()
    for path in rule_files(folder):
        try:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        except OSError:  # a folder named x.yaml, a dangling link: reported when it is read
            digest.update(path.name.encode() + b"\0unreadable\0")
    # a fresh process takes the validated rulebook from the user's cache when the same files were
    # read by the same code before (timeline/cachefiles.py); an invalid one is never cached
    here = Path(__file__).resolve().parent
    code = cachefiles.source_of(*(here / name for name in LOADER_SOURCES))
    key = cachefiles.key(str(folder), digest.hexdigest(), code,
                         *(cachefiles.library(name) for name in ("marshmallow", "yaml", "regex")))
    return cachefiles.pickled("rulebook", key, lambda: _build(folder, digest.hexdigest()[:12]))


# the modules whose code decides what load_rulebook returns (part of its cache key)
LOADER_SOURCES = ("rulebook.py", "rule_loading.py", "patterns.py", "labels.py", "wordlists.py", "yaml_errors.py",
                  "cachefiles.py")


def _build(folder: Path, version: str) -> Rulebook:
    from .rule_loading import build_rulebook

    return build_rulebook(folder, version)
