"""Page cursors: the sort key of a page's last row, in a shape the OpenAPI document states exactly.

A cursor is the key's parts joined by '.': a day as its ordinal (days since 0001-01-01, as
`date.toordinal`), a text as the lowercase hex of its UTF-8. Any string of that shape is a position
in the order, so the API accepts exactly what the pattern in the document allows: a day beyond the
calendar is the calendar's last day, hex that is not UTF-8 reads with replacement characters.
"""
from __future__ import annotations

import datetime as dt
import re

EVENT_KEY = (True, True, False, False)  # (start, end, type, id): True where the part is a day
ARTICLE_KEY = (True, False)  # (published, id)
_DAY = r"[0-9]{1,7}"
_TEXT = r"(?:[0-9a-f]{2}){0,1000}"
_LAST_DAY = dt.date.max.toordinal()


def _body(shape: tuple[bool, ...]) -> str:
    return r"\.".join(_DAY if is_day else _TEXT for is_day in shape)


def cursor_pattern(shape: tuple[bool, ...]) -> str:
    """The OpenAPI (ECMA-262) pattern of the cursors of a key shape."""
    return f"^{_body(shape)}$"


def encode_cursor(key: tuple) -> str:
    return ".".join(str(v.toordinal()) if isinstance(v, dt.date) else str(v).encode("utf-8").hex() for v in key)


def decode_cursor(cursor: str, shape: tuple[bool, ...]) -> tuple | None:
    """The key in a cursor, or None when the cursor does not have the shape's pattern."""
    if not re.fullmatch(_body(shape), cursor):
        return None
    parts = cursor.split(".")
    return tuple(dt.date.fromordinal(min(max(int(part), 1), _LAST_DAY)) if is_day
                 else bytes.fromhex(part).decode("utf-8", "replace").replace("\x00", "\ufffd")
                 for part, is_day in zip(parts, shape))
