"""Dates of birth: after "DOB", "born on", "birthday", "date of birth"; any common date format."""

from presidio_analyzer import Pattern, PatternRecognizer

from channels.privacy.recognizers.patterns import DATE, after_keyword


class DateOfBirthRecognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("after keyword", after_keyword(r"dob|d\.o\.b|born|born on|birthday|birth date|date of birth|bday",
                                               rf"(?:on\s+|is\s+|in\s+)?{DATE}"), 0.95),
    ]
    CONTEXT = ["dob", "born", "birthday", "birth"]

    def __init__(self):
        super().__init__(supported_entity="DATE_OF_BIRTH", patterns=self.PATTERNS, context=self.CONTEXT,
                         name="careline_date_of_birth")
