"""The timeline JSON of the contract, defined once with marshmallow (CLI and API share it)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

GRANULARITIES = ("day", "week", "month", "quarter", "year")  # the contract's list
# Finer distinctions of the tagger, said in the contract's terms: a season is about a quarter,
# a decade or century is told in years.
CONTRACT_GRANULARITY = {"season": "quarter", "decade": "year", "century": "year"}


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


def mention_source(mention) -> dict:
    return {
        "article": mention.article, "title": mention.title, "published": mention.published,
        "sentence": mention.sentence, "sentence_begin": mention.sentence_begin, "sentence_end": mention.sentence_end,
        "date_text": mention.date_text, "date_begin": mention.date_begin, "date_end": mention.date_end,
        "start": mention.start, "end": mention.end, "rule": mention.rule, "rules_version": mention.rules_version,
        "status": mention.status, "repeats": mention.repeats,
    }


def event_record(event) -> dict:
    return {
        "id": event.id, "type": event.type, "label": event.label, "start": event.start, "end": event.end,
        "granularity": CONTRACT_GRANULARITY.get(event.granularity, event.granularity), "status": event.status,
        "participants": event.participants,
        "sources": [mention_source(m) for m in event.sources], "conflicts": event.conflicts,
    }


def timeline_json(events, rules_version: str | None = None, undated=None) -> dict:
    payload = {"events": [event_record(e) for e in events]}
    if undated is not None:
        payload["undated"] = [{"type": m.type, "label": m.label, "source": mention_source(m)} for m in undated]
    if rules_version:
        payload["rules_version"] = rules_version
    return TimelineSchema().dump(payload)
