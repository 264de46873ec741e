"""The `timeline` console script, run as a user runs it."""
import csv
import io
import json
import subprocess

from conftest import BIN, CORPUS, write_article


def run(*args, stdin=None):
    return subprocess.run([str(BIN), *args], input=stdin, capture_output=True, text=True, timeout=300)


def test_extract_prints_contract_json_for_the_corpus():
    done = run("extract", str(CORPUS), "--format", "json")
    assert done.returncode == 0, done.stderr
    events = json.loads(done.stdout)["events"]
    assert {e["type"] for e in events} == {"summit", "tariff", "parade"}
    starts = [(e["start"], e["end"], e["type"]) for e in events]
    assert starts == sorted(starts)
    parades = {(e["start"], e["end"]) for e in events if e["type"] == "parade"}
    assert ("2025-05-09", "2025-05-09") in parades and ("2025-09-03", "2025-09-03") in parades
    source = events[0]["sources"][0]
    assert source["rule"].split(".")[0] == events[0]["type"] and source["published"]


def test_bad_inputs_exit_2_with_one_line_each_and_good_ones_still_print(tmp_path):
    good = write_article(tmp_path, "good.txt", published="2025-05-08",
                         body="On Friday Chinese and Russian troops will march together through Red Square.")
    bad = write_article(tmp_path, "bad.txt", published="yesterday")
    done = run("extract", str(good), str(bad), str(tmp_path / "missing.txt"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines == [
        f"{bad}: published: not an ISO 8601 date (YYYY-MM-DD) or datetime with offset: 'yesterday'",
        f"{tmp_path / 'missing.txt'}: file: No such file or directory",
    ]
    (event,) = json.loads(done.stdout)["events"]
    assert (event["type"], event["start"]) == ("parade", "2025-05-09")


def test_other_formats():
    ics = subprocess.run([str(BIN), "extract", str(CORPUS), "--format", "ics"], capture_output=True, timeout=300).stdout
    assert ics.startswith(b"BEGIN:VCALENDAR\r\n") and b"DTSTART;VALUE=DATE:20250509\r\n" in ics
    assert b"DTEND;VALUE=DATE:20250510\r\n" in ics  # all-day events end the day after (non-inclusive)
    csv_text = run("extract", str(CORPUS), "--format", "csv").stdout
    assert csv_text.splitlines()[0] == "id,type,label,start,end,granularity,status,sources,articles,sentence,participants"
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    events = json.loads(run("extract", str(CORPUS), "--format", "json").stdout)["events"]
    assert [(r["id"], r["type"], r["start"], r["end"], r["label"]) for r in rows] == \
        [(e["id"], e["type"], e["start"], e["end"], e["label"]) for e in events] and len(rows) == 15
    tl = json.loads(run("extract", str(CORPUS), "--format", "timelinejs").stdout)
    slide = tl["events"][0]
    assert set(slide) >= {"start_date", "text", "unique_id", "group"} and "year" in slide["start_date"]


def test_tag_reads_stdin_and_anchors_to_the_dct():
    done = run("tag", "--dct", "2025-05-08", "-", stdin="Xi's trip started Wednesday.")
    assert done.returncode == 0, done.stderr
    (found,) = json.loads(done.stdout)
    assert found == {"text": "Wednesday", "begin": 18, "end": 27, "type": "DATE", "value": "2025-05-07"}


def test_tag_refuses_a_bad_dct():
    done = run("tag", "--dct", "08/05/2025", "-", stdin="today")
    assert done.returncode == 2 and "not a date" in done.stderr


def test_tag_prints_ranges_as_their_timeml_parts():
    text = "Bessent will meet He Lifeng in Geneva on Saturday and Sunday; the assembly runs May 19-27 of 1999."
    done = run("tag", "--dct", "2025-05-08", "-", stdin=text)
    found = [(t["text"], t["value"]) for t in json.loads(done.stdout)]
    assert ("Saturday", "2025-05-10") in found and ("Sunday", "2025-05-11") in found
    for t in json.loads(done.stdout):
        assert text[t["begin"]:t["end"]] == t["text"]


def test_edge_years_do_not_sink_the_batch(tmp_path):
    last = write_article(tmp_path, "last.txt", published="9999-12-30",
                         body="During his four-day trip starting Friday, Xi will hold talks with Putin.")
    first = write_article(tmp_path, "first.txt", published="0001-01-03", body="Xi and Putin met in Moscow on Monday.")
    done = subprocess.run([str(BIN), "extract", str(last), str(first), "--format", "ics"], capture_output=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert b"DTSTART;VALUE=DATE:00010101\r\n" in done.stdout and b"DTSTART;VALUE=DATE:99991231\r\n" in done.stdout


def test_extract_unmatched_lists_the_sentences_no_rule_caught(tmp_path):
    """`extract --unmatched`: a sentence with a date, an actor and a word close to a trigger that
    became no event is reported (editors see the gaps of the vocabulary); an event's sentence is not."""
    path = write_article(tmp_path, "quota.txt", published="2025-06-05", body=(
        "Canada's tariff-free quota for Mexican steel ends on Monday.\n"
        "China imposed tariffs of 15% on American coal on Monday."))
    done = subprocess.run([str(BIN), "extract", str(path), "--unmatched"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    (item,) = json.loads(done.stdout)
    assert item["sentence"] == "Canada's tariff-free quota for Mexican steel ends on Monday."
    assert item["words"] == {"tariff": ["tariff-free"]}
    assert item["dates"] == ["Monday"] and {"Canada", "Mexico"} <= set(item["actors"])


def test_tag_reports_the_timex3_modifier_when_there_is_one():
    done = run("tag", "--dct", "2025-05-08", "-", stdin="Talks resume in early June; Putin came in mid-May, "
                                                          "after more than two years. The vote will be on Friday.")
    assert done.returncode == 0, done.stderr
    found = {t["text"]: t for t in json.loads(done.stdout)}
    assert (found["early June"]["value"], found["early June"]["mod"]) == ("2025-06", "START")
    assert (found["mid-May"]["value"], found["mid-May"]["mod"]) == ("2025-05", "MID")
    assert (found["more than two years"]["value"], found["more than two years"]["mod"]) == ("P2Y", "MORE_THAN")
    assert "mod" not in found["Friday"] and found["Friday"]["value"] == "2025-05-09"
