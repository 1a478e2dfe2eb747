"""Identity-like answers become minimal structured values before scrubbing.

An age answer is sent on as a number (90 and over as "90", the HIPAA
aggregate); a birth date becomes an age and is then dropped.
"""

from __future__ import annotations

import re
from datetime import date

from dateutil import parser as dateparser

HIPAA_AGE_CAP = 90
BIRTH_DATE = re.compile(r"(?i)\b(?:born|dob|birthday|date of birth)\b|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\b(?:19|20)\d{2}\b")


def age_answer(text: str, today: date | None = None) -> str | None:
    """What to send for an answer to "how old": a capped number, or None to scrub as usual."""
    today = today or date.today()
    if BIRTH_DATE.search(text):
        born = _birth_date(text)
        if born:
            years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
            return str(min(years, HIPAA_AGE_CAP)) if 0 <= years < 130 else None
    match = re.search(r"\b(\d{1,3})\b", text)
    if match and int(match.group(1)) >= HIPAA_AGE_CAP and not re.search(r"(?i)\b(?:month|week|day)s?\b", text):
        return str(HIPAA_AGE_CAP)
    return None


def _birth_date(text: str) -> date | None:
    cleaned = re.sub(r"(?i)\b(?:i was|i am|i'm|born|on|in|dob|my|birthday|is|date of birth|:)\b", " ", text)
    try:
        parsed = dateparser.parse(cleaned, fuzzy=True, default=dateparser.parse("1900-01-01"))
    except (ValueError, OverflowError):
        return None
    return parsed.date() if parsed and parsed.year > 1900 else None
