"""News beyond the seeds: short wire-style articles written for the suite, with the events an editor
would put on a timeline (and the look-alikes they would not)."""
import datetime as dt
from pathlib import Path

from conftest import RULES

from timeline.pipeline import timeline_from_paths

NEWS = Path(__file__).parent / "data" / "news"
D = dt.date


def test_wire_stories_give_the_editors_timeline():
    timeline = timeline_from_paths([NEWS], RULES)
    got = {(e.type, e.start, e.end) for e in timeline.events}
    assert got >= {
        ("summit", D(2025, 8, 15), D(2025, 8, 15)),   # Trump and Putin met ... on Friday
        ("summit", D(2025, 8, 18), D(2025, 8, 18)),   # Zelenskyy is due to visit Washington on Monday
        ("summit", D(2018, 1, 1), D(2018, 12, 31)),   # the two leaders last met ... in 2018
        ("tariff", D(2025, 8, 6), D(2025, 8, 6)),     # on Aug. 6 he signed an order imposing ... tariff
        ("parade", D(2025, 7, 14), D(2025, 7, 14)),   # Bastille Day military parade, marched on Monday
        ("tariff", D(2025, 4, 9), D(2025, 4, 9)),     # paused ... on Wednesday
        ("tariff", D(2025, 4, 10), D(2025, 4, 10)),   # China ... 84% tariffs starting Thursday
        ("summit", D(2025, 4, 14), D(2025, 4, 20)),   # G7 trade ministers ... next week
    }
    # a phone call is not a summit, protesters marching are not a parade
    assert not any(e.type == "summit" and e.start == D(2025, 8, 16) for e in timeline.events)
    assert not any(e.type == "parade" and e.start == D(2025, 7, 13) for e in timeline.events)
    statuses = {(e.type, e.start): e.status for e in timeline.events}
    assert statuses[("tariff", D(2025, 4, 9))] == "paused"
    assert statuses[("summit", D(2025, 8, 18))] == "announced"
    assert statuses[("summit", D(2025, 8, 15))] == "held"
    # the date of the Alaska meeting is the meeting's, not the day Trump spoke of a phone call
    (alaska,) = [e for e in timeline.events if e.start == D(2025, 8, 15)]
    assert {"Donald Trump", "Vladimir Putin"} <= set(alaska.participants)


def test_more_wire_stories():
    timeline = timeline_from_paths([NEWS / "apec-lima.txt", NEWS / "tariff-order.txt", NEWS / "no-parade.txt"], RULES)
    got = {(e.type, e.start, e.end): e for e in timeline.events}
    lima = got[("summit", D(2024, 11, 16), D(2024, 11, 16))]          # met on Saturday ... in Lima
    assert {"Xi Jinping", "Joe Biden"} <= set(lima.participants) and "Lima" in lima.label
    assert ("summit", D(2024, 11, 18), D(2024, 11, 19)) in got         # G20 summit ... on Monday and Tuesday
    assert ("summit", D(2023, 11, 1), D(2023, 11, 30)) in got          # previously met ... in November 2023
    assert got[("tariff", D(2025, 2, 1), D(2025, 2, 1))].status == "imposed"  # on Saturday ordered 25% tariffs
    assert ("parade", D(2019, 10, 1), D(2019, 10, 1)) in got           # the last parade ... on Oct. 1, 2019
    assert ("parade", D(2023, 2, 8), D(2023, 2, 8)) in got             # North Korea staged a military parade
    # "marked the anniversary on Tuesday without a military parade": no parade that day
    assert not any(t == "parade" and s == D(2024, 10, 1) for t, s, _ in got)


def test_busan_and_victory_day():
    timeline = timeline_from_paths([NEWS / "busan-truce.txt", NEWS / "victory-day.txt"], RULES)
    got = {(e.type, e.start, e.end): e for e in timeline.events}
    assert "Busan" in got[("summit", D(2025, 10, 30), D(2025, 10, 30))].label          # met in Busan on Thursday
    assert got[("tariff", D(2025, 11, 10), D(2025, 11, 10))].status == "lowered"      # lower ... effective Nov. 10
    # "Earlier this month, Trump had threatened ... 100% tariff ... starting Nov. 1": the move is the threat
    assert got[("tariff", D(2025, 10, 1), D(2025, 10, 10))].status == "threatened"
    assert got[("summit", D(2026, 4, 1), D(2026, 4, 30))].status == "announced"       # expected to visit ... in April
    parade = got[("parade", D(2025, 5, 9), D(2025, 5, 9))]                             # Victory Day parade on Red Square
    assert "Red Square" in parade.label
    assert ("summit", D(2025, 5, 8), D(2025, 5, 8)) in got                              # held talks ... on Thursday


def test_leaders_named_together_on_one_visit_each_get_their_own(tmp_path):
    from conftest import write_article

    path = write_article(tmp_path, "joint.txt", published="2023-05-08", body=(
        "Tajik President Emomali Rahmon and Uzbek leader Shavkat Mirziyoyev both began their two-day "
        "visit to Russia on Monday. Putin and Xi held talks in Moscow during Xi's state visit on Monday."))
    events = timeline_from_paths([path], RULES).events
    visits = sorted((e.label, e.start, e.end) for e in events if "visit to Russia" in e.label)
    assert visits == [("Emomali Rahmon's visit to Russia", D(2023, 5, 8), D(2023, 5, 9)),
                      ("Shavkat Mirziyoyev's visit to Russia", D(2023, 5, 8), D(2023, 5, 9))]
    # a name before "and" that is not on the visit (Putin receives Xi) gets none
    assert not any("Putin's visit" in e.label or "Vladimir Putin's visit" in e.label for e in events)
