"""Names introduced in patient wording, typed in any case: "this is jamal", "my daughter Ana", "Dr. Patel".

spaCy's NER misses lower-case names in text messages; these triggers catch the
name that follows. Words that are common English, clinical or stop words are
not taken as names.
"""

from __future__ import annotations

import regex as re
from presidio_analyzer import EntityRecognizer, RecognizerResult

from channels.privacy.casing import NAME_WORDS, NOT_NAME_ENDINGS, NOT_NAMES, RELATIVES, fold, known_names, vocabulary

# (trigger, score, strong): after a weak trigger ("i'm", "it's", "from") a lower-case word is taken as a
# name only if spaCy calls it a proper noun.
TRIGGERS = [
    (r"(?i)\b(?:my name is|my name's|name is|name's|i am called|call me|this is)\s+", 0.75, True),
    (r"(?i)\b(?:it's|its|it is|i'm|im|i am|signed|regards|thanks|thank you|cheers)\s+|(?im)^\s*from\s+", 0.7, False),
    (r"(?m)^\s*[-\u2013\u2014~]\s*(?=[A-Za-z][\w'\u2019-]*(?:\s+[A-Za-z][\w'\u2019-]*){0,2}\s*$)", 0.8, True),
    (rf"(?i)\bmy (?:{RELATIVES})(?:'s name is|\s+is called|\s+named|\s+called|,)?\s+", 0.8, True),
    (r"(?i)\b(?:dr|doctor|nurse|mr|mrs|ms|miss|mx|prof)\.?\s+", 0.85, True),
    (r"(?i)\b(?:pcp|attending|surgeon|midwife|charge nurse|(?:dictated|read|seen) by)\b:?\s*|\b(?:rn|lpn|np)[ \t]+",
     0.8, False),
    (r"(?i)\bpatient(?: name)?:\s*", 0.85, True),
    (r"(?i)\b(?:pt|patient|spoke (?:with|to)|per|next of kin|nok|(?:bed|rm|room)\s*\d+[a-z]?)\b[:,]?\s*\(?\s*", 0.7,
     False),
    (rf"(?i)\b(?:{RELATIVES})[:,]?\s+", 0.7, False),
    (r"(?i)\b(?:dear|(?:typed|written|sent|signed) by)\s+", 0.8, True),
    (r"(?i)\b(?:hi|hello|hey)\s+", 0.7, False),
]
# A speaker in a pasted chat ("[10/2 08:20] Summer: pain 7/10") or a signature closing the text ("x Hope").
SPEAKER = (r"(?m)(?:^\s*(?:\[[^\]\n]{1,30}\]\s*)?|[-\u2013\u2014~]\s*|\bx{1,3}\s+)([A-Z][a-z'\u2019-]+"
           r"(?:\s+[A-Z][a-z'\u2019-]+)?)(?=\s*(?::\s|\Z))")
# "HALL, MARGARET" / "Young, Alfred M" at the start of a line or a field: surname, comma, given name, initial.
SURNAME_FIRST = (r"(?m)(?:^|[-:|\u2013]\s*)\s*([A-Za-z][A-Za-z'\u2019-]+,\s+[A-Z][a-z'\u2019-]+"
                 r"(?:\s+[A-Za-z](?=\.|\s{2,}|[ \t]*$)\.?)?)\b(?!,)")
WEAK_NAME_POS = {"PROPN", "NOUN", "X", "INTJ"}
NOT_A_NAME_POS = {"VERB", "AUX", "ADV", "ADP", "DET", "PRON", "CCONJ", "SCONJ", "PART", "NUM", "PUNCT"}
NAME_TOKEN = r"[A-Za-z][A-Za-z'\u2019-]{1,24}"


def english_words() -> frozenset[str]:
    """The scrubber's English vocabulary (built once, from spaCy's lemmatizer tables)."""
    return vocabulary()["known"]


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
        for match in re.finditer(SURNAME_FIRST, text):
            words = re.findall(r"[A-Za-z'\u2019-]+", match.group(1).lower())
            if not any(w in self.excluded and w not in NAME_WORDS for w in words):
                results.append(RecognizerResult("PERSON", match.start(1), match.end(1), 0.7))
        for match in re.finditer(SPEAKER, text):
            if self._speaker(match.group(1), match.start(1), match.end(1), doc):
                results.append(RecognizerResult("PERSON", match.start(1), match.end(1), 0.7))
        for trigger, score, strong in self.triggers:
            for match in trigger.finditer(text):
                span = self._name_after(text, match.end())
                if span and "\n" not in text[match.start():span[1]] and self._looks_like_a_name(text, span, doc, strong):
                    results.append(RecognizerResult("PERSON", span[0], span[1], score))
        return results

    def _speaker(self, name: str, start: int, end: int, doc) -> bool:
        """A label is a name when it is a name-word or a proper noun, not a heading ("Plan:", "Meds:")."""
        words = name.lower().split()
        if any(w in self.excluded and w not in NAME_WORDS or w.endswith(NOT_NAME_ENDINGS) for w in words):
            return False
        span = doc.char_span(start, end, alignment_mode="expand") if doc is not None else None
        return words[0] in NAME_WORDS or words[0] not in english_words() and span is not None \
            and all(t.pos_ == "PROPN" for t in span)

    @staticmethod
    def _looks_like_a_name(text: str, span: tuple[int, int], doc, strong: bool) -> bool:
        """Capitalised, or a lower-case word spaCy reads as a name; an everyday word ("per order", "pt alert",
        "nurse phone note") only if spaCy calls it a proper noun."""
        word = text[span[0]:span[1]].split()[0]
        if word[0].isupper():
            if word.lower().endswith(("ed", "ing")) and word.lower() in vocabulary()["not_names"] \
                    and word.lower() not in NAME_WORDS:
                return False  # "severe MR. Transferred to ...": a verb after an abbreviation, not "Mr."
            return not (word.isupper() and len(word) > 3 and word.lower() in english_words() and not strong)
        token = doc.char_span(span[0], span[1], alignment_mode="expand")[0] if doc is not None else None
        if token is None:
            return strong
        if token.lower_ in english_words() and token.lower_ not in NAME_WORDS:
            return token.pos_ == "PROPN"
        return token.pos_ in WEAK_NAME_POS or (strong and token.pos_ not in NOT_A_NAME_POS)

    def _name_after(self, text: str, start: int) -> tuple[int, int] | None:
        """Up to three name-like tokens; a lower-case second token only if it is not a common word."""
        end, taken = start, 0
        listed = known_names()["sure"] | known_names()["words"]
        for token in re.finditer(rf"\G[ \t]{{0,2}}({NAME_TOKEN})", text, pos=start):  # not across a column gap
            word = token.group(1)
            lowered = word.lower().strip("'\u2019")
            name_word = (lowered in NAME_WORDS or fold(lowered) in listed) and word[0].isupper()  # "Wife Temperance"
            if not name_word and (lowered in self.excluded or lowered.endswith(NOT_NAME_ENDINGS)
                                  or (word.islower() and lowered.endswith(("ing", "ed")))):
                break
            if taken and not word[0].isupper():
                break
            end, taken = token.end(), taken + 1
            if taken == 3:
                break
        return (start, end) if taken else None
