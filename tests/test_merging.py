"""Dates and merging on the cases a review found wrong: each reproduction is now a test."""
import datetime as dt

from timeline.articles import Article
from timeline.events import merge

D = dt.date


def events_of(classifier, *articles):
    mentions = [m for i, (published, body) in enumerate(articles)
                for m in classifier.mentions(Article(id=f"a{i}", title="t", published=published, body=body))]
    return merge(mentions)[0]


def test_the_nearest_date_wins_over_a_precise_one_that_contradicts_it(classifier):
    (event,) = events_of(classifier, (D(2025, 5, 8), "On Monday, Kremlin aides confirmed that Russian President "
                                                     "Vladimir Putin will visit China next month."))
    assert (event.start, event.end, event.status) == (D(2025, 6, 1), D(2025, 6, 30), "announced")
    (event,) = events_of(classifier, (D(2025, 5, 8), "Xi will visit Moscow next month, not Hanoi as on May 16."))
    assert event.start == D(2025, 6, 1)


def test_a_precise_date_inside_the_nearest_one_refines_it(classifier):
    (event,) = events_of(classifier, (D(2025, 5, 6), "Xi will visit Moscow this week, arriving on Wednesday."))
    assert (event.start, event.end) == (D(2025, 5, 7), D(2025, 5, 7))


def test_mentions_with_nothing_in_common_stay_apart(classifier):
    events = events_of(classifier,
                       (D(2025, 8, 7), "On Aug. 6 Trump signed an order imposing an additional 25% tariff on Indian goods."),
                       (D(2025, 10, 30), "In August, the two sides extended their tariff pause by 90 days."))
    assert len(events) == 2


def test_a_different_destination_is_a_different_event(classifier):
    events = events_of(classifier, (D(2025, 11, 20), "Putin will visit India on Dec. 4-5."),
                       (D(2025, 11, 21), "Putin and Xi will meet in Beijing on Dec. 5."))
    assert len(events) == 2


def test_the_latest_report_sets_the_status_and_ranges_beat_days_nested_in_them(classifier):
    (visit,) = events_of(classifier,
                         (D(2024, 5, 1), "Putin will visit China on May 16."),
                         (D(2024, 5, 2), "Putin will visit China on May 16, the Kremlin confirmed."),
                         (D(2024, 5, 10), "Putin has cancelled his visit to China on May 16."))
    assert visit.status == "cancelled"
    (trip,) = events_of(classifier,
                        (D(2025, 5, 6), "During his four-day trip starting Wednesday, Xi will hold talks with Putin."),
                        (D(2025, 5, 8), "Xi's trip started Wednesday, and the talks went well."))
    assert (trip.start, trip.end) == (D(2025, 5, 7), D(2025, 5, 10))


def test_a_repeated_paragraph_is_one_report(classifier):
    body = "Putin will visit China on May 16-17.\nPutin will visit China on May 16-17.\n"
    (event,) = events_of(classifier, (D(2024, 5, 15), body), (D(2024, 5, 7), "Putin will visit China on May 15-16."),
                         (D(2024, 5, 10), "Putin's trip to China will take him to Beijing on May 15-16."))
    # two articles say May 15-16, one article (twice) says May 16-17: the two reports win
    assert (event.start, event.end) == (D(2024, 5, 15), D(2024, 5, 16))
    claims = [(c["article"], c["start"]) for c in event.conflicts]
    assert len(claims) == len(set(claims)) == 3
