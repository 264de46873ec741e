"""Article fields read without marshmallow (the common case, timeline/articles.py) are exactly
what ArticleSchema loads; whatever the plain reader is not sure of goes to the schema."""
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.article_schema import ArticleSchema
from timeline.articles import _plain_fields

SCHEMA = ArticleSchema()

URLS = ["https://example.com", "http://a.b.example.org/x?y=1#z", "https://localhost:8080/", "https://ab",
        "https://a.b", "https://a", "https://-a.com", "https://a-.com", "https://a..com", "https://x.com/ a",
        "https://x.com/\u00a0", "https://x.com/\u2028", "https://\u212a.com", "HTTPS://x.com", "ftp://x.com",
        "https://x.com:123456", "https://x.com:", "https://user@x.com", "https://x.123/", "https://" + "a" * 64 + ".com",
        "https://" + "a" * 63 + ".com", "https://x.com/path\n", "", "x.com", "https://1.2.3.4/"]


def same_as_schema(data):
    plain = _plain_fields(data)
    if plain is not None:
        assert plain == SCHEMA.load(data), data
    return plain


def test_known_urls():
    base = {"published": "2025-05-08", "text": "Body."}
    taken = [url for url in URLS if same_as_schema({**base, "url": url}) is not None]
    assert taken and "https://example.com" in taken and "https://x.com/ a" not in taken and "https://user@x.com" not in taken


def test_the_corpus_front_matter_is_read_plainly():
    from conftest import CORPUS
    from timeline.articles import FRONT_MATTER, flat_front_matter

    for path in sorted(CORPUS.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        match = FRONT_MATTER.match(raw)
        data = {**flat_front_matter(match.group(1)), "text": raw[match.end():]}
        assert same_as_schema(data) is not None, path


text = st.text(alphabet=st.sampled_from(list("aZ09-._/:?#@ \n\t\u00a0\u2028Kſé")), max_size=30)
value = st.one_of(st.none(), text, st.integers(), st.sampled_from(URLS), st.sampled_from(
    ["en", "fr", "en-GB", "eng", "EN", "en\n", "e", "2025-05-08", "2025-05-08T10:00:00+02:00",
     "2025-05-08T10:00:00", " 2025-05-08 ", "2025-13-01", "x" * 1001, "x" * 501]))
fields = st.dictionaries(st.sampled_from(["title", "source", "published", "url", "language", "text", "other"]),
                         value, max_size=7)


@settings(max_examples=600, deadline=None)
@given(fields)
def test_plain_reading_equals_the_schema(data):
    same_as_schema(data)


def test_dates_and_datetimes():
    base = {"text": "Body."}
    for published in (dt.date(2025, 5, 8), dt.datetime(2025, 5, 8, 10), "2025-05-08T23:30:00Z"):
        assert same_as_schema({**base, "published": published}) is not None
