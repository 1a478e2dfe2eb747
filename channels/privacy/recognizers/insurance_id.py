"""Insurance member, group and claim ids: "member id XJH123456789", "policy # 123-45-678", "Medicare 1EG4-TE5-MK73",
"claim number 88123", and ids typed in spaced groups after the keyword ("plan id is UHC 9901 2234 55")."""

from presidio_analyzer import Pattern, PatternRecognizer

from channels.privacy.recognizers.patterns import after_keyword


class InsuranceIdRecognizer(PatternRecognizer):
    KEYWORDS = (r"member|subscriber|policy|group|insurance|medicaid|medicare|plan|insurance card|id card|bcbs|aetna|cigna|"
                r"claim|authori[sz]ation|prior auth|auth")
    PATTERNS = [
        Pattern("after keyword", after_keyword(KEYWORDS, r"(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{4,19}\b"), 0.9),
        Pattern("spaced groups after keyword",
                after_keyword(KEYWORDS, r"(?:(?-i:[A-Z]{2,5})\s)?\d{3,}(?:\s\d{2,}){1,4}(?![\w/])(?!\s*(?:mg|units?)\b)"),
                0.9),
        Pattern("medicare mbi", r"\b\d[A-Z][A-Z0-9]\d-?[A-Z][A-Z0-9]\d-?[A-Z]{2}\d{2}\b", 0.85),
        Pattern("letters then digits", r"\b[A-Z]{2,4}\d{6,12}\b", 0.6),
    ]
    CONTEXT = ["member", "insurance", "policy", "group", "subscriber", "medicaid", "medicare", "id"]

    def __init__(self):
        super().__init__(supported_entity="INSURANCE_ID", patterns=self.PATTERNS, context=self.CONTEXT,
                         name="careline_insurance_id")
