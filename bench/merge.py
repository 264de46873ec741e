"""Merge cost: `timeline.events.merge` on 10k, 100k and 1M synthetic mentions.

Merging looks a mention's cluster up by type, month and participant (events._Index), never
comparing every event with every other, so its time grows about linearly with the mentions. The
synthetic archive grows the way a real one does, in time: about 30 mentions a day, so 1M mentions
cover about 90 years; a third are second reports of an event already mentioned (same days, a
shared participant), some are week- and month-precise, a few name no one.

    python bench/merge.py                     # 10k, 100k, 1M
    python bench/merge.py --sizes 10000 100000
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timeline.events import merge  # noqa: E402
from timeline.mentions import Mention  # noqa: E402

TYPES = ("summit", "tariff", "parade")
PEOPLE = [f"Leader {n}" for n in range(400)]
COUNTRIES = [f"Country {n}" for n in range(150)]
PLACES = [f"City {n}" for n in range(300)]
PER_DAY = 30
EPOCH = dt.date(1950, 1, 1)


def synthetic_mentions(count: int, seed: int = 7) -> list[Mention]:
    rng = random.Random(seed)
    found: list[Mention] = []
    for number in range(count):
        if found and rng.random() < 0.33:  # a second report of a recent event
            other = found[-rng.randint(1, min(len(found), 200))]
            people = (other.people[0], rng.choice(PEOPLE)) if other.people else (rng.choice(PEOPLE),)
            found.append(Mention(
                type=other.type, rule=other.rule, rules_version="bench", status=other.status, label=other.label,
                trigger=other.trigger, article=f"a{number}", title="t", published=other.published
                + dt.timedelta(days=rng.randint(0, 3)), sentence=f"Sentence {number}.", sentence_begin=0,
                sentence_end=10, date_text="x", date_begin=0, date_end=1, start=other.start, end=other.end,
                granularity=other.granularity, people=people, countries=other.countries, groups=(),
                place=other.place, priority=1))
            continue
        day = EPOCH + dt.timedelta(days=number // PER_DAY)
        roll = rng.random()
        if roll < 0.08:  # month-precise
            start = day.replace(day=1)
            end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            granularity = "month"
        elif roll < 0.15:  # week-precise
            start = day - dt.timedelta(days=day.weekday())
            end, granularity = start + dt.timedelta(days=6), "week"
        else:
            start = day
            end, granularity = start + dt.timedelta(days=rng.choice((0, 0, 0, 1, 2, 3))), "day"
        anonymous = rng.random() < 0.05
        event_type = rng.choice(TYPES)
        found.append(Mention(
            type=event_type, rule=f"{event_type}.r", rules_version="bench", status="held", label=f"Event {number}",
            trigger="met", article=f"a{number}", title="t", published=start, sentence=f"Sentence {number}.",
            sentence_begin=0, sentence_end=10, date_text="x", date_begin=0, date_end=1, start=start, end=end,
            granularity=granularity, people=() if anonymous else tuple(rng.sample(PEOPLE, 2)),
            countries=tuple(rng.sample(COUNTRIES, 2)), groups=(), place=rng.choice(PLACES + [None] * 100),
            priority=1))
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores (nproc), load average {os.getloadavg()[0]:.2f}; one core used")
    print("  mentions      events   seconds   cpu s   us/mention (cpu)")
    first = None
    for size in args.sizes:
        found = synthetic_mentions(size)
        gc.collect()
        gc.disable()  # collector passes over a million live objects would be measured, not merging
        began, cpu = time.perf_counter(), time.process_time()
        events, _ = merge(found)
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        gc.enable()
        per = cpu / size * 1e6
        first = first or per
        print(f"  {size:9,d}  {len(events):10,d}  {seconds:8.2f}  {cpu:6.2f}  {per:8.1f}  "
              f"({per / first:.2f}x the cost per mention of the smallest)")
        del found, events
    print("linear: the cost per mention stays about the same as the mentions grow 100-fold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
