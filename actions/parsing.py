"""Parsers for natural intake answers: "thirty-four", "since Tuesday", "about a 7".

Each parser returns None when it cannot read the answer, so the form can
re-ask once with an example. "Not sure" is recognised separately.
"""

from __future__ import annotations

import re
from datetime import datetime

UNIT_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
              "sixteen seventeen eighteen nineteen")
UNITS = {w: i for i, w in enumerate(UNIT_WORDS.split())}
TENS = {w: 10 * i for i, w in enumerate(["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], start=2)}
SMALL = {"a": 1, "an": 1, "a couple of": 2, "a couple": 2, "couple of": 2, "couple": 2, "a few": 3,
         "few": 3, "several": 4, "half a": 0.5, "half an": 0.5}
HOURS_PER = {"minute": 1 / 60, "min": 1 / 60, "hour": 1, "hr": 1, "day": 24, "night": 24, "week": 168,
             "wk": 168, "month": 730, "year": 8760, "yr": 8760}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
UNSURE = re.compile(
    r"^\W*(?:i'?m |i am |i )?(?:not sure|unsure|don'?t know|do not know|dunno|no idea|idk|no clue|"
    r"can'?t say|cannot say|not certain|maybe|i'?m not sure|skip|pass|prefer not to say|n/?a)\W*$")
NONE_ANSWER = re.compile(
    r"^\W*(?:no|none|nope|nothing|nah|no (?:i don'?t|none|nothing)|not (?:that i know of|really|any)|"
    r"none that i know of|no,? none|nothing at all|no(?:ne)? (?:medications?|meds|medicines?|allerg\w*|conditions?|"
    r"problems?|health problems?|medical (?:conditions?|problems?))|i don'?t (?:have|take) any(?: \w+)?|"
    r"i'?m (?:healthy|not on anything)|not on anything|nkda|no known (?:drug )?allergies)\W*$")
YES = re.compile(r"^\W*(?:yes|yeah|yep|yup|y|sure|ok|okay|i agree|agree|i do|i am|correct|right|definitely|"
                 r"of course|affirmative|absolutely|please|go ahead|/affirm)\b")
NO = re.compile(r"^\W*(?:no|nope|nah|n|not|i'?m not|i am not|never|negative|i don'?t|i do not|/deny)\b")
# "bit lightheaded yeah": the yes or no comes last.
YES_LAST = re.compile(r"\b(?:yes|yeah|yep|yup|i think so|i do|definitely)\W*$")
NO_LAST = re.compile(r"\b(?:no|nope|nah|not really|i don'?t think so)\W*$")
# "dunno havent checked, feel a bit hot": an answer that starts by not knowing is not sure, whatever follows.
UNSURE_FIRST = re.compile(r"^\W*(?:i'?m |i am |i )?(?:not sure|unsure|don'?t know|do not know|dunno|no idea|idk|"
                          r"not certain|haven'?t checked|have not checked)\b")


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("\u2019", "'")).strip()


def is_unsure(text: str, first_words: bool = False) -> bool:
    """The whole answer says "not sure"; with first_words, also an answer that starts by saying so."""
    text = clean(text)
    return bool(UNSURE.match(text) or (first_words and UNSURE_FIRST.match(text)))


def words_to_number(text: str, vague: bool = True) -> float | None:
    """Read "34", "thirty-four", "twenty one" or (when vague) "a couple" as a number."""
    text = clean(text).replace("-", " ")
    match = re.search(r"\d+(?:\.\d+)?", text)
    if match:
        return float(match.group())
    total, seen = 0, False
    for word in text.split():
        if word in UNITS:
            total, seen = total + UNITS[word], True
        elif word in TENS:
            total, seen = total + TENS[word], True
        elif word == "hundred" and seen:
            total, seen = total * 100, True
        elif word == "hundred":
            total, seen = 100, True
    if seen:
        return float(total)
    if not vague:
        return None
    for phrase, value in sorted(SMALL.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"\b{phrase}\b", text):
            return float(value)
    return None


def parse_age(text: str) -> float | None:
    """Age in years; babies' ages in weeks, months or days become fractions."""
    text = clean(text)
    unit = re.search(r"(day|week|wk|month|mo|year|yr)s?\b", text)
    number = words_to_number(text, vague=bool(unit))
    if number is None:
        if re.search(r"\bnewborn\b", text):
            return 0.02
        return None
    if unit:
        per_year = {"day": 365, "week": 52, "wk": 52, "month": 12, "mo": 12, "year": 1, "yr": 1}[unit.group(1)]
        number = number / per_year
    if not 0 <= number <= 120:
        return None
    return round(number, 3)


AGE_IN_NARRATIVE = re.compile(
    r"\b(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[- ]?"
    r"(?:(?:year|yr|month|mo|week|wk|day)s?[- ]old|yo\b|y/o|y\.o\.)"
    r"(?:[- ](man|woman|male|female|boy|girl|lady|gentleman|m|f)\b)?")


# "my daughter is 6", "(she's 34)": a carer's bare number, never one with a unit after it. The patient's own
# "I am 34" is still asked, as the intake always has.
STATED_AGE = re.compile(
    r"\b((?:my|our|his|her) (?:daughter|son|boy|girl|husband|wife|mum|mom|dad|mother|father|granddaughter|"
    r"grandson|nan|grandma|grandad|grandpa)|she|he)(?: is|'s| aged)(?: only| just| now)? (\d{1,3})\b"
    r"(?![.,]\d| ?(?:weeks?|wks?|days?|months?|mins?|minutes?|hours?|hrs?|%|/|times|kg|lbs?|cm|mm|ft|foot|feet|"
    r"stone|st|in\b|inches|mg|ml|o'clock|am\b|pm\b|miles?|km|p\b|pounds|quid|x\b))")


def age_and_sex_in_narrative(text: str) -> tuple[float | None, str | None]:
    """"A 58-year-old man", "my 3 yo", "72 y/o F", "my daughter is 6": a carer or clinician has already said who
    it is."""
    text = clean(text)
    match = AGE_IN_NARRATIVE.search(text)
    if match:
        return parse_age(match.group(0)), parse_sex(match.group(1)) if match.group(1) else None
    stated = STATED_AGE.search(text)
    if not stated or not 0 <= int(stated.group(2)) <= 120:
        return None, None
    return float(stated.group(2)), parse_sex(stated.group(1))


def parse_sex(text: str) -> str | None:
    text = clean(text)
    if re.search(r"\b(female|woman|women|girl|lady|f|she|her|mother|mom|mum|daughter|wife)\b", text):
        return "female"
    if re.search(r"\b(male|man|men|boy|guy|gentleman|m|he|him|father|dad|son|husband)\b", text):
        return "male"
    if re.search(r"\b(non ?binary|other|intersex|prefer not|x)\b", text):
        return "other"
    return None


def parse_yes_no(text: str) -> bool | None:
    text = clean(text)
    if NO.match(text):
        return False
    if YES.match(text):
        return True
    if NO_LAST.search(text):
        return False
    if YES_LAST.search(text):
        return True
    return None


def parse_severity(text: str) -> int | None:
    text = clean(text)
    match = re.search(r"\b(10|[0-9])(?:\s*(?:/|out of)\s*10)?\b", text)
    if match:
        return int(match.group(1))
    number = words_to_number(text, vague=False)
    if number is not None and 0 <= number <= 10:
        return int(number)
    for words, value in (("none|no pain|nothing|not at all|zero", 0),
                         ("worst|unbearable|excruciating|agony", 10), ("severe|terrible|awful|really bad|very bad", 8),
                         ("moderate|medium|bad|quite bad|pretty bad", 5), ("mild|slight|little|not bad|not too bad|minor", 2)):
        if re.search(rf"\b(?:{words})\b", text):
            return value
    return None


def parse_duration_hours(text: str, now: datetime | None = None) -> float | None:
    """How long, in hours: "3 days", "since Tuesday", "this morning", "a couple of weeks"."""
    text = clean(text)
    now = now or datetime.now()
    unit = re.search(r"\b(minute|min|hour|hr|day|night|week|wk|month|year|yr)s?\b", text)
    if unit:
        number = words_to_number(text[: unit.start()] or "a")
        return round((number if number is not None else 1) * HOURS_PER[unit.group(1)], 2)
    for day in WEEKDAYS:
        if re.search(rf"\b(?:since|on|last)?\s*{day}\b", text):
            days_back = (now.weekday() - WEEKDAYS.index(day)) % 7 or 7
            return float(days_back * 24)
    relative = (
        (r"just now|just started|few minutes|a minute ago|minutes ago", 0.25),
        (r"this morning|today|tonight|this afternoon|this evening|few hours|earlier", 6),
        (r"last night|yesterday|overnight", 24),
        (r"day before yesterday", 48),
        (r"last week|a week|all week", 168),
        (r"last month|a month", 730),
        (r"years|ages|forever|a long time|always", 8760),
    )
    for pattern, hours in relative:
        if re.search(rf"\b(?:{pattern})\b", text):
            return float(hours)
    return None


def parse_list(text: str) -> list[str] | None:
    """Conditions, medicines or allergies as a list; [] for "none"."""
    text = clean(text)
    if NONE_ANSWER.match(text):
        return []
    if not re.search(r"[a-z]{2,}", text):
        return None
    parts = re.split(r",|;|\band\b|\bplus\b|&|/|\n", text)
    filler = r"^(?:(?:i (?:have|take|am on|'m on)|i'm allergic to|allergic to|just|only|the|my|a|an)\s+)+"
    items = [re.sub(filler, "", p.strip()) for p in parts]
    return [item for item in items if item]
