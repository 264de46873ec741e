"""Rules that a running server picks up without a restart.

`LiveRules.get()` returns the classifier of the current rule files. It looks at the files at most
every `check_every` seconds (a cheap hash of names, sizes and mtimes first, the full load only
when that changes); a broken change is refused and logged, and the last good rules stay in use.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from pathlib import Path

from .mentions import Classifier
from .pipeline import classifier_for
from .rulebook import DEFAULT_RULES_DIR, RuleFileError, RulebookInvalid, rule_files

log = logging.getLogger("timeline.rules")


def _stamp(folder: Path) -> tuple:
    """Names, sizes and times of the rule files (-1 for one that cannot be looked at: a dangling link)."""
    found = []
    for path in rule_files(folder):
        try:
            info = path.stat()
            found.append((path.name, info.st_size, info.st_mtime_ns))
        except OSError:
            found.append((path.name, -1, -1))
    return tuple(found)


class LiveRules:
    def __init__(self, directory=None, check_every: float = 2.0):
        self.directory = Path(directory) if directory else DEFAULT_RULES_DIR
        self.check_every = check_every
        self._lock = threading.Lock()
        self._classifier: Classifier = classifier_for(self.directory)  # the first load must succeed
        self._stamp = _stamp(self.directory)
        self._checked = time.monotonic()
        self.loaded_at = dt.datetime.now(dt.timezone.utc)
        self.last_errors: list[RuleFileError] = []

    def get(self) -> Classifier:
        if time.monotonic() - self._checked >= self.check_every:
            self.reload()
        return self._classifier

    def reload(self, force: bool = False) -> bool:
        """Load the files again if they changed; True when a new rule set is now in use."""
        with self._lock:
            self._checked = time.monotonic()
            stamp = _stamp(self.directory)
            if stamp == self._stamp and not force:
                return False
            self._stamp = stamp
            try:
                classifier = classifier_for(self.directory)
            except RulebookInvalid as exc:
                self.last_errors = exc.errors
                for error in exc.errors:
                    log.error("rule files refused, keeping version %s: %s", self._classifier.rules_version, error)
                return False
            self.last_errors = []
            if classifier is self._classifier:
                return False
            self._classifier = classifier
            self.loaded_at = dt.datetime.now(dt.timezone.utc)
            log.info("rule files version %s loaded", classifier.rules_version)
            return True

    @property
    def version(self) -> str:
        return self._classifier.rules_version
