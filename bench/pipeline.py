"""Pipeline throughput, end to end, against the date finding a user would otherwise run.

Ours: a synthetic archive (bench/archive.py; 10,000 articles by default) streamed from its files
into a fresh store in one process on one core: loading, tagging, rules, merging and storing
(`Store.ingest_many`, one transaction per batch). Memory (the process's resident size) is sampled
as the archive grows: it stays flat because nothing holds the archive.

The peer: `dateparser.search_dates` over the same article bodies, anchored at each article's
publication date, in the same run (only its calls are timed).

Then CLI start-up, whole processes side by side in the same run: `timeline extract DIR --format
json` on the shipped corpus (7 articles) and on the 256 TempEval-3 training documents, against a
fresh Python process running the peer over the same bodies (interpreter start, imports and loading
included on both sides; the median of --repeats runs).

    python bench/pipeline.py                          # 10,000 articles, the peer on all of them
    python bench/pipeline.py --peer-every 10          # the peer on every 10th article only (faster)
    python bench/pipeline.py --startup-only           # only the CLI start-up comparison
    python bench/pipeline.py --articles 20000 --no-extract
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from archive import DEFAULT_TEMPEVAL, REPO, Source, article_text, sources, tempeval_sources, write_archive

sys.path.insert(0, str(REPO))


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run_ours(folder: Path, database: str, batch: int, every: int) -> dict:
    from timeline.articles import iter_articles
    from timeline.pipeline import classifier_for
    from timeline.store import Store

    started = time.perf_counter()
    classifier = classifier_for(None)
    store = Store(database)
    store.create_schema()
    ready = time.perf_counter()
    samples = []

    def counted(items):
        for number, item in enumerate(items, 1):
            yield item
            if number % every == 0:
                samples.append((number, time.perf_counter() - ready, rss_mb()))

    cpu = time.process_time()
    report = store.ingest_many(counted(iter_articles([folder])), classifier, batch_size=batch)
    elapsed = time.perf_counter() - ready
    cpu = time.process_time() - cpu
    stats = store.stats()
    store.close()
    return {"startup": ready - started, "seconds": elapsed, "cpu": cpu, "added": report.added,
            "duplicates": report.duplicates, "errors": len(report.errors), "events": stats["events"],
            "samples": samples}


def peer_runner():
    from dateparser.search import search_dates

    def run(text: str, published: dt.date) -> int:
        settings = {"RELATIVE_BASE": dt.datetime(published.year, published.month, published.day),
                    "PREFER_DATES_FROM": "current_period", "RETURN_AS_TIMEZONE_AWARE": False}
        return len(search_dates(text, languages=["en"], settings=settings) or [])
    return run


def run_peer(items) -> dict:
    run = peer_runner()
    run("It started on Wednesday, May 7.", dt.date(2025, 5, 8))  # warm-up, untimed: lazy loading
    count = dates = 0
    seconds = cpu = 0.0
    for body, published in items:
        began, began_cpu = time.perf_counter(), time.process_time()
        dates += run(body, published)
        seconds += time.perf_counter() - began
        cpu += time.process_time() - began_cpu
        count += 1
    return {"articles": count, "dates": dates, "seconds": seconds, "cpu": cpu}


# The peer as a whole process: a fresh interpreter reads the bodies and their dates (a JSON file
# the benchmark writes first, cheaper to read than article files) and runs dateparser over each.
PEER_PROCESS = """
import datetime as dt, json, sys
from dateparser.search import search_dates
for body, published in json.load(open(sys.argv[1], encoding="utf-8")):
    day = dt.date.fromisoformat(published)
    settings = {"RELATIVE_BASE": dt.datetime(day.year, day.month, day.day),
                "PREFER_DATES_FROM": "current_period", "RETURN_AS_TIMEZONE_AWARE": False}
    search_dates(body, languages=["en"], settings=settings)
"""


def whole_process(command: list[str], cwd: str, cache: Path | None = None) -> float:
    """Seconds of one run; with `cache`, in a fresh cache directory of its own (a first run)."""
    env = {**os.environ, "TIMELINE_CACHE_DIR": str(cache)} if cache else None
    began = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=cwd, env=env)
    return time.perf_counter() - began


def run_startup(tempeval_dir: Path, repeats: int) -> list[dict]:
    """`timeline extract DIR --format json` against the peer's process on the same bodies, both as a
    whole process (interpreter start, imports, loading, work, output), on the shipped corpus and on
    the 256 TempEval-3 training documents (written as article files first), taking turns, the median
    of `repeats` runs each. Ours after one untimed run: the user cache (timeline/cachefiles.py) is
    then as an editor's second run finds it; the first run's cost is printed too."""
    import compileall

    from timeline.articles import load_paths

    # byte-compiled first, as `pip install` leaves a package (and the peer's dateparser is): with
    # PYTHONDONTWRITEBYTECODE set and an editable install, every run would compile our sources again
    for package in ("timeline", "api"):
        compileall.compile_dir(str(REPO / package), quiet=1)
    binary = str(Path(sys.executable).parent / "timeline")
    corpus = [Source(a.id, a.title, a.source, a.published, a.body) for a in load_paths([REPO / "corpus"])[0]]
    sets = [("corpus/ (7 articles)", corpus, REPO / "corpus"),
            ("TempEval-3 training documents", tempeval_sources(tempeval_dir), None)]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for number, (name, docs, folder) in enumerate(sets):
            if folder is None:
                folder = Path(tmp) / f"articles{number}"
                folder.mkdir()
                for doc in docs:
                    (folder / f"{doc.name}.txt").write_text(article_text(doc), encoding="utf-8")
            bodies = Path(tmp) / f"bodies{number}.json"
            bodies.write_text(json.dumps([[d.body, d.published.isoformat()] for d in docs]), encoding="utf-8")
            ours, peer = [], []
            cold = whole_process([binary, "extract", str(folder), "--format", "json"], tmp, cache=Path(tmp) / "cold")
            for _ in range(repeats):
                ours.append(whole_process([binary, "extract", str(folder), "--format", "json"], tmp))
                peer.append(whole_process([sys.executable, "-c", PEER_PROCESS, str(bodies)], tmp))
            results.append({"name": name, "documents": len(docs), "ours": ours, "peer": peer, "cold": cold})
    return results


def print_startup(results: list[dict]) -> None:
    goals = [3, 10]  # issue 17: 3x the peer on the corpus, 10x on the 256 TempEval-3 documents
    print("\n`timeline extract DIR --format json` against the peer (dateparser.search_dates over the same "
          "bodies), each a whole process:")
    for result, goal in zip(results, goals):
        ours, peer = statistics.median(result["ours"]), statistics.median(result["peer"])
        print(f"  {result['name']} ({result['documents']} documents): ours {ours:.2f} s "
              f"({', '.join(f'{t:.2f}' for t in result['ours'])}), peer {peer:.2f} s "
              f"({', '.join(f'{t:.2f}' for t in result['peer'])}): {peer / ours:.1f}x "
              f"(goal: {goal}x) {'MET' if peer >= goal * ours else 'NOT MET'}")
        print(f"    ours' first run, with an empty cache: {result['cold']:.2f} s")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--data", type=Path, default=DEFAULT_TEMPEVAL, help="TempEval-3 training data")
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "timeline-bench-archive",
                        help="where the synthetic archive is written (kept between runs)")
    parser.add_argument("--batch", type=int, default=200, help="articles per store transaction")
    parser.add_argument("--peer-every", type=int, default=1, metavar="K", help="the peer on every K-th article")
    parser.add_argument("--no-extract", action="store_true", help="skip the `timeline extract` start-up comparison")
    parser.add_argument("--startup-only", action="store_true", help="only the `timeline extract` start-up comparison")
    parser.add_argument("--repeats", type=int, default=5, help="whole-process runs of each side (the median counts)")
    args = parser.parse_args(argv)

    print(f"machine: {os.cpu_count()} cores (nproc), load average {os.getloadavg()[0]:.2f}")
    if args.startup_only:
        print_startup(run_startup(args.data, args.repeats))
        return 0
    base = sources(args.data)
    folder = write_archive(args.folder / str(args.articles), args.articles, base)
    print(f"archive: {args.articles} articles from {len(base)} documents (corpus + TempEval-3 training) in {folder}")

    with tempfile.TemporaryDirectory() as tmp:
        ours = run_ours(folder, f"sqlite:///{Path(tmp) / 'bench.sqlite'}", args.batch, max(args.articles // 10, 1))
    rate = ours["added"] / ours["seconds"]
    print(f"\nours, one process (one core): {ours['added']} articles stored ({ours['duplicates']} duplicates, "
          f"{ours['errors']} refused), {ours['events']} events, in {ours['seconds']:.1f} s "
          f"(cpu {ours['cpu']:.1f} s; start-up {ours['startup']:.2f} s not counted)")
    print(f"  {rate:,.0f} articles/s per core")
    print("  articles   seconds   articles/s   RSS MB")
    for number, seconds, rss in ours["samples"]:
        print(f"  {number:8d}  {seconds:8.1f}  {number / seconds:11,.0f}  {rss:7.1f}")
    if ours["samples"]:
        first, last = ours["samples"][0][2], ours["samples"][-1][2]
        print(f"  memory: {first:.0f} MB after {ours['samples'][0][0]} articles, {last:.0f} MB after "
              f"{ours['samples'][-1][0]} ({last - first:+.0f} MB)")

    from timeline.articles import iter_articles

    stream = ((a.body, a.published) for n, a in enumerate(iter_articles([folder]))
              if n % args.peer_every == 0 and hasattr(a, "body"))
    peer = run_peer(stream)
    peer_rate = peer["articles"] / peer["seconds"]
    print(f"\npeer, dateparser.search_dates: {peer['articles']} articles, {peer['dates']} dates in "
          f"{peer['seconds']:.1f} s (cpu {peer['cpu']:.1f} s): {peer_rate:,.1f} articles/s (one core)")
    print(f"\nthroughput: ours {rate:,.0f} vs peer {peer_rate:,.1f} articles/s per core: {rate / peer_rate:.1f}x "
          f"(goal: 10x) {'MET' if rate >= 10 * peer_rate else 'NOT MET'}")
    cpu_rate, peer_cpu_rate = ours["added"] / ours["cpu"], peer["articles"] / peer["cpu"]
    print(f"by CPU seconds (less sensitive to other work on the machine): ours {cpu_rate:,.0f} vs peer "
          f"{peer_cpu_rate:,.1f} articles per CPU second: {cpu_rate / peer_cpu_rate:.1f}x")

    if not args.no_extract:
        print_startup(run_startup(args.data, args.repeats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
