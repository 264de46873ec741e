import datetime as dt

from conftest import CORPUS, write_article

from timeline.articles import build_article, load_paths, ArticleRejected


def test_seed_corpus_loads_with_manifest_dates():
    articles, errors = load_paths([CORPUS])
    assert errors == []
    published = {a.id: a.published for a in articles}
    assert len(articles) == 7
    assert published["2025-05-08-politico-china-watcher-xi-putin-moscow"] == dt.date(2025, 5, 8)
    assert published["2024-05-15-rferl-putin-to-visit-china"] == dt.date(2024, 5, 15)
    assert published["2024-05-10-rferl-xi-european-tour"] == dt.date(2024, 5, 10)
    # the repeated body of the Bloomberg copy is kept as published
    bloomberg = next(a for a in articles if a.id == "2025-05-06-bloomberg-xi-moscow-trip")
    assert bloomberg.body.count("During his four-day trip starting Wednesday") == 2


def test_datetime_with_offset_anchors_on_its_own_date(tmp_path):
    path = write_article(tmp_path, "a.txt", published="2025-05-08T23:30:00-04:00")
    articles, errors = load_paths([path])
    assert errors == [] and articles[0].published == dt.date(2025, 5, 8)


def test_bad_files_are_refused_one_line_each_and_the_rest_is_kept(tmp_path):
    write_article(tmp_path, "good.txt")
    write_article(tmp_path, "no_date.txt", published=None)
    write_article(tmp_path, "bad_date.txt", published="May 8th")
    write_article(tmp_path, "naive.txt", published="2025-05-08T10:00:00")
    write_article(tmp_path, "empty.txt", body="   \n  ")
    (tmp_path / "latin1.txt").write_bytes("---\npublished: 2025-05-08\n---\nCaf\xe9 talks\n".encode("latin-1"))
    (tmp_path / "no_front.txt").write_text("Just text.\n", encoding="utf-8")
    articles, errors = load_paths([tmp_path])
    assert [a.id for a in articles] == ["good"]
    messages = {e.location.rsplit("/", 1)[-1]: (e.field, e.message) for e in errors}
    assert messages["no_date.txt"][0] == "published" and "required" in messages["no_date.txt"][1].lower()
    assert messages["bad_date.txt"] == ("published", "not an ISO 8601 date (YYYY-MM-DD) or datetime with offset: 'May 8th'")
    assert messages["naive.txt"][0] == "published"
    assert messages["empty.txt"] == ("body", "the article body is empty")
    assert messages["latin1.txt"][0] == "encoding" and "0xe9" in messages["latin1.txt"][1]
    assert messages["no_front.txt"][0] == "front matter"
    assert str(errors[0]).startswith(str(tmp_path))


def test_api_body_validation_names_the_field():
    try:
        build_article({"title": "x", "published": "2025-02-30", "text": "Body"}, "request")
    except ArticleRejected as rejected:
        assert rejected.error.field == "published"
    else:
        raise AssertionError("an impossible date was accepted")


def test_windows_line_endings_and_byte_order_mark(tmp_path):
    path = tmp_path / "crlf.txt"
    text = "\ufeff---\r\ntitle: Windows\r\npublished: 2025-05-08T09:00:00Z\r\n---\r\nXi's trip started Wednesday.\r\n"
    path.write_bytes(text.encode("utf-8"))
    articles, errors = load_paths([path])
    assert errors == []
    (article,) = articles
    assert article.title == "Windows" and article.published == dt.date(2025, 5, 8)
    assert article.body.strip() == "Xi's trip started Wednesday."
