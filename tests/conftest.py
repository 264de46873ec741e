import os
import sys
import tempfile
from pathlib import Path

import pytest

# The start-up caches (timeline/cachefiles.py) of a test session live in a folder of its own: the
# many rule folders and grammars the tests write would otherwise fill the user's cache.
os.environ.setdefault("TIMELINE_CACHE_DIR", tempfile.mkdtemp(prefix="timeline-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
RULES = ROOT / "rules"
BIN = Path(sys.executable).parent / "timeline"


@pytest.fixture(scope="session")
def classifier():
    from timeline.pipeline import classifier_for

    return classifier_for(RULES)


@pytest.fixture(scope="session")
def seed_timeline():
    from timeline.pipeline import timeline_from_paths

    return timeline_from_paths([CORPUS], RULES)


def write_article(folder: Path, name: str, published="2025-05-08", body="Xi's trip started Wednesday.", extra=""):
    lines = ["---", "title: Test", "source: Test wire"]
    if published is not None:
        lines.append(f"published: {published}")
    text = "\n".join(lines) + ("\n" + extra if extra else "") + "\n---\n" + body + "\n"
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
