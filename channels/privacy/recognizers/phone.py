"""Phone numbers in the forms patients and notes use: US ones with any separator ((555) 123-4567, 555.123.4567,
617/555/0199, 617 555 0199, 5551234567), a 7-digit local number after "call" or "phone", and international ones
with a country code ("+44 7700 900123", "0044 7700 900456", "+33 6 12 34 56 78") or a UK trunk zero ("07700 900123"),
and a hospital's internal pager or extension after its word ("pgr 4-1123", "bleep 4471", "ext 20931").

A number right after a record keyword ("NHS number 943 476 5919") is left to the MRN recognizer. International
numbers need their prefix or leading zero and digits in groups, so record numbers (one unbroken run), dates and
doses are not taken for them.
"""

from presidio_analyzer import Pattern, PatternRecognizer

from channels.privacy.recognizers.patterns import after_keyword

NOT_A_RECORD = r"(?<!\b(?:nhs|mrn|chart|record|acct|account|ssn)\b[\s:#.]*(?:(?:id|number|no|num|is|#)\b[\s:#.]*)*)"
US = NOT_A_RECORD + r"(?<![\w+/])(?:\+?1[\s.-]?)?\(?[2-9]\d{2}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?![\d/])"
SEPARATOR = r"(?:\s|-|\.|\s?\(0\)\s?)"


class PhoneRecognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("us phone", US, 0.7),
        Pattern("extension", US + r"\s*(?:x|ext\.?)\s*\d{1,5}", 0.8),
        Pattern("us phone with slashes", r"(?<![\w/])(?:\+?1/)?[2-9]\d{2}/\d{3}/\d{4}(?![\w/])", 0.75),
        Pattern("country code", rf"(?<![\w+])(?:(?:\+|00)[1-9]\d{{0,2}}(?:{SEPARATOR}\(?\d{{1,8}}\)?){{2,5}}|\+[1-9]\d{{7,13}})"
                r"(?![\w/])", 0.8),
        Pattern("trunk zero", r"(?<![\w+/.])\(?0\d{2,4}\)?[\s-]\d{3,4}[\s-]?\d{3,4}(?![\w/])", 0.6),
        Pattern("local after keyword", after_keyword(r"call|phone|tel|telephone|cell|mobile|ring|text|number",
                                                     r"[2-9]\d{2}[\s.-]\d{4}(?![\w/])"), 0.75),
        Pattern("pager or extension", after_keyword(r"pgr|pager|beeper|bleep|ext|extension",
                                                    r"(?:\d{1,2}-\d{4}|\d{4,5})(?![\w/])"), 0.75),
    ]
    CONTEXT = ["phone", "call", "cell", "mobile", "text", "number", "reach", "tel", "ring"]

    def __init__(self):
        super().__init__(supported_entity="PHONE_NUMBER", patterns=self.PATTERNS, context=self.CONTEXT,
                         name="careline_phone")
