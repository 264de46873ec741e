"""Bodies in and out of the HTTP API (the OpenAPI document is generated from these)."""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from timeline.article_schema import ArticleSchema as ArticleFieldsSchema
from timeline.article_schema import PublishedField
from timeline.articles import URL_PATTERN
from timeline.formats import FORMATS
from timeline.isodates import DATE_PATTERN, PUBLISHED_PATTERN, parse_date
from timeline.schemas import EventHeadSchema, EventSchema

from .cursors import ARTICLE_KEY, EVENT_KEY, cursor_pattern

MAX_LIMIT = 1000


class DayField(fields.Date):
    """YYYY-MM-DD, a real day, exactly as the document's pattern says."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = parse_date(value) if isinstance(value, str) else None
        if day is None:
            raise self.make_error("invalid")
        return day


class PageQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    cursor = fields.String(load_default=None, metadata={"description": "the cursor in the previous page's `next`",
                                                        "pattern": cursor_pattern(ARTICLE_KEY)})
    limit = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"page size, at most {MAX_LIMIT}"})


class TimelineQuerySchema(PageQuerySchema):
    """GET /timeline query: `type` may repeat (type=summit&type=parade) or hold a comma list."""

    cursor = fields.String(load_default=None, metadata={"description": "the cursor in the previous page's `next`",
                                                        "pattern": cursor_pattern(EVENT_KEY)})

    type = fields.List(fields.String(validate=validate.Regexp(r"^[a-z][a-z0-9_]*$")), load_default=list,
                       metadata={"description": "event types, repeatable or comma-separated"})
    from_ = DayField(data_key="from", load_default=None,
                     metadata={"description": "events that end on or after this day", "pattern": DATE_PATTERN})
    to = DayField(load_default=None, metadata={"description": "events that start on or before this day",
                                               "pattern": DATE_PATTERN})
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
            raise ValidationError(f"unknown event type; known: {', '.join(sorted(self.known_types))}",
                                  "type")


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

    published = PublishedField(required=True, error_messages={  # the value is not echoed back (SECURITY.md)
        "invalid": "not an ISO 8601 date (YYYY-MM-DD) or datetime with offset"}, metadata={
        "description": "ISO 8601 date, or datetime with an offset: the anchor of every relative date in the text",
        "example": "2025-05-08", "pattern": PUBLISHED_PATTERN})
    url = fields.String(load_default=None, allow_none=True, metadata={
        "format": "uri", "pattern": URL_PATTERN, "maxLength": 2000, "description": "http(s) or ftp(s) URL of the article"})


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
    status = fields.String(required=True, validate=validate.OneOf(("ok", "degraded")), metadata={
        "description": "ok; degraded while a changed rule file is refused (the last good rules stay in use)"})
    rule_errors = fields.List(fields.String(), required=True, metadata={
        "description": "why rule files are refused, one `file:line: message` each; empty when none is"})
    events = fields.Integer(required=True)
    articles = fields.Integer(required=True)
    rules_version = fields.String(required=True)
    revision = fields.Integer()


# --- POST /explain: `timeline explain` over HTTP ---------------------------------------------------

EXPLAIN_MAX_TEXT = 20_000  # characters: a few articles' worth; explaining costs a pass of the rules per sentence


class ExplainInSchema(Schema):
    class Meta:
        unknown = RAISE

    text = fields.String(required=True, validate=validate.Length(min=1, max=EXPLAIN_MAX_TEXT), metadata={
        "description": f"the sentence(s) to explain, at most {EXPLAIN_MAX_TEXT} characters",
        "example": "Putin will visit Beijing on May 16, the Kremlin said on Tuesday."})
    published = DayField(required=True, metadata={
        "description": "the publication day: the anchor of every relative date in the text",
        "pattern": DATE_PATTERN, "example": "2025-05-08"})
    title = fields.String(load_default="", validate=validate.Length(max=500),
                          metadata={"description": "the article's title, if any"})


class ExplainDateSchema(Schema):
    text = fields.String(required=True)
    begin = fields.Integer(required=True, metadata={"description": "offset into the sentence"})
    end = fields.Integer(required=True)
    type = fields.String(required=True, metadata={"description": "DATE, TIME, DURATION or SET"})
    value = fields.String(allow_none=True, metadata={"description": "TIMEX3 value"})
    taken = fields.Boolean(required=True, metadata={"description": "the date of an event of this sentence"})
    why = fields.String(required=True, metadata={"description": "why it was taken, or why not"})


class ExplainPersonSchema(Schema):
    name = fields.String(required=True)
    as_ = fields.String(required=True, attribute="as", data_key="as",
                        metadata={"description": "the words of the sentence that name or refer to the person"})


class ExplainActorsSchema(Schema):
    people = fields.List(fields.Nested(ExplainPersonSchema), required=True)
    referred_back = fields.List(fields.Nested(ExplainPersonSchema), required=True,
                                metadata={"description": "people a pronoun or a title alone refers back to"})
    officials = fields.List(fields.String(), required=True)
    countries = fields.List(fields.String(), required=True)
    groups = fields.List(fields.String(), required=True)
    places = fields.List(fields.String(), required=True)


class ExplainConditionSchema(Schema):
    ok = fields.Boolean(required=True)
    detail = fields.String(required=True)


class ExplainRuleSchema(Schema):
    rule = fields.String(required=True)
    fired = fields.Boolean(required=True)
    failed = fields.List(fields.String(), required=True,
                         metadata={"description": "the conditions that did not hold, named as in the rule files"})
    conditions = fields.Dict(keys=fields.String(), values=fields.Nested(ExplainConditionSchema), required=True)
    trigger = fields.String(metadata={"description": "the rule's trigger word in the sentence"})
    kept_undated = fields.Boolean(metadata={"description": "it would fire with a date: kept apart as undated"})


class ExplainMentionSchema(Schema):
    type = fields.String(required=True)
    rule = fields.String(required=True)
    label = fields.String(required=True)
    status = fields.String(required=True)
    start = fields.String(allow_none=True, metadata={"format": "date"})
    end = fields.String(allow_none=True, metadata={"format": "date"})
    date = fields.String(allow_none=True, metadata={"description": "the date phrase"})


class ExplainSentenceSchema(Schema):
    text = fields.String(required=True)
    begin = fields.Integer(required=True)
    end = fields.Integer(required=True)
    dates = fields.List(fields.Nested(ExplainDateSchema), required=True)
    actors = fields.Nested(ExplainActorsSchema, required=True)
    rules = fields.List(fields.Nested(ExplainRuleSchema), required=True)
    mentions = fields.List(fields.Nested(ExplainMentionSchema), required=True,
                           metadata={"description": "what the sentence gives the timeline"})


class ExplainSchema(Schema):
    """The answer of `timeline explain --format json` (CONTRACT.md)."""

    published = fields.String(required=True, metadata={"format": "date"})
    rules_version = fields.String(required=True)
    sentences = fields.List(fields.Nested(ExplainSentenceSchema), required=True)
