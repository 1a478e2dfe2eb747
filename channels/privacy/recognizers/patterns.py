"""Shared pattern pieces. Presidio matches with the `regex` module, which allows variable lookbehind."""

from collections.abc import Callable

import regex
from presidio_analyzer import RecognizerResult

MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
         r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?")
WEEKDAY = r"(?:mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)(?:day)?\b\.?|(?:wednes|satur)day\b"
ORDINAL = r"\d{1,2}(?:st|nd|rd|th)\b"
# A date with its year, separators kept consistent so lab strings like "7.38/42/88" do not qualify.
FULL_DATE = (r"(?<![\d/.])(?:\d{1,2}(?P<sep>[/.-])\d{1,2}(?P=sep)(?:\d{4}|\d{2})"
             r"|\d{4}(?P<iso>[/.-])\d{1,2}(?P=iso)\d{1,2})(?![\d/]|\.\d)")
NAMED_DATE = (rf"(?:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?|{MONTH}\s+\d{{4}}"
              rf"|(?:the\s+)?{ORDINAL}\s+(?:of\s+)?{MONTH}(?:,?\s+\d{{4}})?"
              rf"|\d{{1,2}}\s+(?!may\b){MONTH}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+(?-i:May)\b(?:,?\s+\d{{4}})?"
              rf"|\d{{1,2}}-{MONTH}(?:-(?:\d{{4}}|\d{{2}})\b)?|{MONTH}-\d{{1,2}}-(?:\d{{4}}|\d{{2}})\b"
              rf"|{MONTH}\s*['\u2019]\d{{2}}\b|(?<![\d/.])(?:0?[1-9]|1[0-2])/(?:19|20)\d{{2}}\b(?![/.]\d))")
# Also the forms records print ("11-Jun-2041", "MAR-14-2087", "14-Mar"), a year cut short ("Oct '86") and a month
# with its year ("GI bleed 6/2085").
DATE = rf"(?:{FULL_DATE}|{NAMED_DATE})"


def after_keyword(keywords: str, value: str) -> str:
    """`value` right after one of `keywords` ("MRN: 123", "member id is X12"), the keyword kept out of the match."""
    return rf"(?i)(?<=\b(?:{keywords})\b[\s:#.]*(?:(?:id|number|no|num|is|was|of|#)\b[\s:#.]*)*){value}"


def recurrences(text: str, found: list[RecognizerResult], common: Callable[[str], bool]) -> list[RecognizerResult]:
    """Every other occurrence of a capitalised word of a place found once ("in Brockton" ... "via Brockton Fire"):
    a note names its places more than once, and only one mention may have a context word. Not inside a hyphenated
    word ("Community-acquired")."""
    covered = [(r.start, r.end) for r in found]
    words = {w for r in found for w in regex.findall(r"\b[A-Z][A-Za-z'\u2019-]{3,}\b", text[r.start:r.end])
             if not common(w)}
    return [RecognizerResult(found[0].entity_type, m.start(), m.end(), 0.7) for word in words
            for m in regex.finditer(rf"(?<!-)\b{regex.escape(word)}\b(?!-)", text)
            if not any(s <= m.start() < e for s, e in covered)]
