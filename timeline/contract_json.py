"""The timeline JSON of the contract, written out without marshmallow: what
`timeline.schemas.TimelineSchema().dump` gives (the schemas stay the one definition: a test holds
this module's field lists to theirs and its output to their dump), for a CLI process that need not
import marshmallow to print a timeline."""
from __future__ import annotations

# Finer distinctions of the tagger, said in the contract's terms: a season is about a quarter,
# a decade or century is told in years.
CONTRACT_GRANULARITY = {"season": "quarter", "decade": "year", "century": "year"}

# each field as its schema dumps it: "str", "date", "int", ("list", kind) or ("nested", fields)
SOURCE_FIELDS = (("article", "str"), ("title", "str"), ("published", "date"), ("sentence", "str"),
                 ("sentence_begin", "int"), ("sentence_end", "int"), ("date_text", "str"), ("date_begin", "int"),
                 ("date_end", "int"), ("start", "date"), ("end", "date"), ("rule", "str"),
                 ("rules_version", "str"), ("status", "str"), ("repeats", "int"))
CONFLICT_FIELDS = (("article", "str"), ("published", "date"), ("date_text", "str"), ("start", "date"),
                   ("end", "date"))
EVENT_FIELDS = (("id", "str"), ("type", "str"), ("label", "str"), ("start", "date"), ("end", "date"),
                ("granularity", "str"), ("status", "str"), ("participants", ("list", "str")),
                ("sources", ("list", ("nested", SOURCE_FIELDS))),
                ("conflicts", ("list", ("nested", CONFLICT_FIELDS))))
UNDATED_FIELDS = (("type", "str"), ("label", "str"), ("source", ("nested", SOURCE_FIELDS)))
TIMELINE_FIELDS = (("events", ("list", ("nested", EVENT_FIELDS))),
                   ("undated", ("list", ("nested", UNDATED_FIELDS))), ("rules_version", "str"))


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


def timeline_payload(events, rules_version: str | None = None, undated=None) -> dict:
    payload = {"events": [event_record(e) for e in events]}
    if undated is not None:
        payload["undated"] = [{"type": m.type, "label": m.label, "source": mention_source(m)} for m in undated]
    if rules_version:
        payload["rules_version"] = rules_version
    return payload


def _value(value, kind):
    if value is None:
        return None
    if kind == "str":
        return value.decode("utf-8") if isinstance(value, bytes) else str(value)
    if kind == "date":
        return value.isoformat()
    if kind == "int":
        return int(value)
    if kind[0] == "list":
        return [_value(item, kind[1]) for item in value]
    return dump(value, kind[1])


def dump(record: dict, fields) -> dict:
    """The record's fields in the schema's order, each as its field type writes it; a field the
    record lacks is left out."""
    return {name: _value(record[name], kind) for name, kind in fields if name in record}


def timeline_json(events, rules_version: str | None = None, undated=None) -> dict:
    return dump(timeline_payload(events, rules_version, undated), TIMELINE_FIELDS)
