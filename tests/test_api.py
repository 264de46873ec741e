"""The HTTP API through Flask's test client, and once through a real WSGI server."""
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from conftest import BIN, CORPUS, RULES


@pytest.fixture(scope="module")
def client():
    from api import create_app

    return create_app({"CORPUS_DIR": str(CORPUS), "RULES_DIR": str(RULES)}).test_client()


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["articles"] == 7 and body["events"] > 5


def test_timeline_filters_by_type_and_window(client):
    response = client.get("/timeline?type=parade&from=2025-05-01&to=2025-05-31")
    assert response.status_code == 200 and response.mimetype == "application/json"
    events = response.get_json()["events"]
    assert [(e["type"], e["start"]) for e in events] == [("parade", "2025-05-09")]
    both = client.get("/timeline?type=parade&type=tariff").get_json()["events"]
    assert {e["type"] for e in both} == {"parade", "tariff"}
    assert client.get("/timeline?type=parade,tariff").get_json() == {"events": both, "rules_version": both and client.get("/timeline").get_json()["rules_version"]}


@pytest.mark.parametrize("query, name", [
    ("from=2025-13-01", "from"), ("to=tomorrow", "to"), ("type=picnic", "type"),
    ("from=2025-06-01&to=2025-05-01", "from"), ("format=pdf", "format"), ("colour=red", "colour"),
])
def test_bad_parameters_get_400_problem_json_naming_them(client, query, name):
    response = client.get(f"/timeline?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 400 and body["invalid-params"][0]["name"] == name
    assert "Traceback" not in response.get_data(as_text=True)


def test_unknown_path_is_a_404_problem(client):
    response = client.get("/events/nope/nope")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_real_server_over_http():
    port = free_port()
    env = {**os.environ, "TIMELINE_CORPUS_DIR": str(CORPUS), "TIMELINE_RULES_DIR": str(RULES)}
    server = subprocess.Popen([str(BIN), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    assert response.status == 200
                    break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/timeline?type=parade", timeout=10) as response:
            assert response.headers["Server"] == "timeline"  # answered by waitress, not a dev server
            events = json.loads(response.read())["events"]
        assert {e["start"] for e in events} >= {"2025-05-09", "2025-09-03"}
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/timeline?from=nope", timeout=10)
        assert caught.value.code == 400
        assert json.loads(caught.value.read())["invalid-params"][0]["name"] == "from"
    finally:
        server.terminate()
        server.wait(timeout=30)
