"""GET /rules (the rule set in use) and POST /rules/reload."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint

from .docs import body, documented, problem
from .http import Problem, json_response, live_rules, require_token, store
from .schemas import RulesSchema

bp = Blueprint("rules", __name__)


def rules_record(live, changed: bool | None = None) -> dict:
    rulebook = live.get().rulebook
    record = {
        "version": rulebook.version,
        "loaded_at": live.loaded_at,
        "types": [{"name": t.name, "rules": [{"id": r.id, "description": r.description, "priority": r.priority,
                                               "file": Path(r.file).name} for r in t.rules]}
                  for t in rulebook.types],
        "errors": [{"file": Path(e.file).name, "line": e.line, "message": e.message} for e in live.last_errors],
    }
    if changed is not None:
        record["changed"] = changed
    return record


@bp.get("/rules")
@documented(get={
    "summary": "The rule set in use: its version, when it was loaded, its rules",
    "responses": {"200": body(RulesSchema, "the rules", headers=("ETag",))},
})
def get_rules():
    live = live_rules()
    live.reload()  # the files as they are now (cheap when unchanged): each server process answers alike
    return json_response(RulesSchema(), rules_record(live))


@bp.post("/rules/reload")
@documented(post={
    "summary": "Read the rule files again now; the stored articles are classified again if they changed",
    "security": [{"bearer": []}],
    "responses": {
        "200": body(RulesSchema, "the rules now in use"),
        "401": problem("no bearer token"),
        "403": problem("wrong bearer token"),
        "422": problem("the rule files are broken; the last good rules stay in use"),
        "429": problem("too many writes from this client; `Retry-After` says when to try again"),
        "503": problem("writes are disabled: no token configured"),
    },
})
def reload_rules():
    require_token()
    live = live_rules()
    changed = live.reload(force=True)
    store().sync_rules(live.get())
    if live.last_errors:
        raise Problem(422, "Rule files refused", f"keeping rules version {live.version}",
                      [{"name": f"{Path(e.file).name}:{e.line}", "reason": e.message} for e in live.last_errors])
    return json_response(RulesSchema(), rules_record(live, changed))
