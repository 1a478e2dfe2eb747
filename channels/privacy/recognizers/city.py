"""Towns and cities (HIPAA: any place smaller than a state): "Springfield, IL", "I live in Dayton", "moved to lowell".

A place before a state is a town and the state after a town is a place of residence; after words like
"lives in", "moved to" or "discharged home to" the next one or two words are a town, in any case, unless they
are common, clinical or family words ("home to wife", "moved to rehab") or, alone and in lower case, a verb,
adjective or adverb running on into the sentence ("CLOSE, NEED MY"). A capitalised word after "in", "from" or
"at" is a place ("at Mercy", "in Vancouver"), and so is a name with "-on-" or "-upon-" in any case
("stoke-on-trent", "NEWCASTLE-UPON-TYNE"; not "skin-on-skin").

A town told in lower case with no such verb ("im in fresno til the 14th", "father in shanghai") is known by its
shape: after "in", "from", "near" or "to", a word whose spaCy vector lies near the vectors of well-known cities
(the centroid of `SEED_CITIES`) is a town, states included ("i'm in ohio"); "in pain", "in bed", "to rehab" lie far
from them. Months are dates, not towns. Without vectors (the small fallback model) only the patterns apply.
A state code after a town is a place where the sentence runs on ("Providence, RI for Easter"), but not the
letters after a clinician's name ("Smith, MD"). A town is told before its emergency service ("via Brockton Fire",
"Boston EMS"), and between a street and its ZIP ("44 prospect st apt 3 cambridge 02139"); a town found once goes
wherever it recurs.
"""

from functools import lru_cache

import numpy
import regex as re
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

from channels.privacy.casing import vocabulary
from channels.privacy.recognizers.address import SUFFIX
from channels.privacy.recognizers.patient_name import NOT_NAMES, RELATIVES
from channels.privacy.recognizers.patterns import recurrences
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
    "id", "phone", "cell", "fax", "mobile", "tel", "heart", "failure", "stroke", "cancer", "diabetes", "pain",
    "memory", "wound", "fracture", "eye", "renal", "kidney", "lung", "breast", "cardiac", "urgent", "emergency",
    "maternity", "mental", "health", "general", "weekends", "weekend", "nights", "office", "mob", "ph", "landline",
    "contact",
} | set(RELATIVES.split("|"))
# Cities whose vectors define a town's shape; none is in the development sets.
SEED_CITIES = ("boston", "chicago", "houston", "denver", "seattle", "atlanta", "phoenix", "portland", "manchester",
               "birmingham", "leeds", "glasgow", "toronto", "sydney", "paris", "berlin")
PLACE_SIMILARITY = 0.5
PLACE_WORD = re.compile(r"(?<=\b(?i:in|from|near|to|at|outside|visiting|leaving)\s+)[A-Za-z][a-z'-]{2,}\b(?!['\u2019]s)")
MONTHS_AND_DAYS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                   "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


class CityRecognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("city before state", rf"\b{PLACE}(?=,?\s+(?:{STATES})\b(?:\s+\d{{5}}|[.,!?]|\s*$))", 0.85),
        Pattern("town before state name", rf"\b{LOWER_PLACE}(?=,\s+(?i:{STATE_NAMES})\b)", 0.8),
        Pattern("town before state code", rf"\b[A-Za-z][a-z]+(?=,\s+(?:{STATES})\b(?:\s+\d{{5}}|[.,!?]|\s*$))", 0.7),
        Pattern("state after town", rf"(?<=\b[A-Za-z][a-z]+,\s+)(?:(?:{STATES})\b(?=\s+\d{{5}}|[.,!?]|\s*$)|"
                rf"(?i:{STATE_NAMES})\b)", 0.8),
        Pattern("state code before the sentence goes on", rf"(?<=\b[A-Z][a-z]+,\s+)(?!MD|PA|ME|IN|OR)(?:{STATES})\b"
                rf"(?=\s+(?:for|to|and|with|since|until|in|on|at|where|when|\d+\s+(?:years?|yrs?|months?|weeks?))\b)",
                0.8),
        Pattern("town before its emergency service", rf"\b{PLACE}(?=\s+(?i:ems|fire|ambulance|police|pd|fd|rescue)\b)",
                0.7),
        Pattern("after live in", rf"(?<=\b(?i:{MOVES})\s+(?i:in|to|near|at|from|of|back to|home to)\s+){LOWER_PLACE}\b", 0.7),
        Pattern("after from", rf"(?<=\b(?i:from|in|at)\s+){PLACE}\b", 0.6),
        Pattern("hyphenated town", r"(?i)\b(?P<first>[a-z]{3,})-(?:on|upon|under|le|en|super|sur)-(?!(?P=first)\b)"
                                   r"[a-z]{3,}(?:-[a-z]{3,})?\b", 0.7),
        Pattern("town before zip", rf"(?<=,\s*){LOWER_PLACE}(?=,?\s+\d{{5}}(?:-\d{{4}})?\b)", 0.7),
        Pattern("town between street and zip", rf"(?<=\b(?:(?i:apt|apartment|unit|suite|ste|#)\.?\s*[A-Za-z0-9-]+|"
                rf"(?i:{SUFFIX})),?\s+){LOWER_PLACE}(?=,?\s+\d{{5}}(?:-\d{{4}})?\b)", 0.7),
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
            if words and not (len(words) == 1 and not_a_town(words[0].group())
                              and re.match(r"[ \t]+[A-Za-z]", text[result.start + words[0].end():])):
                result.start, result.end = result.start + words[0].start(), result.start + words[-1].end()
                kept.append(result)
        kept += self._shaped_like_towns(text, nlp_artifacts)
        return kept + recurrences(text, kept, lambda w: self._common(w) or w.lower() in vocabulary()["not_names"])

    def _shaped_like_towns(self, text, nlp_artifacts) -> list[RecognizerResult]:
        """Lower-case words after "in", "from", "near", "to" whose vector lies near the seed cities'."""
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        vocab = nlp_artifacts.tokens.vocab
        return [RecognizerResult("LOCATION", m.start(), m.end(), 0.7) for m in PLACE_WORD.finditer(text)
                if not self._common(m.group()) and m.group().lower() not in MONTHS_AND_DAYS
                and shaped_like_a_town(m.group(), vocab)]

    @staticmethod
    def _common(word: str) -> bool:
        return word.lower() in NOT_NAMES or word.lower() in NOT_PLACES


def shaped_like_a_town(word: str, vocab) -> bool:
    """Whether `word`'s vector lies near the seed cities' (False without vectors)."""
    word = word.lower()
    centre = _centre(vocab) if vocab is not None else None
    if centre is None or not vocab.has_vector(word):
        return False
    vector = vocab.get_vector(word)
    return float(vector @ centre) / (numpy.linalg.norm(vector) or 1) >= PLACE_SIMILARITY


@lru_cache(maxsize=2)
def _centre(vocab):
    """The unit-length mean of the seed cities' vectors; None when the model has no vectors."""
    vectors = [vocab.get_vector(w) for w in SEED_CITIES if vocab.has_vector(w)]
    if not vectors:
        return None
    centre = numpy.mean([v / numpy.linalg.norm(v) for v in vectors], axis=0)
    return centre / numpy.linalg.norm(centre)


def not_a_town(word: str) -> bool:
    """A lower-case verb, adjective or adverb running on into the sentence is no town ("14 HAWTHORN CLOSE, NEED MY"),
    while a capitalised one ("Mobile, AL") or one that ends the clause ("9 WREN STREET, FELLING, NE10 0LP") may be:
    the re-cased copy of a note keeps unknown words capitalised."""
    return word.islower() and word in vocabulary()["not_names"]
