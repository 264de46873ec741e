"""A synthetic archive for the benchmarks, made from the shipped corpus and the TempEval-3 training
documents (read where they lie, never copied into the repository; see bench/README.md).

The first copy of every document keeps its own publication date (a TempEval-3 document its
creation time); copy k is published k * 28 days later (same weekday, so "on Friday" still makes
sense) and ends with a line naming the copy, so its text, and so its id, differ. Articles are
written as front-matter files, one per article, so that loading is measured too.
"""
from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parent.parent
DEFAULT_TEMPEVAL = REPO.parent / "shared" / "tempeval3"
sys.path.insert(0, str(REPO / "bench"))


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    source: str
    published: dt.date
    body: str


def sources(tempeval_dir=DEFAULT_TEMPEVAL, corpus_dir=REPO / "corpus") -> list[Source]:
    from tempeval import load_documents

    from timeline.articles import load_paths

    found = [Source(a.id, a.title, a.source, a.published, a.body) for a in load_paths([corpus_dir])[0]]
    for doc in load_documents(tempeval_dir):
        found.append(Source(doc.doc_id, doc.doc_id, "TempEval-3", doc.dct, doc.text))
    return found


def tempeval_sources(tempeval_dir=DEFAULT_TEMPEVAL) -> list[Source]:
    return [s for s in sources(tempeval_dir) if s.source == "TempEval-3"]


def synthetic(count: int, base: list[Source]) -> Iterator[Source]:
    for number in range(count):
        original = base[number % len(base)]
        copy = number // len(base)
        if copy == 0:
            yield original
            continue
        yield Source(f"{original.name}-copy{copy}", original.title, original.source,
                     original.published + dt.timedelta(days=28 * copy),
                     original.body.rstrip("\n") + f"\n\n(Archive copy {copy}.)\n")


def article_text(item: Source) -> str:
    title = item.title.replace("\n", " ").replace('"', "'")
    return (f'---\ntitle: "{title}"\nsource: {item.source}\npublished: {item.published.isoformat()}\n---\n'
            f"{item.body}")


def write_archive(folder: Path, count: int, base: list[Source]) -> Path:
    """Write `count` articles into `folder` (kept between runs when it already holds them)."""
    folder = Path(folder)
    marker = folder / f".complete-{count}"
    if marker.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    for number, item in enumerate(synthetic(count, base)):
        (folder / f"{number:07d}-{item.name}.txt").write_text(article_text(item), encoding="utf-8")
    marker.touch()
    return folder
