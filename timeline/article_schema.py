"""The article fields of the contract as a marshmallow schema: what front matter and the JSON body
of POST /articles are validated with (timeline/articles.py reads the plain common case itself)."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from .articles import is_url, published_date


class PublishedField(fields.Field):
    """An ISO 8601 date, or a datetime with an offset; loads as the date the article was published."""

    default_error_messages = {
        "invalid": "not an ISO 8601 date (YYYY-MM-DD) or datetime with offset: {input!r}",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return published_date(value)
        except ValueError:
            raise self.make_error("invalid", input=str(value).strip()) from None

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.isoformat()


def _url(value) -> bool:
    if not is_url(value):
        raise ValidationError("Not a valid URL: http(s) or ftp(s), RFC 3986 characters only.")
    return True


class ArticleSchema(Schema):
    """The article fields of the contract (front matter, or the JSON body of POST /articles)."""

    class Meta:
        unknown = EXCLUDE

    title = fields.String(load_default="", validate=validate.Length(max=1000))
    source = fields.String(load_default="", validate=validate.Length(max=500))
    published = PublishedField(required=True)
    url = fields.String(load_default=None, allow_none=True, validate=_url)
    language = fields.String(load_default="en", validate=validate.Regexp(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$"))
    text = fields.String(required=True, validate=validate.Length(min=1, error="the article body is empty"))
