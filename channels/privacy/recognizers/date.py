"""Calendar dates (HIPAA treats every date tied to a person as PHI). Weekdays and "3 days" are not dates here:
triage needs them."""

from presidio_analyzer import Pattern, PatternRecognizer

from channels.privacy.recognizers.date_of_birth import DATE


class DateRecognizer(PatternRecognizer):
    PATTERNS = [Pattern("calendar date", rf"(?i)\b{DATE}\b", 0.6)]

    def __init__(self):
        super().__init__(supported_entity="DATE", patterns=self.PATTERNS, name="careline_date")
