"""POST /articles (ingest one article), GET /articles, GET /articles/<id>."""
from __future__ import annotations

from flask import Blueprint

from timeline.articles import ArticleRejected, build_article

from .cursors import ARTICLE_KEY, encode_cursor
from .docs import body, documented, path_parameter, problem
from .http import (
    Problem, invalid_params, json_body, json_response, link, live_rules, load_query,
    next_link, page_after, require_token, store,
)
from .schemas import (
    ArticleCreatedSchema, ArticleDetailSchema, ArticleInSchema, ArticleListSchema, PageQuerySchema,
)
from .timeline_routes import event_summary

bp = Blueprint("articles", __name__)

PAGE = 100


def article_record(article, with_text: bool = False, events=()) -> dict:
    record = {"id": article.id, "title": article.title, "source": article.source, "published": article.published,
              "url": article.url, "language": article.language, "ingested_at": article.ingested_at,
              "href": link(f"/articles/{article.id}")}
    if with_text:
        record["text"] = article.body
        record["events"] = [event_summary(e) for e in events]
    return record


@bp.post("/articles")
@documented(post={
    "summary": "Ingest one article",
    "description": "201 with the new article's id and the events it is a source of. The same url, or the "
                   "same text, again changes nothing and answers 200 with the stored article.",
    "security": [{"bearer": []}],
    "requestBody": {"required": True, "content": {"application/json": {"schema": ArticleInSchema}}},
    "responses": {
        "201": body(ArticleCreatedSchema, "stored; the events were recomputed"),
        "200": body(ArticleCreatedSchema, "already stored (same url or text); nothing changed"),
        "400": problem("a field is invalid; `invalid-params` names it"),
        "401": problem("no bearer token"),
        "403": problem("wrong bearer token"),
        "413": problem("body larger than the limit"),
        "415": problem("the body is not JSON"),
        "429": problem("too many writes from this client; `Retry-After` says when to try again"),
        "503": problem("writes are disabled: no token configured"),
    },
})
def post_article():
    require_token()
    data = json_body()
    errors = ArticleInSchema().validate(data)
    if errors:
        invalid = invalid_params(errors)
        raise Problem(400, "Invalid article", f"{invalid[0]['name']}: {invalid[0]['reason']}", invalid)
    try:
        article = build_article(data, "request")
    except ArticleRejected as rejected:
        name = "text" if rejected.error.field == "body" else rejected.error.field
        raise Problem(400, "Invalid article", f"{name}: {rejected.error.message}",
                      [{"name": name, "reason": rejected.error.message}]) from None
    result = store().ingest(article, live_rules().get())
    events = result.events
    if not result.created:
        events = store().article(result.article_id)[1]
    href = link(f"/articles/{result.article_id}")
    answer = {"id": result.article_id, "created": result.created, "href": href,
              "events": [event_summary(e) for e in events]}
    return json_response(ArticleCreatedSchema(), answer, status=201 if result.created else 200,
                         headers={"Location": href})


@bp.get("/articles")
@documented(get={
    "summary": "The stored articles (without their text), ordered by publication date",
    "parameters": [{"in": "query", "schema": PageQuerySchema}],
    "responses": {"200": body(ArticleListSchema, "one page of articles", headers=("ETag", "Link")),
                  "400": problem("a parameter is invalid")},
})
def list_articles():
    query = load_query(PageQuerySchema())
    found, key = store().articles_page(after=page_after(query["cursor"], ARTICLE_KEY), limit=query["limit"] or PAGE)
    link = next_link(encode_cursor(key) if key else None)
    headers = {"Link": f'<{link}>; rel="next"'} if link else {}
    return json_response(ArticleListSchema(), {"articles": [article_record(a) for a in found], "next": link},
                         headers=headers)


@bp.get("/articles/<article_id>")
@documented(get={
    "summary": "One article with its text and the events it is a source of",
    "parameters": [path_parameter("article_id", "the article's id")],
    "responses": {"200": body(ArticleDetailSchema, "the article", headers=("ETag",)),
                  "404": problem("no such article")},
})
def get_article(article_id: str):
    found = store().article(article_id)
    if found is None:
        raise Problem(404, "Not Found", "no article with this id",
                      [{"name": "article_id", "reason": "no such article"}])
    article, events = found
    return json_response(ArticleDetailSchema(), article_record(article, with_text=True, events=events))
