"""Reading the whole article (issues 12 and 13): who is who and when is when across sentences, and
every event a sentence holds. Short wire-style articles written for the suite, not taken from any
dev article; each test asserts the dates, types and people an editor would check."""
import datetime as dt

from timeline.articles import Article
from timeline.events import merge

D = dt.date


def events_of(classifier, body, published):
    article = Article(id="a", title="t", published=published, body=body)
    events, _ = merge(classifier.mentions(article))
    return events


def the_event_on(events, day):
    """The one event starting that day."""
    (event,) = [e for e in events if e.start == day]
    return event


def spans(events, kind=None):
    return {(e.type, e.start, e.end) for e in events if kind is None or e.type == kind}


def test_a_person_introduced_with_a_title_is_found_again_by_surname(classifier):
    # Thursday 2024-11-14; "Haddad" alone names the finance minister introduced before
    body = ("Brazilian Finance Minister Fernando Haddad arrived in Washington on Wednesday for a week of meetings.\n"
            "Treasury Secretary Janet Yellen and Haddad held talks at the Treasury on Thursday.")
    events = events_of(classifier, body, D(2024, 11, 14))
    talks = the_event_on(events, D(2024, 11, 14))
    assert talks.type == "summit"
    assert "Fernando Haddad" in talks.participants


def test_a_listed_leaders_surname_alone_is_that_leader_within_the_article(classifier):
    # "Lee" is not in the word lists (too many people share it); here it is President Lee Jae Myung
    body = ("President Lee Jae Myung will fly to Tokyo on Saturday.\n"
            "Ishiba and Lee held their first summit in Seoul on March 3.")
    events = events_of(classifier, body, D(2025, 8, 20))
    seoul = the_event_on(events, D(2025, 3, 3))
    assert {"Shigeru Ishiba", "Lee Jae-myung"} <= set(seoul.participants)


def test_he_is_the_story_s_subject_so_a_foreign_leader_meeting_is_no_domestic_affair(classifier):
    # published Friday 2025-03-07: "there, he" is the Brazilian president; Saturday is 2025-03-08
    body = ("President Luiz Inacio Lula da Silva will leave Brasilia on Friday night.\n"
            "There, he will hold a bilateral meeting with Prime Minister Pham Minh Chinh of Vietnam on Saturday.")
    events = events_of(classifier, body, D(2025, 3, 7))
    (meeting,) = [e for e in events if e.type == "summit" and e.start == D(2025, 3, 8)]
    assert "Luiz Inacio Lula da Silva" in meeting.participants


def test_a_definite_event_with_no_one_named_refers_back_and_takes_its_own_local_date(classifier):
    # Wednesday 2025-06-11 in New York; the meeting is in Tokyo on Thursday local time
    body = ("Prime Minister Anthony Albanese and President Prabowo Subianto are meeting in Tokyo this week.\n"
            "The long-awaited meeting began at 10 a.m. local time on Thursday, or 9 p.m. ET Wednesday.")
    events = events_of(classifier, body, D(2025, 6, 11))
    summits = [e for e in events if e.type == "summit"]
    assert (summits[0].start, summits[0].end) == (D(2025, 6, 12), D(2025, 6, 12))
    assert {"Anthony Albanese", "Prabowo Subianto"} <= set(summits[0].participants)
    assert not any(e.start == D(2025, 6, 11) for e in summits)  # the ET time is not the meeting's date


def test_a_date_counted_from_another_event(classifier):
    # "eight months after the summit in Singapore": June 2018, to the month
    body = "Their meeting in Hanoi comes eight months after the historic summit in Singapore between Trump and Kim."
    events = events_of(classifier, body, D(2019, 2, 26))
    assert ("summit", D(2018, 6, 1), D(2018, 6, 30)) in spans(events)


def test_a_day_in_a_sentence_framed_by_a_year_is_that_year_s(classifier):
    body = "In 2016, Egyptian President Abdel Fattah el-Sisi was the chief guest at India's Republic Day celebrations."
    events = events_of(classifier, body, D(2025, 1, 17))
    assert spans(events, "parade") == {("parade", D(2016, 1, 26), D(2016, 1, 26))}


def test_each_stage_of_a_tariff_schedule_is_its_own_move(classifier):
    body = ("Ottawa said the surtaxes on American steel will take effect in stages, with some on March 4 "
            "and others on April 2 and June 1.")
    events = events_of(classifier, body, D(2025, 2, 20))
    assert spans(events, "tariff") == {("tariff", D(2025, 3, 4), D(2025, 3, 4)),
                                       ("tariff", D(2025, 4, 2), D(2025, 4, 2)),
                                       ("tariff", D(2025, 6, 1), D(2025, 6, 1))}


def test_an_announcement_and_its_effect_are_two_moves(classifier):
    # Monday 2025-02-10: announced that day, taking effect next month
    body = "The commerce ministry said on Monday it will impose a 20% duty on imported steel from next month."
    events = events_of(classifier, body, D(2025, 2, 10))
    tariffs = {(e.start, e.end): e.status for e in events if e.type == "tariff"}
    assert tariffs == {(D(2025, 2, 10), D(2025, 2, 10)): "announced",
                       (D(2025, 3, 1), D(2025, 3, 31)): "imposed"}


def test_a_move_and_the_other_side_s_answer_the_same_day_stay_apart(classifier):
    # Tuesday 2025-03-04: the US raises tariffs on Canada, Canada answers the same day
    body = ("The United States raised tariffs on Canadian lumber to 25% on Tuesday.\n"
            "Hours later, Canada announced on Tuesday it would impose retaliatory tariffs on U.S. bourbon.")
    events = events_of(classifier, body, D(2025, 3, 4))
    same_day = [e for e in events if e.type == "tariff" and e.start == D(2025, 3, 4)]
    assert len(same_day) == 2


def test_a_tariff_that_a_sentence_only_quotes_as_background_is_no_move(classifier):
    body = "Steel from Vietnam has faced a 25% tariff since 2019, analysts noted on Friday."
    assert spans(events_of(classifier, body, D(2025, 5, 9)), "tariff") == set()


def test_a_mountain_s_summit_and_a_parade_of_celebrities_are_not_events(classifier):
    body = ("Nepal's prime minister congratulated a climber who reached the summit of Mount Everest on Tuesday.\n"
            "A parade of celebrities walked the red carpet in Cannes on Tuesday.")
    assert events_of(classifier, body, D(2025, 5, 21)) == []


def test_the_page_stamp_is_not_an_event_date_but_the_lead_s_present_perfect_is_today(classifier):
    # the date stamp a scraped page opens with is not when the summit happens
    body = " date 2025-03-12 Mexico's economy minister has arrived in Washington for tariff talks next week."
    events = events_of(classifier, body, D(2025, 3, 12))
    assert not any(e.start == D(2025, 3, 12) and e.type == "summit" and e.end == D(2025, 3, 12)
                   and e.sources[0].date_text == "2025-03-12" for e in events)
    body = "European Union governments have approved countermeasures against U.S. tariffs on steel."
    events = events_of(classifier, body, D(2025, 4, 9))
    assert spans(events, "tariff") == {("tariff", D(2025, 4, 9), D(2025, 4, 9))}


def test_a_named_day_gives_the_date_of_its_celebrations(classifier):
    # published in June: "starting on Canada Day" is this July 1
    body = "Canada will impose retaliatory tariffs on U.S. steel starting on Canada Day, the minister said."
    events = events_of(classifier, body, D(2018, 6, 6))
    assert ("tariff", D(2018, 7, 1), D(2018, 7, 1)) in spans(events)


def test_a_weekday_named_again_is_the_same_day_unless_its_date_is_given(classifier):
    # Wednesday 2025-10-29: the meeting is this Thursday; a caption in the present tense ("greets")
    # would otherwise take last Thursday; "Thursday (Oct. 23)" says which Thursday itself
    body = ("President Trump will meet Chinese President Xi Jinping in Busan on Thursday.\n"
            "Trump greets Xi Jinping ahead of a bilateral meeting in Busan, South Korea, on Thursday.\n"
            "Trump had announced the 100% tariffs on Thursday (Oct. 23), a week earlier.")
    events = events_of(classifier, body, D(2025, 10, 29))
    assert {e.start for e in events if e.type == "summit"} == {D(2025, 10, 30)}
    assert ("tariff", D(2025, 10, 23), D(2025, 10, 23)) in spans(events)


def test_a_later_reference_to_the_story_s_day(classifier):
    # Saturday 2025-02-01: the order is signed that day; Canada answers "hours later", the same day
    body = ("President Trump signed an order on Saturday imposing 25% tariffs on Canada, effective Tuesday.\n"
            "Canada responded hours later with 25% counter-tariffs on American goods.")
    events = events_of(classifier, body, D(2025, 2, 1))
    answers = [e for e in events if e.type == "tariff" and "Canada" in {c for s in e.sources for c in s.countries}
               and e.sources[0].rule == "tariff.retaliation"]
    assert [(e.start, e.end) for e in answers] == [(D(2025, 2, 1), D(2025, 2, 1))]


def test_an_itinerary_dates_each_stop(classifier):
    # Friday 2025-10-24: Seoul on Monday, talks with Lee the following day (Tuesday 2025-10-28)
    body = ("Prime Minister Mark Carney will arrive in Seoul on Monday.\n"
            "The following day, he will hold talks with President Lee Jae Myung.")
    events = events_of(classifier, body, D(2025, 10, 24))
    talks = the_event_on(events, D(2025, 10, 28))
    assert {"Mark Carney", "Lee Jae-myung"} <= set(talks.participants)
    assert ("summit", D(2025, 10, 27), D(2025, 10, 27)) in spans(events)


def test_a_day_after_an_event_dates_that_event_from_the_sentence_s_own_date(classifier):
    # Friday 2025-04-04: the statement is Thursday's, the levies it follows Wednesday's
    body = ("The European Union is preparing countermeasures, Commission President Ursula von der Leyen said "
            "on Thursday, a day after Trump unveiled sweeping levies on imports from around the world.")
    events = events_of(classifier, body, D(2025, 4, 4))
    assert ("tariff", D(2025, 4, 2), D(2025, 4, 2)) in spans(events)


def test_a_date_before_after_belongs_to_the_verb_before_it(classifier):
    # Thursday 2024-06-20: "arrived in Hanoi early on Thursday after a visit to North Korea"
    body = "Russian President Vladimir Putin arrived in Hanoi early on Thursday after a visit to North Korea."
    (visit,) = [e for e in events_of(classifier, body, D(2024, 6, 20)) if e.type == "summit"]
    assert (visit.start, visit.label) == (D(2024, 6, 20), "Vladimir Putin's visit to Hanoi")


def test_a_visit_and_the_summit_held_during_it_are_two_entries(classifier):
    # Friday 2025-10-24: the visit is Wednesday-Thursday, the bilateral summit Wednesday
    body = ("President Donald Trump will visit South Korea next Wednesday and Thursday.\n"
            "Trump will travel to Gyeongju on Wednesday to hold a bilateral summit with President Lee Jae Myung.")
    summits = spans(events_of(classifier, body, D(2025, 10, 24)), "summit")
    assert summits == {("summit", D(2025, 10, 29), D(2025, 10, 30)), ("summit", D(2025, 10, 29), D(2025, 10, 29))}


def test_their_is_the_people_the_story_named_together(classifier):
    # Friday 2017-07-14: "their talks yesterday" are Macron's and Trump's, on Thursday
    body = ("French President Emmanuel Macron and US President Donald Trump watched the parade together.\n"
            'Mr Trump said cryptically after their talks yesterday that "something could happen" on climate.')
    events = events_of(classifier, body, D(2017, 7, 14))
    (talks,) = [e for e in events if e.type == "summit"]
    assert (talks.start, set(talks.participants)) == (D(2017, 7, 13), {"Donald Trump", "Emmanuel Macron"})


def test_a_statement_after_the_move_it_announces_dates_it(classifier):
    # Monday 2025-03-10: the ministry's statement was Saturday 2025-03-08, however long the sentence
    body = ("There will be a 100% tariff on canola oil, oilseed meal and pea products from Canada, and a 25% "
            "levy on pork and some seafood imports, the Ministry of Finance said in a statement on Saturday.")
    tariffs = {(e.start, e.status) for e in events_of(classifier, body, D(2025, 3, 10)) if e.type == "tariff"}
    assert tariffs == {(D(2025, 3, 8), "announced")}
    # a past move named inside the statement announces nothing on the statement's day
    body = ("Canada is waiting to impose retaliatory tariffs after Washington announced tariffs on steel, "
            "the foreign minister said Wednesday evening.")
    assert spans(events_of(classifier, body, D(2018, 6, 6)), "tariff") == set()


def test_a_side_remark_between_dashes_does_not_forbid_the_event(classifier):
    # Saturday 2025-06-14: "protests" stand in another stretch of the sentence than the parade
    body = ("Tanks and troops kicked off a huge parade through the streets of Washington on Saturday - the same "
            "day as the president's birthday - as protests against his agenda took place across the country.")
    assert spans(events_of(classifier, body, D(2025, 6, 14)), "parade") == {("parade", D(2025, 6, 14), D(2025, 6, 14))}
    body = "Protesters held a parade against the war through the streets of Washington on Saturday."
    assert spans(events_of(classifier, body, D(2025, 6, 14)), "parade") == set()


def test_an_opening_date_that_frames_a_statement_is_the_statement_s(classifier):
    body = "On Monday, Kremlin aides confirmed that Russian President Vladimir Putin will visit China next month."
    events = events_of(classifier, body, D(2025, 5, 8))
    assert spans(events) == {("summit", D(2025, 6, 1), D(2025, 6, 30))}


def test_a_title_alone_is_the_one_person_the_article_introduced_with_it(classifier):
    # Saturday 2019-06-29: "the crown prince" is Mohammed bin Salman; "the president" is ambiguous
    body = ("President Trump met Saudi Arabian Crown Prince Mohammed bin Salman in Osaka on Friday.\n"
            "The crown prince and Xi Jinping held talks on Saturday.")
    events = events_of(classifier, body, D(2019, 6, 29))
    talks = the_event_on(events, D(2019, 6, 29))
    assert set(talks.participants) == {"Mohammed bin Salman", "Xi Jinping"}
    body = ("President Trump met President Emmanuel Macron in Paris on Friday.\n"
            "The president and Xi Jinping held talks on Saturday.")
    events = events_of(classifier, body, D(2019, 6, 29))
    assert not any(e.start == D(2019, 6, 29) and "Donald Trump" in e.participants for e in events)
