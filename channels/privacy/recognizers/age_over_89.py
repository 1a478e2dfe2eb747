"""Ages over 89 are identifying under HIPAA: "I'm 92", "my 95 year old mother", "age 91"."""

from presidio_analyzer import Pattern, PatternRecognizer

OVER_89 = r"(?:9\d|1[01]\d)"


class AgeOver89Recognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("years old", rf"(?i)\b{OVER_89}(?=[\s-]*(?:years?|yrs?|y/?o)\b)", 0.9),
        Pattern("someone is", rf"(?<=\b(?:(?:mother|father|mom|mum|dad|grandma|grandpa|grandmother|grandfather|"
                              rf"husband|wife|aunt|uncle|patient|she|he|who)|(?-i:[A-Z][a-z]+))"
                              rf",?(?:'s| is| was| turned| turns| just turned)\s+){OVER_89}\b"
                              rf"(?!\s*(?:%|percent|lbs|pounds|kg|degrees|°|mg|f\b|/|over))", 0.85),
        Pattern("age keyword", rf"(?i)(?<=\b(?:age|aged|i'?m|i am|she'?s|he'?s|turned|turning)\s+){OVER_89}\b"
                               rf"(?!\s*(?:%|percent|lbs|pounds|kg|degrees|°|mg))",
                0.85),
    ]

    def __init__(self):
        super().__init__(supported_entity="AGE_OVER_89", patterns=self.PATTERNS, name="careline_age_over_89")
