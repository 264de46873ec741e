"""The timeline JSON written without marshmallow (timeline/contract_json.py) is the schemas' dump."""
import datetime as dt
from types import SimpleNamespace

from timeline import contract_json
from timeline.schemas import ConflictSchema, EventSchema, SourceSchema, TimelineSchema, UndatedSchema, timeline_json


def names(fields):
    return [name for name, _ in fields]


def test_the_field_lists_are_the_schemas():
    assert names(contract_json.TIMELINE_FIELDS) == list(TimelineSchema().dump_fields)
    assert names(contract_json.EVENT_FIELDS) == list(EventSchema().dump_fields)
    assert names(contract_json.SOURCE_FIELDS) == list(SourceSchema().dump_fields)
    assert names(contract_json.CONFLICT_FIELDS) == list(ConflictSchema().dump_fields)
    assert names(contract_json.UNDATED_FIELDS) == list(UndatedSchema().dump_fields)


def test_the_seed_timeline_dumps_the_same(seed_timeline):
    tl = seed_timeline
    assert tl.events and tl.undated is not None
    for undated in (None, tl.undated, []):
        for version in (None, "", tl.rules_version):
            assert contract_json.timeline_json(tl.events, version, undated) == timeline_json(tl.events, version, undated)


def test_odd_values_dump_the_same(seed_timeline):
    event = seed_timeline.events[0]
    source = SimpleNamespace(**{**vars(event.sources[0]), "title": None, "date_text": None, "date_begin": None,
                                "start": None, "repeats": True})
    odd = SimpleNamespace(**{**vars(event), "participants": ["Xi", 7], "granularity": "season", "sources": [source],
                             "conflicts": [{"article": "a", "published": dt.date(2025, 1, 2), "date_text": None,
                                          "start": dt.date(2025, 1, 1), "end": dt.date(2025, 1, 3), "extra": 1}]})
    assert contract_json.timeline_json([odd], "v", [source]) == timeline_json([odd], "v", [source])
