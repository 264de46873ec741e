"""Bodies in and out of the HTTP API."""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from timeline.formats import FORMATS


class TimelineQuerySchema(Schema):
    """GET /timeline query: `type` may repeat (type=summit&type=parade) or hold a comma list."""

    class Meta:
        unknown = RAISE

    type = fields.List(fields.String(validate=validate.Regexp(r"^[a-z][a-z0-9_]*$")), load_default=list)
    from_ = fields.Date(data_key="from", load_default=None)
    to = fields.Date(load_default=None)
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))

    def __init__(self, known_types=(), **kwargs):
        super().__init__(**kwargs)
        self.known_types = set(known_types)

    @validates_schema
    def check(self, data, **kwargs):
        unknown = [t for t in data.get("type", []) if self.known_types and t not in self.known_types]
        if unknown:
            raise ValidationError(f"unknown event type {unknown[0]!r}; known: {', '.join(sorted(self.known_types))}",
                                  "type")
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ValidationError("'from' is after 'to'", "from")


class ProblemSchema(Schema):
    """RFC 9457 problem details, with the parameter or field at fault."""

    type = fields.String(dump_default="about:blank")
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    invalid_params = fields.List(fields.Dict(), data_key="invalid-params")


class HealthSchema(Schema):
    status = fields.String(required=True)
    events = fields.Integer(required=True)
    articles = fields.Integer(required=True)
    rules_version = fields.String(required=True)
