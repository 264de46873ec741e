"""GET /timeline (every format, filtered, paginated) and GET /events/<id>."""
from __future__ import annotations

import functools
import json

from flask import Blueprint, Response, g

from timeline.formats import MEDIA_TYPES, render
from timeline.schemas import EventSchema

from .cursors import EVENT_KEY, encode_cursor
from .docs import body, documented, path_parameter, problem
from .http import Problem, link, live_rules, load_query, next_link, page_after, store
from .schemas import MAX_LIMIT, TimelineJSSchema, TimelinePageSchema, TimelineQuerySchema

bp = Blueprint("timeline", __name__)

JSON_PAGE = 100  # default page size of the JSON timeline; widget formats get whole pages (MAX_LIMIT)


@functools.lru_cache(maxsize=8)
def query_schema(known_types: tuple[str, ...]) -> TimelineQuerySchema:
    """One schema per set of event types (building one costs more than a cached answer)."""
    return TimelineQuerySchema(known_types)


def page_json(records: list[str], version: str | None, link: str | None) -> str:
    """A TimelinePageSchema body from the events' stored JSON records (rendered by EventSchema when the
    events were written): joining them costs far less than dumping a hundred events on every read."""
    return (f'{{"events":[{",".join(records)}],"rules_version":{json.dumps(version)},'
            f'"next":{json.dumps(link, ensure_ascii=False)}}}\n')


def event_summary(event) -> dict:
    return {"id": event.id, "type": event.type, "label": event.label, "start": event.start, "end": event.end,
            "granularity": event.granularity, "status": event.status, "href": link(f"/events/{event.id}")}


@bp.get("/timeline")
@documented(get={
    "summary": "The timeline, ordered by start, end, type",
    "description": "Events that overlap [from, to] and match every filter. JSON pages hold 100 events by "
                   f"default, other formats {MAX_LIMIT}; the next page is in the body's `next` (JSON) and in "
                   "the `Link` header (every format).",
    "parameters": [{"in": "query", "schema": TimelineQuerySchema}],
    "responses": {
        "200": {
            "description": "one page of the timeline",
            "headers": {"ETag": {"schema": {"type": "string"}}, "Link": {"schema": {"type": "string"}}},
            "content": {
                # format=json (default) and format=timelinejs share the media type
                "application/json": {"schema": {"anyOf": [TimelinePageSchema, TimelineJSSchema]}},
                "text/calendar": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        },
        "304": {"description": "not modified since the ETag given in If-None-Match"},
        "400": problem("a parameter is invalid; `invalid-params` names it"),
    },
})
def get_timeline():
    query = load_query(query_schema(tuple(t.name for t in live_rules().get().rulebook.types)))
    fmt = query["format"]
    limit = query["limit"] or (JSON_PAGE if fmt == "json" else MAX_LIMIT)
    after = page_after(query["cursor"], EVENT_KEY)
    if query["from_"] and query["to"] and query["from_"] > query["to"]:
        # an empty window, which no event overlaps (the document cannot forbid it, so it is no error)
        found, key, version = [], None, g.store_now[1]
    else:
        found, key, version = store().events_page(
            types=query["type"], start=query["from_"], end=query["to"], q=query["q"],
            participant=query["participant"], source=query["source"], after=after, limit=limit,
            records=fmt == "json")
    link = next_link(encode_cursor(key) if key else None)
    headers = {"Link": f'<{link}>; rel="next"'} if link else {}
    if fmt == "json":
        return Response(page_json(found, version, link), headers=headers, mimetype="application/json")
    response = Response(render(found, fmt, version, pretty=False), headers=headers)
    response.headers["Content-Type"] = MEDIA_TYPES[fmt]
    if fmt in ("ics", "csv"):
        response.headers["Content-Disposition"] = f'inline; filename="timeline.{fmt}"'
    return response


@bp.get("/events/<event_id>")
@documented(get={
    "summary": "One event with all its sources and conflicts",
    "parameters": [path_parameter("event_id", "the event's id")],
    "responses": {"200": body(EventSchema, "the event", headers=("ETag",)), "404": problem("no such event")},
})
def get_event(event_id: str):
    record = store().event(event_id, record=True)
    if record is None:
        raise Problem(404, "Not Found", "no event with this id", [{"name": "event_id", "reason": "no such event"}])
    return Response(record + "\n", mimetype="application/json")  # rendered by EventSchema when written
