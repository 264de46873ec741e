"""What every view shares: problem responses, JSON bodies, query parsing, cursors and the token check."""
from __future__ import annotations

import hmac
import json
from urllib.parse import urlencode

from flask import Response, current_app, request
from marshmallow import Schema, ValidationError

from timeline.store import Store

from .cursors import decode_cursor
from .schemas import ProblemSchema

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """An RFC 9457 answer; raised anywhere in a view, turned into a response in one place (app.py)."""

    def __init__(self, status: int, title: str, detail: str | None = None, invalid: list[dict] | None = None,
                 headers: dict | None = None):
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.invalid, self.headers = status, title, detail, invalid, headers or {}


def problem_response(status: int, title: str, detail: str | None = None, invalid: list[dict] | None = None,
                     headers: dict | None = None) -> Response:
    body = {"title": title, "status": status}
    if detail:
        body["detail"] = detail
    if invalid:
        body["invalid_params"] = invalid
    response = Response(json.dumps(ProblemSchema().dump(body), ensure_ascii=False), status=status,
                        mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def json_response(schema: Schema, data, status: int = 200, headers: dict | None = None) -> Response:
    # compact: with `indent` Python's JSON encoder falls back to its slow pure-Python path
    response = Response(json.dumps(schema.dump(data), ensure_ascii=False, separators=(",", ":")) + "\n", status=status,
                        mimetype=JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def shown_name(name: str) -> str:
    """A parameter or field name the client sent, fit to be named in an answer: at most 40 characters,
    anything but letters, digits and _ . - [ ] escaped as \\uXXXX (no markup, no control characters)."""
    cut = name[:40] + ("..." if len(name) > 40 else "")
    return "".join(c if c.isascii() and (c.isalnum() or c in "_.-[]") else f"\\u{ord(c):04x}" for c in cut)


def invalid_params(messages: dict, rename: dict | None = None) -> list[dict]:
    rename = rename or {}
    found = []
    for name, value in sorted(messages.items()):
        if isinstance(value, dict):
            value = [f"{k}: {v}" for k, v in value.items()]
        reasons = value if isinstance(value, list) else [value]
        reason = "unknown parameter" if reasons == ["Unknown field."] else "; ".join(map(str, reasons))
        found.append({"name": shown_name(rename.get(name, name)), "reason": reason})
    return found


def load_query(schema: Schema) -> dict:
    """request.args through a schema; repeated and comma-separated list parameters become one list."""
    data = {}
    known = {f.data_key or name for name, f in schema.fields.items()}
    list_fields = {f.data_key or name for name, f in schema.fields.items() if f.__class__.__name__ == "List"}
    for key in request.args.keys():
        if key.startswith("_"):
            continue  # cache-busting parameters added by browsers' widgets
        values = request.args.getlist(key)
        if key in list_fields:
            data[key] = [v.strip() for value in values for v in value.split(",") if v.strip()]
        elif len(values) > 1 and key in known:
            raise Problem(400, "Invalid query parameter", f"{key}: given {len(values)} times; it takes one value",
                          [{"name": key, "reason": "given more than once; it takes one value"}])
        else:
            data[key] = values[0]
    try:
        return schema.load(data)
    except ValidationError as exc:
        invalid = invalid_params(exc.normalized_messages(), {"from_": "from"})
        raise Problem(400, "Invalid query parameter", f"{invalid[0]['name']}: {invalid[0]['reason']}", invalid) from None


def json_body() -> dict:
    """The request's JSON object; 415 for another media type, 400 for broken JSON (413 comes from Flask)."""
    if request.mimetype != JSON and not request.mimetype.endswith("+json"):
        raise Problem(415, "Unsupported Media Type", f"send the body as {JSON}",
                      [{"name": "Content-Type", "reason": f"expected {JSON}, got {request.mimetype or 'nothing'}"}])
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Problem(400, "Malformed JSON", "the body is not valid UTF-8 JSON",
                      [{"name": "body", "reason": str(exc)[:200]}]) from None
    except RecursionError:  # '[[[[...' a hundred thousand deep: the parser gives up, the server must not
        raise Problem(400, "Malformed JSON", "the body is nested too deeply",
                      [{"name": "body", "reason": "nested too deeply"}]) from None
    if not isinstance(data, dict):
        raise Problem(400, "Invalid body", "the body must be a JSON object",
                      [{"name": "body", "reason": "not a JSON object"}])
    return data


def require_token() -> None:
    """Writes need `Authorization: Bearer <TIMELINE_API_TOKEN>`; refused outright when no token is configured."""
    token = current_app.config.get("API_TOKEN")
    if not token:
        raise Problem(503, "Writes are disabled",
                      "the server has no API token configured (TIMELINE_API_TOKEN); it only answers reads")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise Problem(401, "Unauthorized", "send the API token as 'Authorization: Bearer <token>'",
                      [{"name": "Authorization", "reason": "missing bearer token"}],
                      headers={"WWW-Authenticate": 'Bearer realm="timeline"'})
    if not hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8")):
        raise Problem(403, "Forbidden", "the bearer token is not valid",
                      [{"name": "Authorization", "reason": "wrong token"}])


def page_after(cursor: str | None, shape: tuple[bool, ...]) -> tuple | None:
    """The key a page starts after (None: the first page); 400 for a cursor this API cannot have given out."""
    if cursor is None:
        return None
    key = decode_cursor(cursor, shape)
    if key is None:
        raise Problem(400, "Invalid query parameter", "cursor: not a cursor this API gave out",
                      [{"name": "cursor", "reason": "not a cursor this API gave out"}])
    return key


def link(path: str) -> str:
    """A link to a path (and query) of this API: absolute from BASE_URL (TIMELINE_BASE_URL) when it is
    set, else relative. Never built from the request's Host header, which a client chooses: answers to
    reads are public in shared caches, and one client's Host must not end up in another's answer."""
    base = current_app.config.get("BASE_URL")
    return (base.rstrip("/") if base else request.script_root) + path


def next_link(cursor: str | None) -> str | None:
    """This request's path and query with the next page's cursor."""
    if cursor is None:
        return None
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"]
    return link(request.path + "?" + urlencode([*args, ("cursor", cursor)]))


def store() -> Store:
    return current_app.extensions["timeline.store"]


def live_rules():
    return current_app.extensions["timeline.rules"]
