"""Social security numbers, with or without dashes (Presidio's own one rejects some real-looking ones)."""

from presidio_analyzer import Pattern, PatternRecognizer

from channels.privacy.recognizers.patterns import after_keyword


class SsnRecognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("ssn dashed", r"\b(?!000|666|9\d\d)\d{3}[- ](?!00)\d{2}[- ](?!0000)\d{4}\b", 0.85),
        Pattern("after keyword", after_keyword(r"ssn|social security|social", r"\d{3}[- ]?\d{2}[- ]?\d{4}\b"), 0.95),
    ]
    CONTEXT = ["ssn", "social security", "social"]

    def __init__(self):
        super().__init__(supported_entity="US_SSN", patterns=self.PATTERNS, context=self.CONTEXT, name="careline_ssn")
