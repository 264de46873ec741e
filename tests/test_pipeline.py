"""The seed corpus end to end: the timeline an editor would check."""
import datetime as dt

from conftest import CORPUS, RULES

from timeline.pipeline import filter_events, timeline_from_paths
from timeline.schemas import TimelineSchema, timeline_json

D = dt.date


def find(events, type_, start, end=None):
    return [e for e in events if e.type == type_ and e.start == start and (end is None or e.end == end)]


def test_parades_of_red_square_and_beijing(seed_timeline):
    red_square = find(seed_timeline.events, "parade", D(2025, 5, 9))
    beijing = find(seed_timeline.events, "parade", D(2025, 9, 3))
    assert len(red_square) == 1 and len(beijing) == 1
    # mentioned by two articles (and twice by the Bloomberg copy): one event, every source kept
    assert {s.article for s in red_square[0].sources} == {
        "2025-05-06-bloomberg-xi-moscow-trip", "2025-05-08-politico-china-watcher-xi-putin-moscow"}
    assert "Red Square" in red_square[0].label


def test_summits_and_tariff_moves_with_their_dates(seed_timeline):
    events = seed_timeline.events
    assert find(events, "summit", D(2025, 5, 10), D(2025, 5, 11))  # Geneva trade talks, "Saturday and Sunday"
    assert find(events, "summit", D(2024, 4, 9))                  # Xi meets Lavrov "on Tuesday" under an April 10 dateline
    assert find(events, "summit", D(2025, 9, 1))                  # SCO meeting "two days earlier"
    assert find(events, "tariff", D(2025, 5, 12))                 # "a May 12 agreement ... to reduce their tariff rates"
    (xi_moscow,) = find(events, "summit", D(2025, 5, 7), D(2025, 5, 10))  # "a four-day trip starting Wednesday"
    assert len({s.article for s in xi_moscow.sources}) == 2


def test_putins_2024_visit_is_one_event_with_its_date_conflict(seed_timeline):
    (visit,) = [e for e in seed_timeline.events if e.type == "summit" and e.start == D(2024, 5, 16)]
    assert visit.end == D(2024, 5, 17)
    assert {s.article for s in visit.sources} == {
        "2024-05-15-rferl-putin-to-visit-china", "2024-05-07-china-russia-report-putin-visiting-china",
        # "...Putin's upcoming visit to China. [...] it would take place May 15-16.": dated by the next sentence
        "2024-05-10-rferl-xi-european-tour"}
    claims = {(c["start"], c["end"]) for c in visit.conflicts}
    assert claims == {(D(2024, 5, 15), D(2024, 5, 16)), (D(2024, 5, 16), D(2024, 5, 17))}


def test_ordered_and_valid_against_the_contract_schema(seed_timeline):
    events = seed_timeline.events
    keys = [(e.start, e.end, e.type) for e in events]
    assert keys == sorted(keys)
    assert {e.type for e in events} == {"summit", "tariff", "parade"}
    payload = timeline_json(events)
    assert TimelineSchema().validate(payload) == {}
    first = payload["events"][0]
    assert set(first) >= {"id", "type", "label", "start", "end", "granularity", "sources"}
    assert set(first["sources"][0]) >= {"article", "published", "sentence", "date_text", "rule"}


def test_ids_are_stable_across_runs():
    one = timeline_from_paths([CORPUS], RULES)
    two = timeline_from_paths([CORPUS], RULES)
    assert [e.id for e in one.events] == [e.id for e in two.events]
    assert len({e.id for e in one.events}) == len(one.events)


def test_window_filter_keeps_overlapping_events(seed_timeline):
    may_2025 = filter_events(seed_timeline.events, ["summit"], D(2025, 5, 8), D(2025, 5, 31))
    assert all(e.type == "summit" and e.end >= D(2025, 5, 8) and e.start <= D(2025, 5, 31) for e in may_2025)
    assert find(may_2025, "summit", D(2025, 5, 7))  # started before the window, still running in it


def test_mentions_without_a_resolvable_date_are_kept_apart(classifier):
    from timeline.articles import Article
    from timeline.events import merge

    article = Article(id="u", title="t", published=D(2025, 6, 5),
                      body="Trump says after Xi call that U.S. and China will resume trade talks\n"
                           "On Friday Chinese and Russian troops will march together through Red Square.\n")
    events, undated = merge(classifier.mentions(article))
    assert [(e.type, e.start) for e in events] == [("parade", D(2025, 6, 6))]
    assert [(m.type, m.rule, m.start) for m in undated] == [("summit", "summit.trade-talks", None)]


def test_a_following_sentence_can_date_an_event(classifier):
    from timeline.articles import Article

    body = ("Attention will turn to Russian President Vladimir Putin's upcoming visit to China.\n"
            "The dates have not yet been confirmed, but Kremlin sources say it would take place May 15-16.\n"
            "It will take place in a tense climate, analysts said on Monday.\n")
    mentions = classifier.mentions(Article(id="c", title="t", published=D(2024, 5, 10), body=body))
    dated = [(m.type, m.start, m.end, m.date_text) for m in mentions if m.start]
    assert dated == [("summit", D(2024, 5, 15), D(2024, 5, 16), "May 15-16")]


def test_no_real_event_appears_twice(seed_timeline):
    """Two events of one type whose dates overlap must not share a participant or a place: they would
    be the same real event listed twice."""
    events = seed_timeline.events
    for i, a in enumerate(events):
        for b in events[i + 1:]:
            if a.type != b.type or a.end < b.start or b.end < a.start:
                continue
            shared = set(a.participants) & set(b.participants)
            places = {s.place for s in a.sources if s.place} & {s.place for s in b.sources if s.place}
            assert not shared and not places, f"{a.label} ({a.start}) and {b.label} ({b.start}) look like one event"
    # and the parades and summits the seeds describe are each there once
    assert len([e for e in events if e.type == "parade" and e.start == D(2025, 5, 9)]) == 1
    assert len([e for e in events if e.type == "summit" and e.start <= D(2025, 5, 7) <= e.end]) == 1
