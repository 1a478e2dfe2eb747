"""US phone numbers in the forms patients type: (555) 123-4567, 555.123.4567, +1 555 123 4567, 5551234567."""

from presidio_analyzer import Pattern, PatternRecognizer


class PhoneRecognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("us phone", r"(?<![\w+])(?:\+?1[\s.-]?)?\(?[2-9]\d{2}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)", 0.7),
        Pattern("extension", r"(?<![\w+])(?:\+?1[\s.-]?)?\(?[2-9]\d{2}\)?[\s.-]?\d{3}[\s.-]?\d{4}\s*(?:x|ext\.?)\s*\d{1,5}",
                0.8),
    ]
    CONTEXT = ["phone", "call", "cell", "mobile", "text", "number", "reach", "tel"]

    def __init__(self):
        super().__init__(supported_entity="PHONE_NUMBER", patterns=self.PATTERNS, context=self.CONTEXT,
                         name="careline_phone")
