"""Towns and cities (HIPAA: any place smaller than a state): "Springfield, IL", "I live in Dayton", "moved to lowell".

A place before a state is a town and the state after a town is a place of residence; after words like
"lives in", "moved to" or "discharged home to" the next one or two words are a town, in any case, unless they
are common, clinical or family words ("home to wife", "moved to rehab").
"""

import regex as re
from presidio_analyzer import Pattern, PatternRecognizer

from channels.privacy.recognizers.address import SUFFIX
from channels.privacy.recognizers.patient_name import NOT_NAMES, RELATIVES
from channels.privacy.recognizers.zip_code import STATES

PLACE = r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}"
LOWER_PLACE = r"[A-Za-z][a-z]+(?:[ -][A-Za-z][a-z]+)?"
STATE_NAMES = (r"alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|georgia|hawaii|"
               r"idaho|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|michigan|"
               r"minnesota|mississippi|missouri|montana|nebraska|nevada|new hampshire|new jersey|new mexico|"
               r"new york|north carolina|north dakota|ohio|oklahoma|oregon|pennsylvania|rhode island|"
               r"south carolina|south dakota|tennessee|texas|utah|vermont|virginia|washington|west virginia|"
               r"wisconsin|wyoming")
MOVES = (r"live|living|lives|lived|moved|moving|staying|stays|located|based|resident|resides|visiting|relocated|"
         r"home|back|returned|returning|going|went|travel(?:l)?ed|trip|flew|drove|born|raised|grew up|called|calling|"
         r"phoned|phoning|rang|coming|came|driving|flying|alone|arrives|arriving")
# Words that follow "home to", "back to", "from" without being a town.
NOT_PLACES = {
    "rehab", "hospital", "clinic", "work", "school", "bed", "chair", "floor", "room", "unit", "ward", "care",
    "facility", "nursing", "assisted", "living", "house", "apartment", "flat", "town", "city", "country", "state",
    "area", "baseline", "normal", "sleep", "bathroom", "toilet", "kitchen", "car", "family", "church", "abroad",
    "overseas", "today", "tomorrow", "tonight", "yesterday", "week", "weeks", "month", "day", "days", "morning",
    "evening", "night", "self", "own", "independently", "independent", "ambulance", "wheelchair", "stretcher",
    "snf", "ltc", "alf", "icu", "er", "ed", "or", "pacu", "hospice", "pharmacy", "surgery", "dialysis", "group",
    "policy", "plan", "member", "account", "number", "code", "suite", "apt", "box", "ext", "extension",
    "id", "phone", "cell", "fax", "mobile", "tel",
} | set(RELATIVES.split("|"))


class CityRecognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("city before state", rf"\b{PLACE}(?=,?\s+(?:{STATES})\b(?:\s+\d{{5}}|[.,!?]|\s*$))", 0.85),
        Pattern("town before state name", rf"\b{LOWER_PLACE}(?=,\s+(?i:{STATE_NAMES})\b)", 0.8),
        Pattern("town before state code", rf"\b[A-Za-z][a-z]+(?=,\s+(?:{STATES})\b(?:\s+\d{{5}}|[.,!?]|\s*$))", 0.7),
        Pattern("state after town", rf"(?<=\b[A-Za-z][a-z]+,\s+)(?:(?:{STATES})\b(?=\s+\d{{5}}|[.,!?]|\s*$)|"
                rf"(?i:{STATE_NAMES})\b)", 0.8),
        Pattern("after live in", rf"(?<=\b(?i:{MOVES})\s+(?i:in|to|near|at|from|of|back to|home to)\s+){LOWER_PLACE}\b", 0.7),
        Pattern("after from", rf"(?<=\b(?i:from|in)\s+){PLACE}\b", 0.6),
        Pattern("town before zip", rf"(?<=,\s*){LOWER_PLACE}(?=,?\s+\d{{5}}(?:-\d{{4}})?\b)", 0.7),
        Pattern("town after street", rf"(?<=\b\d+\s+(?:[A-Za-z]+\s+){{1,3}}(?i:{SUFFIX}),\s+){LOWER_PLACE}\b", 0.7),
    ]

    def __init__(self):
        super().__init__(supported_entity="LOCATION", patterns=self.PATTERNS, name="careline_city",
                         global_regex_flags=re.DOTALL | re.MULTILINE)  # case matters where a pattern says so

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        """Common, clinical and family words are no town: "moved to rehab", "home to wife", "in lowell last"."""
        kept = []
        for result in super().analyze(text, entities, nlp_artifacts, regex_flags):
            words = list(re.finditer(r"\S+", text[result.start:result.end]))
            while words and self._common(words[-1].group()):
                words.pop()
            while words and self._common(words[0].group()):
                words.pop(0)
            if words:
                result.start, result.end = result.start + words[0].start(), result.start + words[-1].end()
                kept.append(result)
        return kept

    @staticmethod
    def _common(word: str) -> bool:
        return word.lower() in NOT_NAMES or word.lower() in NOT_PLACES
