"""Hardening (issue 8): writes under pressure, against `timeline serve` in a subprocess on SQLite and
PostgreSQL. Ten writers at once with duplicates among them; readers while the rules are reloaded;
the server killed (SIGKILL) in the middle of a batch and started again on the same database.

Every article written here carries one dated parade sentence with its own date, so that its event
can be looked for on the timeline. The default runs are small (CI); `pytest -m fuzz` runs the full
sizes (1,000 articles and 200 duplicates).
"""
import datetime as dt
import json
import os
import random
import shutil
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from backends import SEED, Server, database_url  # noqa: F401 - fixture
from conftest import RULES
from sqlalchemy import create_engine, text

from timeline.store import normalize_url

TOKEN = "hardening-token"
WRITE = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
FIRST_DAY = dt.date(2001, 1, 1)  # before every seed article's events: the load's events stand apart


def parade_day(i: int) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=7 * i)


def article(i: int, batch: str = "load") -> dict:
    day = parade_day(i)
    return {"title": f"Parade {batch} {i}", "source": "Load wire",
            "published": (day + dt.timedelta(days=2)).isoformat(), "url": f"https://{batch}.example/{i}",
            "text": f"Soldiers marched through Red Square in a military parade on {day:%B} {day.day}, {day.year}."}


def post(server, payload: dict):
    status, _, body = server.request("POST", "/articles", json.dumps(payload).encode("utf-8"), headers=WRITE)
    return status, body


def get_json(server, path: str):
    status, _, body = server.request("GET", path)
    assert status == 200, (path, body[:500])
    return json.loads(body)


def all_pages(server, path: str, key: str) -> list:
    found, link = [], path
    while link:
        page = get_json(server, link)
        found += page[key]
        link = page["next"] and page["next"][len(server.base):]
    return found


def stored_ids(server) -> list[str]:
    return [a["id"] for a in all_pages(server, "/articles?limit=1000", "articles")]


def parade_sources(server) -> dict[str, set[str]]:
    """ISO day -> ids of the articles that are sources of the one-day parades on it (the load's years)."""
    found: dict[str, set[str]] = {}
    last = parade_day(5000).isoformat()
    for event in all_pages(server, f"/timeline?type=parade&from={FIRST_DAY}&to={last}&limit=1000", "events"):
        if event["start"] == event["end"]:
            found.setdefault(event["start"], set()).update(s["article"] for s in event["sources"])
    return found


def assert_events_present(server, ids: dict[int, str]):
    """Every article i has its parade on its day, with itself among the sources."""
    found = parade_sources(server)
    missing = [i for i, article_id in ids.items() if article_id not in found.get(parade_day(i).isoformat(), set())]
    assert not missing, f"{len(missing)} articles without their event, e.g. {missing[:5]}"


# --- ten writers at once ----------------------------------------------------------------------------

def concurrent_writes(url: str, distinct: int, duplicates: int, writers: int = 10) -> dict:
    rng = random.Random(distinct)
    originals = [article(i) for i in range(distinct)]
    duped = rng.sample(range(distinct), duplicates)
    jobs = [(i, "original", originals[i]) for i in range(distinct)]
    for n, i in enumerate(duped):
        if n % 2:  # the same url with other words
            copy = {**originals[i], "title": "Updated", "text": originals[i]["text"] + " Crowds watched."}
        else:  # the same text (spaced differently) from another address
            copy = {**originals[i], "url": f"https://mirror.example/{i}", "text": "  " + originals[i]["text"] + "\n"}
        jobs.append((i, "duplicate", copy))
    rng.shuffle(jobs)
    with Server(url, token=TOKEN, TIMELINE_WRITE_RATE="off") as server:
        began = time.monotonic()
        with ThreadPoolExecutor(writers) as pool:
            answers = list(pool.map(lambda job: (job[0], job[1], *post(server, job[2])), jobs))
        seconds = time.monotonic() - began
        bad = [(i, kind, status, body[:300]) for i, kind, status, body in answers if status not in (200, 201)]
        assert not bad, f"{len(bad)} writes failed, e.g. {bad[:3]}"
        assert not [b for *_, b in answers if b"database is locked" in b]
        by_article: dict[int, list[tuple[int, str]]] = {}
        for i, _kind, status, body in answers:
            by_article.setdefault(i, []).append((status, json.loads(body)["id"]))
        ids = {}
        for i, seen in by_article.items():
            assert sorted(s for s, _ in seen) == ([200, 201] if len(seen) == 2 else [201]), (i, seen)
            assert len({article_id for _, article_id in seen}) == 1, (i, seen)  # the duplicate names the original
            ids[i] = seen[0][1]
        stored = stored_ids(server)
        assert len(stored) == len(set(stored)) == SEED + distinct
        assert set(ids.values()) <= set(stored)
        assert get_json(server, "/healthz")["articles"] == SEED + distinct
        assert_events_present(server, ids)
    return {"writes": len(jobs), "stored": len(stored) - SEED, "seconds": round(seconds, 1)}


def test_ten_writers_with_duplicates(database_url):  # noqa: F811
    print("concurrent writes:", concurrent_writes(database_url, distinct=100, duplicates=20))


@pytest.mark.fuzz
def test_ten_writers_with_duplicates_full_size(database_url):  # noqa: F811
    print("concurrent writes:", concurrent_writes(database_url, distinct=1000, duplicates=200))


# --- readers while the rules are reloaded --------------------------------------------------------------

def rules_b(folder):
    """A second valid rule set that changes labels on the timeline."""
    path = folder / "parade.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'label: ["{Trigger} in {place}"' in text
    return text.replace('label: ["{Trigger} in {place}"', 'label: ["Parade: {Trigger} in {place}"')


def replace_file(path, content: str):
    part = path.with_suffix(".part")
    part.write_text(content, encoding="utf-8")
    os.replace(part, path)  # an editor's save: the old file or the new, never half of one


def readers_during_reloads(tmp_path, url: str, flips: int, readers: int = 4) -> dict:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("*.md"))
    text_a = (folder / "parade.yaml").read_text(encoding="utf-8")
    text_b = rules_b(folder)
    with Server(url, token=TOKEN, TIMELINE_RULES_DIR=str(folder), TIMELINE_WRITE_RATE="off") as server:
        snapshots = {}
        for content in (text_a, text_b, text_a):
            replace_file(folder / "parade.yaml", content)
            assert server.request("POST", "/rules/reload", b"", headers=WRITE)[0] == 200
            page = get_json(server, "/timeline?limit=1000")
            snapshots[page["rules_version"]] = page["events"]
        assert len(snapshots) == 2 and list(snapshots.values())[0] != list(snapshots.values())[1]
        stop = threading.Event()
        seen: dict[str, int] = {}
        problems: list = []

        def read():
            while not stop.is_set():
                status, _, body = server.request("GET", "/timeline?limit=1000")
                if status != 200:
                    problems.append((status, body[:300]))
                    continue
                page = json.loads(body)
                version = page["rules_version"]
                mixed = {s["rules_version"] for e in page["events"] for s in e["sources"]} - {version}
                if mixed or page["events"] != snapshots.get(version):
                    problems.append((version, sorted(mixed)))
                seen[version] = seen.get(version, 0) + 1

        threads = [threading.Thread(target=read) for _ in range(readers)]
        for thread in threads:
            thread.start()
        try:
            for n in range(flips):
                replace_file(folder / "parade.yaml", text_b if n % 2 == 0 else text_a)
                status, _, body = server.request("POST", "/rules/reload", b"", headers=WRITE)
                assert status == 200, body[:500]
                time.sleep(0.05)
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        assert not problems, problems[:5]
        assert len(seen) == 2, seen  # both versions were read
    return {"flips": flips, "pages read": sum(seen.values())}


def test_readers_see_the_old_or_the_new_timeline_during_reloads(tmp_path, database_url):  # noqa: F811
    print("reads during reloads:", readers_during_reloads(tmp_path, database_url, flips=8))


@pytest.mark.fuzz
def test_readers_during_many_reloads(tmp_path, database_url):  # noqa: F811
    print("reads during reloads:", readers_during_reloads(tmp_path, database_url, flips=200))


# --- the server killed in the middle of a batch -------------------------------------------------------

def database_rows(url: str, sql: str) -> list:
    engine = create_engine(normalize_url(url))
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).all()
    finally:
        engine.dispose()


def assert_consistent(server, url: str) -> list[str]:
    """What a user (and a careful admin) would check after a crash; returns the stored ids."""
    stored = stored_ids(server)
    assert len(stored) == len(set(stored)) == get_json(server, "/healthz")["articles"]
    known = set(stored)
    events = all_pages(server, "/timeline?limit=1000", "events")
    strangers = {s["article"] for e in events for s in e["sources"]} - known
    assert not strangers, f"events name articles that are not stored: {sorted(strangers)[:5]}"
    assert len(events) == get_json(server, "/healthz")["events"]
    generation = database_rows(url, "SELECT value FROM meta WHERE key = 'generation'")
    served = int(generation[0][0]) if generation else 0
    links = f"SELECT count(*) FROM article_events ae WHERE ae.generation = {served} AND NOT EXISTS "
    assert database_rows(url, links + "(SELECT 1 FROM articles a WHERE a.id = ae.article_id)")[0][0] == 0
    assert database_rows(url, links + f"(SELECT 1 FROM events e WHERE e.id = ae.event_id "
                                      f"AND e.generation = {served})")[0][0] == 0
    # every stored article of the batch has its mention and its event
    without = database_rows(url, "SELECT a.id FROM articles a WHERE a.url LIKE 'https://crash.example/%' "
                                 "AND NOT EXISTS (SELECT 1 FROM mentions m "
                                 f"WHERE m.article_id = a.id AND m.generation = {served})")
    assert not without, without[:5]
    return stored


def crash_mid_batch(tmp_path, url: str, size: int, kill_after: int) -> dict:
    batch = [article(i, "crash") for i in range(size)]
    answered: dict[int, str] = {}
    with Server(url, token=TOKEN, TIMELINE_WRITE_RATE="off") as server:
        def send():
            for i, payload in enumerate(batch):
                try:
                    status, body = post(server, payload)
                except OSError:
                    return  # the server is gone
                if status in (200, 201):
                    answered[i] = json.loads(body)["id"]
                else:
                    return

        sender = threading.Thread(target=send)
        sender.start()
        while len(answered) < kill_after and sender.is_alive():
            time.sleep(0.01)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=30)
        sender.join(timeout=120)
    killed_after = len(answered)
    assert 0 < killed_after < size, "the batch was not cut"
    with Server(url, token=TOKEN, TIMELINE_WRITE_RATE="off") as server:
        stored = assert_consistent(server, url)
        assert killed_after <= len(stored) - SEED <= killed_after + 1  # the one in flight: stored or not
        assert set(answered.values()) <= set(stored)
        assert_events_present(server, answered)
        statuses = []
        for i, payload in enumerate(batch):  # the whole batch again
            status, body = post(server, payload)
            assert status in (200, 201), body[:500]
            assert i not in answered or (status == 200 and json.loads(body)["id"] == answered[i])
            answered[i] = json.loads(body)["id"]
            statuses.append(status)
        stored = assert_consistent(server, url)
        assert len(stored) == SEED + size
        assert_events_present(server, answered)
    return {"batch": size, "answered before the kill": killed_after, "sent again and created": statuses.count(201)}


def test_a_server_killed_mid_batch_restarts_consistent(tmp_path, database_url):  # noqa: F811
    print("crash:", crash_mid_batch(tmp_path, database_url, size=30, kill_after=12))


@pytest.mark.fuzz
@pytest.mark.parametrize("kill_after", [1, 37, 150])
def test_a_server_killed_mid_batch_many_times(tmp_path, database_url, kill_after):  # noqa: F811
    print("crash:", crash_mid_batch(tmp_path, database_url, size=200, kill_after=kill_after))
