"""The temporal tagger, specified by real news sentences: text in, TIMEX3 values and days out."""
import datetime

import pytest

from timeline.temporal import Timex, load, tag

D = datetime.date


def find(text, dct, phrase, occurrence=0):
    """The Timex whose text is `phrase` (the n-th such), failing with what was found instead."""
    found = tag(text, dct)
    hits = [t for t in found if t.text == phrase]
    assert len(hits) > occurrence, f"{phrase!r} not tagged; got {[(t.text, t.value) for t in found]}"
    return hits[occurrence]


def covering(text, dct, word):
    i = text.index(word)
    return [t for t in tag(text, dct) if t.begin < i + len(word) and t.end > i]


# ------------------------------------------------------------------ the interface
def test_timex_fields_and_offsets():
    text = "Xi's trip started Wednesday, and on Friday troops will march."
    out = tag(text, D(2025, 5, 8))
    assert all(isinstance(t, Timex) for t in out)
    assert [t.begin for t in out] == sorted(t.begin for t in out)
    for a, b in zip(out, out[1:]):
        assert a.end <= b.begin
    for t in out:
        assert text[t.begin:t.end] == t.text
        assert t.type in {"DATE", "TIME", "DURATION", "SET"}


def test_accepts_datetime_dct_and_empty_text():
    assert tag("", D(2025, 5, 8)) == []
    assert tag("No dates here at all.", datetime.datetime(2025, 5, 8, 12, 0)) == []
    t = find("Stocks fell yesterday.", datetime.datetime(2025, 5, 8, 9, 30), "yesterday")
    assert t.value == "2025-05-07"
    assert find("Stocks fell yesterday.", "2025-05-08T09:30:00+02:00", "yesterday").value == "2025-05-07"


# ------------------------------------------------------------------ anchor facts: 2025-05-08 (Thu)
XI_TRIP = "Xi's trip started Wednesday, and on Friday Chinese and Russian troops will march together through Red Square"


def test_weekday_past_and_future_in_one_sentence():
    wed = find(XI_TRIP, D(2025, 5, 8), "Wednesday")
    fri = find(XI_TRIP, D(2025, 5, 8), "Friday")
    assert (wed.type, wed.value, wed.first, wed.last, wed.granularity) == ("DATE", "2025-05-07", D(2025, 5, 7), D(2025, 5, 7), "day")
    assert fri.value == "2025-05-09"


def test_march_as_a_verb_is_not_a_date():
    assert covering(XI_TRIP, D(2025, 5, 8), "march") == []


def test_weekend_pair_is_one_range():
    text = ("Treasury Secretary Scott Bessent and trade representative Jamieson Greer will meet in Geneva "
            "on Saturday and Sunday with Chinese Vice Premier He Lifeng.")
    t = find(text, D(2025, 5, 8), "Saturday and Sunday")
    assert (t.first, t.last) == (D(2025, 5, 10), D(2025, 5, 11))
    assert t.value == "2025-05-10"


def test_month_day_range():
    text = "Taiwan was not invited to the meeting of the World Health Assembly in Geneva, May 19-27."
    t = find(text, D(2025, 5, 8), "May 19-27")
    assert (t.first, t.last) == (D(2025, 5, 19), D(2025, 5, 27))


def test_past_weekdays_and_this_week():
    dct = D(2025, 5, 8)
    assert find("China's foreign ministry said in a statement Sunday that it would defend its interests.",
                dct, "Sunday").value == "2025-05-04"
    assert find("Beijing declared Tuesday that the tariffs were unacceptable.", dct, "Tuesday").value == "2025-05-06"
    wk = find("Xi is in Moscow this week for the Victory Day parade.", dct, "this week")
    assert (wk.value, wk.first, wk.last, wk.granularity) == ("2025-W19", D(2025, 5, 5), D(2025, 5, 11), "week")


# ------------------------------------------------------------------ anchor facts: 2025-05-06 (Tue)
def test_four_day_trip_starting_wednesday():
    text = ("During his four-day trip starting Wednesday, Xi will hold his first in-person talks with "
            "President Putin since Donald Trump unleashed America's highest tariffs in a century.")
    dur = find(text, D(2025, 5, 6), "four-day")
    assert (dur.type, dur.value, dur.first) == ("DURATION", "P4D", None)
    assert find(text, D(2025, 5, 6), "Wednesday").value == "2025-05-07"


def test_bare_month_day_and_quarters():
    dct = D(2025, 5, 6)
    text = ("Ahead of Xi's visit, Putin highlighted Russia's strategic ties with China in a documentary "
            "broadcast on Russian state television May 4.")
    assert find(text, dct, "May 4").value == "2025-05-04"
    text = ("The speed of that growth, however, has tapered off since a mid-2024 peak, with exports in "
            "the first quarter the lowest since mid-2022.")
    q = find(text, dct, "the first quarter")
    assert (q.value, q.first, q.last, q.granularity) == ("2025-Q1", D(2025, 1, 1), D(2025, 3, 31), "quarter")
    mid = find(text, dct, "mid-2024")
    assert (mid.value, mid.mod, mid.granularity) == ("2024", "MID", "year")
    assert D(2024, 5, 1) <= mid.first < mid.last <= D(2024, 8, 31)
    lm = find("For Beijing, factory activity last month took a hit.", dct, "last month")
    assert (lm.value, lm.first, lm.last) == ("2025-04", D(2025, 4, 1), D(2025, 4, 30))


# ------------------------------------------------------------------ anchor facts: 2025-09-03 (Wed)
def test_two_days_earlier_refers_to_the_story_date():
    text = ("The leaders of China, North Korea and Russia stood shoulder to shoulder Wednesday at a "
            "military parade in Beijing. Two days earlier, Xi hosted a summit in Tianjin.")
    assert find(text, D(2025, 9, 3), "Wednesday").value == "2025-09-03"
    t = find(text, D(2025, 9, 3), "Two days earlier")
    assert (t.value, t.first) == ("2025-09-01", D(2025, 9, 1))


# ------------------------------------------------------------------ anchor facts: 2025-06-05 (Thu)
def test_trump_call_article():
    dct = D(2025, 6, 5)
    text = ("President Trump said Thursday that his first call with Chinese leader Xi Jinping since "
            "returning to office was very positive. The Republican president, who returned to the White "
            "House for a second term in January, also said Xi invited him to China.\n\n"
            "Trump had declared one day earlier that it was difficult to reach a deal with Xi.\n\n"
            "Trade negotiations stalled shortly after a May 12 agreement between the two countries.")
    assert find(text, dct, "Thursday").value == "2025-06-05"
    assert find(text, dct, "January").value == "2025-01"
    assert find(text, dct, "May 12").value == "2025-05-12"
    t = find(text, dct, "one day earlier")   # back to Thursday, not to "in January"
    assert (t.value, t.first) == ("2025-06-04", D(2025, 6, 4))
    t = find("In a post on social media last week, Trump accused China of violating the deal.", dct, "last week")
    assert (t.value, t.first, t.last) == ("2025-W22", D(2025, 5, 26), D(2025, 6, 1))
    assert find("\u201cSo much for being Mr. NICE GUY!\u201d Trump posted last week.", dct, "last week").value == "2025-W22"
    text = "The two leaders last spoke in January, three days before Inauguration Day."
    jan = find(text, dct, "January")
    assert (jan.value, jan.first, jan.last, jan.granularity) == ("2025-01", D(2025, 1, 1), D(2025, 1, 31), "month")


# ------------------------------------------------------------------ anchor facts: 2024-05-07 (Tue)
def test_putin_in_mid_may_and_trade_statistics():
    dct = D(2024, 5, 7)
    t = find("Putin visiting China in mid-May", dct, "mid-May")
    assert (t.value, t.mod, t.granularity) == ("2024-05", "MID", "month")
    assert D(2024, 5, 8) <= t.first <= D(2024, 5, 12) and D(2024, 5, 19) <= t.last <= D(2024, 5, 22)
    text = ("We'll potentially learn more about the China-Russia political ties on Thursday, when China "
            "releases its preliminary April trade statistics.")
    assert find(text, dct, "Thursday").value == "2024-05-09"
    t = find("Trip planned for May 15-16 signals importance of China ties", dct, "May 15-16")
    assert (t.first, t.last) == (D(2024, 5, 15), D(2024, 5, 16))


# ------------------------------------------------------------------ anchor facts: 2024-05-15 (Wed)
def test_putin_to_visit_china():
    dct = D(2024, 5, 15)
    text = "Russian President Vladimir Putin will visit China for a two-day state visit on May 16-17."
    t = find(text, dct, "May 16-17")
    assert (t.first, t.last) == (D(2024, 5, 16), D(2024, 5, 17))
    t = find("Putin, who was sworn in for a fifth term one week ago, chose China for his first trip.",
             dct, "one week ago")
    assert t.first <= D(2024, 5, 8) <= t.last
    assert t.value in ("2024-05-08", "2024-W19")
    t = find("In an interview published on May 12, Putin praised the relationship.", dct, "May 12")
    assert t.value == "2024-05-12"


# ------------------------------------------------------------------ anchor facts: 2024-05-10 (Fri)
def test_xi_european_tour():
    dct = D(2024, 5, 10)
    text = ("Xi ended his tour in Hungary, touching down on May 8 in Budapest. "
            "After their talks on May 9, Orban said Xi could return this summer.")
    assert find(text, dct, "May 8").value == "2024-05-08"
    assert find(text, dct, "May 9").value == "2024-05-09"
    t = find(text, dct, "this summer")
    assert (t.value, t.first, t.last, t.granularity) == ("2024-SU", D(2024, 6, 1), D(2024, 8, 31), "season")


# ------------------------------------------------------------------ datelines in a digest
def test_digest_headings_re_anchor_relative_dates():
    text = ("Putin visiting China in mid-May\n"
            "Xi meets Russian foreign minister – People's Daily (April 10)\n"
            "Chinese President Xi Jinping on Tuesday met with Russian Foreign Minister Sergey Lavrov in Beijing.\n"
            "Russia Hosts China, Iran Security Chiefs to Discuss Cooperation – Bloomberg – April 23\n"
            "The security chiefs met on Monday in St. Petersburg.\n"
            "US Spies See China, Russia Militaries Working Closer on Taiwan – Bloomberg\n"
            "Officials said on Monday that the two militaries are coordinating.\n")
    dct = D(2024, 5, 7)
    assert find(text, dct, "April 10").value == "2024-04-10"
    assert find(text, dct, "Tuesday").value == "2024-04-09"
    assert find(text, dct, "April 23").value == "2024-04-23"
    assert find(text, dct, "Monday", 0).value == "2024-04-22"
    assert find(text, dct, "Monday", 1).value == "2024-05-06"   # a heading without a date: back to the DCT


# ------------------------------------------------------------------ more shapes from the brief
@pytest.mark.parametrize("text, dct, phrase, value", [
    ("The accord was signed May 12, 2025, in Geneva.", D(2025, 6, 1), "May 12, 2025", "2025-05-12"),
    ("The accord was signed on 12 May 2025.", D(2025, 6, 1), "12 May 2025", "2025-05-12"),
    ("The accord is dated 2025-05-12.", D(2025, 6, 1), "2025-05-12", "2025-05-12"),
    ("The accord is dated 5/12/2025.", D(2025, 6, 1), "5/12/2025", "2025-05-12"),
    ("They met on April 29th in Beijing.", D(2025, 5, 6), "April 29th", "2025-04-29"),
    ("Talks resume in early June.", D(2025, 5, 6), "early June", "2025-06"),
    ("Elections are due in late 2024.", D(2024, 5, 7), "late 2024", "2024"),
    ("The report is due at the end of May.", D(2025, 5, 6), "the end of May", "2025-05"),
    ("Exports fell in the last quarter of 2023.", D(2024, 5, 7), "the last quarter of 2023", "2023-Q4"),
    ("Xi may return to Europe this summer.", D(2025, 5, 6), "this summer", "2025-SU"),
    ("Talks continue this weekend.", D(2025, 5, 8), "this weekend", "2025-W19-WE"),
    ("The firm expects a profit next year.", D(2025, 5, 8), "next year", "2026"),
    ("The talks ended three days ago.", D(2025, 5, 8), "three days ago", "2025-05-05"),
    ("A year earlier, the two had met in Kazan.", D(2025, 5, 8), "A year earlier", "2024"),
    ("The new rules take effect in 90 days.", D(2025, 5, 8), "90 days", "2025-08-06"),
    ("Both sides agreed to a pause of 90 days.", D(2025, 5, 8), "90 days", "P90D"),
    ("Prices are now falling.", D(2025, 5, 8), "now", "PRESENT_REF"),
    ("Talks are currently stalled.", D(2025, 5, 8), "currently", "PRESENT_REF"),
    ("The ministry has recently signalled a change.", D(2025, 5, 8), "recently", "PAST_REF"),
    ("The parade is tomorrow.", D(2025, 5, 8), "tomorrow", "2025-05-09"),
    ("Stocks fell today.", D(2025, 5, 8), "today", "2025-05-08"),
    ("Trade has grown in the past three years.", D(2025, 5, 8), "the past three years", "P3Y"),
    ("Relations have deepened since 2013.", D(2025, 5, 8), "2013", "2013"),
    ("Bilateral trade hit a record in 2023.", D(2025, 5, 8), "2023", "2023"),
    ("Prices were last this high in the 1990s.", D(2025, 5, 8), "the 1990s", "199"),
    ("the defining rivalry of the 21st century", D(2025, 5, 8), "the 21st century", "20"),
    ("Bessent hopes for a deal within three years.", D(2025, 5, 8), "three years", "P3Y"),
    ("America's highest tariffs in a century", D(2025, 5, 6), "a century", "P100Y"),
    ("The council meets every Wednesday.", D(2025, 5, 8), "every Wednesday", "XXXX-WXX-3"),
    ("The ministry holds a weekly briefing.", D(2025, 5, 8), "weekly", "P1W"),
    ("Sales rise 8% annually.", D(2025, 5, 8), "annually", "P1Y"),
    ("The forum meets every year.", D(2025, 5, 8), "every year", "P1Y"),
    ("The vote closes at 5 p.m. today.", D(2025, 5, 8), "5 p.m. today", "2025-05-08T17:00"),
    ("The minister said this morning that the talks failed.", D(2025, 5, 8), "this morning", "2025-05-08TMO"),
])
def test_shapes(text, dct, phrase, value):
    assert find(text, dct, phrase).value == value


def test_types_of_sets_durations_and_times():
    dct = D(2025, 5, 8)
    assert find("The council meets every Wednesday.", dct, "every Wednesday").type == "SET"
    assert find("The council meets annually.", dct, "annually").type == "SET"
    assert find("Talks took three years.", dct, "three years").type == "DURATION"
    t = find("The deal was announced late Wednesday.", dct, "late Wednesday")
    assert (t.type, t.value, t.mod) == ("TIME", "2025-05-07", "END")
    assert find("The vote closes at 5 p.m. today.", dct, "5 p.m. today").type == "TIME"


def test_ranges():
    dct = D(2025, 5, 8)
    t = find("The fair will run from Monday to Wednesday.", dct, "Monday to Wednesday")
    assert (t.first, t.last) == (D(2025, 5, 12), D(2025, 5, 14))
    t = find("He served as governor 2001-2005.", dct, "2001-2005")
    assert (t.first, t.last, t.value) == (D(2001, 1, 1), D(2005, 12, 31), "2001")


def test_anaphora_to_the_previous_date():
    dct = D(2025, 5, 12)
    text = ("The leaders met on May 8 in Moscow. The next day, troops marched through Red Square. "
            "A day later, Xi flew home. That week, oil prices rose. The same day, talks began in Geneva.")
    assert find(text, dct, "The next day").value == "2025-05-09"
    assert find(text, dct, "A day later").value == "2025-05-10"
    assert find(text, dct, "That week").value == "2025-W19"
    assert find(text, dct, "The same day").value == "2025-05-10"


def test_recent_months_follows_timebank():
    t = find("That trend collapsed in recent months.", D(2025, 5, 6), "recent months")
    assert (t.type, t.value) == ("DURATION", "PXM")


# ------------------------------------------------------------------ false friends
@pytest.mark.parametrize("text, word", [
    ("on Friday Chinese and Russian troops will march together", "march"),
    ("That may undermine the talks.", "may"),
    ("We will see what happens.", "We"),
    ("a parade marking the 80th anniversary of the victory", "80th"),
    ("It was the leader's 11th trip to Russia.", "11th"),
    ("Serbia became the 22nd country to sign.", "22nd"),
    ("Trump's 145% tariff on the world's No. 2 economy", "145"),
    ("Bilateral trade hit $245 billion.", "245"),
    ("The two sides signed 28 agreements.", "28"),
    ("He told Fox News that the talks went well.", "Fox News"),
    ("Subscribe to the Sunday Crunch for more.", "Sunday"),
    ("March organisers said thousands would attend.", "March"),
])
def test_false_friends(text, word):
    assert covering(text, D(2025, 5, 8), word) == []


def test_may_as_a_month_needs_a_cue():
    dct = D(2025, 5, 8)
    assert find("The summit was held in May.", dct, "May").value == "2025-05"
    assert covering("May I ask a question?", dct, "May") == []


# ------------------------------------------------------------------ the grammar's own examples
def _examples():
    for rule in load().rules:
        for i, ex in enumerate(rule.examples):
            yield pytest.param(rule.name, ex, id=f"{rule.name}#{i}")


@pytest.mark.parametrize("rule_name, ex", list(_examples()))
def test_grammar_examples(rule_name, ex):
    text, dct = ex["text"], ex["dct"]
    if "none" in ex:
        assert covering(text, dct, ex["none"]) == [], f"{rule_name}: {ex['none']!r} must not be tagged"
        return
    t = find(text, dct, ex["find"])
    for key in ("value", "type", "mod", "first", "last"):
        if key in ex:
            assert str(getattr(t, key)) == str(ex[key]), f"{rule_name}: {key} of {ex['find']!r}"


def test_every_rule_carries_an_example():
    assert [r.name for r in load().rules if not r.examples] == []


ARTICLE = " ".join([
    XI_TRIP + ".",
    "Treasury Secretary Scott Bessent will meet in Geneva on Saturday and Sunday with He Lifeng.",
    "The meeting of the World Health Assembly in Geneva, May 19-27, will test Beijing.",
    "China's foreign ministry said in a statement Sunday that it would defend its interests.",
    "Bilateral trade hit a record of $245 billion in 2024, up 68% from 2021.",
    "The speed of that growth has tapered off since a mid-2024 peak, with exports in the first quarter the lowest since mid-2022.",
    "That may undermine the talks, which we expect to resume in early June.",
    "Two days earlier, the leaders met for the 11th time since 2013.",
] * 5)


def test_a_bare_weekday_with_no_tense_is_the_last_one():
    """'Monday: talks in Geneva' with nothing saying past or future: news reports what happened.
    (Speed against dateparser is measured in bench/tempeval.py and bench/pipeline.py, not here.)"""
    t = find("Monday: talks in Geneva.", D(2025, 5, 8), "Monday")   # a Thursday
    assert t.value == "2025-05-05"


def test_dateparser_only_sees_found_absolute_dates(monkeypatch):
    from timeline.temporal import normalize
    seen = []
    real = normalize._dateparser
    monkeypatch.setattr(normalize, "_dateparser", lambda *a: seen.append(a[0]) or real(*a))
    tag(ARTICLE, D(2025, 5, 8))
    assert seen == []
    t = find("Das Abkommen vom 12.05.2025 gilt ab sofort.", D(2025, 6, 1), "12.05.2025")
    assert (t.value, seen) == ("2025-05-12", ["12.05.2025"])


# ------------------------------------------------------------------ grammar files fail clearly
def _grammar_dir(tmp_path, rules_text):
    import shutil
    from pathlib import Path
    import timeline.temporal as pkg
    shutil.copy(Path(pkg.__file__).with_name("lexicon.yaml"), tmp_path / "lexicon.yaml")
    (tmp_path / "rules.yaml").write_text(rules_text, encoding="utf-8")
    return str(tmp_path)


def test_unknown_piece_is_reported_with_file_and_rule(tmp_path):
    from timeline.temporal import GrammarError
    d = _grammar_dir(tmp_path, "rules:\n  - name: x.bad\n    pattern: '{nosuchpiece}'\n    norm: fixed\n")
    with pytest.raises(GrammarError, match=r"rules\.yaml: rule 'x\.bad': unknown piece \{nosuchpiece\}"):
        load(d)


def test_unknown_normaliser_is_reported(tmp_path):
    from timeline.temporal import GrammarError
    d = _grammar_dir(tmp_path, "rules:\n  - name: x.bad\n    pattern: '{weekday:wd}'\n    norm: guess\n")
    with pytest.raises(GrammarError, match=r"rule 'x\.bad': unknown norm 'guess'"):
        load(d)


def test_a_custom_grammar_directory_can_be_used(tmp_path):
    d = _grammar_dir(tmp_path, "rules:\n  - name: day.only\n    pattern: '{weekday:wd}'\n    norm: weekday\n")
    out = tag("Xi arrived Wednesday.", D(2025, 5, 8), grammar=load(d))
    assert [(t.text, t.value) for t in out] == [("Wednesday", "2025-05-07")]


def test_a_subtitle_ending_in_a_date_is_not_a_dateline():
    text = ("Xi heads to Moscow – summit scheduled for May 15\n"
            "Officials said yesterday that the agenda was set.\n")
    assert find(text, D(2025, 5, 8), "yesterday").value == "2025-05-07"


def test_a_pattern_that_does_not_compile_is_reported_with_file_and_rule(tmp_path):
    from timeline.temporal import GrammarError
    d = _grammar_dir(tmp_path, "rules:\n  - name: x.broken\n    pattern: '{weekday:wd}(('\n    norm: weekday\n")
    with pytest.raises(GrammarError, match=r"rules\.yaml: rule 'x\.broken': pattern does not compile"):
        tag("Xi arrived Wednesday.", D(2025, 5, 8), grammar=load(d))


# ------------------------------------------------------------------ start-up of a fresh process
def test_import_compiles_no_rule_and_uses_libyaml_when_available():
    """`timeline extract` runs as a fresh process: importing the tagger parses the grammar files
    (with libyaml's C loader when PyYAML has it) but compiles a rule only when a text needs it."""
    import subprocess
    import sys
    code = ("import timeline.temporal as T, timeline.temporal.grammar as g, yaml, datetime\n"
            "print(sum(r._compiled is not None for r in T.load().rules))\n"
            "print(g._Loader is getattr(yaml, 'CSafeLoader', yaml.SafeLoader))\n"
            "T.tag('Xi arrived Wednesday.', datetime.date(2025, 5, 8))\n"
            "n = sum(r._compiled is not None for r in T.load().rules)\n"
            "print(0 < n < len(T.load().rules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "True", "True"]


# ------------------------------------------------------------------ TIMEX3 conventions (TempEval-3)
@pytest.mark.parametrize("text, dct, phrase, value, typ", [
    # a part of a day is a TIME valued with TMO / TAF / TEV / TNI
    ("Castro declared Wednesday night that the boy would return.", D(2000, 4, 5), "Wednesday night", "2000-04-05TNI", "TIME"),
    ("A bomb went off near the embassy in Nairobi Friday morning.", D(1998, 8, 8), "Friday morning", "1998-08-07TMO", "TIME"),
    ("EU finance ministers will meet again Monday afternoon in Brussels.", D(2013, 3, 21), "Monday afternoon", "2013-03-25TAF", "TIME"),
    ("The minister told reporters this morning that the bailout was dead.", D(2013, 3, 21), "this morning", "2013-03-21TMO", "TIME"),
    ("Rebels shelled the town last night.", D(2013, 3, 21), "last night", "2013-03-20TNI", "TIME"),
    # the weekend: the last one in past reporting, the coming one ahead of it
    ("Cypriot banks stayed shut over the weekend.", D(2013, 3, 19), "the weekend", "2013-W11-WE", "DATE"),
    ("Traders squared positions ahead of the weekend.", D(1989, 10, 27), "the weekend", "1989-W43-WE", "DATE"),
    # halves and quarters of a relative year
    ("The economy contracted in the second half of last year.", D(2013, 3, 21), "the second half of last year", "2012-H2", "DATE"),
    ("Output fell in the fourth quarter of last year.", D(2013, 3, 21), "the fourth quarter of last year", "2012-Q4", "DATE"),
    ("Results for the first half of fiscal 2013 are due next month.", D(2013, 3, 22), "the first half of fiscal 2013", "2013-H1", "DATE"),
    # a week named by one of its days
    ("The case could be heard the week of March 6.", D(2000, 2, 24), "the week of March 6", "2000-W10", "DATE"),
    # adjective durations, also before a name
    ("The yield on the benchmark 30-year Treasury bond fell.", D(1998, 2, 6), "30-year", "P30Y", "DURATION"),
    # holidays with computed dates
    ("Pope Francis will celebrate Mass on Palm Sunday.", D(2013, 3, 21), "Palm Sunday", "2013-03-24", "DATE"),
    ("Retailers hope for record sales on Black Friday.", D(2013, 11, 20), "Black Friday", "2013-11-29", "DATE"),
    # the fall as a season only where it cannot be a fall of something
    ("The museum will reopen in the fall.", D(2013, 3, 21), "the fall", "2013-FA", "DATE"),
    # "this <season>" outside it: the one just over in past reporting, else the one ahead
    ("Beijing's smog was the worst in decades this winter.", D(2013, 3, 21), "this winter", "2012-WI", "DATE"),
    ("The museum reopens this fall.", D(2013, 3, 21), "this fall", "2013-FA", "DATE"),
    ("The stock began trading this summer at $14.", D(1989, 11, 1), "this summer", "1989-SU", "DATE"),
    # sets keep their period: every two years is P2Y, every other week P2W
    ("Parliamentary elections are held every two years.", D(2013, 3, 21), "every two years", "P2Y", "SET"),
    ("The council meets every other week.", D(2013, 3, 21), "every other week", "P2W", "SET"),
    # "the first time in years": a vague duration
    ("Turnout was the lowest in decades.", D(2013, 3, 21), "decades", "PXE", "DURATION"),
    ("Westinghouse is growing for the first time in years.", D(1989, 10, 26), "years", "PXY", "DURATION"),
    # an adjectival "the weekend" takes the verb of its own phrase
    ("Bessent said on Fox News on Tuesday that the weekend talks “will be about de-escalation.”", D(2025, 5, 8), "the weekend", "2025-W19-WE", "DATE"),
    # anaphora to the story's own dates
    ("He won the title in 2008 after losing the final the year before.", D(2013, 3, 21), "the year before", "2007", "DATE"),
    ("The index fell 1.8% on Friday and 4.5% from the previous Friday.", D(1989, 10, 30), "the previous Friday", "1989-10-20", "DATE"),
    ("Net rose in the third quarter. In the 1988 period, it earned $4 million.", D(1989, 11, 1), "the 1988 period", "1988-Q3", "DATE"),
    ("The bomb exploded on March 5. That morning, police had received a warning.", D(2013, 3, 21), "That morning", "2013-03-05", "DATE"),
    ("The vote was held on March 17. The night before, protesters gathered.", D(2013, 3, 21), "The night before", "2013-03-16", "DATE"),
    # a clock time takes the date that follows it
    ("The summit ends at 10 a.m. on March 25.", D(2013, 3, 21), "10 a.m.", "2013-03-25T10:00", "TIME"),
    # a date right after "effective", "as soon as", "ahead of" lies ahead, whatever the verb
    ("The bank created an office of the chairman, effective Feb. 1.", D(1989, 10, 26), "Feb. 1", "1990-02-01", "DATE"),
    ("Castro said the group could leave as soon as Tuesday.", D(2000, 4, 3), "Tuesday", "2000-04-04", "DATE"),
    ("Cyprus scrambled for a deal ahead of the March 25 deadline.", D(2013, 3, 21), "March 25", "2013-03-25", "DATE"),
    ("The firm's FY2013 budget was cut.", D(2013, 3, 21), "FY2013", "2013", "DATE"),
    # fractions of units
    ("The army ruled the country for nearly half a century.", D(2013, 3, 21), "nearly half a century", "P50Y", "DURATION"),
    ("Talks broke up after half an hour.", D(2013, 3, 21), "half an hour", "PT30M", "DURATION"),
    # British usage: fortnights, 24-hour clock times
    ("The talks collapsed a fortnight ago.", D(2013, 3, 21), "a fortnight ago", "2013-W10", "DATE"),
    ("The trial will last a fortnight.", D(2013, 3, 21), "a fortnight", "P2W", "DURATION"),
    ("The body was found at about 07:00 on Sunday.", D(2013, 3, 19), "07:00", "2013-03-17T07:00", "TIME"),
    # "last" as a verb is not "the last N units"
    ("The trial is expected to last three weeks.", D(2013, 3, 21), "three weeks", "P3W", "DURATION"),
    # "and a half"
    ("The firm collapsed a year and a half ago.", D(2013, 3, 21), "a year and a half ago", "2011-09", "DATE"),
    ("The civil war lasted two and a half years.", D(2013, 3, 21), "two and a half years", "P2Y6M", "DURATION"),
    ("But a minute and a half later, a pilot radioed.", D(1998, 1, 14), "a minute and a half", "PT1M30S", "DURATION"),
    # midnight is the end of its day
    ("The offer had been scheduled to expire at midnight Friday.", D(1989, 10, 30), "midnight Friday", "1989-10-27T24:00", "TIME"),
])
def test_timex3_conventions(text, dct, phrase, value, typ):
    t = find(text, dct, phrase)
    assert (t.value, t.type) == (value, typ)


@pytest.mark.parametrize("text, word", [
    ("Stocks rallied after the fall of the government.", "fall"),
    ("Exporters gained from the fall in the yen.", "fall"),
    ("The 6-year-old boy was rescued at sea.", "6-year-old"),
    ("She presents the weekend edition of the show.", "weekend"),
    # a newspaper called a daily, a programme called 60 Minutes are names, not times
    ("The Greek daily Kathimerini reported the deal.", "daily"),
    ("The Communist Party daily Granma printed the letter.", "daily"),
    ("Italy's Corriere della Sera daily said the pope would travel.", "daily"),
    ("He told CBS's 60 Minutes that he was angry.", "Minutes"),
    ("Trump said the first trade deals could come in days.", "days"),
])
def test_timex3_non_markables(text, word):
    assert covering(text, D(2013, 3, 21), word) == []


# ------------------------------------------------------------------ bare weekdays: the tense of their clause
@pytest.mark.parametrize("text, phrase, value", [
    # past reporting: the most recent such day, or the DCT itself when it is that weekday
    ("The pope celebrated Mass on Sunday.", "Sunday", "2013-03-17"),
    ("Cypriot lawmakers rejected the levy on Tuesday.", "Tuesday", "2013-03-19"),
    ("The company reported earnings Thursday.", "Thursday", "2013-03-21"),
    ("Banks, which have been shut since Saturday, reopen Tuesday.", "Saturday", "2013-03-16"),
    # future and scheduled present: the next one
    ("Banks, which have been shut since Saturday, reopen Tuesday.", "Tuesday", "2013-03-26"),
    ("Parliament votes on Friday on the bailout.", "Friday", "2013-03-22"),
    ("The votes on Friday were counted by hand.", "Friday", "2013-03-15"),   # a noun, no cue
    ("His return on Monday was delayed.", "Monday", "2013-03-18"),
    ('"We will meet again on Monday," the minister said on Wednesday.', "Monday", "2013-03-25"),
    ('"We will meet again on Monday," the minister said on Wednesday.', "Wednesday", "2013-03-20"),
    ("Cyprus has until Monday to find the money.", "Monday", "2013-03-25"),
    ("Starting Monday, banks open for two hours a day.", "Monday", "2013-03-25"),
    ("Data from Monday showed a rise in withdrawals.", "Monday", "2013-03-18"),
    ("The ECB will cut off funding to the banks unless a deal is reached by Monday.", "Monday", "2013-03-25"),
    # a weekday that opens a noun phrase takes the verb of that phrase
    ("The finance minister said Friday's vote would be delayed.", "Friday", "2013-03-22"),
    ("Tuesday's vote was a blow to the government.", "Tuesday", "2013-03-19"),
    ("Exiles vowed to fight Wednesday's ruling by the immigration service.", "Wednesday", "2013-03-20"),
])
def test_weekday_takes_the_tense_of_its_clause(text, phrase, value):
    assert find(text, D(2013, 3, 21), phrase).value == value   # DCT: Thursday 21 March 2013
