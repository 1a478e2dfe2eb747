"""spaCy's PERSON and LOCATION, filtered: the small model tags lower-case words ("ribs", "feel") as places.

A LOCATION must start with a capital letter; a PERSON must be capitalised or
made only of proper nouns. A name that is also a word, alone at the start of a sentence and followed by
a determiner, particle or noun, is the word ("Mark the date", "Jack up the bed", "Frank blood in the urine").
"""

import re

from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from channels.privacy.casing import NAME_WORDS, NOT_NAME_ENDINGS, NOT_NAMES
from channels.privacy.recognizers.credential_name import CREDENTIALS


class SpacyNameRecognizer(SpacyRecognizer):
    def __init__(self):
        super().__init__(supported_entities=["PERSON", "LOCATION"])

    def analyze(self, text, entities, nlp_artifacts=None):
        results = super().analyze(text, entities, nlp_artifacts)
        doc = nlp_artifacts.tokens if nlp_artifacts else None
        kept = []
        for result in results:
            if self._plausible(text, result, doc):
                result.end = self._capitalised_end(text, result)
                kept.append(result)
        return kept

    @staticmethod
    def _capitalised_end(text, result) -> int:
        """"Nguyen prescribed amoxicillin" is a name followed by words: keep the capitalised run only."""
        if not text[result.start].isupper():
            return result.end
        end = result.start
        for match in re.finditer(r"\S+", text[result.start:result.end]):
            if not match.group()[0].isupper():
                break
            end = result.start + match.end()
        return end

    @staticmethod
    def _plausible(text, result, doc) -> bool:
        """No digits ("G2P1") or clinical word endings ("frank hematuria", "Nebulizer", "Reoriented")."""
        words = text[result.start:result.end].lower().split()
        if all(w in NOT_NAMES for w in words):
            return False  # "Tmrw", "36 Wks", "Hi Doc"
        if result.entity_type == "LOCATION" and re.fullmatch(CREDENTIALS, text[result.start:result.end]) \
                and text[:result.start].endswith(", "):
            return False  # "Rajesh Subramaniam, MD": a credential, not Maryland
        if re.search(r"\d", text[result.start:result.end]) or any(w.endswith(NOT_NAME_ENDINGS) for w in words) \
                or len(words) == 1 and len(words[0]) > 5 and words[0].endswith(("ed", "ing")):
            return False
        if result.entity_type == "PERSON" and doc is not None and SpacyNameRecognizer._word_at_sentence_start(doc, result):
            return False
        if text[result.start].isupper():
            return True
        if result.entity_type != "PERSON" or doc is None:
            return False
        span = doc.char_span(result.start, result.end, alignment_mode="expand")
        return span is not None and span.text.lower() not in NOT_NAMES and all(t.pos_ == "PROPN" for t in span)

    @staticmethod
    def _word_at_sentence_start(doc, result) -> bool:
        span = doc.char_span(result.start, result.end, alignment_mode="expand")
        if span is None or len(span) != 1 or span[0].lower_ not in NAME_WORDS:
            return False
        i = span[0].i
        at_start = i == 0 or doc[i - 1].text in ".!?:;-\u2022" or "\n" in doc[i - 1].text_with_ws
        return at_start and i + 1 < len(doc) and doc[i + 1].pos_ in ("DET", "PART", "ADP", "NOUN", "ADJ")
