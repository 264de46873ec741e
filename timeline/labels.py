"""Label templates of the rule files ("{person}'s visit to {destination}"): which blanks they may
use, the check that refuses anything else, and filling them in.

Only plain blanks are allowed: no format specs ("{place:>200000000}" would make a 200 MB label),
no conversions ("{place!r}"), no positional ("{}", "{0}") or attribute and index fields
("{place.upper}", "{people[0]}").
"""
from __future__ import annotations

import string

# The blanks `mentions.Classifier` fills (rules/README.md, "Labels")
BLANKS = ("person", "people", "countries", "groups", "place", "destination", "status", "trigger", "Trigger")
SAMPLE = {name: name.upper() if name != "Trigger" else "Trigger" for name in BLANKS}


def template_problem(template: str) -> str | None:
    """Why a label template is refused, or None."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:  # "{place", "place}"
        return f"label {template!r}: {exc} (write {{{{ and }}}} for a brace itself)"
    allowed = ", ".join("{" + b + "}" for b in BLANKS)
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name == "" or name.isdigit():
            return f"label {template!r}: a blank needs a name: one of {allowed}"
        if conversion is not None:
            return f"label {template!r}: '{{{name}!{conversion}}}': conversions are not allowed; write {{{name.split('.')[0].split('[')[0]}}}"
        if spec:
            return f"label {template!r}: '{{{name}:{spec}}}': format specifications are not allowed; write {{{name.split('.')[0].split('[')[0]}}}"
        if name not in BLANKS:
            if "." in name or "[" in name:
                return f"label {template!r}: '{{{name}}}': attributes and indexes are not allowed; use one of {allowed}"
            return f"label {template!r}: unknown blank '{{{name}}}'; use one of {allowed}"
    return None


def blanks_of(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def fill(template: str, values: dict[str, str]) -> str:
    """The template with its blanks filled (a checked template: plain names only)."""
    out = []
    for literal, name, _, _ in string.Formatter().parse(template):
        out.append(literal)
        if name:
            out.append(values.get(name, ""))
    return "".join(out)


def make_label(templates, values: dict[str, str]) -> tuple[str, int]:
    """The first template whose blanks can all be filled, and its position in the list."""
    for rank, template in enumerate(templates):
        if all(values.get(name) for name in blanks_of(template)):
            text = fill(template, values)
            return text[:1].upper() + text[1:], rank
    return values.get("Trigger") or templates[-1], len(templates)
