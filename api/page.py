"""GET /: the timeline for people, drawn in the browser by api/static/page/ (plain HTML, CSS and
JavaScript, no build step). Everything it loads comes from this app: see the Content-Security-Policy."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response

bp = Blueprint("page", __name__)

PAGE = (Path(__file__).resolve().parent / "static" / "page" / "index.html").read_text(encoding="utf-8")
PAGE_CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"


@bp.get("/")
def index():
    response = Response(PAGE, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PAGE_CSP
    return response
