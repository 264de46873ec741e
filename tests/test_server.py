"""Every endpoint over real HTTP, against `timeline serve` (gunicorn) in a subprocess, on SQLite and PostgreSQL."""
import datetime as dt
import json
import socket
import subprocess
import threading
import time
import urllib.parse

import icalendar
import pytest
from backends import SEED, Server, database_url  # noqa: F401 - fixture
from conftest import BIN

TOKEN = "test-token"
PARADE = {"title": "Troops to march", "source": "Test wire", "published": "2025-05-08",
          "url": "https://example.com/parade",
          "text": "On Friday Chinese and Russian troops will march together through Red Square."}


def post(server, path, payload, token=TOKEN, content_type="application/json", extra=None):
    headers = {"Content-Type": content_type, **(extra or {})}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
    return server.request("POST", path, data, headers=headers)


def is_problem(answer, status):
    code, headers, body = answer
    assert code == status, body[:500]
    assert headers["Content-Type"].startswith("application/problem+json")
    assert b"Traceback" not in body
    return json.loads(body)


def test_every_endpoint_over_http(database_url):  # noqa: F811
    with Server(database_url, token=TOKEN) as server:
        status, headers, body = server.request("GET", "/healthz")
        assert status == 200 and headers["Server"] == "gunicorn"  # a production server, not a dev server
        assert json.loads(body)["articles"] == SEED

        status, headers, body = server.request("GET", "/timeline?type=parade", headers={"Origin": "https://news.example"})
        assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
        parades = json.loads(body)["events"]
        assert {e["start"] for e in parades} >= {"2025-05-09", "2025-09-03"}
        assert server.request("GET", "/timeline?type=parade", headers={"If-None-Match": headers["ETag"]})[0] == 304

        status, headers, body = server.request("GET", "/timeline?limit=2")
        link = json.loads(body)["next"]
        assert link.startswith("/timeline?") and headers["Link"] == f'<{link}>; rel="next"'  # no base URL set
        assert server.request("GET", link)[0] == 200

        status, _, body = server.request("GET", "/timeline?format=timelinejs")
        assert status == 200 and all(s["unique_id"] and s["start_date"]["year"] for s in json.loads(body)["events"])
        status, headers, body = server.request("GET", "/timeline?format=ics")
        assert status == 200 and headers["Content-Type"].startswith("text/calendar")
        assert len(list(icalendar.Calendar.from_ical(body).walk("VEVENT"))) > 5
        status, headers, body = server.request("GET", "/timeline?format=csv")
        assert status == 200 and body.startswith(b"id,type,label,start,end")

        assert is_problem(server.request("GET", "/timeline?from=nope"), 400)["invalid-params"][0]["name"] == "from"
        status, _, body = server.request("GET", f"/events/{parades[0]['id']}")
        assert status == 200 and json.loads(body)["id"] == parades[0]["id"]
        is_problem(server.request("GET", "/events/nope"), 404)

        is_problem(post(server, "/articles", PARADE, token=None), 401)
        is_problem(post(server, "/articles", PARADE, token="wrong"), 403)
        is_problem(post(server, "/articles", b"title: x", content_type="text/plain"), 415)
        is_problem(post(server, "/articles", {**PARADE, "text": "word " * 600_000}), 413)
        status, headers, body = post(server, "/articles", PARADE)
        assert status == 201 and headers["Location"].startswith("/articles/")
        created = json.loads(body)
        assert post(server, "/articles", PARADE)[0] == 200

        status, _, body = server.request("GET", "/articles")
        assert status == 200 and created["id"] in {a["id"] for a in json.loads(body)["articles"]}
        status, _, body = server.request("GET", created["href"])
        assert status == 200 and json.loads(body)["text"] == PARADE["text"]

        status, _, body = server.request("GET", "/rules")
        assert status == 200 and json.loads(body)["version"]
        status, _, body = post(server, "/rules/reload", {})
        assert status == 200 and json.loads(body)["changed"] is False

        status, _, body = server.request("GET", "/openapi.json")
        assert status == 200 and json.loads(body)["openapi"].startswith("3.")
        assert server.request("GET", "/docs")[0] == 200
        status, headers, _ = server.request("OPTIONS", "/timeline", headers={"Origin": "https://news.example",
                                                                               "Access-Control-Request-Method": "GET"})
        assert status in (200, 204) and headers["Access-Control-Allow-Origin"] == "*"


def test_a_restart_of_the_server_loses_nothing(database_url):  # noqa: F811
    with Server(database_url) as server:
        article_id = json.loads(post(server, "/articles", PARADE)[2])["id"]
        timeline = server.request("GET", "/timeline?limit=1000")[2]
    with Server(database_url, flag=True) as server:  # the same store, named by --database-url this time
        assert server.request("GET", "/timeline?limit=1000")[2] == timeline
        assert server.request("GET", f"/articles/{article_id}")[0] == 200
        assert json.loads(server.request("GET", "/healthz")[2])["articles"] == SEED + 1


def test_concurrent_posts_all_succeed(database_url):  # noqa: F811
    answers = []
    with Server(database_url) as server:
        def send(n):
            day = dt.date(2025, 5, 1) + dt.timedelta(days=n)
            answers.append(post(server, "/articles", {**PARADE, "url": f"https://example.com/{n}", "published":
                                                      day.isoformat(), "text": f"{PARADE['text']} Report {n}."})[0])

        threads = [threading.Thread(target=send, args=(n,)) for n in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(answers) == [201] * 12
        assert json.loads(server.request("GET", "/healthz")[2])["articles"] == SEED + 12


def test_writes_refused_when_the_server_has_no_token(database_url):  # noqa: F811
    with Server(database_url, token=None) as server:
        assert "TIMELINE_API_TOKEN" in is_problem(post(server, "/articles", PARADE), 503)["detail"]
        assert server.request("GET", "/timeline")[0] == 200


def test_serve_refuses_a_bad_database_url_in_one_line(tmp_path):
    done = subprocess.run([str(BIN), "serve", "--port", "1", "--database-url", "nonsense://"], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 2 and "cannot start" in done.stderr and "Traceback" not in done.stderr


def test_serve_on_a_taken_port_fails_at_once_naming_it(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        done = subprocess.run([str(BIN), "serve", "--host", "127.0.0.1", "--port", str(port), "--database-url",
                               f"sqlite:///{tmp_path / 'timeline.sqlite'}"], capture_output=True, text=True,
                              timeout=120, cwd=tmp_path)
        elapsed = time.monotonic() - started
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines == [f"timeline serve: cannot start: cannot listen on 127.0.0.1:{port}: Address already in use"]
    assert "serving the timeline" not in done.stderr
    assert elapsed < 5  # before the store is opened or the corpus loaded
    assert not (tmp_path / "timeline.sqlite").exists()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with Server(f"sqlite:///{tmp_path_factory.mktemp('live') / 'timeline.sqlite'}", token=TOKEN) as server:
        yield server


def test_every_answer_says_nosniff(live):
    answers = {
        "timeline": live.request("GET", "/timeline?limit=1"),
        "csv": live.request("GET", "/timeline?format=csv"),
        "healthz": live.request("GET", "/healthz"),
        "bad parameter": live.request("GET", "/timeline?from=nope"),
        "unknown id": live.request("GET", "/events/nope"),
        "unknown path": live.request("GET", "/nowhere"),
        "wrong method": live.request("DELETE", "/timeline"),
        "no token": post(live, "/articles", PARADE, token=None),
        "not json": post(live, "/articles", b"x", content_type="text/plain"),
        "too large": post(live, "/articles", {**PARADE, "text": "word " * 600_000}),
        "preflight": live.request("OPTIONS", "/timeline", headers={"Origin": "https://news.example",
                                                                   "Access-Control-Request-Method": "GET"}),
    }
    etag = answers["timeline"][1]["ETag"]
    answers["not modified"] = live.request("GET", "/timeline?limit=1", headers={"If-None-Match": etag})
    assert answers["not modified"][0] == 304 and answers["unknown id"][0] == 404 and answers["too large"][0] == 413
    for name, (status, headers, _) in answers.items():
        assert headers["X-Content-Type-Options"] == "nosniff", (name, status)


def test_problem_details_never_echo_what_was_sent(live):
    evil = "<script>alert(1)<"  # no '/': one path segment
    quoted = urllib.parse.quote(evil, safe="")
    for path in (f"/events/{quoted}", f"/articles/{quoted}", f"/timeline?{quoted}=1", f"/timeline?{quoted}=1&{quoted}=2",
                 f"/timeline?type={quoted}", f"/articles?cursor={quoted}", f"/timeline?from={quoted}",
                 f"/nowhere/{quoted}"):
        status, headers, body = live.request("GET", path)
        assert status in (400, 404), (path, status)
        assert headers["Content-Type"].startswith("application/problem+json")
        assert b"<script" not in body and b"alert(1)" not in body, (path, body)
    status, _, body = live.request("GET", f"/events/{quoted}")
    assert json.loads(body)["detail"] == "no event with this id"
    status, _, body = post(live, "/articles", {**PARADE, "published": evil})
    assert status == 400 and b"<script" not in body and b"alert(1)" not in body
    assert json.loads(body)["invalid-params"][0]["name"] == "published"


FORGED = {"Host": "attacker.example", "X-Forwarded-Host": "attacker.example"}


def answers_to_forged_hosts(server):
    """Every answer that carries links, asked with a forged Host header."""
    article = json.loads(post(server, "/articles", PARADE)[2])["id"]
    answers = [post(server, "/articles", PARADE, extra=FORGED)]
    for path in ("/timeline?limit=1", "/timeline?limit=1&format=csv", "/timeline?limit=1&format=ics",
                 "/timeline?limit=1&format=timelinejs", "/articles?limit=1", f"/articles/{article}", "/healthz",
                 "/openapi.json", "/events/nope"):
        answers.append(server.request("GET", path, headers=FORGED))
        answers.append(server.request("GET", path, headers=FORGED))  # the second from the response cache
    return answers


def test_a_forged_host_header_appears_in_no_answer_and_links_are_relative(live):
    answers = answers_to_forged_hosts(live)
    for status, headers, body in answers:
        assert b"attacker" not in body and "attacker" not in str(headers), (status, body[:300])
    page = json.loads(live.request("GET", "/timeline?limit=1", headers=FORGED)[2])
    assert page["next"].startswith("/timeline?limit=1&cursor=")
    articles = json.loads(live.request("GET", "/articles?limit=1", headers=FORGED)[2])
    assert articles["next"].startswith("/articles?limit=1&cursor=")
    assert articles["articles"][0]["href"] == f"/articles/{articles['articles'][0]['id']}"


def test_links_start_with_the_configured_base_url(tmp_path):
    base = "https://timeline.example.org/api"
    with Server(f"sqlite:///{tmp_path / 'timeline.sqlite'}", token=TOKEN, TIMELINE_BASE_URL=base) as server:
        answers = answers_to_forged_hosts(server)
        for status, headers, body in answers:
            assert b"attacker" not in body and "attacker" not in str(headers), (status, body[:300])
        status, headers, body = server.request("GET", "/timeline?limit=1", headers=FORGED)
        link = json.loads(body)["next"]
        assert link.startswith(base + "/timeline?limit=1&cursor=") and headers["Link"] == f'<{link}>; rel="next"'
        listing = json.loads(server.request("GET", "/articles?limit=1")[2])
        assert listing["next"].startswith(base + "/articles?limit=1&cursor=")
        one = listing["articles"][0]
        assert one["href"] == f"{base}/articles/{one['id']}"
        detail = json.loads(server.request("GET", f"/articles/{one['id']}")[2])
        assert detail["events"] and all(e["href"] == f"{base}/events/{e['id']}" for e in detail["events"])
        status, headers, body = post(server, "/articles", {**PARADE, "url": "https://example.com/other",
                                                           "text": PARADE["text"] + " Again."})
        assert status == 201 and headers["Location"] == json.loads(body)["href"]
        assert headers["Location"].startswith(base + "/articles/")
