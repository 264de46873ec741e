"""`timeline explain`: why a sentence is or is not an event, read off the pipeline's own pass."""
import datetime as dt
import json
import subprocess

import pytest

from conftest import BIN, write_article
from timeline.articles import Article
from timeline.explain import explain
from timeline.pipeline import classifier_for

PUBLISHED = dt.date(2025, 5, 8)   # a Thursday


def rule_of(answer, rule_id, sentence=0):
    return next(r for r in answer["sentences"][sentence]["rules"] if r["rule"] == rule_id)


def ask(text):
    return explain(classifier_for(), text, PUBLISHED)


def test_a_fired_rule_names_its_trigger_date_and_mention():
    answer = ask("Xi's trip started Wednesday, and on Friday Chinese and Russian troops will march "
                 "together through Red Square.")
    visit = rule_of(answer, "summit.state-visit")
    assert (visit["fired"], visit["failed"], visit["trigger"]) == (True, [], "trip")
    assert all(c["ok"] for c in visit["conditions"].values())
    dates = {d["text"]: d for d in answer["sentences"][0]["dates"]}
    assert (dates["Wednesday"]["value"], dates["Wednesday"]["taken"]) == ("2025-05-07", True)
    assert (dates["Friday"]["value"], dates["Friday"]["taken"]) == ("2025-05-09", True)
    kinds = {(m["type"], m["start"]) for m in answer["sentences"][0]["mentions"]}
    assert kinds == {("summit", "2025-05-07"), ("parade", "2025-05-09")}


@pytest.mark.parametrize("text, rule_id, failed", [
    ("Putin was in Moscow on Friday.", "summit.state-visit", ["triggers", "needs_date"]),  # no trigger to measure from
    ("Trump did not meet Xi on Friday.", "summit.leaders-meeting", "not_negated"),
    ("Putin will visit Beijing soon.", "summit.state-visit", "needs_date"),
    ("Putin will visit Beijing, the Kremlin said, and the talks with Xi are expected to cover trade and "
     "energy ties in detail next month.", "summit.state-visit", "date_within"),
    ("Crowds will march through Red Square on Friday.", "parade.troops-march", "required"),
    ("Trade talks between China and the U.S. stalled on Friday.", "summit.trade-talks", "forbidden"),
    ("President Trump met Vice President JD Vance on Monday.", "summit.leaders-meeting", "refuse_domestic"),
    ("Trade talks between China and the U.S. stalled on Friday.", "summit.leaders-meeting", "involving.people"),
])
def test_a_rule_that_does_not_fire_names_the_condition_that_failed(text, rule_id, failed):
    rule = rule_of(ask(text), rule_id)
    failed = failed if isinstance(failed, list) else [failed]
    assert rule["fired"] is False
    assert rule["failed"] == failed
    assert all(rule["conditions"][name]["ok"] is False for name in failed)


def test_an_undated_visit_says_why_and_is_kept_apart():
    rule = rule_of(ask("Putin will visit Beijing soon."), "summit.state-visit")
    assert rule["conditions"]["needs_date"]["detail"] == "no date"
    assert rule["kept_undated"] is True


def test_a_far_date_says_how_far():
    answer = ask("Putin will visit Beijing, the Kremlin said, and the talks with Xi are expected to "
                 "cover trade and energy ties in detail next month.")
    rule = rule_of(answer, "summit.state-visit")
    assert rule["conditions"]["date_within"]["detail"] == \
        "no date within 8 words of 'visit' (the nearest is 19 words away)"
    (date,) = answer["sentences"][0]["dates"]
    assert (date["text"], date["taken"], date["why"]) == ("next month", False, "too far from the trigger (date_within)")


def test_a_reporting_date_and_a_pronoun_are_explained():
    answer = ask("Xi Jinping arrived in Moscow on Wednesday. He met Putin on Thursday, the Kremlin said Friday.")
    second = answer["sentences"][1]
    dates = {d["text"]: d for d in second["dates"]}
    assert dates["Thursday"]["taken"] is True
    assert dates["Friday"]["taken"] is False
    assert dates["Friday"]["why"] == "the date of a statement (when it was said), not of the event"
    assert {"name": "Xi Jinping", "as": "He"} in second["actors"]["referred_back"]
    assert [p["name"] for p in second["actors"]["people"]] == ["Vladimir Putin"]


def test_explain_gives_the_mentions_extract_gives():
    text = ("Russian President Vladimir Putin will travel to China on May 15-16 for talks with Xi Jinping, "
            "the Kremlin said on Tuesday. The two leaders will also attend a forum in Harbin.")
    classifier = classifier_for()
    article = Article(id="x", title="", published=PUBLISHED, body=text)
    extracted = [(m.type, m.rule, m.start, m.end, m.label) for m in classifier.mentions(article)]
    explained = [(m["type"], m["rule"], dt.date.fromisoformat(m["start"]), dt.date.fromisoformat(m["end"]), m["label"])
                 for s in ask(text)["sentences"] for m in s["mentions"]]
    assert explained == extracted and extracted


def run(*args, stdin=None):
    return subprocess.run([str(BIN), *args], input=stdin, capture_output=True, text=True, timeout=300)


def test_the_command_prints_text_for_people_and_json_for_tools(tmp_path):
    done = run("explain", "--published", "2025-05-08", stdin="Trump did not meet Xi on Friday.\n")
    assert done.returncode == 0, done.stderr
    assert "summit.leaders-meeting: not fired on 'meet': not_negated: the trigger is negated" in done.stdout
    assert "date 'Friday' = 2025-05-09 (DATE): not taken: no rule fired" in done.stdout
    path = write_article(tmp_path, "a.txt", published="2025-05-08",
                         body="On Friday Chinese and Russian troops will march together through Red Square.")
    done = run("explain", "--format", "json", str(path))
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    march = rule_of(answer, "parade.troops-march")
    assert march["fired"] is True
    assert answer["sentences"][0]["mentions"][0]["start"] == "2025-05-09"


def test_a_plain_text_without_a_date_is_refused_clearly():
    done = run("explain", stdin="Putin will visit Beijing soon.\n")
    assert done.returncode == 2
    assert done.stderr.strip() == "stdin: --published YYYY-MM-DD is needed for a text without front matter"
