"""Towns and cities (HIPAA: any place smaller than a state): "Springfield, IL", "I live in Dayton"."""

import regex as re
from presidio_analyzer import Pattern, PatternRecognizer

from channels.privacy.recognizers.zip_code import STATES

PLACE = r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}"


class CityRecognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("city before state", rf"\b{PLACE}(?=,?\s+(?:{STATES})\b(?:\s+\d{{5}}|[.,!?]|\s*$))", 0.85),
        Pattern("after live in", rf"(?<=\b(?:live|living|lives|moved|staying|located) (?:in|to|near) ){PLACE}\b", 0.7),
    ]

    def __init__(self):
        super().__init__(supported_entity="LOCATION", patterns=self.PATTERNS, name="careline_city",
                         global_regex_flags=re.DOTALL | re.MULTILINE)  # case matters: places are capitalised
