"""Shared pattern pieces. Presidio matches with the `regex` module, which allows variable lookbehind."""


def after_keyword(keywords: str, value: str) -> str:
    """`value` right after one of `keywords` ("MRN: 123", "member id is X12"), the keyword kept out of the match."""
    return rf"(?i)(?<=\b(?:{keywords})\b[\s:#.]*(?:(?:id|number|no|num|is|was|of|#)\b[\s:#.]*)*){value}"
