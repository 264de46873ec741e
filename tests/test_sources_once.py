"""Sources once (issue 15): a paragraph a scraped page repeats is one source of its event, with how
often it repeats, in every format and over HTTP."""
import csv
import io
import json
import subprocess

from conftest import BIN, RULES, write_article

from api import create_app

MARCH = "On Friday Chinese and Russian troops will march together through Red Square."
OTHER = "The ministry said the rehearsal went well."
BODY = f"{MARCH}\n\n{OTHER}\n\n{MARCH}\n"


def extract(path, fmt):
    done = subprocess.run([str(BIN), "extract", str(path), "--format", fmt], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_repeated_paragraph_is_one_source_with_its_count_in_every_format(tmp_path):
    article = write_article(tmp_path, "repeated.md", published="2025-05-08", body=BODY)

    (event,) = json.loads(extract(article, "json"))["events"]
    assert (event["label"], event["start"]) == ("Troops march through Red Square", "2025-05-09")
    assert [(s["sentence"], s["repeats"], s["sentence_begin"]) for s in event["sources"]] == [(MARCH, 2, 0)]

    (slide,) = json.loads(extract(article, "timelinejs"))["events"]
    assert slide["text"]["text"] == f"<p>{MARCH} <em>(Test, 2025-05-08, twice in the article)</em></p>"

    rows = list(csv.DictReader(io.StringIO(extract(article, "csv"))))
    assert [(r["label"], r["start"], r["sources"], r["sentence"]) for r in rows] == [
        ("Troops march through Red Square", "2025-05-09", "1", MARCH)]

    ics = extract(article, "ics").replace("\n ", "")  # content lines unfolded (RFC 5545, 3.1)
    assert ics.count("BEGIN:VEVENT") == 1
    assert ics.count(f"DESCRIPTION:{MARCH}\n") == 1


def test_a_sentence_said_once_has_repeats_1(tmp_path):
    article = write_article(tmp_path, "once.md", published="2025-05-08", body=f"{MARCH}\n\n{OTHER}\n")
    (event,) = json.loads(extract(article, "json"))["events"]
    assert [(s["sentence"], s["repeats"]) for s in event["sources"]] == [(MARCH, 1)]
    (slide,) = json.loads(extract(article, "timelinejs"))["events"]
    assert slide["text"]["text"] == f"<p>{MARCH} <em>(Test, 2025-05-08)</em></p>"


def test_the_stored_event_lists_a_repeated_paragraph_once(tmp_path):
    (tmp_path / "corpus").mkdir()
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'timeline.sqlite'}", "CORPUS_DIR": str(tmp_path / "corpus"),
                      "RULES_DIR": str(RULES), "API_TOKEN": "t"})
    client = app.test_client()
    created = client.post("/articles", json={"title": "Troops to march", "source": "Test wire",
                                             "published": "2025-05-08", "text": BODY},
                          headers={"Authorization": "Bearer t"})
    assert created.status_code == 201, created.get_data(as_text=True)
    (summary,) = created.get_json()["events"]
    event = client.get(summary["href"]).get_json()
    assert [(s["sentence"], s["repeats"]) for s in event["sources"]] == [(MARCH, 2)]
    page = client.get("/timeline?format=csv").get_data(as_text=True)
    assert [r["sources"] for r in csv.DictReader(io.StringIO(page))] == ["1"]
