"""The API under load: `GET /timeline` on a store of 1,000,000 events, and `POST /articles` from
10 concurrent writers, against a real `timeline serve` on loopback.

1. Fill a SQLite store (kept between runs): the shipped corpus through the normal first start,
   then synthetic one-day events built through the real code: mentions (3 per synthetic article,
   about 100 a day from 1999 on) merged by `timeline.events.merge` and written with the store's
   own row builders, in the served generation and under the current rules version (so the server
   does not classify anything again when it starts).
2. Reads: 50 concurrent clients for 30 s, each request one event type and a one-month window
   (random type and month): wrk (Debian's `wrk` package) when installed, else the Python load
   generator below. Requests per second, p50/p99 latency, errors.
3. Writes: 10 concurrent writers POST distinct articles (wire copies of the test news, dated in
   the synthetic archive's range) for 30 s; then every answer is checked against the store: no
   article lost, none stored twice, no "database is locked" (nor any 5xx) reaching a client.

    python bench/api_load.py                              # 1,000,000 events, wrk if installed
    python bench/api_load.py --events 100000 --seconds 10 --python-client
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TYPES = ("summit", "tariff", "parade")
FIRST_DAY = dt.date(1999, 1, 1)
PER_DAY = 100  # events a day in the synthetic archive
TOKEN = "bench-token"


# --- 1. the store -----------------------------------------------------------------------------

def synthetic_mentions(article_number: int, day: dt.date, rules_version: str, rng: random.Random):
    from timeline.mentions import Mention

    article = f"synthetic-{article_number:07d}"
    found = []
    for slot in range(3):
        event_type = TYPES[(article_number + slot) % 3]
        people = tuple(rng.sample(PEOPLE, 2))
        found.append(Mention(
            type=event_type, rule=f"{event_type}.synthetic", rules_version=rules_version, status="held",
            label=f"{people[0]} and {people[1]} {event_type} #{article_number}-{slot}", trigger="met",
            article=article, title=f"Synthetic report {article_number}", published=day,
            sentence=f"{people[0]} and {people[1]} met on that day ({article_number}-{slot}).",
            sentence_begin=slot * 80, sentence_end=slot * 80 + 60, date_text="that day", date_begin=slot * 80 + 40,
            date_end=slot * 80 + 48, start=day, end=day, granularity="day", people=people,
            countries=(), groups=(), place=rng.choice(PLACES), priority=1))
    return article, found


PEOPLE = [f"Leader{n} Name{n}" for n in range(2000)]
PLACES = [f"City{n}" for n in range(500)]


def fill(url: str, count: int, rules_dir: Path) -> dict:
    from sqlalchemy import insert

    from timeline import store as store_module
    from timeline.events import merge
    from timeline.pipeline import classifier_for
    from timeline.store import Store, mention_row, text_hash

    classifier = classifier_for(rules_dir)
    store = Store(url)
    store.create_schema()
    store.load_corpus_once([REPO / "corpus"], classifier)
    with store.reading() as conn:
        done = store._get_meta(conn, "bench_events")
    if done == str(count):
        with store.writing() as conn:
            # The synthetic events come from no article text, so classifying the archive again would
            # drop them: when the analysis code changed since the fill, the store is declared current.
            store._set_meta(conn, "analysis_version", classifier.version)
            store._set_meta(conn, "rules_version", classifier.rules_version)
        store.close()
        return {"filled": False}
    if done is not None:
        raise SystemExit(f"{url} holds another synthetic archive ({done} events): remove it first")
    rng = random.Random(11)
    began = time.perf_counter()
    articles_per_day = PER_DAY // 3
    total = 0
    number = 0
    now = dt.datetime.now(dt.timezone.utc)
    day = FIRST_DAY
    while total < count:
        article_rows, mention_rows, found = [], [], []
        for _ in range(30):  # a month of days per transaction
            for _ in range(articles_per_day):
                article, mentions = synthetic_mentions(number, day, classifier.rules_version, rng)
                body = " ".join(m.sentence for m in mentions)
                article_rows.append({"id": article, "url": f"https://example.org/synthetic/{number}",
                                     "text_hash": text_hash(body), "title": f"Synthetic report {number}",
                                     "source": "Synthetic wire", "published": day, "language": "en", "body": body,
                                     "ingested_at": now})
                found += mentions
                number += 1
            day += dt.timedelta(days=1)
        merged, _ = merge(found)
        merged = merged[:count - total]
        with store.writing() as conn:
            generation = store._served(conn)
            mention_rows = [mention_row(generation, m) for m in found]
            for chunk in range(0, len(article_rows), 2000):
                conn.execute(insert(store_module.articles), article_rows[chunk:chunk + 2000])
            for chunk in range(0, len(mention_rows), 2000):
                conn.execute(insert(store_module.mentions), mention_rows[chunk:chunk + 2000])
            store._insert_events(conn, generation, merged, classifier.rules_version)
        total += len(merged)
        if number % 30000 < articles_per_day * 30:
            print(f"\r  filling: {total:,} events ({time.perf_counter() - began:.0f} s)", end="", file=sys.stderr)
    with store.writing() as conn:
        store._set_meta(conn, "bench_events", str(count))
        store._bump_revision(conn)
    print(file=sys.stderr)
    stats = store.stats()
    store.close()
    return {"filled": True, "seconds": time.perf_counter() - began, "events": stats["events"],
            "last_day": day.isoformat()}


# --- 2. the server --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, url: str, workers: int | None, threads: int, rules_dir: Path, connection_limit: int = 200):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # the per-client write limit off: every writer here comes from one address, and the run measures the store
        self.env = {**os.environ, "TIMELINE_DATABASE_URL": url, "TIMELINE_API_TOKEN": TOKEN,
                    "TIMELINE_CORPUS_DIR": str(REPO / "corpus"), "TIMELINE_RULES_DIR": str(rules_dir),
                    "TIMELINE_WRITE_RATE": "off"}
        self.threads = threads
        self.workers = workers
        self.connection_limit = connection_limit

    def __enter__(self):
        binary = Path(sys.executable).parent / "timeline"
        self.log = tempfile.TemporaryFile()
        workers = ["--workers", str(self.workers)] if self.workers else []
        self.process = subprocess.Popen([str(binary), "serve", "--port", str(self.port), *workers, "--threads",
                                         str(self.threads), "--connection-limit", str(self.connection_limit)],
                                        env=self.env, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 300
        while True:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=5) as answer:
                    self.health = json.load(answer)
                    return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.log.seek(0)
                    raise SystemExit("the server did not start:\n" + self.log.read().decode()[-2000:])
                time.sleep(0.3)

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.seek(0)
        self.errors = [line for line in self.log.read().decode(errors="replace").splitlines()
                       if "locked" in line or "Traceback" in line]
        self.log.close()


def month_paths(last_year: int, rng: random.Random, count: int = 2000) -> list[str]:
    paths = []
    for _ in range(count):
        year, month = rng.randint(FIRST_DAY.year, last_year), rng.randint(1, 12)
        end = (dt.date(year, month, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        paths.append(f"/timeline?type={rng.choice(TYPES)}&from={year:04d}-{month:02d}-01&to={end.isoformat()}")
    return paths


# --- load generators ------------------------------------------------------------------------

WRK_SCRIPT = """
paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def run_wrk(base: str, paths: list[str], clients: int, seconds: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        listing = Path(folder) / "paths.txt"
        listing.write_text("\n".join(paths) + "\n")
        script = Path(folder) / "paths.lua"
        script.write_text(WRK_SCRIPT % listing)
        out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--latency", "--timeout", "10s",
                              "-s", str(script), base], capture_output=True, text=True, check=True).stdout

    def number(pattern, default=0.0):
        found = re.search(pattern, out)
        return found.group(1) if found else default

    def ms(text):
        value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = int(number(r"Non-2xx or 3xx responses: (\d+)", 0))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    return {"tool": "wrk", "requests": int(number(r"(\d+) requests in")), "rps": float(number(r"Requests/sec:\s+([\d.]+)")),
            "p50": ms(number(r"50%\s+([\d.]+\w+)", "0ms")), "p99": ms(number(r"99%\s+([\d.]+\w+)", "0ms")),
            "errors": errors, "raw": out}


async def _client(host: str, port: int, make_request, until: float, latencies: list, answers: list,
                  interval: float | None = None):
    """One client on one keep-alive connection: the next request as soon as an answer is in, or, with
    `interval`, on a schedule (latency then counts from the scheduled time, so a slow answer that
    delays the next request is not hidden)."""
    reader, writer = await asyncio.open_connection(host, port)
    scheduled = time.perf_counter() + (random.random() * interval if interval else 0.0)
    try:
        while time.perf_counter() < until:
            request, tag = make_request()
            if interval:
                await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
                began = scheduled
                scheduled += interval
            else:
                began = time.perf_counter()
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
            body = await reader.readexactly(length)
            latencies.append(time.perf_counter() - began)
            answers.append((tag, status, body))
            if re.search(rb"(?i)connection:\s*close", head):
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()


def run_python(base: str, make_request, clients: int, seconds: int, rate: float | None = None) -> tuple[dict, list]:
    host, port = base.split("//")[1].split(":")
    latencies: list[float] = []
    answers: list = []

    async def main():
        until = time.perf_counter() + seconds
        await asyncio.gather(*(_client(host, int(port), make_request, until, latencies, answers,
                                       1 / rate if rate else None) for _ in range(clients)))

    began = time.perf_counter()
    asyncio.run(main())
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies)
    pick = (lambda q: ordered[min(int(q * len(ordered)), len(ordered) - 1)] * 1000) if ordered else (lambda q: 0.0)
    errors = sum(1 for _, status, _ in answers if status >= 400)
    return ({"tool": "python" + (f", {rate:g} requests/s per client" if rate else ""), "requests": len(latencies), "rps": len(latencies) / elapsed, "p50": pick(0.50),
             "p99": pick(0.99), "errors": errors}, answers)


def get_request(paths: list[str], host: str):
    state = {"n": 0}

    def make():
        state["n"] += 1
        path = paths[state["n"] % len(paths)]
        return (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n\r\n").encode(), path
    return make


def post_request(host: str, run_id: str, last_year: int):
    from timeline.articles import load_paths

    news = load_paths([REPO / "tests" / "data" / "news"])[0]
    rng = random.Random(5)
    state = {"n": 0}

    def make():
        state["n"] += 1
        number = state["n"]
        original = news[number % len(news)]
        published = dt.date(rng.randint(FIRST_DAY.year, last_year), rng.randint(1, 12), rng.randint(1, 28))
        body = json.dumps({"title": f"{original.title} (wire copy {run_id}-{number})", "source": "Bench wire",
                           "published": published.isoformat(), "url": f"https://example.org/bench/{run_id}/{number}",
                           "text": original.body + f"\n\nWire copy {run_id}-{number}."}).encode()
        return (f"POST /articles HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {TOKEN}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body, number
    return make


def count_articles(url: str, run_id: str) -> tuple[int, int]:
    from sqlalchemy import func, select

    from timeline.store import Store, articles

    store = Store(url)
    with store.reading() as conn:
        rows = conn.execute(select(articles.c.url, func.count()).where(
            articles.c.url.like(f"https://example.org/bench/{run_id}/%")).group_by(articles.c.url)).all()
    store.close()
    return len(rows), sum(n for _, n in rows)


def report(name: str, result: dict) -> None:
    print(f"{name}: {result['requests']:,} requests in the run, {result['rps']:,.0f} requests/s, "
          f"p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms, errors {result['errors']} ({result['tool']})")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--database", type=Path, default=Path(tempfile.gettempdir()) / "timeline-bench-api.sqlite")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--workers", type=int, default=None,
                        help="server processes (timeline serve --workers; default: its own, one per core)")
    parser.add_argument("--threads", type=int, default=4, help="threads per server process (timeline serve --threads)")
    parser.add_argument("--connection-limit", type=int, default=100,
                        help="open connections per server process (timeline serve --connection-limit)")
    parser.add_argument("--python-client", action="store_true", help="the Python load generator even if wrk is here")
    parser.add_argument("--rate", type=float, default=1.0,
                        help="then the same clients paced at this many requests/s each (0: skip)")
    parser.add_argument("--fill-only", action="store_true", help="fill the store, measure nothing")
    args = parser.parse_args(argv)

    url = f"sqlite:///{args.database}"
    print(f"machine: {os.cpu_count()} cores (nproc), load average {os.getloadavg()[0]:.2f}; "
          "server and load generator on the same machine")
    # A copy of the rules taken now: an edit of rules/ during the run would make the server classify
    # the whole archive again (under its write lock), which is not what this measures.
    rules_dir = Path(tempfile.mkdtemp(prefix="timeline-bench-rules-")) / "rules"
    shutil.copytree(REPO / "rules", rules_dir)
    filled = fill(url, args.events, rules_dir)
    if filled["filled"]:
        print(f"store filled: {filled['events']:,} events in {filled['seconds']:.0f} s ({args.database})")
    if args.fill_only:
        return 0
    last_year = FIRST_DAY.year + int(args.events / PER_DAY / 365.25)
    rng = random.Random(3)
    paths = month_paths(last_year, rng)
    with Server(url, args.workers, args.threads, rules_dir, args.connection_limit) as server:
        print(f"store: {server.health['events']:,} events, {server.health['articles']:,} articles; "
              f"server: {args.workers or 'default'} worker processes x {args.threads} threads, "
              f"{args.connection_limit} connections each")
        host = f"127.0.0.1:{server.port}"
        sample = json.load(urllib.request.urlopen(server.base + paths[0]))
        print(f"a request: GET {paths[0]} -> {len(sample['events'])} events (a page of at most 100)")
        def read_load(seconds):
            if shutil.which("wrk") and not args.python_client:
                return run_wrk(server.base, paths, args.clients, seconds)
            return run_python(server.base, get_request(paths, host), args.clients, seconds)[0]

        cold = read_load(args.seconds)
        report(f"GET /timeline, {args.clients} clients, {args.seconds} s, cold (the server's first requests)", cold)
        print(f"  goal p99 < 50 ms and no errors: {'MET' if cold['p99'] < 50 and not cold['errors'] else 'NOT MET'}")
        reads = read_load(args.seconds)
        report(f"GET /timeline, {args.clients} clients, {args.seconds} s, again (every page asked before)", reads)
        print(f"  goal p99 < 50 ms and no errors: {'MET' if reads['p99'] < 50 and not reads['errors'] else 'NOT MET'}")
        if args.rate:
            paced = run_python(server.base, get_request(paths, host), args.clients, args.seconds, args.rate)[0]
            report(f"GET /timeline, {args.clients} clients at {args.rate:g} requests/s each, {args.seconds} s", paced)
            print(f"  goal p99 < 50 ms and no errors: "
                  f"{'MET' if paced['p99'] < 50 and not paced['errors'] else 'NOT MET'}")

        run_id = f"{int(time.time())}"
        writes, answers = run_python(server.base, post_request(host, run_id, last_year), args.writers, args.seconds)
    report(f"POST /articles, {args.writers} writers, {args.seconds} s", writes)
    created = sum(1 for _, status, _ in answers if status == 201)
    statuses = statistics.multimode([status for _, status, _ in answers]) if answers else []
    locked = sum(1 for _, _, body in answers if b"locked" in body)
    stored, rows = count_articles(url, run_id)
    print(f"  answers: {created} created (201), {len(answers) - created} other (most common status {statuses}); "
          f"'database is locked' in {locked} answers, {len(server.errors)} in the server log")
    print(f"  store: {stored} distinct articles of this run, {rows} rows: "
          f"{'none lost, none duplicated' if stored == rows == created else 'MISMATCH'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
