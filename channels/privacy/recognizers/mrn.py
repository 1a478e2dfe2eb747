"""Medical record and other hospital numbers introduced in words ("MRN 12345678", "record number 4471182",
"acct# 99812", "NHS number 943 476 5919", "patient ID 0072331", "Reference NGH-2025-044871", "Hospital number:
FGH 228 4195",
"path req# DP-87-33109", "account number is 7 7 0 3 2 1 9"), a long bare number, or a number told digit by digit in words
("my mrn is four four seven two zero nine one", "five three eight, two two one, zero four"). The keyword is what
makes a short or grouped number an identifier rather than a dose or a reading; six digit words in a row are no
count or dose in any wording."""

from presidio_analyzer import Pattern, PatternRecognizer

from channels.privacy.recognizers.patterns import after_keyword

KEYWORDS = (r"mrn|medical record|record|chart|patient|pt|hospital|unit|acct|account|nhs|chi|case|reference|ref|"
            r"accession|encounter|fin|csn|har|identifier|req|requisition|specimen|lab no")
# Not a date; letters-then-digits with optional dashed parts ("A1234567", "NGH-2025-044871") or 3-3-4 groups (NHS numbers).
VALUE = (r"(?!\d{4}-\d{1,2}-\d{1,2}\b|\d{1,2}-\d{1,2}-\d{2,4}\b)"
         r"(?:[A-Z]{0,4}-?(?:\d{5,12}|\d{2,6}(?:-\d{2,8}){1,2})|\d{3}[\s-]\d{3}[\s-]\d{4}"
         r"|(?-i:[A-Z]{1,4})\s\d{2,6}(?:\s\d{2,6}){1,3}|\d(?:\s\d){4,11})"
         r"(?![\w/])(?!\s*(?:mg|mcg|ml|units?|kg|g)\b)")
DIGIT_WORD = r"(?:zero|oh|nought|one|two|three|four|five|six|seven|eight|nine|double|triple)"


class MrnRecognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("after keyword", after_keyword(KEYWORDS, VALUE), 0.95),
        Pattern("letters then digits", r"\b[A-Z]{1,3}-?\d{6,10}\b", 0.5),
        Pattern("letters, year and number", r"(?-i:\b[A-Z]{2,5}-(?:19|20)\d{2}-\d{4,8}\b)", 0.7),
        Pattern("bare digits", r"\b\d{7,12}\b", 0.45),
        Pattern("digits in words", rf"(?i)\b{DIGIT_WORD}(?:[\s,-]+{DIGIT_WORD}){{5,}}\b", 0.7),
    ]
    CONTEXT = ["mrn", "medical record", "record", "chart", "patient id", "hospital number", "nhs"]

    def __init__(self):
        super().__init__(supported_entity="MRN", patterns=self.PATTERNS, context=self.CONTEXT, name="careline_mrn")
