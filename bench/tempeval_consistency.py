"""How consistently the TempEval-3 training data annotates the same wording: a ceiling.

Groups the gold TIMEX3 by their wording (lower case; weekdays, month names and numbers replaced by
placeholders, so "last week", "Friday night" or "May 5" are one wording each) and, within a wording,
by the shape of the gold value (digits replaced by 9: "1998-W33", "P1W", "1998-WXX" are three
shapes). A tagger that reads one wording one way can match at most the most common shape of each
wording; every other annotation is a value it must get wrong whatever it does, unless it tells the
documents apart by something other than the text. The figure is a lower bound of such errors:
values of the same shape can still disagree (which quarter "a year ago" is, documents whose
creation date disagrees with their own weekdays).

    python bench/tempeval_consistency.py [--data DIR] [--top N]
"""
from __future__ import annotations

import argparse
import collections
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tempeval  # noqa: E402  (the benchmark's own TimeML reader)

WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b")
MONTH = re.compile(r"\b(?:january|february|march|april|may|june|july|august|september|october|november"
                   r"|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b\.?")


def wording(text: str) -> str:
    t = MONTH.sub("MONTH", WEEKDAY.sub("WEEKDAY", text.lower()))
    t = re.sub(r"\b\d{4}\b", "YYYY", t)
    return re.sub(r"\d+", "N", t)


def shape(value: str) -> str:
    return re.sub(r"\d", "9", value)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=tempeval.DEFAULT_DATA)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    docs = tempeval.load_documents(args.data)
    shapes: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for doc in docs:
        for gold in doc.gold:
            shapes[wording(doc.text[gold.begin:gold.end])][shape(gold.value)] += 1
    total = sum(sum(c.values()) for c in shapes.values())
    split = sorted(((sum(c.values()) - c.most_common(1)[0][1], w, c) for w, c in shapes.items()),
                   key=lambda row: -row[0])
    minority = sum(row[0] for row in split)
    print(f"{len(docs)} documents, {total} gold TIMEX3, {len(shapes)} wordings")
    print(f"annotated against the most common shape of their own wording: {minority} "
          f"({100 * minority / total:.1f}%): value accuracy at most {100 * (total - minority) / total:.1f}%")
    for n, w, c in split[:args.top]:
        if n:
            print(f"  {n:3d}  {w!r}: " + ", ".join(f"{s} x{k}" for s, k in c.most_common()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
