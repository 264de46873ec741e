"""The ISO 8601 dates and datetimes the project reads (articles' `published`, the API's `from` and
`to`), as patterns that Python and an OpenAPI document (ECMA-262) read alike, so that what the API's
document allows is exactly what it accepts: only real days (the leap years included), years 0001-9999.
"""
from __future__ import annotations

import datetime as dt
import re

_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_MONTH_DAY = (r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
              r"|02-(?:0[1-9]|1[0-9]|2[0-8]))")
DATE = rf"(?!0000)(?:[0-9]{{4}}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
# a datetime needs its offset: the day it names is the publisher's
DATETIME = (rf"{DATE}T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{{1,6}})?)?"
            r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])")
DATE_PATTERN = f"^{DATE}$"
PUBLISHED_PATTERN = f"^(?:{DATE}|{DATETIME})$"


def parse_date(text: str) -> dt.date | None:
    """YYYY-MM-DD as a date; None for anything else."""
    return dt.date.fromisoformat(text) if re.fullmatch(DATE, text) else None


def parse_published(text: str) -> dt.date | None:
    """A date, or a datetime with its offset, as the day it names; None for anything else."""
    if re.fullmatch(DATE, text):
        return dt.date.fromisoformat(text)
    if re.fullmatch(DATETIME, text):
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    return None
