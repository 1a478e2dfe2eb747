"""Calendar dates (HIPAA treats every date tied to a person as PHI), told apart from the numbers notes are full of.

A month/day pair without a year ("on 4/12", "9/30 echo") looks like a pain score ("7/10"), a murmur or power grade
("2/6", "4/5"), a fraction or dose ("1/2 tab") or a UK duration ("5/7"). So a pair is a date when month and day
are plausible and it is not shaped like a score or fraction (first number <= a small second one, no leading
zero), or when the words around it say so: "on", "seen", "DOS", "drawn", "echo" or a weekday before it; a colon,
a time or a reading after it. Pressures (120/80) and lab pairs fail plausibility; a unit after the pair ("1/2 tab")
or a score's name before it ("APGAR 8/9", "borg 3/10") rules it out. Dash pairs ("10-3") are ranges ("2-3 times",
"q4-6h") unless such a word comes before them. Weekdays alone and "3 days" stay: triage needs them.
"""

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult

from channels.privacy.recognizers.patterns import DATE, ORDINAL, WEEKDAY

# Words that put the number after them on the calendar ("seen 10-3", "DOS 3/4", "f/u 5/6").
DATE_CONTEXT = (rf"(?:on|seen|since|dated?|until|till|thru|dos|admit(?:ted)?|discharged?|d/c|f/u|follow[- ]?up|"
                rf"appt|appointment|visit|due|scheduled|expires?|effective|drawn|done|started|stopped|held|resumed|"
                rf"performed|collected|placed|removed|inserted|completed|ordered|printed|faxed|received|updated|"
                rf"echo|ecg|ekg|ct|mri|cxr|x-?ray|scan|labs?|surgery|biopsy|{WEEKDAY})")
UNITS = (r"(?:tabs?|tablets?|caps?|capsules?|pills?|mg|mcg|ml|g|kg|lbs?|units?|cups?|doses?|strength|of|x|times|"
         r"puffs?|drops?|bottles?|sets?|days?|weeks?|wks?|months?|years?|hours?|hrs?|mins?|minutes|ns|inch(?:es)?|"
         r"cm|mm|%|pain|scale|severity|murmur)")
SCORE_DENOMINATORS = {2, 3, 4, 5, 6, 7, 8, 10}
PAIR = regex.compile(r"(?<![\w/.:+-])(\d{1,2})([/-])(\d{1,2})(?![\w/]|[.,]\d|-\d)")
BEFORE = regex.compile(rf"(?i)(?:\b{DATE_CONTEXT}|\[)[\s:#.]*\Z")
AFTER_MARK = regex.compile(r"^(?::|\]|\s+\d{1,2}:\d{2}|\s+\d{4}\b|\s+\d{2,3}/\d{2,3}\b)")
AFTER_UNIT = regex.compile(rf"(?i)^\s*{UNITS}(?![a-z])")
AFTER_DASH_OK = regex.compile(r"(?i)^(?:\s*$|[\s]*[.,;:)\]?!]|\s+(?:at|for|with|and|to|by)\b|\s+\d{1,2}:\d{2})")
DURATION_BEFORE = regex.compile(r"(?i)\b(?:for|x|over|past|within|in)\s*\Z")
SCORE_BEFORE = regex.compile(r"(?i)\b(?:apgars?|scores?|pain|gcs|rated?|grade|strength|power|borg|dyspnea|nrs|vas|"
                             r"ratio|murmur|mmse|moca|pulses?|reflexes)\W*\Z")
NAMED = regex.compile(rf"(?i)\b{DATE}(?!\s*{UNITS}(?![a-z]))")
# "on the 12th", "after the 20th?", "Thurs 23rd": a bare ordinal is a date only where a day of the month fits.
ORDINAL_DAY = regex.compile(rf"(?im)(?:(?<=\b(?:on|by|after|before|until|till|since|from|for)\s+)the\s+{ORDINAL}"
                            rf"|(?<=\b(?:{WEEKDAY})\s+(?:the\s+)?){ORDINAL})"
                            rf"(?=[ \t]*(?:$|[.,;:!?)\]])|\s+(?:at|and|or|for|with|when|but|so|please|instead|if|then)\b)")
HOLIDAY = regex.compile(r"(?i)\b(?:(?:christmas|xmas)(?:\s+(?:eve|day))?|new\s+year'?s(?:\s+(?:eve|day))?|thanksgiving"
                        r"|easter(?:\s+(?:sunday|monday))?|boxing\s+day|halloween|good\s+friday|hanukkah|diwali"
                        r"|(?:independence|memorial|labou?r|veterans|valentine'?s|mother'?s|father'?s)\s+day)\b")


class DateRecognizer(EntityRecognizer):
    def __init__(self):
        super().__init__(supported_entities=["DATE"], name="careline_date")

    def load(self) -> None:
        """Nothing to load: the patterns are compiled at import."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        spans = [(m.start(), m.end(), 0.85) for rx in (NAMED, ORDINAL_DAY) for m in rx.finditer(text)]
        spans += [(m.start(), m.end(), 0.6) for m in HOLIDAY.finditer(text)]
        spans += [(m.start(), m.end(), score) for m in PAIR.finditer(text) if (score := pair_score(text, m))]
        return [RecognizerResult("DATE", start, end, score) for start, end, score in spans]


def pair_score(text: str, match: regex.Match) -> float:
    """How sure a month/day pair with no year is a date; 0 when it reads as a score, fraction, range or dose."""
    month, separator, day = int(match.group(1)), match.group(2), int(match.group(3))
    before, after = text[max(0, match.start() - 30):match.start()], text[match.end():match.end() + 30]
    if not (1 <= month <= 12 and 1 <= day <= 31) or AFTER_UNIT.match(after):
        return 0
    told = bool(BEFORE.search(before) or AFTER_MARK.match(after))
    if separator == "-":
        return 0.8 if BEFORE.search(before) and AFTER_DASH_OK.match(after) else 0
    if DURATION_BEFORE.search(before) or SCORE_BEFORE.search(before):
        return 0
    if day in SCORE_DENOMINATORS and month <= day and not match.group(1).startswith("0"):
        return 0.8 if told else 0
    return 0.85 if told else 0.6
