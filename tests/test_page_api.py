"""POST /explain (`timeline explain` over HTTP), the page at / and /docs as served, and the vendored
front-end packages as recorded (api/static/vendor/README.md). The browser's view is tests/test_browser.py."""
import configparser
import fnmatch
import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import BIN, CORPUS, RULES

from api import create_app

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "api" / "static"
SENTENCE = "Putin will visit Beijing on May 16, the Kremlin said on Tuesday."


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("page")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'timeline.sqlite'}", "CORPUS_DIR": str(CORPUS),
                      "RULES_DIR": str(RULES), "API_TOKEN": "a-token", "WRITE_RATE": None})
    return app.test_client()


def test_explain_needs_no_token_and_answers_as_the_command_line_does(client):
    response = client.post("/explain", json={"text": SENTENCE, "published": "2025-05-08"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    answer = response.get_json()
    fired = [r["rule"] for s in answer["sentences"] for r in s["rules"] if r["fired"]]
    assert fired == ["summit.state-visit"]
    assert answer["sentences"][0]["mentions"][0]["label"] == "Vladimir Putin's visit to Beijing"
    done = subprocess.run([str(BIN), "explain", "--published", "2025-05-08", "--rules", str(RULES), "--format", "json"],
                          input=SENTENCE, capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(done.stdout) == answer


def test_explain_refuses_bad_bodies_as_problems_naming_the_field(client):
    cases = [({"text": SENTENCE, "published": "2025-02-30"}, 400, "published"),
             ({"text": "", "published": "2025-05-08"}, 400, "text"),
             ({"text": "x" * 20_001, "published": "2025-05-08"}, 400, "text"),
             ({"published": "2025-05-08"}, 400, "text"),
             ({"text": SENTENCE, "published": "2025-05-08", "extra": 1}, 400, "extra")]
    for payload, status, name in cases:
        response = client.post("/explain", json=payload)
        assert response.status_code == status and response.mimetype == "application/problem+json", payload
        assert response.get_json()["invalid-params"][0]["name"] == name
    assert client.post("/explain", data=SENTENCE, content_type="text/plain").status_code == 415
    assert client.post("/explain", data=b"{", content_type="application/json").status_code == 400
    huge = json.dumps({"text": "word " * 500_000, "published": "2025-05-08"})
    response = client.post("/explain", data=huge, content_type="application/json")
    assert response.status_code == 413 and response.mimetype == "application/problem+json"
    assert client.get("/explain").status_code == 405


def test_the_page_and_docs_load_nothing_from_other_hosts(client):
    page = client.get("/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self';")
    docs = client.get("/docs")
    assert docs.status_code == 200 and docs.headers["Content-Security-Policy"].startswith("default-src 'self';")
    for html in (page.get_data(as_text=True), docs.get_data(as_text=True)):
        assert not re.search(r"(src|href)=\"(https?:)?//", html), html
        for path in re.findall(r"(?:src|href)=\"(static/[^\"]+)\"", html):
            assert client.get("/" + path).status_code == 200, path
    assert "swagger-ui-dist/5.35.0/swagger-ui-bundle.js" in docs.get_data(as_text=True)


def test_the_vendored_files_are_those_recorded():
    wanted = json.loads((STATIC / "vendor" / "packages.json").read_text(encoding="utf-8"))
    record = (STATIC / "vendor" / "README.md").read_text(encoding="utf-8")
    for name, spec in wanted.items():
        folder = STATIC / "vendor" / name
        assert [p.name for p in folder.iterdir()] == [spec["version"]], f"{name}: one version, the one in packages.json"
        assert re.fullmatch(r"\d+\.\d+\.\d+", spec["version"]), "an exact version"
        assert {"LICENSE", "package.json"} <= set(spec["files"])
        meta = json.loads((folder / spec["version"] / "package.json").read_text(encoding="utf-8"))
        assert meta["name"] == name and meta["version"] == spec["version"]
        assert f"| {name} | {spec['version']} | {meta['license']} |" in record
        for file in spec["files"]:
            digest = hashlib.sha256((folder / spec["version"] / file).read_bytes()).hexdigest()
            assert f"| `{name}/{spec['version']}/{file}` | `{digest}` |" in record, file


def test_every_static_file_is_package_data():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    patterns = [p.strip() for p in config["options.package_data"]["api"].split(",")]
    files = [p.relative_to(ROOT / "api").as_posix() for p in STATIC.rglob("*") if p.is_file()]
    assert len(files) > 10
    left_out = [f for f in files if not any(fnmatch.fnmatch(f, p) and f.count("/") == p.count("/") for p in patterns)]
    assert left_out == []
