"""`timeline rules diff`: what an edit of the rule files does to the timeline.

Two rule sets each build the timeline of a corpus: an old folder (`--against OLD_DIR`, any folder,
in or out of git) or, without it, the rule files committed in git (REV:rules/); and the folder
edited. Events are paired across the two when they share a source sentence.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .articles import load_paths
from .events import Event, merge
from .mentions import Classifier
from .pipeline import classifier_for


class DiffError(RuntimeError):
    pass


def committed_rules(rules_dir: Path, rev: str, target: Path) -> Path:
    """Write the rule files as committed at `rev` into `target`."""
    if not rules_dir.is_dir():
        raise DiffError(f"{rules_dir}:1: no such rules folder")
    git_program = shutil.which("git")
    if git_program is None:
        raise DiffError(f"{rules_dir}: comparing with the committed rules needs git, which is not installed; "
                        "give the old rules with --against OLD_DIR")

    def git(*args, where=rules_dir) -> str:
        done = subprocess.run([git_program, "-C", str(where), *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise DiffError(f"{rules_dir}: git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
        return done.stdout

    inside = subprocess.run([git_program, "-C", str(rules_dir), "rev-parse", "--is-inside-work-tree"],
                            capture_output=True, text=True)
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        raise DiffError(f"{rules_dir} is not in a git checkout, so there are no committed rules to compare with; "
                        "give the old rules with --against OLD_DIR")
    top = git("rev-parse", "--show-toplevel").strip()
    prefix = git("rev-parse", "--show-prefix").strip()
    listing = git("ls-tree", "--name-only", rev, "--", prefix or ".", where=top)
    names = [n for n in listing.splitlines() if n.endswith(".yaml")]
    if not names:
        raise DiffError(f"{rules_dir}: no committed rule files at {rev}")
    for name in names:
        (target / Path(name).name).write_text(git("show", f"{rev}:{name}", where=top), encoding="utf-8")
    return target


def _events(classifier: Classifier, articles) -> list[Event]:
    mentions = [m for article in articles for m in classifier.mentions(article)]
    return merge(mentions)[0]


@dataclass(frozen=True)
class Change:
    kind: str  # appears | disappears | changes type | changes date | changes label | changes status
    before: Event | None
    after: Event | None

    def __str__(self) -> str:
        def show(e: Event) -> str:
            return f"{e.start}..{e.end} {e.type} {e.label!r} {e.status} ({e.sources[0].rule})"

        if self.kind == "appears":
            return f"+ appears:      {show(self.after)}"
        if self.kind == "disappears":
            return f"- disappears:   {show(self.before)}"
        return f"~ {self.kind + ':':13s} {show(self.before)} -> {show(self.after)}"


def diff_events(before: list[Event], after: list[Event]) -> list[Change]:
    def keys(event: Event) -> set:
        return {(s.article, s.sentence_begin) for s in event.sources}

    changes: list[Change] = []
    matched_after: set[int] = set()
    for old in before:
        partner = next((i for i, new in enumerate(after) if i not in matched_after and keys(old) & keys(new)
                        and new.type == old.type), None)
        if partner is None:
            partner = next((i for i, new in enumerate(after) if i not in matched_after and keys(old) & keys(new)), None)
        if partner is None:
            changes.append(Change("disappears", old, None))
            continue
        matched_after.add(partner)
        new = after[partner]
        if new.type != old.type:
            changes.append(Change("changes type", old, new))
        elif (new.start, new.end) != (old.start, old.end):
            changes.append(Change("changes date", old, new))
        elif new.label != old.label:
            changes.append(Change("changes label", old, new))
        elif new.status != old.status:
            changes.append(Change("changes status", old, new))
    changes += [Change("appears", None, new) for i, new in enumerate(after) if i not in matched_after]
    return changes


def rules_diff(rules_dir, corpus, rev: str = "HEAD", against=None) -> list[Change]:
    """The changes from the old rules (the folder `against`, else those committed at `rev`) to
    `rules_dir`'s, over the articles of `corpus`."""
    rules_dir = Path(rules_dir)
    articles, _ = load_paths([corpus])
    if against is not None:
        before = _events(classifier_for(Path(against)), articles)
    else:
        with tempfile.TemporaryDirectory(prefix="rules-") as tmp:
            old = classifier_for(committed_rules(rules_dir, rev, Path(tmp)))
            before = _events(old, articles)
    after = _events(classifier_for(rules_dir), articles)
    return diff_events(before, after)
