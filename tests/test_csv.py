"""The CSV rendering: every text cell that a spreadsheet would run as a formula is defused."""
import csv
import datetime as dt
import io

import pytest

from timeline.events import Event
from timeline.formats import render
from timeline.mentions import Mention

DAY = dt.date(2025, 5, 9)


def event_with(text: str) -> Event:
    """An event whose label, type, status, article id, sentence and participants all start with `text`."""
    mention = Mention(type=text + "t", rule="r", rules_version="v", status=text + "s", label=text + "label",
                      trigger="march", article=text + "article", title="t", published=DAY, sentence=text + "sentence",
                      sentence_begin=0, sentence_end=1, date_text="Friday", date_begin=0, date_end=1, start=DAY, end=DAY,
                      granularity="day", people=(text + "Person",), countries=(), groups=(text + "Group",),
                      place=None, priority=1)
    return Event(id=text + "id", type=mention.type, label=mention.label, start=DAY, end=DAY, granularity="day",
                 status=mention.status, sources=[mention])


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"], ids=repr)
def test_every_text_cell_starting_like_a_formula_is_quoted(start):
    (header, row), = [list(csv.reader(io.StringIO(render([event_with(start + "1+1")], "csv"))))]
    cells = dict(zip(header, row))
    for column in ("id", "type", "label", "status", "articles", "sentence"):
        assert cells[column].startswith("'" + start + "1+1"), (column, cells[column])
    assert cells["participants"] == f"'{start}1+1Person; {start}1+1Group"
    assert (cells["start"], cells["end"], cells["sources"]) == ("2025-05-09", "2025-05-09", "1")


def test_cells_that_do_not_start_like_a_formula_are_left_alone():
    (header, row) = list(csv.reader(io.StringIO(render([event_with("a=")], "csv"))))
    cells = dict(zip(header, row))
    assert cells["label"] == "a=label" and cells["articles"] == "a=article" and cells["participants"] == "a=Person; a=Group"
