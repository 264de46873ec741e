"""Timeline renderings for widgets and tools: contract JSON, TimelineJS 3, iCalendar, CSV."""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json

from .contract_json import timeline_json  # the schemas' dump, without importing marshmallow

FORMATS = ("json", "timelinejs", "ics", "csv")
MEDIA_TYPES = {
    "json": "application/json",
    "timelinejs": "application/json",
    "ics": "text/calendar; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


def render(events, fmt: str, rules_version: str | None = None, undated=None, pretty: bool = True) -> str:
    """The timeline in a format; `pretty=False` gives compact JSON (several times faster to encode)."""
    layout = {"indent": 2} if pretty else {"separators": (",", ":")}
    if fmt == "json":
        return json.dumps(timeline_json(events, rules_version, undated), ensure_ascii=False, **layout) + "\n"
    if fmt == "timelinejs":
        return json.dumps(timelinejs(events), ensure_ascii=False, **layout) + "\n"
    if fmt == "ics":
        return icalendar(events)
    if fmt == "csv":
        return csv_text(events)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _tl_date(day: dt.date, granularity: str) -> dict:
    date = {"year": day.year}
    if granularity not in ("year", "decade", "century"):
        date["month"] = day.month
        if granularity in ("day", "week"):
            date["day"] = day.day
    return date


def display_date(event) -> str | None:
    """A human date for coarse events ("mid-May 2024"); None when the exact days are known."""
    if event.granularity == "day":
        return None
    best = next((s for s in event.sources if (s.start, s.end) == (event.start, event.end) and s.date_text), None)
    text = best.date_text.strip() if best else ""
    year = str(event.start.year)
    if text and not text[:1].isdigit() and year not in text and not text.lower().startswith(("this", "last", "next", "the")):
        return f"{text} {year}"
    if event.granularity == "week":
        return f"Week of {event.start:%B} {event.start.day}, {year}"
    if event.granularity in ("month", "season", "quarter"):
        return f"{event.start:%B} {year}" if event.start.month == event.end.month else f"{event.start:%B}–{event.end:%B} {year}"
    return year


def timelinejs(events) -> dict:
    """TimelineJS 3 JSON: headline and text HTML-escaped (they are inserted into the page as HTML)."""
    slides = []
    for event in events:
        source_lines = "".join(
            f"<p>{html.escape(s.sentence)} <em>({html.escape(s.title or s.article)}, {s.published.isoformat()}"
            f"{_repeated(s.repeats)})</em></p>"
            for s in event.sources[:5]
        )
        slide = {
            "unique_id": event.id,
            "start_date": _tl_date(event.start, event.granularity),
            "end_date": _tl_date(event.end, event.granularity),
            "text": {"headline": html.escape(event.label), "text": source_lines},
            "group": event.type,
        }
        shown = display_date(event)
        if shown:
            slide["display_date"] = html.escape(shown)
        slides.append(slide)
    return {"events": slides}


def _repeated(times: int) -> str:
    """What a source line says of a sentence the article repeats (it is listed once)."""
    return "" if times <= 1 else ", twice in the article" if times == 2 else f", {times} times in the article"


def _ics_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r", "").replace("\n", "\\n")


def _ics_date(day: dt.date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"  # strftime drops the zeros of year 1


def _fold(line: str) -> str:
    """Fold content lines at 75 octets (RFC 5545, 3.1) without splitting a UTF-8 character."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode("utf-8")) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def icalendar(events) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//newsroom-timeline//EN", "CALSCALE:GREGORIAN"]
    for event in events:
        stamp = max(s.published for s in event.sources)
        after_end = event.end + dt.timedelta(days=1) if event.end < dt.date.max else event.end
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.id}@newsroom-timeline",
            f"DTSTAMP:{_ics_date(stamp)}T000000Z",
            f"DTSTART;VALUE=DATE:{_ics_date(event.start)}",
            f"DTEND;VALUE=DATE:{_ics_date(after_end)}",  # non-inclusive
            f"SUMMARY:{_ics_escape(event.label)}",
            f"CATEGORIES:{_ics_escape(event.type)}",
            f"DESCRIPTION:{_ics_escape(event.sources[0].sentence)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


CSV_COLUMNS = ["id", "type", "label", "start", "end", "granularity", "status", "sources", "articles", "sentence",
               "participants"]


def csv_text(events) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180; and a cell holding a CR gets quoted
    writer.writerow(CSV_COLUMNS)
    for e in events:
        articles = sorted({s.article for s in e.sources})
        row = [e.id, e.type, e.label, e.start.isoformat(), e.end.isoformat(), e.granularity, e.status,
               len(e.sources), " ".join(articles), e.sources[0].sentence,
               "; ".join(e.participants)]  # the JSON's `participants` list, in its order
        writer.writerow([_csv_safe(cell) if isinstance(cell, str) else cell for cell in row])
    return buffer.getvalue()


CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(text: str) -> str:
    """Keep spreadsheets from running a cell as a formula: every text cell that starts like one gets a quote."""
    return "'" + text if text.startswith(CSV_FORMULA_STARTS) else text
