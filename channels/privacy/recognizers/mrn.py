"""Medical record numbers: "MRN 12345678", "record number A1234567", or a long bare number near "chart"."""

from presidio_analyzer import Pattern, PatternRecognizer

from channels.privacy.recognizers.patterns import after_keyword


class MrnRecognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("after keyword", after_keyword(r"mrn|medical record|record|chart|patient|hospital", r"[A-Z]{0,3}-?\d{5,12}\b"),
                0.95),
        Pattern("letters then digits", r"\b[A-Z]{1,3}-?\d{6,10}\b", 0.5),
        Pattern("bare digits", r"\b\d{7,12}\b", 0.45),
    ]
    CONTEXT = ["mrn", "medical record", "record", "chart", "patient id", "hospital number"]

    def __init__(self):
        super().__init__(supported_entity="MRN", patterns=self.PATTERNS, context=self.CONTEXT, name="careline_mrn")
