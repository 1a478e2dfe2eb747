"""Calendar dates (HIPAA treats every date tied to a person as PHI), told apart from the numbers notes are full of.

A month/day pair without a year ("on 4/12", "9/30 echo", "4/28-4/30", or day first as UK notes write it:
"14/6", "23/07") looks like a pain score ("7/10"), a murmur or power grade ("2/6", "4/5"), a fraction or dose
("1/2 tab") or a UK duration ("5/7"). So a pair is a date when month and day are plausible and it is not shaped
like a score or fraction (first number <= a small second one, no leading zero), or when the words around it say
so: "on", "seen", "DOS", "drawn", "echo" or a weekday before it; a colon, a time or a reading after it. Pressures
(120/80) and lab pairs fail plausibility; a unit after the pair ("1/2 tab") or a score's name before it
("APGAR 8/9", "borg 3/10") rules it out. Dash pairs ("10-3") are ranges ("2-3 times", "q4-6h") unless such a word
comes before them; "by" puts a pair on the calendar ("weaned to RA by 2/6") unless a dose is cut by a share ("reduce
by 1/3"). A day of the month told alone ("til the 14th", "on the 3rd n", "wed 5th", "line removed the 12th") is a date unless a
counted noun follows ("the 2nd floor", "3rd dose"); so are a month alone after "in", "since" or "until" ("since
January", "in march") and a year after such a word or in brackets ("passed in 2019", "(2018)"). Weekdays alone
and "3 days" stay: triage needs them.
"""

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult

from channels.privacy.recognizers.patterns import DATE, ORDINAL, WEEKDAY

# Words that put the number after them on the calendar ("seen 10-3", "DOS 3/4", "f/u 5/6").
DATE_CONTEXT = (rf"(?:on|seen|since|dated?|until|till|thru|dos|admit(?:ted)?|discharged?|d/c|f/u|follow[- ]?up|"
                rf"appt|appointment|visit|due|scheduled|expires?|effective|drawn|done|started|stopped|held|resumed|"
                rf"performed|collected|placed|removed|inserted|completed|ordered|printed|faxed|received|updated|by|"
                rf"occurred|recurred|noted|presented|returned|developed|began|onset|"
                rf"echo|ecg|ekg|ct|mri|cxr|x-?ray|scan|labs?|surgery|biopsy|{WEEKDAY})")
UNITS = (r"(?:tabs?|tablets?|caps?|capsules?|pills?|mg|mcg|ml|g|kg|lbs?|units?|cups?|doses?|strength|of|x|times|"
         r"puffs?|drops?|bottles?|sets?|days?|weeks?|wks?|months?|years?|hours?|hrs?|mins?|minutes|ns|inch(?:es)?|"
         r"cm|mm|%|pain|scale|severity|murmur)")
SCORE_DENOMINATORS = {2, 3, 4, 5, 6, 7, 8, 10}
# A pair not inside a longer number; one side of a date range ("4/28-4/30") may touch another pair.
PAIR = regex.compile(r"(?<![\w/.:+]|(?<!\d/\d{1,2})-)(\d{1,2})([/-])(\d{1,2})(?![\w/]|[.,]\d|-(?!\d{1,2}/\d)\d)")
BEFORE = regex.compile(rf"(?i)(?:\b{DATE_CONTEXT}|\[)[\s:#.]*\Z")
AFTER_MARK = regex.compile(r"^(?::|\]|\s+\d{1,2}:\d{2}|\s+\d{4}\b|\s+\d{2,3}/\d{2,3}\b)")
AFTER_UNIT = regex.compile(rf"(?i)^\s*{UNITS}(?![a-z])")
AFTER_DASH_OK = regex.compile(r"(?i)^(?:\s*$|[\s]*[.,;:)\]?!]|\s+(?:at|for|with|and|to|by)\b|\s+\d{1,2}:\d{2})")
DURATION_BEFORE = regex.compile(r"(?i)\b(?:for|x|over|past|within|in)\s*\Z")
# "reduce the dose by 1/3", "cut back by 1/2": a share, not a deadline.
SHARE_BEFORE = regex.compile(r"(?i)\b(?:increase|decrease|reduce|cut|lower|raise|taper)[a-z]*"
                             r"(?:\s+[a-z]+){0,3}\s+by\s*\Z")
SCORE_BEFORE = regex.compile(r"(?i)\b(?:apgars?|scores?|pain|gcs|rated?|grade|strength|power|borg|dyspnea|nrs|vas|"
                             r"ratio|murmur|mmse|moca|pulses?|reflexes)\W*\Z")
NAMED = regex.compile(rf"(?i)\b{DATE}(?!\s*(?!of\b){UNITS}(?![a-z]))")  # "February 11th of this year" is one
# Nouns an ordinal counts ("the 2nd floor", "3rd dose", "the 5th toe"): then it is no day of the month.
COUNTED = (r"floor|storey|story|dose|doses|shot|jab|injection|vaccine|booster|time|times|day|week|month|year|visit|round|"
           r"cycle|course|attempt|try|session|fraction|line|place|grade|stage|trimester|pregnancy|baby|child|kid|one|"
           r"birthday|percentile|degree|generation|rib|toe|finger|digit|metatarsal|metacarpal|ics|intercostal|nerve|"
           r"ventricle|vertebra|lumbar|cervical|street|st|ave|avenue|opinion|fall|episode|admission|bag|unit")
# "on the 12th", "til the 14th n", "from the 10th to the 12th", "Thurs 23rd": a day of the month told alone.
ORDINAL_DAY = regex.compile(rf"(?i)(?:(?<=\b(?:on|by|after|before|until|till|til|thru|through|since|from|to|for|"
                            rf"around|about|due|starting|ending|til)\s+)the\s+{ORDINAL}"
                            rf"|(?<=\b(?:on|by|until|till|til|since)\s+){ORDINAL}"
                            rf"|(?<=\b(?:removed|placed|inserted|started|stopped|done|seen|discharged|admitted|"
                            rf"drawn|changed|due)\s+)the\s+{ORDINAL}"
                            rf"|(?<=\b(?:{WEEKDAY})\s+(?:the\s+)?){ORDINAL})(?!\s+(?:{COUNTED})\b)")
# A month alone after a word that places it ("since January", "in march", "UNTIL MARCH"); "may" only as "May".
MONTH_ALONE = regex.compile(r"(?<=\b(?i:in|since|until|till|til|by|from|during|through|thru|last|next|early|late|mid|"
                            r"end of|start of|beginning of|before|after)\s+)"
                            r"(?i:january|february|march|april|june|july|august|september|october|november|december|"
                            r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|(?-i:May|MAY))\b(?!\s*\d)")
# A year after such a word or in brackets ("passed in 2019", "before (2018)"), not a dose or a count.
YEAR = regex.compile(rf"(?i)(?:(?<=\b(?:in|since|from|until|till|by|during|of|early|late|mid|back in)\s+)"
                     rf"(?:19[2-9]\d|20[0-4]\d)\b(?![/:-]|\.\d)(?!\s*{UNITS}(?![a-z]))|(?<=\()(?:19[2-9]\d|20[0-4]\d)(?=\)))")
HOLIDAY = regex.compile(r"(?i)\b(?:(?:christmas|xmas)(?:\s+(?:eve|day))?|new\s+year'?s(?:\s+(?:eve|day))?|thanksgiving"
                        r"|easter(?:\s+(?:sunday|monday))?|boxing\s+day|halloween|good\s+friday|hanukkah|diwali"
                        r"|(?:independence|memorial|labou?r|veterans|valentine'?s|mother'?s|father'?s)\s+day)\b")


class DateRecognizer(EntityRecognizer):
    def __init__(self):
        super().__init__(supported_entities=["DATE"], name="careline_date")

    def load(self) -> None:
        """Nothing to load: the patterns are compiled at import."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        spans = [(m.start(), m.end(), 0.85) for rx in (NAMED, ORDINAL_DAY, MONTH_ALONE) for m in rx.finditer(text)]
        spans += [(m.start(), m.end(), 0.6) for rx in (HOLIDAY, YEAR) for m in rx.finditer(text)]
        spans += [(m.start(), m.end(), score) for m in PAIR.finditer(text) if (score := pair_score(text, m))]
        return [RecognizerResult("DATE", start, end, score) for start, end, score in spans]


def pair_score(text: str, match: regex.Match) -> float:
    """How sure a month/day (or day/month) pair with no year is a date; 0 when it reads as a score, fraction,
    range or dose."""
    first, separator, second = int(match.group(1)), match.group(2), int(match.group(3))
    before, after = text[max(0, match.start() - 30):match.start()], text[match.end():match.end() + 30]
    plausible = 1 <= first <= 12 and 1 <= second <= 31 or 13 <= first <= 31 and 1 <= second <= 12
    if not plausible or AFTER_UNIT.match(after):
        return 0
    told = bool(BEFORE.search(before) or AFTER_MARK.match(after))
    if separator == "-":
        return 0.8 if BEFORE.search(before) and AFTER_DASH_OK.match(after) else 0
    if DURATION_BEFORE.search(before) or SCORE_BEFORE.search(before) or SHARE_BEFORE.search(before):
        return 0
    if second in SCORE_DENOMINATORS and first <= second and not match.group(1).startswith("0"):
        return 0.8 if told else 0
    return 0.85 if told else 0.6
