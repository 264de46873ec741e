"""POST /explain: why each sentence of a text is or is not an event (`timeline explain` over HTTP).
A read: it stores nothing and needs no token; writes' rate limit and the body size limit apply."""
from __future__ import annotations

from flask import Blueprint

from timeline.explain import explain

from .docs import body, documented, problem
from .http import Problem, invalid_params, json_body, json_response, live_rules
from .schemas import ExplainInSchema, ExplainSchema

bp = Blueprint("explain", __name__)


@bp.post("/explain")
@documented(post={
    "summary": "Why each sentence of a text is or is not an event: the same answer as `timeline explain`",
    "description": "For every sentence: its time expressions (the one taken as the event's date, and why the "
                   "others were not), the actors it names, every rule with whether it fired and which of its "
                   "conditions failed. Stores nothing; no token needed.",
    "requestBody": {"required": True, "content": {"application/json": {"schema": ExplainInSchema}}},
    "responses": {
        "200": body(ExplainSchema, "the explanation"),
        "400": problem("a field is invalid; `invalid-params` names it"),
        "413": problem("body larger than the limit"),
        "415": problem("the body is not JSON"),
        "429": problem("too many requests from this client; `Retry-After` says when to try again"),
    },
})
def post_explain():
    data = json_body()
    errors = ExplainInSchema().validate(data)
    if errors:
        invalid = invalid_params(errors)
        raise Problem(400, "Invalid request", f"{invalid[0]['name']}: {invalid[0]['reason']}", invalid)
    query = ExplainInSchema().load(data)
    answer = explain(live_rules().get(), query["text"], query["published"], query["title"])
    return json_response(ExplainSchema(), answer)
