"""`timeline explain`: why each sentence of a text is or is not an event.

Everything here is read off the pipeline's own pass over the text (`Classifier.mentions` with a
trace): the same readings, the same rules fired by the engine, the same mentions, so the answer
cannot drift from what `extract` does.  Only the wording of the conditions is added here, named
as in the rule files.
"""
from __future__ import annotations

import datetime as dt

from .articles import Article, article_id
from .engine import evaluate, rule_condition
from .features import NO_DATE, Reading
from .mentions import Classifier, Mention

def conditions(rule, index: int, features: dict, trigger: str | None = None) -> dict[str, dict]:
    """Each condition of a rule over a sentence's features: name (as in the rule files) ->
    {"ok": bool, "detail": str}.  `trigger`: the rule's trigger word in the sentence, if any."""
    near = f" of {trigger!r}" if trigger else " of the trigger"
    out: dict[str, dict] = {}
    for term in rule_condition(rule, index)["$and"]:
        (key, value), = term.items()
        name, expected = next(iter(value.items())) if key.startswith("$") else (key, value)
        if name == "kind":
            continue
        ok = evaluate(term, features)
        got = features.get(name)
        if name.startswith("t_"):
            label, detail = "triggers", f"found {trigger!r}" if ok and trigger else ("a trigger is there" if ok else "no trigger word of the rule")
        elif name.startswith("neg_"):
            label, detail = "not_negated", "the trigger is not negated" if ok else "the trigger is negated"
        elif name.startswith("req_"):
            label, detail = "required", "a 'required' word is there" if ok else "none of the 'required' words"
        elif name.startswith("forb_"):
            label, detail = "forbidden", "no 'forbidden' word near the trigger" if ok else "a 'forbidden' word near the trigger"
        elif name.startswith("dist_"):
            if got is None or got >= NO_DATE:
                label, detail = "needs_date", "no date"
            else:
                label = "date_within"
                detail = (f"a date within {expected} words{near} ({got})" if ok
                          else f"no date within {expected} words{near} (the nearest is {got} words away)")
        elif name.startswith("hedged_"):
            label, detail = "refuse_hedged", "the trigger is not hedged" if ok else "the trigger is hedged"
        elif name == "domestic":
            label = "refuse_domestic"
            detail = "more than one country" if ok else "everyone named belongs to one country"
        else:
            kind = name.rsplit("_", 1)[0] if name[-1:].isdigit() else name
            label, detail = f"involving.{kind}", f"{got or 0} named, {expected} needed"
        out[label] = {"ok": ok, "detail": detail}
    return out


def _actors(reading: Reading) -> dict:
    """The people the sentence names, and those it refers back to (a pronoun, a title alone:
    words that are no part of the name)."""
    named, referred = [], []
    for begin, end, name in reading.person_spans:
        said = reading.text[begin:end]
        parts = set(name.lower().split())
        (named if set(said.lower().split()) & parts else referred).append({"name": name, "as": said})
    return {"people": named, "referred_back": referred, "officials": sorted(reading.titled),
            "countries": list(reading.countries), "groups": list(reading.groups), "places": list(reading.places)}


def _dates(reading: Reading, found: list[Mention], sentence_begin: int, too_far: bool) -> list[dict]:
    taken = {(m.date_begin - sentence_begin, m.date_end - sentence_begin): m for m in found
             if m.date_begin is not None}
    out = []
    for t in sorted({(t.begin, t.end): t for t in reading.timexes + reading.event_dates}.values(),
                    key=lambda t: t.begin):
        entry = {"text": t.text, "begin": t.begin, "end": t.end, "type": t.type, "value": t.value,
                 "taken": (t.begin, t.end) in taken}
        if entry["taken"]:
            m = taken[(t.begin, t.end)]
            entry["why"] = f"the date of the {m.type} ({m.rule})"
        else:
            entry["why"] = reading.set_aside.get((t.begin, t.end)) or (
                "farther from the trigger than the date taken" if taken
                else "too far from the trigger (date_within)" if too_far else "no rule fired")
        out.append(entry)
    return out


def explain(classifier: Classifier, text: str, published: dt.date, title: str = "") -> dict:
    article = Article(id=article_id(None, text), title=title, published=published, body=text)
    trace: list = []
    classifier.mentions(article, trace=trace)
    sentences = []
    for sentence, reading, classified, found in trace:
        rules = []
        for event_type in classifier.rulebook.types:
            features, hits = classifier.reader.features(event_type, reading)
            fired = set(classifier.engine.fired_rules(event_type.name, features))
            kept = {rule.id for kind, rule, _, dated, _ in classified if kind is event_type and not dated}
            for index, rule in enumerate(event_type.rules):
                hit = hits.get(rule.id)
                conds = conditions(rule, index, features, hit.text if hit is not None else None)
                entry = {"rule": rule.id, "fired": rule.id in fired,
                         "failed": [name for name, c in conds.items() if not c["ok"]], "conditions": conds}
                if rule.id in kept:
                    entry["kept_undated"] = True   # it would fire with a date: kept apart as undated
                if hit is not None:
                    entry["trigger"] = hit.text
                rules.append(entry)
        too_far = any(r["failed"] == ["date_within"] for r in rules)
        sentences.append({
            "text": sentence.text, "begin": sentence.begin, "end": sentence.end,
            "dates": _dates(reading, found, sentence.begin, too_far),
            "actors": _actors(reading),
            "rules": rules,
            "mentions": [{"type": m.type, "rule": m.rule, "label": m.label, "status": m.status,
                          "start": m.start.isoformat() if m.start else None,
                          "end": m.end.isoformat() if m.end else None, "date": m.date_text} for m in found],
        })
    return {"published": published.isoformat(), "rules_version": classifier.rules_version, "sentences": sentences}


def as_text(answer: dict) -> str:
    """The explanation for people: one block per sentence, the rules that came near first."""
    lines = []
    for n, s in enumerate(answer["sentences"], 1):
        lines.append(f"[{n}] {s['text']}")
        for d in s["dates"]:
            mark = "TAKEN" if d["taken"] else "not taken"
            lines.append(f"    date {d['text']!r} = {d['value']} ({d['type']}): {mark}: {d['why']}")
        a = s["actors"]
        who = [p["name"] for p in a["people"]] + [f"{p['name']} (as {p['as']!r})" for p in a["referred_back"]]
        parts = [f"people: {', '.join(who)}" if who else "", f"officials: {', '.join(a['officials'])}" if a["officials"] else "",
                 f"countries: {', '.join(a['countries'])}" if a["countries"] else "",
                 f"groups: {', '.join(a['groups'])}" if a["groups"] else ""]
        lines.append("    actors: " + ("; ".join(p for p in parts if p) or "none named"))
        quiet = 0
        for r in s["rules"]:
            if r["fired"]:
                lines.append(f"    {r['rule']}: FIRED on {r.get('trigger', '?')!r}")
            elif "triggers" in r["failed"]:
                quiet += 1
            else:
                why = "; ".join(f"{name}: {r['conditions'][name]['detail']}" for name in r["failed"])
                extra = " (kept as undated)" if r.get("kept_undated") else ""
                lines.append(f"    {r['rule']}: not fired on {r.get('trigger', '?')!r}: {why}{extra}")
        if quiet:
            lines.append(f"    {quiet} other rule(s): no trigger word in the sentence")
        for m in s["mentions"]:
            when = m["start"] if m["start"] == m["end"] else f"{m['start']}..{m['end']}"
            lines.append(f"    => {m['type']} {when} {m['status']}: {m['label']}")
    return "\n".join(lines) + "\n"
