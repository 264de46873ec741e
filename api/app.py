"""Flask app factory: configuration, the store and the live rules, the blueprints, and the rules
every response follows (problem+json errors, CORS for reads, ETag and Cache-Control).

Configuration comes from the environment (CONTRACT.md) unless `create_app(config)` overrides it:
TIMELINE_DATABASE_URL -> DATABASE_URL, TIMELINE_RULES_DIR -> RULES_DIR,
TIMELINE_CORPUS_DIR -> CORPUS_DIR (loaded on the store's first start), TIMELINE_API_TOKEN -> API_TOKEN,
TIMELINE_WRITE_RATE -> WRITE_RATE (writes per client, "120/60" by default, "off": no limit),
TIMELINE_BASE_URL -> BASE_URL (the public URL links start with; unset: links are relative).
"""
from __future__ import annotations

import io
import logging
import os
import re
from pathlib import Path

from flask import Flask, Response, abort, g, request
from werkzeug.exceptions import HTTPException

from timeline.live_rules import LiveRules
from timeline.store import DEFAULT_DATABASE_URL, Store

from . import article_routes, docs, explain_routes, page, rules_routes, timeline_routes
from .cache import ResponseCache
from .docs import body, documented
from .http import Problem, json_response, problem_response, store
from .limits import DEFAULT_WRITE_RATE, WriteLimiter, parse_rate, retry_after
from .schemas import HealthSchema

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
MAX_BODY = 2 * 1024 * 1024
DRAIN_MAX = 8 * 1024 * 1024  # a body up to this size is read before a 413, so that the client hears it
READ_METHODS = ("GET", "HEAD", "OPTIONS")
log = logging.getLogger("timeline.api")


def read_chunked_body(environ: dict, limit: int) -> int:
    """A chunked body (no Content-Length) is read here, up to one byte past `limit`: within the limit it
    becomes the request's body with its length; over it, the bytes read so far are dropped and their count
    returned (more than `limit`), so that the answer is 413 and not whatever a cut body would parse to."""
    stream, body, size = environ["wsgi.input"], [], 0
    while size <= limit and (chunk := stream.read(min(limit + 1 - size, 1 << 16))):
        body.append(chunk)
        size += len(chunk)
    if size <= limit:
        environ["wsgi.input"] = io.BytesIO(b"".join(body))
        environ["CONTENT_LENGTH"] = str(size)
        environ.pop("HTTP_TRANSFER_ENCODING", None)
    return size


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        DATABASE_URL=os.environ.get("TIMELINE_DATABASE_URL") or DEFAULT_DATABASE_URL,
        RULES_DIR=os.environ.get("TIMELINE_RULES_DIR") or None,
        CORPUS_DIR=os.environ.get("TIMELINE_CORPUS_DIR") or str(DEFAULT_CORPUS),
        API_TOKEN=os.environ.get("TIMELINE_API_TOKEN") or None,
        RULES_CHECK_EVERY=2.0,  # seconds between looks at the rule files
        READ_MAX_AGE=30,  # Cache-Control max-age of reads, in seconds
        RESPONSE_CACHE_BYTES=64 * 1024 * 1024,  # answers to GET /timeline and /events kept per process
        MAX_CONTENT_LENGTH=MAX_BODY,
        WRITE_RATE=os.environ.get("TIMELINE_WRITE_RATE", DEFAULT_WRITE_RATE),
        BASE_URL=os.environ.get("TIMELINE_BASE_URL") or None,
    )
    app.config.update(config or {})
    base = app.config["BASE_URL"]
    if base and not re.fullmatch(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~/-]*)?", base):
        raise ValueError(f"BASE_URL (TIMELINE_BASE_URL) must be an http(s) URL without query, like "
                         f"'https://timeline.example.org' or 'https://example.org/timeline', not {base!r}")
    rate = parse_rate(app.config["WRITE_RATE"])  # a bad setting stops the start, naming it
    limiter = WriteLimiter(*rate) if rate else None

    rules = LiveRules(app.config["RULES_DIR"], check_every=app.config["RULES_CHECK_EVERY"])
    timeline_store = Store(app.config["DATABASE_URL"])
    timeline_store.create_schema()
    if app.config["CORPUS_DIR"]:
        for error in timeline_store.load_corpus_once([app.config["CORPUS_DIR"]], rules.get()):
            log.warning("article refused: %s", error)
    timeline_store.sync_rules(rules.get(), background=False)  # no thread before a server forks its workers
    app.extensions["timeline.store"] = timeline_store
    app.extensions["timeline.rules"] = rules
    cache = ResponseCache(app.config["RESPONSE_CACHE_BYTES"])

    for blueprint in (timeline_routes.bp, article_routes.bp, rules_routes.bp, explain_routes.bp, docs.bp, page.bp):
        app.register_blueprint(blueprint)

    @app.get("/healthz")
    @documented(get={"summary": "Liveness and what the store holds",
                     "responses": {"200": body(HealthSchema, "the service is up; `degraded` while a rule file is refused")}})
    def healthz():
        # refused rule files make the service "degraded", still 200: the reads go on with the last good rules
        refused = [f"{Path(e.file).name}:{e.line}: {e.message}" for e in rules.last_errors]
        stats = store().stats()
        return json_response(HealthSchema(), {"status": "degraded" if refused else "ok", "rule_errors": refused,
                                              **stats})

    @app.before_request
    def refuse_large_bodies():
        length = request.content_length
        if length is None and "chunked" in request.headers.get("Transfer-Encoding", "").lower():
            length = read_chunked_body(request.environ, app.config["MAX_CONTENT_LENGTH"])
        if length and length > app.config["MAX_CONTENT_LENGTH"]:
            # A client still sending the body would not read the answer before the server closes: read
            # and drop up to DRAIN_MAX so that it gets its 413; larger bodies are answered unread.
            if length <= DRAIN_MAX:
                stream = request.environ["wsgi.input"]
                while length > 0 and (chunk := stream.read(min(length, 1 << 16))):
                    length -= len(chunk)
            abort(413)

    @app.before_request
    def limit_writes():
        # before anything else a write costs, token checks included (no guessing at full speed)
        if limiter is not None and request.method not in READ_METHODS:
            wait = limiter.wait(request.remote_addr or "unknown")
            if wait:
                raise Problem(429, "Too Many Requests",
                              f"at most {limiter.describe()} from one client; try again later",
                              headers={"Retry-After": retry_after(wait)})

    @app.before_request
    def follow_rule_changes():
        # changed rule files: classify the stored articles again (a small archive before answering,
        # a large one in the background; see Store.sync_rules)
        if request.method != "OPTIONS" and request.blueprint not in ("docs", "page") and request.endpoint != "static":
            classifier = rules.get()
            g.store_now = timeline_store.now()
            if g.store_now[1] != classifier.version:
                # Another server process may have moved the store to newer files than this one has
                # seen yet: look at the files now, so that a process never drags the store back.
                rules.reload()
                timeline_store.sync_rules(rules.get())
                g.store_now = timeline_store.now()

    @app.before_request
    def cached_answer():
        # after follow_rule_changes: a rules change bumps the store's revision, and with it every key
        if request.method == "GET" and request.blueprint == timeline_routes.bp.name:
            environ = request.environ  # links are made from the path and BASE_URL, never from the Host header
            g.cache_key = (g.store_now[0], environ.get("SCRIPT_NAME"), environ.get("PATH_INFO"),
                           environ.get("QUERY_STRING"))
            g.cached = cache.get(g.cache_key)
            return g.cached
        return None

    @app.after_request
    def keep_answer(response: Response) -> Response:
        if g.get("cache_key") is not None and g.cached is None:
            cache.put(g.cache_key, response)
        return response

    @app.after_request
    def http_rules(response: Response) -> Response:
        if request.method in READ_METHODS:
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Expose-Headers"] = "ETag, Link, Location"
            if request.method == "OPTIONS":
                response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
                response.headers["Access-Control-Allow-Headers"] = "Accept, If-None-Match"
                response.headers["Access-Control-Max-Age"] = "86400"
            elif response.status_code == 200:
                response.headers["Cache-Control"] = f"public, max-age={app.config['READ_MAX_AGE']}"
                if not response.direct_passthrough:
                    response.add_etag()
                    response.make_conditional(request)
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"  # every answer, errors included
        return response

    @app.errorhandler(Problem)
    def problem(exc: Problem):
        return problem_response(exc.status, exc.title, exc.detail, exc.invalid, exc.headers)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        headers = {k: v for k, v in exc.get_headers() if k.lower() in ("allow", "www-authenticate", "retry-after")}
        detail = exc.description
        if exc.code == 413:
            detail = f"the body is larger than {app.config['MAX_CONTENT_LENGTH']} bytes"
        return problem_response(exc.code or 500, exc.name, detail, headers=headers)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error")
        return problem_response(500, "Internal Server Error", "the server could not answer this request")

    return app
