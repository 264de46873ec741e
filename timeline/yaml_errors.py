"""YAML syntax errors said where the editor made them, not where the parser noticed.

The parser notices an unclosed quote or bracket lines later (where the next quote pairs with it,
or where a key appears inside the list), and says "found character that cannot start any token"
for a tab. `describe` finds the line where the broken token starts: a quote or bracket that opens
and that, closed on its own line, lets the parse get further; a tab in a line's indentation. The
message names the mistake and quotes the line.
"""
from __future__ import annotations

import yaml

SHOWN = 80  # characters of the offending line in a message
TOKEN_START = " \t[{,:-?"  # a quote right after one of these (or at the line's start) opens a quoted scalar


def describe(text: str, exc: yaml.MarkedYAMLError, loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) -> tuple[int, str]:
    """(line, message) for a YAML syntax error of `text`."""
    lines = text.splitlines() or [""]
    last = len(lines)
    mark = exc.problem_mark or exc.context_mark
    noticed = min((mark.line + 1) if mark else 1, last)
    tab = _tab_line(lines, noticed, exc)
    if tab:
        return tab, f"not valid YAML: a tab character; indent with spaces: {_show(lines, tab)}"
    opened = _unclosed(lines, noticed)
    if opened is not None:
        line, char = opened
        if _closing_helps(text, lines, line, char, noticed, loader):
            what = "quote" if char in "\"'" else f"'{char}'"
            later = f" (the parser noticed at line {noticed})" if noticed != line else ""
            return line, f"not valid YAML: this {what} is not closed{later}: {_show(lines, line)}"
    return noticed, f"not valid YAML: {exc.problem}: {_show(lines, noticed)}"


def _show(lines: list[str], line: int) -> str:
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return f"line {line} reads {text[:SHOWN]!r}" + ("..." if len(text) > SHOWN else "")


def _tab_line(lines: list[str], noticed: int, exc) -> int | None:
    """The line of a tab the error is about: in the noticed line, or the nearest before it when
    the parser names a tab."""
    if "\t" in lines[noticed - 1]:
        return noticed
    if "tab" in (exc.problem or "") or "\\t" in (exc.problem or ""):
        return next((n for n in range(noticed, 0, -1) if "\t" in lines[n - 1]), None)
    return None


def _unclosed(lines: list[str], upto: int) -> tuple[int, str] | None:
    """(line, character) of the last quote that opens and does not close on its line, or of the
    innermost bracket still open, in lines 1..upto."""
    stack: list[tuple[int, str]] = []
    quote: tuple[int, str] | None = None
    for number in range(1, upto + 1):
        line = lines[number - 1]
        i = 0
        while i < len(line):
            ch = line[i]
            before = line[i - 1] if i else " "
            if ch == "#" and before in " \t":
                break  # a comment
            if ch in "\"'" and (before in TOKEN_START or i == 0):
                end = _closing_quote(line, i)
                if end is None:
                    quote = (number, ch)
                    break  # the rest of the line is inside the quote
                i = end + 1
                continue
            if ch in "[{" and (before in TOKEN_START or stack):
                stack.append((number, ch))
            elif ch in "]}" and stack and stack[-1][1] == {"]": "[", "}": "{"}[ch]:
                stack.pop()
            i += 1
    if quote is not None and (not stack or quote[0] >= stack[-1][0]):
        return quote
    return stack[-1] if stack else None


def _closing_quote(line: str, start: int) -> int | None:
    quote = line[start]
    i = start + 1
    while i < len(line):
        if quote == '"' and line[i] == "\\":
            i += 2
            continue
        if line[i] == quote:
            if quote == "'" and line[i + 1:i + 2] == "'":  # '' is a quote inside single quotes
                i += 2
                continue
            return i
        i += 1
    return None


def _closing_helps(text: str, lines: list[str], line: int, char: str, noticed: int, loader) -> bool:
    """Does closing the token at the end of its own line let the parse get past `noticed`?"""
    closing = {"[": "]", "{": "}"}.get(char, char)
    repaired = lines[:]
    body = repaired[line - 1]
    comment = body.find(" #") if char in "[{" else -1
    repaired[line - 1] = (body[:comment] + closing + body[comment:]) if comment >= 0 else body + closing
    try:
        yaml.load("\n".join(repaired) + "\n", Loader=loader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as again:
        mark = again.problem_mark or again.context_mark
        return bool(mark) and mark.line + 1 > noticed
    except (yaml.YAMLError, RecursionError, ValueError):
        return False
    return True
