"""E-mail addresses in the forms Presidio's own recognizer leaves: a domain it does not know as a suffix
("priya.v@careline-mail.example", "nan@family.local"), and addresses spelt out so a filter will not link them
("jane dot doe at gmail dot com", "ken(at)yahoo(dot)co(dot)uk", "sam @ outlook . com").

Spelt out with " at ", the part after it must be a mail provider or be spelt with "dot", so "see you at
home.com" is read as an address only when it is written like one. Scores sit above spaCy's 0.85 so an address
it tags as a place ("Ken(at)yahoo(dot)co(dot)uk") keeps its type.
"""

from presidio_analyzer import Pattern, PatternRecognizer

DOT = r"(?:\s*\.\s*|\s*[(\[{]\s*dot\s*[)\]}]\s*|\s+dot\s+)"
SPELT_DOT = r"(?:\s*[(\[{]\s*dot\s*[)\]}]\s*|\s+dot\s+)"
AT = r"(?:\s*@\s*|\s*[(\[{]\s*at\s*[)\]}]\s*)"
LOCAL = rf"[\w+-]+(?:{DOT}[\w+-]+)*"
PROVIDER = r"(?:gmail|googlemail|yahoo|hotmail|outlook|aol|icloud|live|msn|proton(?:mail)?|gmx|mail|btinternet|comcast)"
SUFFIX = r"(?:com|org|net|edu|gov|mil|co|uk|us|ca|au|ie|nz|in|de|fr|io|me|info|example|local)\b"


class EmailAddressRecognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("any domain", r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b", 0.9),
        Pattern("spelt out", rf"(?i)(?<![\w.+-]){LOCAL}{AT}[\w-]+(?:{DOT}[\w-]+)*{DOT}{SUFFIX}", 0.9),
        Pattern("spelt out with at", rf"(?i)(?<![\w.+-]){LOCAL}\s+at\s+(?:{PROVIDER}(?:{DOT}[\w-]+)*{DOT}|"
                                     rf"[\w-]+(?:{DOT}[\w-]+)*{SPELT_DOT}){SUFFIX}", 0.9),
    ]
    CONTEXT = ["email", "e-mail", "mail", "address"]

    def __init__(self):
        super().__init__(supported_entity="EMAIL_ADDRESS", patterns=self.PATTERNS, context=self.CONTEXT,
                         name="careline_email_address")
