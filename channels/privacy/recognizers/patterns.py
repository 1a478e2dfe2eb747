"""Shared pattern pieces. Presidio matches with the `regex` module, which allows variable lookbehind."""

MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
         r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?")
WEEKDAY = r"(?:mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)(?:day)?\b\.?|(?:wednes|satur)day\b"
ORDINAL = r"\d{1,2}(?:st|nd|rd|th)\b"
# A date with its year, separators kept consistent so lab strings like "7.38/42/88" do not qualify.
FULL_DATE = (r"(?<![\d/.])(?:\d{1,2}(?P<sep>[/.-])\d{1,2}(?P=sep)(?:\d{4}|\d{2})"
             r"|\d{4}(?P<iso>[/.-])\d{1,2}(?P=iso)\d{1,2})(?![\d/]|\.\d)")
NAMED_DATE = (rf"(?:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?|{MONTH}\s+\d{{4}}"
              rf"|(?:the\s+)?{ORDINAL}\s+(?:of\s+)?{MONTH}(?:,?\s+\d{{4}})?"
              rf"|\d{{1,2}}\s+(?!may\b){MONTH}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+(?-i:May)\b(?:,?\s+\d{{4}})?)")
DATE = rf"(?:{FULL_DATE}|{NAMED_DATE})"


def after_keyword(keywords: str, value: str) -> str:
    """`value` right after one of `keywords` ("MRN: 123", "member id is X12"), the keyword kept out of the match."""
    return rf"(?i)(?<=\b(?:{keywords})\b[\s:#.]*(?:(?:id|number|no|num|is|was|of|#)\b[\s:#.]*)*){value}"
