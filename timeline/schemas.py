"""The timeline JSON of the contract, defined once with marshmallow (CLI and API share it)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from .contract_json import CONTRACT_GRANULARITY, event_record, mention_source, timeline_payload  # noqa: F401

GRANULARITIES = ("day", "week", "month", "quarter", "year")  # the contract's list


class SourceSchema(Schema):
    article = fields.String(required=True)
    title = fields.String()
    published = fields.Date(required=True)
    sentence = fields.String(required=True)
    sentence_begin = fields.Integer()
    sentence_end = fields.Integer()
    date_text = fields.String(allow_none=True)
    date_begin = fields.Integer(allow_none=True)
    date_end = fields.Integer(allow_none=True)
    start = fields.Date(allow_none=True)
    end = fields.Date(allow_none=True)
    rule = fields.String(required=True)
    rules_version = fields.String()
    status = fields.String()
    repeats = fields.Integer()  # how often the article has this sentence (a repeated paragraph): listed once


class ConflictSchema(Schema):
    article = fields.String(required=True)
    published = fields.Date(required=True)
    date_text = fields.String(allow_none=True)
    start = fields.Date(required=True)
    end = fields.Date(required=True)


class EventHeadSchema(Schema):
    """What identifies and places an event; the API's event summaries are this plus a link."""

    id = fields.String(required=True)
    type = fields.String(required=True)
    label = fields.String(required=True)
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    granularity = fields.String()
    status = fields.String()


class EventSchema(EventHeadSchema):
    granularity = fields.String(required=True, validate=validate.OneOf(GRANULARITIES))
    participants = fields.List(fields.String())
    sources = fields.List(fields.Nested(SourceSchema), required=True)
    conflicts = fields.List(fields.Nested(ConflictSchema))


class UndatedSchema(Schema):
    """A mention the rules classified but whose date could not be resolved: kept, not placed."""

    type = fields.String(required=True)
    label = fields.String(required=True)
    source = fields.Nested(SourceSchema, required=True)


class TimelineSchema(Schema):
    events = fields.List(fields.Nested(EventSchema), required=True)
    undated = fields.List(fields.Nested(UndatedSchema))
    rules_version = fields.String()


def timeline_json(events, rules_version: str | None = None, undated=None) -> dict:
    return TimelineSchema().dump(timeline_payload(events, rules_version, undated))
