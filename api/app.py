"""Flask app factory. The timeline of the corpus is built when the app starts.

Configuration comes from the environment (CONTRACT.md) unless `create_app(config)` overrides it:
TIMELINE_RULES_DIR, TIMELINE_CORPUS_DIR.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask, Response, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from timeline.formats import MEDIA_TYPES, render
from timeline.pipeline import classifier_for, filter_events, timeline_from_paths

from .schemas import HealthSchema, ProblemSchema, TimelineQuerySchema

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
log = logging.getLogger("timeline.api")


def problem(status: int, title: str, detail: str | None = None, invalid: list[dict] | None = None) -> Response:
    body = {"title": title, "status": status}
    if detail:
        body["detail"] = detail
    if invalid:
        body["invalid_params"] = invalid
    response = jsonify(ProblemSchema().dump(body))
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _query_args(args) -> dict:
    """Flatten request.args for the schema: repeated and comma-separated `type` become one list."""
    data = {}
    for key in args.keys():
        if key.startswith("_"):
            continue  # cache-busting parameters added by browsers' widgets
        if key == "type":
            data["type"] = [t.strip() for value in args.getlist("type") for t in value.split(",") if t.strip()]
        else:
            data[key] = args.get(key)
    return data


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        RULES_DIR=os.environ.get("TIMELINE_RULES_DIR") or None,
        CORPUS_DIR=os.environ.get("TIMELINE_CORPUS_DIR") or str(DEFAULT_CORPUS),
        MAX_CONTENT_LENGTH=5 * 1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    app.config.update(config or {})

    timeline = timeline_from_paths([app.config["CORPUS_DIR"]], app.config["RULES_DIR"])
    for error in timeline.errors:
        log.warning("article refused: %s", error)
    app.extensions["timeline"] = timeline
    known_types = {t.name for t in classifier_for(app.config["RULES_DIR"]).rulebook.types}

    @app.get("/healthz")
    def healthz():
        current = app.extensions["timeline"]
        return jsonify(HealthSchema().dump({
            "status": "ok", "events": len(current.events), "articles": current.articles,
            "rules_version": current.rules_version,
        }))

    @app.get("/timeline")
    def get_timeline():
        try:
            query = TimelineQuerySchema(known_types).load(_query_args(request.args))
        except ValidationError as exc:
            invalid = [{"name": "from" if name == "from_" else name,
                        "reason": "unknown parameter" if msgs == ["Unknown field."] else "; ".join(map(str, msgs))}
                       for name, msgs in sorted(exc.normalized_messages().items())]
            return problem(400, "Invalid query parameter",
                           f"{invalid[0]['name']}: {invalid[0]['reason']}", invalid)
        current = app.extensions["timeline"]
        events = filter_events(current.events, query["type"], query["from_"], query["to"])
        body = render(events, query["format"], current.rules_version)
        response = Response(body, mimetype=MEDIA_TYPES[query["format"]].split(";")[0])
        if query["format"] in ("ics", "csv"):
            response.headers["Content-Type"] = MEDIA_TYPES[query["format"]]
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return problem(exc.code or 500, exc.name, exc.description)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error")
        return problem(500, "Internal Server Error", "the server could not answer this request")

    return app
