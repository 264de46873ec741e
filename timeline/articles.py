"""Articles: front-matter text files (see CONTRACT.md) validated as ArticleSchema says.

A bad file never sinks a batch: `load_paths` returns the good articles and one
`ArticleError` per bad file, each naming the file and the field at fault.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .isodates import parse_published

ARTICLE_SUFFIXES = {".txt", ".md"}
MAX_ARTICLE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    published: dt.date  # the anchor of every relative date in the body
    body: str
    source: str = ""
    url: str | None = None
    language: str = "en"
    path: str | None = None


@dataclass(frozen=True)
class ArticleError:
    location: str  # file path, or "request" for an API body
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.field}: {self.message}"


def published_date(value) -> dt.date:
    """An ISO 8601 date, or a datetime with an offset, as the date the article was published (only
    real days, no spaces around: timeline/isodates.py); ValueError for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    day = parse_published(value) if isinstance(value, str) else None
    if day is None:
        raise ValueError(value)
    return day


# What `url` may be: an http(s) or ftp(s) URL made of RFC 3986's characters, a host name or address and
# an optional port, path, query and fragment. One pattern, read the same by Python and by the OpenAPI
# document (ECMA-262), so that the API accepts exactly what its document says.
_URL_CHAR = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})"
_URL = (r"(?:https?|ftps?)://[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::[0-9]{1,5})?"
        rf"(?:/{_URL_CHAR}*)?(?:\?(?:{_URL_CHAR}|\?)*)?(?:#(?:{_URL_CHAR}|\?)*)?")
URL_PATTERN = f"^{_URL}$"
URL = re.compile(_URL)
MAX_URL = 2000


def is_url(value) -> bool:
    """Whether `value` is a URL the contract takes (URL_PATTERN, at most MAX_URL characters)."""
    return isinstance(value, str) and len(value) <= MAX_URL and URL.fullmatch(value) is not None


# The fields as ArticleSchema (timeline/article_schema.py) loads them, for the common case read
# without marshmallow (importing it cost a fresh process more than its first articles): strings
# within their limits, a URL the contract takes (the schema's own test) or none. Anything else,
# every mistake included, goes through the schema, which words the errors.
FIELD_DEFAULTS = {"title": "", "source": "", "url": None, "language": "en"}
MAX_LENGTH = {"title": 1000, "source": 500}
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")


def _plain_fields(data: dict) -> dict | None:
    """What ArticleSchema().load(data) returns, when the data is plain enough to tell without it;
    None otherwise."""
    loaded = dict(FIELD_DEFAULTS)
    for name in ("title", "source", "language", "text", "url"):
        if name not in data:
            if name == "text":
                return None
            continue
        value = data[name]
        if not isinstance(value, str) or len(value) > MAX_LENGTH.get(name, len(value)):
            return None
        loaded[name] = value
    if not loaded["text"] or not LANGUAGE.match(loaded["language"]):
        return None
    if loaded["url"] is not None and not is_url(loaded["url"]):
        return None
    if "published" not in data:
        return None
    try:
        loaded["published"] = published_date(data["published"])
    except (ValueError, TypeError):
        return None
    return loaded


FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^---[ \t]*\r?\n?", re.S | re.M)
# Front matter the flat reader may take: no tab, CR, control character, BOM or exotic line break
# (YAML gives those meanings); every other character YAML accepts.
FLAT_SAFE = re.compile(r"[\n\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*")
FLAT_LINE = re.compile(r"([A-Za-z][A-Za-z0-9_-]{0,63}): +(.*?) *")
FLAT_QUOTED = re.compile(r'"[^"\\]*"|\'[^\']*\'')
PLAIN_FIRST_REFUSED = set("-?:,[]{}#&*!|>'\"%@`")


def flat_front_matter(text: str) -> dict[str, str] | None:
    """The common front matter, 'key: value' lines with plain or simply quoted values, read
    without YAML's scanner (the costliest step of loading an article); None for anything else
    (comments, blank lines, lists, escapes, repeated keys...), which YAML reads as before."""
    if not text.endswith("\n") or not FLAT_SAFE.fullmatch(text) or "\u2028" in text or "\u2029" in text:
        return None
    meta: dict[str, str] = {}
    for line in text[:-1].split("\n"):
        match = FLAT_LINE.fullmatch(line)
        if not match or match.group(1) in meta:
            return None
        value = match.group(2)
        if not value:
            return None
        if value[0] in "\"'":
            if not FLAT_QUOTED.fullmatch(value):
                return None
            value = value[1:-1]
        elif value[0] in PLAIN_FIRST_REFUSED or ": " in value or " #" in value or value.endswith(":"):
            return None
        meta[match.group(1)] = value
    return meta


_SCHEMA: list = []


def _schema():
    """One schema for the process: building it costs more than loading an article with it, and
    marshmallow schemas may load concurrently."""
    if not _SCHEMA:
        from .article_schema import ArticleSchema

        _SCHEMA.append(ArticleSchema())
    return _SCHEMA[0]


def article_id(url: str | None, body: str) -> str:
    """Stable id: the same url (or, without one, the same text) always gives the same id."""
    key = url if url else " ".join(body.split())
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def parse_article(raw: str, location: str) -> Article:
    """Parse one article file's text; raises ValueError carrying an ArticleError."""
    match = FRONT_MATTER.match(raw)
    if not match:
        raise ArticleRejected(ArticleError(location, "front matter", "missing: the file must start with a '---' block"))
    meta = flat_front_matter(match.group(1))
    if meta is None:
        import yaml   # only for front matter the flat reader does not take

        try:
            # BaseLoader keeps every value a string: the schema, not YAML's guessing, decides types.
            meta = yaml.load(match.group(1), Loader=yaml.BaseLoader) or {}
        except yaml.YAMLError as exc:
            line = getattr(getattr(exc, "problem_mark", None), "line", None)
            where = f" (line {line + 2})" if line is not None else ""
            raise ArticleRejected(ArticleError(location, "front matter", f"not valid YAML{where}")) from None
    if not isinstance(meta, dict):
        raise ArticleRejected(ArticleError(location, "front matter", "must be 'key: value' lines"))
    body = raw[match.end():]
    return build_article({**meta, "text": body}, location, path=location)


def build_article(data: dict, location: str, path: str | None = None) -> Article:
    """Validate article fields (front matter or API JSON) into an Article."""
    if isinstance(data.get("text"), str) and not data["text"].strip():
        data = {**data, "text": ""}
    loaded = _plain_fields(data)
    if loaded is None:
        from marshmallow import ValidationError

        try:
            loaded = _schema().load(data)
        except ValidationError as exc:
            field, messages = next(iter(sorted(exc.messages.items())))
            message = messages[0] if isinstance(messages, list) else str(messages)
            if field == "text":
                field = "body"
            raise ArticleRejected(ArticleError(location, field, str(message))) from None
    body = loaded["text"]
    stem = Path(path).stem if path else None
    return Article(
        id=stem or article_id(loaded["url"], body),
        title=loaded["title"].strip() or first_line(body),
        published=loaded["published"],
        body=body,
        source=loaded["source"],
        url=loaded["url"],
        language=loaded["language"],
        path=path,
    )


def first_line(body: str) -> str:
    for line in body.splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""


class ArticleRejected(ValueError):
    def __init__(self, error: ArticleError):
        super().__init__(str(error))
        self.error = error


def read_article(path: Path) -> Article:
    location = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleRejected(ArticleError(location, "file", exc.strerror or str(exc))) from None
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleRejected(ArticleError(location, "file", f"larger than {MAX_ARTICLE_BYTES} bytes"))
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleRejected(
            ArticleError(location, "encoding", f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})")
        ) from None
    return parse_article(raw, location)


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files as given; folders expanded to their article files, sorted for stable output."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES and not p.name.startswith((".", "README"))
            )
        else:
            yield path


def iter_articles(paths: Iterable[str | Path]) -> Iterator[Article | ArticleError]:
    """Stream articles (or the error for each bad file) without holding the batch in memory."""
    for path in expand_paths(paths):
        try:
            yield read_article(path)
        except ArticleRejected as rejected:
            yield rejected.error


def load_paths(paths: Iterable[str | Path]) -> tuple[list[Article], list[ArticleError]]:
    articles: list[Article] = []
    errors: list[ArticleError] = []
    for item in iter_articles(paths):
        (errors if isinstance(item, ArticleError) else articles).append(item)
    return articles, errors
