"""Names introduced in patient wording, typed in any case: "this is jamal", "my daughter Ana", "Dr. Patel".

spaCy's NER misses lower-case names in text messages; these triggers catch the
name that follows. Words that are common English, clinical or stop words are
not taken as names.
"""

from __future__ import annotations

import regex as re
from presidio_analyzer import EntityRecognizer, RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

RELATIVES = (r"daughter|son|wife|husband|mom|mother|mum|dad|father|baby|kid|child|brother|sister|grandson|granddaughter|"
             r"partner|friend|boyfriend|girlfriend|nephew|niece|aunt|uncle|grandma|grandpa|grandmother|grandfather|"
             r"neighbou?r|roommate|fiance|fiancee|toddler|boy|girl|patient|caregiver")
# (trigger, score, strong): after a weak trigger ("i'm", "it's", "from") a lower-case word is taken as a
# name only if spaCy calls it a proper noun.
TRIGGERS = [
    (r"(?i)\b(?:my name is|my name's|name is|name's|i am called|call me|this is)\s+", 0.75, True),
    (r"(?i)\b(?:it's|its|it is|i'm|im|i am|signed|regards|thanks|thank you|cheers)\s+|(?im)^\s*from\s+", 0.7, False),
    (r"(?m)^\s*[-\u2013\u2014~]\s*", 0.8, True),
    (rf"(?i)\bmy (?:{RELATIVES})(?:'s name is|\s+is called|\s+named|\s+called|,)?\s+", 0.8, True),
    (r"(?i)\b(?:dr|doctor|nurse|mr|mrs|ms|miss|mx|prof)\.?\s+", 0.85, True),
    (r"(?i)\bpatient(?: name)?:\s*", 0.85, True),
]
WEAK_NAME_POS = {"PROPN", "NOUN", "X", "INTJ"}
NOT_A_NAME_POS = {"VERB", "AUX", "ADV", "ADP", "DET", "PRON", "CCONJ", "SCONJ", "PART", "NUM", "PUNCT"}
NAME_TOKEN = r"[A-Za-z][A-Za-z'\u2019-]{1,24}"
NOT_NAMES = STOP_WORDS | {
    "bad", "sick", "ill", "good", "fine", "ok", "okay", "tired", "worried", "scared", "sorry", "pregnant", "here",
    "having", "feeling", "calling", "writing", "texting", "hurting", "dizzy", "nauseous", "sure", "not", "still",
    "really", "very", "so", "just", "also", "worse", "better", "terrible", "awful", "great", "afraid", "unsure",
    "allergic", "diabetic", "asthmatic", "new", "back", "home", "hot", "cold", "weak", "in", "on", "at", "with",
    "urgent", "serious", "normal", "wondering", "concerned", "confused", "experiencing", "getting", "going",
    "taking", "trying", "asking", "looking", "a", "an", "the", "my", "his", "her", "their", "our", "pain",
    "nervous", "anxious", "depressed", "exhausted", "breathless", "achy", "feverish", "shaky", "sore", "swollen",
    "itchy", "constipated", "stressed", "lonely", "sad", "upset", "alone", "awake", "asleep", "hungry", "thirsty",
    "dehydrated", "overweight", "old", "young", "male", "female", "man", "woman", "mother", "father", "due",
    "fever", "headache", "cough", "covid", "positive", "negative", "allergy", "allergies", "worst", "best", "done",
    "there", "that", "this", "what", "who", "how", "hi", "hello", "hey", "yes", "no", "nope", "yeah", "please",
    "short", "numb", "unwell", "faint", "anemic", "suicidal", "drowsy", "wheezy", "clammy", "sweaty", "elderly",
    "obese", "single", "married", "divorced", "widowed", "retired", "disabled", "deaf", "blind", "vegan",
    "bleeding", "embarrassed", "alright", "all", "curious", "stuck", "late",
}


class PatientNameRecognizer(EntityRecognizer):
    def __init__(self, extra_terms: set[str] | None = None):
        self.excluded = {w.lower() for w in NOT_NAMES | (extra_terms or set())}
        self.triggers = [(re.compile(pattern), score, strong) for pattern, score, strong in TRIGGERS]
        super().__init__(supported_entities=["PERSON"], name="careline_patient_name")

    def load(self) -> None:
        """Nothing to load: the triggers are compiled in __init__."""

    def analyze(self, text, entities, nlp_artifacts=None):
        doc = nlp_artifacts.tokens if nlp_artifacts else None
        results = []
        for trigger, score, strong in self.triggers:
            for match in trigger.finditer(text):
                span = self._name_after(text, match.end())
                if span and self._looks_like_a_name(text, span, doc, strong):
                    results.append(RecognizerResult("PERSON", span[0], span[1], score))
        return results

    @staticmethod
    def _looks_like_a_name(text: str, span: tuple[int, int], doc, strong: bool) -> bool:
        if text[span[0]].isupper():
            return True
        token = doc.char_span(span[0], span[1], alignment_mode="expand")[0] if doc is not None else None
        if token is None:
            return strong
        return token.pos_ in WEAK_NAME_POS or (strong and token.pos_ not in NOT_A_NAME_POS)

    def _name_after(self, text: str, start: int) -> tuple[int, int] | None:
        """Up to three name-like tokens; a lower-case second token only if it is not a common word."""
        end, taken = start, 0
        for token in re.finditer(rf"\G\s*({NAME_TOKEN})", text, pos=start):
            word = token.group(1)
            lowered = word.lower().strip("'\u2019")
            if lowered in self.excluded or (word.islower() and lowered.endswith(("ing", "ed"))):
                break
            if taken and not word[0].isupper():
                break
            end, taken = token.end(), taken + 1
            if taken == 3:
                break
        return (start, end) if taken else None
