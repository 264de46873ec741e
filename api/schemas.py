"""Bodies in and out of the HTTP API (the OpenAPI document is generated from these)."""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from timeline.article_schema import ArticleSchema as ArticleFieldsSchema
from timeline.article_schema import PublishedField
from timeline.formats import FORMATS
from timeline.schemas import EventHeadSchema, EventSchema

MAX_LIMIT = 1000


class PageQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    cursor = fields.String(load_default=None, metadata={"description": "the `next` cursor of the previous page"})
    limit = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"page size, at most {MAX_LIMIT}"})


class TimelineQuerySchema(PageQuerySchema):
    """GET /timeline query: `type` may repeat (type=summit&type=parade) or hold a comma list."""

    type = fields.List(fields.String(validate=validate.Regexp(r"^[a-z][a-z0-9_]*$")), load_default=list,
                       metadata={"description": "event types, repeatable or comma-separated"})
    from_ = fields.Date(data_key="from", load_default=None,
                        metadata={"description": "events that end on or after this day"})
    to = fields.Date(load_default=None, metadata={"description": "events that start on or before this day"})
    q = fields.String(load_default=None, validate=validate.Length(min=1, max=200),
                      metadata={"description": "text in the label or a source sentence (case-insensitive)"})
    participant = fields.String(load_default=None, validate=validate.Length(min=1, max=200),
                                metadata={"description": "part of a participant's name (case-insensitive)"})
    source = fields.String(load_default=None, validate=validate.Length(min=1, max=500),
                           metadata={"description": "part of a publisher's name, or an article id"})
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS),
                           metadata={"description": "json (default), timelinejs, ics or csv"})

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


class TimelinePageSchema(Schema):
    events = fields.List(fields.Nested(EventSchema), required=True)
    rules_version = fields.String()
    next = fields.String(allow_none=True, metadata={"description": "URL of the next page; null on the last"})


class TimelineJSDateSchema(Schema):
    year = fields.Integer(required=True)
    month = fields.Integer()
    day = fields.Integer()


class TimelineJSTextSchema(Schema):
    headline = fields.String(metadata={"description": "HTML, escaped"})
    text = fields.String(metadata={"description": "HTML, escaped"})


class TimelineJSSlideSchema(Schema):
    unique_id = fields.String(required=True)
    start_date = fields.Nested(TimelineJSDateSchema, required=True)
    end_date = fields.Nested(TimelineJSDateSchema)
    text = fields.Nested(TimelineJSTextSchema)
    group = fields.String()
    display_date = fields.String()


class TimelineJSSchema(Schema):
    """GET /timeline?format=timelinejs: a TimelineJS 3 document."""

    events = fields.List(fields.Nested(TimelineJSSlideSchema), required=True)


class EventSummarySchema(EventHeadSchema):
    href = fields.String(metadata={"description": "path of the event"})


class ArticleInSchema(ArticleFieldsSchema):
    """POST /articles: the article fields of the contract; `text` is the body."""

    published = PublishedField(required=True, metadata={
        "description": "ISO 8601 date, or datetime with an offset: the anchor of every relative date in the text",
        "example": "2025-05-08"})


class ArticleCreatedSchema(Schema):
    id = fields.String(required=True)
    created = fields.Boolean(required=True, metadata={"description": "false: the same url or text was already stored"})
    href = fields.String()
    events = fields.List(fields.Nested(EventSummarySchema), required=True,
                         metadata={"description": "the events this article is a source of"})


class ArticleSummarySchema(Schema):
    id = fields.String(required=True)
    title = fields.String()
    source = fields.String()
    published = fields.Date(required=True)
    url = fields.String(allow_none=True)
    language = fields.String()
    ingested_at = fields.DateTime()
    href = fields.String()


class ArticleDetailSchema(ArticleSummarySchema):
    text = fields.String(required=True)
    events = fields.List(fields.Nested(EventSummarySchema), required=True)


class ArticleListSchema(Schema):
    articles = fields.List(fields.Nested(ArticleSummarySchema), required=True)
    next = fields.String(allow_none=True)


class RuleSchema(Schema):
    id = fields.String(required=True)
    description = fields.String()
    priority = fields.Integer()
    file = fields.String()


class RuleTypeSchema(Schema):
    name = fields.String(required=True)
    rules = fields.List(fields.Nested(RuleSchema))


class RuleErrorSchema(Schema):
    file = fields.String()
    line = fields.Integer()
    message = fields.String()


class RulesSchema(Schema):
    version = fields.String(required=True)
    loaded_at = fields.DateTime(required=True)
    types = fields.List(fields.Nested(RuleTypeSchema))
    errors = fields.List(fields.Nested(RuleErrorSchema),
                         metadata={"description": "why the latest change of the files was refused, if it was"})
    changed = fields.Boolean(metadata={"description": "POST /rules/reload: a new rule set is now in use"})


class InvalidParamSchema(Schema):
    name = fields.String(required=True)
    reason = fields.String(required=True)


class ProblemSchema(Schema):
    """RFC 9457 problem details, with the parameter or field at fault."""

    type = fields.String(dump_default="about:blank")
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    invalid_params = fields.List(fields.Nested(InvalidParamSchema), data_key="invalid-params")


class HealthSchema(Schema):
    status = fields.String(required=True)
    events = fields.Integer(required=True)
    articles = fields.Integer(required=True)
    rules_version = fields.String(required=True)
    revision = fields.Integer()
