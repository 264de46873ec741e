"""Hardening (issue 8): the HTTP API attacked from its own OpenAPI document (schemathesis) and by
hand: huge bodies, broken JSON, wrong media types, injection-shaped strings in every parameter,
HTML in titles, unknown parameters, too many writes from one client.

schemathesis (4.x) runs every one of its checks against a real server (`timeline serve`, writes
unlimited with TIMELINE_WRITE_RATE=off so that they reach the write logic); the default suite gives
each operation a bounded budget, `pytest -m fuzz` a much longer one.
"""
import json
import socket

import pytest
import schemathesis
from backends import Server, database_url  # noqa: F401 - fixture
from conftest import CORPUS, RULES
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

from api import create_app

TOKEN = "hardening-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ARTICLE = {"title": "Troops to march", "source": "Test wire", "published": "2025-05-08",
           "text": "On Friday Chinese and Russian troops will march together through Red Square."}


def make_app(folder, **config):
    return create_app({"DATABASE_URL": f"sqlite:///{folder / 'timeline.sqlite'}", "CORPUS_DIR": str(CORPUS),
                       "RULES_DIR": str(RULES), "API_TOKEN": TOKEN, "WRITE_RATE": None, **config})


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("attacked"))


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'timeline.sqlite'}"
    with Server(url, token=TOKEN, TIMELINE_WRITE_RATE="off") as server:
        yield server


@pytest.fixture(scope="module")
def openapi(live_server):
    return schemathesis.openapi.from_url(live_server.base + "/openapi.json")


# --- attacked from the OpenAPI document -----------------------------------------------------------

load_all_checks()
ALL_CHECKS = CHECKS.get_all()  # the `--checks all` of the command line
api_schema = schemathesis.pytest.from_fixture("openapi")
SHORT = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                 suppress_health_check=list(HealthCheck))
LONG = settings(max_examples=1000, deadline=None, database=None, suppress_health_check=list(HealthCheck))


def call(case):
    headers = dict(AUTH) if case.method == "POST" else {}
    case.call_and_validate(headers=headers, checks=ALL_CHECKS)


def test_every_check_of_schemathesis_runs():
    names = {check.__name__ for check in ALL_CHECKS}
    assert {"not_a_server_error", "status_code_conformance", "content_type_conformance",
            "response_headers_conformance", "response_schema_conformance", "negative_data_rejection",
            "positive_data_acceptance", "unsupported_method", "use_after_free", "ensure_resource_availability",
            "ignored_auth", "missing_required_header"} <= names, names


@api_schema.parametrize()
@SHORT
def test_every_operation_honours_its_document(case):
    call(case)


@pytest.mark.fuzz
@api_schema.parametrize()
@LONG
def test_every_operation_honours_its_document_long(case):
    call(case)


def test_the_document_lists_every_route(app):
    spec = app.test_client().get("/openapi.json").get_json()
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    assert documented == {("/timeline", "GET"), ("/events/{event_id}", "GET"), ("/articles", "GET"),
                          ("/articles", "POST"), ("/articles/{article_id}", "GET"), ("/rules", "GET"),
                          ("/rules/reload", "POST"), ("/healthz", "GET"), ("/explain", "POST")}
    assert "429" in spec["paths"]["/articles"]["post"]["responses"]


# --- by hand ----------------------------------------------------------------------------------------

def problem_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/problem+json"
    assert "Traceback" not in response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == status and body["title"]
    return body


INJECTIONS = [
    "' OR '1'='1", "'; DROP TABLE articles;--", '" OR 1=1 --', "%' OR 1=1 --", "\\", "%", "_", "%%",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{{7*7}}", "${jndi:ldap://x}", "../../etc/passwd",
    "\x00", "\u202e", "a" * 5000, "𝕏" * 300, "NULL", "null", "[]", "{}", "1e309", "-1", "0", "9" * 40,
]


@pytest.mark.parametrize("value", INJECTIONS, ids=range(len(INJECTIONS)))
def test_injection_shaped_strings_in_every_parameter_get_an_answer(app, value):
    client = app.test_client()
    articles_before = client.get("/healthz").get_json()["articles"]
    for name in ("type", "from", "to", "q", "participant", "source", "format", "limit", "cursor", "colour"):
        response = client.get("/timeline", query_string={name: value})
        assert response.status_code in (200, 400), (name, response.status_code)
        if response.status_code == 400:
            problem_of(response, 400)
        else:
            events = response.get_json()["events"]
            assert isinstance(events, list)
            if name in ("q", "participant", "source") and any(c in value for c in "<>{}$"):
                assert events == [], (name, value)  # no event's text holds markup or a template
    for path in ("/articles", "/events/", "/articles/"):
        response = client.get(path + value if path.endswith("/") else path, query_string={"cursor": value})
        assert response.status_code in (200, 400, 404), (path, response.status_code)
        if response.status_code != 200:
            problem_of(response, response.status_code)
    assert client.get("/healthz").get_json()["articles"] == articles_before


def test_text_search_matches_sql_wildcards_literally(app):
    client = app.test_client()
    assert client.get("/timeline?q=%25").get_json()["events"] == []  # '%' is not "anything"
    assert client.get("/timeline?q=_").get_json()["events"] == []
    assert client.get("/timeline", query_string={"q": "' OR '1'='1"}).get_json()["events"] == []


def test_html_in_titles_and_text_comes_out_escaped_in_timelinejs(tmp_path):
    client = make_app(tmp_path).test_client()
    evil = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    answer = client.post("/articles", headers=AUTH, json={
        "title": evil, "source": "Wire " + evil, "published": "2025-05-08", "url": "https://example.com/evil",
        "text": f"On Friday Chinese and Russian troops will march together through Red Square {evil}.",
    })
    assert answer.status_code == 201, answer.get_data(as_text=True)
    article_id = answer.get_json()["id"]
    slides = client.get(f"/timeline?format=timelinejs&source={article_id}").get_json()["events"]
    assert slides
    for slide in slides:
        html = slide["text"]["headline"] + slide["text"]["text"] + slide.get("display_date", "")
        assert "<script" not in html and "<img" not in html
    assert any("&lt;script&gt;" in s["text"]["text"] for s in slides)
    # a label is escaped as well: TimelineJS inserts the headline as HTML
    import dataclasses

    from timeline.formats import timelinejs
    from timeline.pipeline import timeline_from_paths

    event = timeline_from_paths([CORPUS]).events[0]
    (slide,) = timelinejs([dataclasses.replace(event, label=evil)])["events"]
    assert slide["text"]["headline"] == "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
    # the JSON API gives the text back as it came: escaping is the HTML renderer's job
    assert client.get(f"/articles/{article_id}").get_json()["title"] == evil


@pytest.mark.parametrize("query, name", [
    ("colour=red", "colour"), ("type=parade&Type=x", "Type"), ("from[]=2025-01-01", "from[]"),
    ("limit=10&limit2=3", "limit2"),
])
def test_unknown_query_parameters_are_named(app, query, name):
    body = problem_of(app.test_client().get(f"/timeline?{query}"), 400)
    assert name in [p["name"] for p in body["invalid-params"]]
    body = problem_of(app.test_client().get(f"/articles?{query}"), 400)
    assert name in [p["name"] for p in body["invalid-params"]]


@pytest.mark.parametrize("raw", [
    b"", b"{", b'{"title": "x",}', b"[1, 2]", b'"just a string"', b"null", b"1e999", b"\xff\xfe{}", b"{\"a\": NaN}",
    b'{"published": "2025-05-08", "text": "x", "published": 5}', b"[" * 100_000, b'{"a": ' * 50_000,
    b'{"text": "\\ud800"}',
], ids=lambda raw: repr(raw[:20]))
def test_invalid_json_gets_400(app, raw):
    client = app.test_client()
    before = client.get("/healthz").get_json()["articles"]
    problem_of(client.post("/articles", data=raw, headers={**AUTH, "Content-Type": "application/json"}), 400)
    assert client.get("/healthz").get_json()["articles"] == before


@pytest.mark.parametrize("field, value", [
    ("published", None), ("published", 20250508), ("published", "2025-02-29"), ("published", "0000-01-01"),
    ("published", "2025-05-08T10:00"), ("published", ["2025-05-08"]), ("published", {"$gt": ""}),
    ("text", ""), ("text", "   \n\t"), ("text", 5), ("text", ["a"]), ("title", None), ("title", "t" * 1001),
    ("url", "javascript:alert(1)"), ("url", "not a url"), ("url", 7), ("language", "english"),
    ("language", "<b>"), ("source", {"a": 1}),
])
def test_each_bad_field_is_named(app, field, value):
    body = problem_of(app.test_client().post("/articles", headers=AUTH, json={**ARTICLE, field: value}), 400)
    expected = "text" if field == "text" else field
    assert body["invalid-params"][0]["name"] == expected


@pytest.mark.parametrize("content_type", [
    None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
    "application/jsonx", "text/json",
])
def test_wrong_content_types_get_415(app, content_type):
    headers = dict(AUTH)
    if content_type:
        headers["Content-Type"] = content_type
    body = problem_of(app.test_client().post("/articles", data=json.dumps(ARTICLE), headers=headers), 415)
    assert body["invalid-params"][0]["name"] == "Content-Type"


def test_json_with_a_charset_and_problem_json_are_accepted(tmp_path):
    client = make_app(tmp_path).test_client()
    response = client.post("/articles", data=json.dumps(ARTICLE), headers={
        **AUTH, "Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 201


@pytest.mark.parametrize("authorization, status", [
    (None, 401), ("", 401), ("Bearer", 401), ("Bearer ", 401), ("Basic dXNlcjpwYXNz", 401),
    ("Bearer wrong", 403), (f"Bearer {TOKEN}x", 403), (f"Bearer {TOKEN[:-1]}", 403), ("Bearer ' OR 1=1 --", 403),
    ("Bearer \u00e9t\u00e9", 403),
])
def test_writes_without_the_right_token_are_refused(app, authorization, status):
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    client = app.test_client()
    problem_of(client.post("/articles", data=json.dumps(ARTICLE), headers=headers), status)
    problem_of(client.post("/rules/reload", headers=headers), status)


def test_too_many_writes_from_one_client_get_429_with_retry_after(tmp_path):
    client = make_app(tmp_path, WRITE_RATE="5/60").test_client()
    before = client.get("/healthz").get_json()["articles"]
    answers = [client.post("/articles", headers=AUTH, json={**ARTICLE, "text": f"Article number {i}."})
               for i in range(7)]
    assert [a.status_code for a in answers] == [201] * 5 + [429] * 2
    body = problem_of(answers[-1], 429)
    assert int(answers[-1].headers["Retry-After"]) >= 1 and "5 writes" in body["detail"]
    assert client.get("/healthz").get_json()["articles"] == before + 5
    # token guessing counts too: a wrong token is a write attempt
    assert client.post("/rules/reload", headers={"Authorization": "Bearer guess"}).status_code == 429
    # another client is not slowed down by the first one
    other = client.post("/articles", headers=AUTH, json={**ARTICLE, "text": "From elsewhere."},
                        environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 201
    # reads are never limited
    assert all(client.get("/healthz").status_code == 200 for _ in range(20))


def test_the_write_rate_setting_is_checked_at_start(tmp_path):
    with pytest.raises(ValueError, match="WRITE_RATE"):
        make_app(tmp_path, WRITE_RATE="fast")


def announce_body(server, size: int) -> tuple[int, bytes]:
    """Send the headers of a POST announcing `size` bytes and read the answer before sending any body
    (what a careful client does with a huge upload); returns (status, body)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall((f"POST /articles HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n"
                      f"Content-Type: application/json\r\nContent-Length: {size}\r\n\r\n").encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_bodies_of_2_to_10_mb_and_more_get_413_from_the_real_server(tmp_path):
    with Server(f"sqlite:///{tmp_path / 'timeline.sqlite'}", token=TOKEN) as server:
        before = json.loads(server.request("GET", "/healthz")[2])["articles"]
        for size in (2 * 1024 * 1024 + 1, 5 * 1024 * 1024):  # the app's limit: a problem+json answer
            payload = json.dumps({**ARTICLE, "text": "x" * size}).encode()
            status, headers, body = server.request("POST", "/articles", payload,
                                                   headers={**AUTH, "Content-Type": "application/json"})
            assert status == 413, (size, body[:300])
            assert headers["Content-Type"].startswith("application/problem+json") and b"Traceback" not in body
        for size in (10 * 1024 * 1024, 20 * 1024 * 1024, 10**12):  # past the WSGI server's own limit (8 MB)
            status, body = announce_body(server, size)
            assert status == 413 and b"Traceback" not in body, (size, body[:300])
        # a client that sends 10 MB without waiting gets the connection closed; the server stays up
        try:
            server.request("POST", "/articles", b"x" * (10 * 1024 * 1024),
                           headers={**AUTH, "Content-Type": "application/json"})
        except OSError:
            pass
        status, _, body = server.request("GET", "/healthz")
        assert status == 200 and json.loads(body)["articles"] == before
        status, _, _ = server.request("POST", "/articles", json.dumps(ARTICLE).encode(),
                                      headers={**AUTH, "Content-Type": "application/json"})
        assert status == 201


@pytest.mark.parametrize("base", ["timeline.example.org", "https://example.org/?x=1", "javascript:alert(1)"])
def test_the_base_url_setting_is_checked_at_start(tmp_path, base):
    with pytest.raises(ValueError, match="BASE_URL"):
        make_app(tmp_path, BASE_URL=base)


def send_chunked(server, body: bytes, chunk: int = 64 * 1024) -> tuple[int, dict, bytes]:
    """POST /articles with `Transfer-Encoding: chunked` (no Content-Length) over a raw socket."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sock:
        sock.sendall((f"POST /articles HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n"
                      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode())
        try:
            for start in range(0, len(body), chunk):
                part = body[start:start + chunk]
                sock.sendall(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server may answer and close before the whole body is sent
        answer = b""
        while data := sock.recv(65536):
            answer += data
    head, _, rest = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, rest


def test_a_chunked_body_over_the_limit_gets_413_from_the_real_server(tmp_path):
    with Server(f"sqlite:///{tmp_path / 'timeline.sqlite'}", token=TOKEN) as server:
        before = json.loads(server.request("GET", "/healthz")[2])["articles"]
        huge = json.dumps({**ARTICLE, "text": "x" * (3 * 1024 * 1024)}).encode()
        status, headers, body = send_chunked(server, huge)
        assert status == 413, body[:300]
        assert headers["content-type"].startswith("application/problem+json")
        assert json.loads(body)["status"] == 413 and "2097152 bytes" in json.loads(body)["detail"]
        # a chunked body within the limit is read whole and stored
        status, _, body = send_chunked(server, json.dumps({**ARTICLE, "url": "https://example.com/chunked"}).encode(),
                                       chunk=50)
        assert status == 201, body[:300]
        assert json.loads(server.request("GET", "/healthz")[2])["articles"] == before + 1
