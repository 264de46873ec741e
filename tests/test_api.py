"""The HTTP API through Flask's test client, on SQLite and on PostgreSQL."""
import csv
import datetime as dt
import io
import json
import shutil

import icalendar
import pytest
from backends import SEED, database_url, module_database_url  # noqa: F401 - fixtures
from conftest import CORPUS, RULES

from api import create_app

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PARADE = {"title": "Troops to march", "source": "Test wire", "published": "2025-05-08",
          "url": "https://example.com/parade",
          "text": "On Friday Chinese and Russian troops will march together through Red Square."}


def make_app(url, **config):
    return create_app({"DATABASE_URL": url, "CORPUS_DIR": str(CORPUS), "RULES_DIR": str(RULES), "API_TOKEN": TOKEN,
                       **config})


@pytest.fixture(scope="module")
def client(module_database_url):  # noqa: F811 - read-only tests share one app per backend
    return make_app(module_database_url).test_client()


@pytest.fixture
def fresh(database_url):  # noqa: F811 - tests that write get their own database
    return make_app(database_url).test_client()


def problem_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and 'File "' not in text
    body = response.get_json()
    assert body["status"] == status and body["title"]
    return body


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["articles"] == SEED and body["events"] > 5 and body["rules_version"]
    assert body["rule_errors"] == []


def served_copy_of_the_rules(database_url, tmp_path):
    """A copy of the shipped rules, and a client of an app that checks them on every request."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    return rules, make_app(database_url, RULES_DIR=str(rules), RULES_CHECK_EVERY=0).test_client()


def test_healthz_is_degraded_while_a_rule_file_is_refused(database_url, tmp_path):  # noqa: F811
    rules, client = served_copy_of_the_rules(database_url, tmp_path)
    version = client.get("/healthz").get_json()["rules_version"]
    parade = rules / "parade.yaml"
    good = parade.read_text(encoding="utf-8")
    parade.write_text("rules:\n  - id: parade.broken\n    triggers: [march\n", encoding="utf-8")
    response = client.get("/healthz")
    assert response.status_code == 200  # a load balancer keeps sending the reads
    body = response.get_json()
    assert body["status"] == "degraded" and body["rules_version"] == version
    assert len(body["rule_errors"]) == 1 and body["rule_errors"][0].startswith("parade.yaml:")
    line = body["rule_errors"][0].split(":")[1]
    assert line.isdigit() and int(line) >= 3, body["rule_errors"]
    parade.write_text(good + "\n# fixed\n", encoding="utf-8")
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["rule_errors"] == [] and body["rules_version"] != version


def test_timeline_filters_by_type_and_window(client):
    response = client.get("/timeline?type=parade&from=2025-05-01&to=2025-05-31")
    assert response.status_code == 200 and response.mimetype == "application/json"
    events = response.get_json()["events"]
    assert [(e["type"], e["start"]) for e in events] == [("parade", "2025-05-09")]
    both = client.get("/timeline?type=parade&type=tariff").get_json()
    assert {e["type"] for e in both["events"]} == {"parade", "tariff"}
    assert client.get("/timeline?type=parade,tariff").get_json() == both
    assert both["rules_version"] == client.get("/rules").get_json()["version"] and both["next"] is None


def test_timeline_is_ordered_and_filters_by_text_participant_and_source(client):
    events = client.get("/timeline").get_json()["events"]
    keys = [(e["start"], e["end"], e["type"]) for e in events]
    assert keys == sorted(keys)
    red = client.get("/timeline?q=red%20square").get_json()["events"]
    assert red and all("red square" in (e["label"] + " ".join(s["sentence"] for s in e["sources"])).lower()
                       for e in red)
    xi = client.get("/timeline?participant=Xi%20Jinping").get_json()["events"]
    assert xi and all("Xi Jinping" in e["participants"] for e in xi)
    ap = client.get("/timeline?source=Associated%20Press").get_json()["events"]
    assert ap and all(any("-ap-" in s["article"] for s in e["sources"]) for e in ap)
    assert client.get("/timeline?q=no%20such%20words%20anywhere").get_json()["events"] == []


def test_pages_follow_the_cursor_in_body_and_link_header(client):
    everything = client.get("/timeline?limit=1000").get_json()["events"]
    seen, url = [], "/timeline?limit=4"
    while url:
        response = client.get(url)
        body = response.get_json()
        seen += body["events"]
        url = body["next"]
        if url:
            assert response.headers["Link"] == f'<{url}>; rel="next"'
            assert "limit=4" in url
        else:
            assert "Link" not in response.headers
    assert [e["id"] for e in seen] == [e["id"] for e in everything]
    assert problem_of(client.get("/timeline?cursor=garbage"), 400)["invalid-params"][0]["name"] == "cursor"


@pytest.mark.parametrize("query, name", [
    ("from=2025-13-01", "from"), ("to=tomorrow", "to"), ("type=picnic", "type"),
    ("format=pdf", "format"), ("colour=red", "colour"),
    ("limit=0", "limit"), ("limit=5000", "limit"), ("limit=1&limit=2", "limit"), ("cursor=", "cursor"),
    ("from=2025-5-1", "from"), ("to=20250501", "to"), ("from=2025-02-29", "from"),
])
def test_bad_parameters_get_400_problem_json_naming_them(client, query, name):
    body = problem_of(client.get(f"/timeline?{query}"), 400)
    assert body["invalid-params"][0]["name"] == name


def test_an_empty_window_is_an_empty_timeline(client):
    response = client.get("/timeline?from=2025-06-01&to=2025-05-01")
    assert response.status_code == 200 and response.get_json()["events"] == []


def test_unknown_paths_and_ids_are_404_problems(client):
    problem_of(client.get("/events/nope/nope"), 404)
    assert problem_of(client.get("/events/nope"), 404)["invalid-params"] == [{"name": "event_id",
                                                                                "reason": "no such event"}]
    problem_of(client.get("/articles/nope"), 404)
    problem_of(client.delete("/timeline"), 405)


def test_one_event_with_all_its_sources_and_conflicts(client):
    events = client.get("/timeline").get_json()["events"]
    richest = max(events, key=lambda e: len(e["sources"]))
    response = client.get(f"/events/{richest['id']}")
    assert response.status_code == 200
    event = response.get_json()
    assert event == richest and len(event["sources"]) > 1 and "conflicts" in event
    assert all(s["sentence"] and s["rule"] for s in event["sources"])


def test_timelinejs_document_of_the_seed_corpus_is_well_formed(client):
    response = client.get("/timeline?format=timelinejs")
    assert response.status_code == 200 and response.mimetype == "application/json"
    slides = response.get_json()["events"]
    assert len(slides) == client.get("/healthz").get_json()["events"]
    assert len({s["unique_id"] for s in slides}) == len(slides)
    for slide in slides:
        for key in ("start_date", "end_date"):
            date = slide[key]
            assert str(date["year"]).lstrip("-").isdigit()
            if "month" in date:
                assert 1 <= int(date["month"]) <= 12
            if "day" in date:
                assert "month" in date
                dt.date(int(date["year"]), int(date["month"]), int(date["day"]))  # a real day
        assert slide["text"]["headline"]
        assert slide["group"] in {"summit", "tariff", "parade"}
        start, end = slide["start_date"], slide["end_date"]
        assert (start["year"], start.get("month", 1), start.get("day", 1)) <= (end["year"], end.get("month", 12),
                                                                              end.get("day", 31))
        if "day" not in start:
            assert slide["display_date"]  # coarse dates say how coarse ("mid-May 2024")


def test_icalendar_parses_with_all_day_events_and_exclusive_end(client):
    response = client.get("/timeline?format=ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    events = {e["id"]: e for e in client.get("/timeline?limit=1000").get_json()["events"]}
    vevents = list(calendar.walk("VEVENT"))
    assert len(vevents) == len(events)
    for vevent in vevents:
        event = events[str(vevent["UID"]).split("@")[0]]
        start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
        assert type(start) is dt.date and start.isoformat() == event["start"]
        assert end == dt.date.fromisoformat(event["end"]) + dt.timedelta(days=1)
        assert str(vevent["SUMMARY"]) == event["label"]


def test_csv_has_a_header_and_one_row_per_event(client):
    response = client.get("/timeline?format=csv&type=parade")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["type"] for r in rows] == ["parade"] * len(rows) and rows


def test_csv_rows_carry_the_participants_of_the_json_events(client):
    text = client.get("/timeline?format=csv").get_data(as_text=True)
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header == ["id", "type", "label", "start", "end", "granularity", "status", "sources", "articles",
                      "sentence", "participants"]
    events = {e["id"]: e for e in client.get("/timeline?limit=1000").get_json()["events"]}
    assert len(rows) == len(events)
    for row in rows:
        record = dict(zip(header, row))
        event = events[record["id"]]
        assert record["participants"] == "; ".join(event["participants"])
        assert (record["type"], record["label"], record["start"], record["end"]) == (
            event["type"], event["label"], event["start"], event["end"])
        assert int(record["sources"]) == len(event["sources"])
    parade = next(dict(zip(header, r)) for r in rows if (r[1], r[3]) == ("parade", "2025-05-09"))
    assert parade["participants"] == "Xi Jinping"
    several = [r for r in rows if len(events[r[0]]["participants"]) > 1]
    assert several and all(r[-1].split("; ") == events[r[0]]["participants"] for r in several)


def test_reads_are_cacheable_conditional_and_open_to_other_origins(client):
    response = client.get("/timeline?type=parade", headers={"Origin": "https://news.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    exposed = {h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"ETag", "Link"} <= exposed
    assert "max-age" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    again = client.get("/timeline?type=parade", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert client.get("/timeline?type=summit", headers={"If-None-Match": etag}).status_code == 200
    preflight = client.options("/timeline", headers={"Origin": "https://news.example",
                                                      "Access-Control-Request-Method": "GET"})
    assert preflight.status_code in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert "POST" not in preflight.headers["Access-Control-Allow-Methods"]  # writes are not for widgets


def test_articles_list_and_one_article(client):
    response = client.get(f"/articles?limit={SEED - 2}")
    body = response.get_json()
    assert response.status_code == 200 and len(body["articles"]) == SEED - 2 and body["next"]
    rest = client.get(body["next"]).get_json()
    ids = [a["id"] for a in body["articles"] + rest["articles"]]
    assert len(ids) == SEED == len(set(ids)) and rest["next"] is None
    assert "text" not in body["articles"][0]
    one = client.get(f"/articles/{ids[-1]}").get_json()
    assert one["id"] == ids[-1] and one["text"] and one["published"] and one["events"]
    for summary in one["events"]:
        event = client.get(summary["href"]).get_json()
        assert ids[-1] in {s["article"] for s in event["sources"]}


def test_rules_says_what_is_loaded(client):
    body = client.get("/rules").get_json()
    assert body["version"] and body["loaded_at"] and body["errors"] == []
    assert {t["name"] for t in body["types"]} == {"summit", "tariff", "parade"}
    assert all(r["id"].startswith(t["name"] + ".") for t in body["types"] for r in t["rules"])


def test_openapi_document_and_interactive_page(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/timeline", "/events/{event_id}", "/articles", "/articles/{article_id}", "/rules", "/rules/reload",
            "/healthz"} <= set(spec["paths"])
    assert {"get", "post"} <= set(spec["paths"]["/articles"])
    schemas = spec["components"]["schemas"]
    assert {"Event", "Source", "TimelinePage", "ArticleIn", "ArticleCreated", "Problem", "Rules"} <= set(schemas)
    assert {"title", "published", "source", "url", "text"} <= set(schemas["ArticleIn"]["properties"])
    assert schemas["ArticleIn"]["properties"]["published"]["type"] == "string"
    assert set(schemas["ArticleIn"]["required"]) == {"published", "text"}
    names = {p["name"] for p in spec["paths"]["/timeline"]["get"]["parameters"]}
    assert {"type", "from", "to", "q", "participant", "source", "format", "cursor", "limit"} <= names
    assert spec["paths"]["/articles"]["post"]["security"] == [{"bearer": []}]
    url = schemas["ArticleIn"]["properties"]["url"]
    assert url["format"] == "uri" and url["pattern"].startswith("^(?:https?|ftps?)://")
    params = {p["name"]: p["schema"] for p in spec["paths"]["/timeline"]["get"]["parameters"]}
    assert params["type"]["items"]["enum"] == ["parade", "summit", "tariff"]
    assert params["cursor"]["pattern"].startswith("^[0-9]") and params["from"]["format"] == "date"
    assert all("414" in operation["responses"] for ops in spec["paths"].values() for operation in ops.values())
    page = client.get("/docs")
    assert page.status_code == 200 and b"openapi.json" in page.data and page.mimetype == "text/html"


# --- writes ---------------------------------------------------------------------------------

def test_post_article_201_then_200_for_the_same_article(fresh):
    before = fresh.get("/healthz").get_json()
    created = fresh.post("/articles", json=PARADE, headers=AUTH)
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    assert body["created"] is True and body["id"] and created.headers["Location"] == f"/articles/{body['id']}"
    assert [e["type"] for e in body["events"]] == ["parade"]
    assert created.headers["Cache-Control"] == "no-store"
    event = fresh.get(body["events"][0]["href"]).get_json()
    assert body["id"] in {s["article"] for s in event["sources"]}
    after = fresh.get("/healthz").get_json()
    assert after["articles"] == before["articles"] + 1 and after["revision"] > before["revision"]
    again = fresh.post("/articles", json=PARADE, headers=AUTH)
    assert again.status_code == 200 and again.get_json()["id"] == body["id"]
    assert again.get_json()["created"] is False and again.get_json()["events"] == body["events"]
    same_text = fresh.post("/articles", json={**PARADE, "url": "https://example.com/elsewhere"}, headers=AUTH)
    assert same_text.status_code == 200 and same_text.get_json()["id"] == body["id"]
    assert fresh.get("/healthz").get_json() == after
    assert fresh.get(f"/articles/{body['id']}").get_json()["text"] == PARADE["text"]


def test_writes_need_the_token(fresh):
    missing = problem_of(fresh.post("/articles", json=PARADE), 401)
    assert missing["invalid-params"][0]["name"] == "Authorization"
    problem_of(fresh.post("/articles", json=PARADE, headers={"Authorization": "Bearer wrong"}), 403)
    problem_of(fresh.post("/rules/reload"), 401)
    problem_of(fresh.post("/rules/reload", headers={"Authorization": "Bearer wrong"}), 403)
    # the token is compared exactly: another case, or a prefix, is another token
    for near in (TOKEN.upper(), TOKEN.swapcase(), TOKEN[:-1], TOKEN + "x"):
        problem_of(fresh.post("/articles", json=PARADE, headers={"Authorization": f"Bearer {near}"}), 403)
    assert fresh.get("/healthz").get_json()["articles"] == SEED


def test_writes_send_no_cors_grant(fresh):
    """Reads are open to other sites; writes are not: no Access-Control-Allow-Origin on them."""
    origin = {"Origin": "https://other.example"}
    answer = fresh.post("/articles", json=PARADE, headers={**AUTH, **origin})
    assert answer.status_code == 201
    assert "Access-Control-Allow-Origin" not in answer.headers
    preflight = fresh.open("/articles", method="OPTIONS", headers={**origin, "Access-Control-Request-Method": "POST"})
    assert "POST" not in preflight.headers.get("Access-Control-Allow-Methods", "")   # a browser will not send it
    assert "Authorization" not in preflight.headers.get("Access-Control-Allow-Headers", "")
    assert fresh.get("/timeline", headers=origin).headers["Access-Control-Allow-Origin"] == "*"


def test_ics_escapes_line_breaks_and_separators():
    import dataclasses

    from timeline.formats import icalendar as ics
    from timeline.pipeline import timeline_from_paths

    event = timeline_from_paths([CORPUS]).events[0]
    text = ics([dataclasses.replace(event, label="Talks;\nthen, a\r\nparade")])
    assert "SUMMARY:Talks\\;\\nthen\\, a\\nparade\r\n" in text


def test_writes_are_refused_when_no_token_is_configured(database_url):  # noqa: F811
    client = make_app(database_url, API_TOKEN=None).test_client()
    body = problem_of(client.post("/articles", json=PARADE, headers=AUTH), 503)
    assert "TIMELINE_API_TOKEN" in body["detail"]
    assert client.get("/timeline").status_code == 200  # reads stay open


@pytest.mark.parametrize("change, name", [
    ({"published": "last week"}, "published"), ({"published": None}, "published"), ({"text": "   "}, "text"),
    ({"url": "not a url"}, "url"), ({"title": 5}, "title"),
])
def test_invalid_articles_get_400_naming_the_field(fresh, change, name):
    body = problem_of(fresh.post("/articles", json={**PARADE, **change}, headers=AUTH), 400)
    assert name in {p["name"] for p in body["invalid-params"]}


def test_bodies_that_are_not_json_too_large_or_broken(fresh):
    problem_of(fresh.post("/articles", data="title: x", content_type="text/plain", headers=AUTH), 415)
    assert problem_of(fresh.post("/articles", data="{nope", content_type="application/json", headers=AUTH),
                      400)["invalid-params"][0]["name"] == "body"
    problem_of(fresh.post("/articles", data="[1, 2]", content_type="application/json", headers=AUTH), 400)
    huge = json.dumps({**PARADE, "text": "word " * 600_000})
    problem_of(fresh.post("/articles", data=huge, content_type="application/json", headers=AUTH), 413)
    assert fresh.get("/healthz").get_json()["articles"] == SEED


def test_a_restart_keeps_everything(database_url):  # noqa: F811
    first = make_app(database_url).test_client()
    article_id = first.post("/articles", json=PARADE, headers=AUTH).get_json()["id"]
    timeline = first.get("/timeline?limit=1000").get_json()
    second = make_app(database_url).test_client()
    assert second.get("/timeline?limit=1000").get_json() == timeline
    assert second.get(f"/articles/{article_id}").status_code == 200
    assert second.get("/healthz").get_json()["articles"] == SEED + 1  # the corpus was not loaded twice


def test_rule_reload_classifies_the_store_again(database_url, tmp_path):  # noqa: F811
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    client = make_app(database_url, RULES_DIR=str(rules), RULES_CHECK_EVERY=3600).test_client()
    old = client.get("/rules").get_json()["version"]
    same = client.post("/rules/reload", headers=AUTH)
    assert same.status_code == 200 and same.get_json()["changed"] is False
    parade = rules / "parade.yaml"
    parade.write_text(parade.read_text(encoding="utf-8") + "\n# edited by the test\n", encoding="utf-8")
    reloaded = client.post("/rules/reload", headers=AUTH)
    assert reloaded.status_code == 200 and reloaded.get_json()["changed"] is True
    new = reloaded.get_json()["version"]
    assert new != old and client.get("/rules").get_json()["version"] == new
    timeline = client.get("/timeline").get_json()
    assert timeline["rules_version"] == new
    assert {s["rules_version"] for e in timeline["events"] for s in e["sources"]} == {new}
    parade.write_text("rules: [broken", encoding="utf-8")
    refused = problem_of(client.post("/rules/reload", headers=AUTH), 422)
    assert refused["invalid-params"][0]["name"].startswith("parade.yaml")
    assert client.get("/rules").get_json()["version"] == new  # the last good rules stay in use


def test_changed_rule_files_are_followed_without_a_reload(database_url, tmp_path):  # noqa: F811
    rules, client = served_copy_of_the_rules(database_url, tmp_path)
    old = client.get("/timeline").get_json()["rules_version"]
    parade = rules / "parade.yaml"
    parade.write_text(parade.read_text(encoding="utf-8") + "\n# edited while serving\n", encoding="utf-8")
    timeline = client.get("/timeline").get_json()  # no reload asked: the next request notices
    assert timeline["rules_version"] != old
    assert {s["rules_version"] for e in timeline["events"] for s in e["sources"]} == {timeline["rules_version"]}


def test_a_repeated_read_is_the_same_answer_until_a_write_changes_the_store(database_url):  # noqa: F811
    app = make_app(database_url)
    client, other = app.test_client(), make_app(database_url).test_client()  # two server processes' apps
    path = "/timeline?type=parade&from=2025-05-08&to=2025-05-08"
    first, again = client.get(path), client.get(path)
    assert first.status_code == again.status_code == 200
    assert again.get_data() == first.get_data() and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Access-Control-Allow-Origin"] == "*" and "max-age" in again.headers["Cache-Control"]
    assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert first.get_json()["events"] == []

    # a write through the other process's app: this one's answer changes at once, not when a cache expires
    assert other.post("/articles", json={**PARADE, "published": "2025-05-07", "url": "https://example.com/p2",
                                         "text": "On Thursday, troops will parade through Red Square."},
                      headers=AUTH).status_code == 201
    after = client.get(path)
    assert after.status_code == 200 and after.headers["ETag"] != first.headers["ETag"]
    assert [(e["type"], e["start"]) for e in after.get_json()["events"]] == [("parade", "2025-05-08")]
