"""Names without a cue, told from the word by grammar: "jade says hi", "hope will is ok", "Faith's bp", "thanks, dawn".

Patients and carers name people in passing, often in lower case. A listed given name or surname that is no
English word ("xiaoming", "okafor", data/privacy/names.yml) is a name wherever it is. One that is also a word
("will", "rose", "grace") is a name only where a word cannot stand: as the subject of a person's verb
("Will is in triage", "ivy had a seizure", not "the mark is red"), joined to "me" or another name ("rose n
me", "daisy n summer both"), before a possessive ("Sky's nebulizer", not "Bell's palsy"), capitalised in the
middle of a sentence ("me n Hope r in the ED"), as a sign-off ("thanks, hope"), as a greeting's subject
("grace here", "its bill again") or before a relation in brackets ("autumn (my sister)"). Two names as one
subject ("dawn and rose are my carers"), a nickname in brackets ("robert (bob) jones"), a handover line
("rose hall - sacral sore") and a writer's own name after a greeting ("hi doc, precious here") count too.
"""

from __future__ import annotations

import regex as re
from presidio_analyzer import EntityRecognizer, RecognizerResult

from channels.privacy.casing import LISTED_NAMES, NOT_NAMES, RELATIVES, clinical_words, fold, known_names, vocabulary

# Verbs (and text-speak; "ca" and "wo" are spaCy's "can't" and "won't") a person does; after a name-word they
# make it the subject ("jade says", "sky r").
PERSON_VERBS = {
    "is", "was", "has", "had", "says", "said", "needs", "needed", "took", "takes", "starts", "started", "fell",
    "got", "gets", "feels", "felt", "ca", "wo", "does", "did", "r", "just", "keeps", "kept", "went", "wants",
    "wanted", "seems", "woke", "ate", "threw", "slept", "are", "were", "both", "hurt", "hit", "cried", "complains",
    "complained", "refuses", "refused", "texted", "called", "rang", "asked", "told", "thinks", "knows", "saw", "came",
    "goes", "passed", "vomited", "coughed", "finished", "stopped", "developed", "broke", "cut", "burned", "swallowed", "looks",
}
# Parts of speech after which a name-word is not a subject: it is a thing ("the mark is", "red mark is").
NOT_AFTER = {"DET", "ADJ", "NUM", "ADP"}
EPONYM_NOUNS = {"palsy", "disease", "syndrome", "sign", "test", "phenomenon", "reflex", "law", "ulcer",
                "fracture", "node", "score", "scale", "criteria", "maneuver", "manoeuvre", "triad", "tumor"}
AND = {"n", "and", "&", "+", "or"}
MONTHS = {"april", "may", "june", "august"}
PLACE_WORDS = {"ward", "unit", "house", "street", "road", "lane", "clinic", "hospital", "court", "care", "home", "centre",
               "center", "manor", "park", "gardens", "lodge", "surgery", "practice", "medical", "health", "st"}
SIGN_OFF = r"(?i)(?<![a-z])(?:thanks|thank you|thx|ta|cheers|regards|love|best|many thanks|from|xx?x?)[,.!]?\s+"
# A greeting that opens a message, to a clinician or nobody: "hi doc, ", "hello nurse - ", "hey, ".
GREETING = r"(?i)^\s*(?:(?:hi|hey|hello|morning|evening)(?:\s+(?:doc|doctor|nurse|there|all|team))?\s*[,.!-]+\s*)?"
RELATION = rf"(?i)\s*\((?:my |pt'?s |his |her )?(?:{RELATIVES}|agency|bank|carer|nurse|hca|rn|neighbour|neighbor)\b"
# A nickname in brackets or quotes in lower case: "pt robert (bob) jones", "margaret 'peggy' hall".
BRACKETED_NICKNAME = r"(?i)\b([^\W\d_]+)[ \t]+[(\"\u201c\u2018']([^\W\d_]+)[)\"\u201d\u2019'][ \t]+([^\W\d_][\w'\u2019-]*)"
# A handover line that starts with a person: "grace ng - bms 4.2", "rose hall: sacral sore".
HANDOVER = r"(?m)^[ \t]*(?:[-*\u2022][ \t]*)?([^\W\d_]+[ \t]+[^\W\d_]+)[ \t]*[-\u2013:][ \t]"
NICKNAME = r"\b([A-Z][a-z'\u2019-]+)\s+[\"\u201c\u2018']([A-Z][a-z]+)[\"\u201d\u2019']\s+([A-Z][A-Za-z'\u2019-]+)"


class NameGrammarRecognizer(EntityRecognizer):
    def __init__(self):
        super().__init__(supported_entities=["PERSON"], name="careline_name_grammar")

    def load(self) -> None:
        """Nothing to load: the name lists are read once, by casing.known_names()."""

    def analyze(self, text, entities, nlp_artifacts=None):
        doc = nlp_artifacts.tokens if nlp_artifacts else None
        results = [RecognizerResult("PERSON", m.start(), m.end(), 0.85) for m in re.finditer(NICKNAME, text)]
        results += [RecognizerResult("PERSON", m.start(), m.end(), 0.8) for m in re.finditer(BRACKETED_NICKNAME, text)
                    if fold(m.group(1).lower()) in LISTED_NAMES and fold(m.group(2).lower()) in LISTED_NAMES]
        results += [RecognizerResult("PERSON", m.start(1), m.end(1), 0.7) for m in re.finditer(HANDOVER, text)
                    if all(fold(w.lower()) in LISTED_NAMES for w in m.group(1).split())]
        if doc is None:
            return results
        names, clinical = known_names(), clinical_words()
        blocked = clinical["clinical"] | clinical["abbreviations"]
        mixed = any(c.islower() for c in text) and any(c.isupper() for c in text)
        for token in doc:
            word = fold(token.lower_)
            if word in blocked or not token.is_alpha:
                continue
            if word in names["sure"]:
                score = 0.75
            elif word in names["words"] and self._told_from_the_word(text, token, names, mixed):
                score = 0.65
            elif self._introduced(text, token):
                score = 0.6
            else:
                continue
            results.append(RecognizerResult("PERSON", token.idx, self._surname_end(token, blocked), score))
        return results

    @staticmethod
    def _surname_end(token, blocked: set[str]) -> int:
        """A listed name runs on into a following word that is no English word: "ramón íñiguez", "xiaoming zhou"."""
        end, doc = token.idx + len(token.text), token.doc
        for following in doc[token.i + 1:token.i + 3]:
            word = fold(following.lower_)
            if not following.is_alpha or word in vocabulary()["known"] or word in blocked or word in NOT_NAMES \
                    or following.idx != end + 1:
                break
            end = following.idx + len(following.text)
        return end

    @staticmethod
    def _introduced(text: str, token) -> bool:
        """A writer's own name in a greeting, a listed name or no English word: "hi doc, precious here," /
        "hey, adaora here"."""
        word = fold(token.lower_)
        if word in NOT_NAMES or word in vocabulary()["known"] and word not in known_names()["words"]:
            return False  # "hello, morning here", "hi nurse, sorry here again"
        return bool(re.search(GREETING + r"\Z", text[:token.idx])) \
            and bool(re.match(r"\s+here\b\s*(?:[,.!:;\n-]|again\b|\Z)", text[token.idx + len(token.text):]))

    @staticmethod
    def _told_from_the_word(text: str, token, names: dict, mixed: bool) -> bool:
        doc, i, word = token.doc, token.i, token.lower_
        before = doc[i - 1] if i else None
        after = doc[i + 1] if i + 1 < len(doc) else None
        after2 = doc[i + 2] if i + 2 < len(doc) else None
        start = before is None or before.text in ".!?:;-*\u2022" or "\n" in before.text_with_ws or before.is_space
        if after is not None and after.lower_ in ("'s", "\u2019s"):
            return after2 is None or after2.lower_ not in EPONYM_NOUNS  # "Faith's bp", "summer's rash", not "Bell's palsy"
        if after2 is not None and after2.lower_ in EPONYM_NOUNS or word in MONTHS:
            return False
        if mixed and token.text.istitle() and not start and not (before is not None and before.text.istitle()
                                                                   and before.lower_ not in names["words"] | names["sure"]):
            return True  # "Will is in triage" after a comma, "me n Hope", "its for Daisy Hall", "Xiaoming Li"
        if token.text.istitle() and after is not None and after.text.istitle() and after.lower_ not in PLACE_WORDS \
                and (after2 is not None and after2.text == "," or after.lower_ not in vocabulary()["known"]):
            return True  # a heading "Leo Summers, age 6", "Ivy Marsden - sacral sore", "Hope Marlowe, District Nursing"
        if re.search(SIGN_OFF + r"\Z", text[max(0, token.idx - 20):token.idx]) and \
                re.fullmatch(r"[\s.!x]*", text[token.idx + len(token.text):]):
            return True  # "thanks, dawn"
        if re.match(RELATION, text[token.idx + len(token.text):]):
            return True  # "autumn (my sister) flew in", "summer (agency) covering"
        joined = {after2.lower_ if after is not None and after.lower_ in AND and after2 is not None else "",
                  doc[i - 2].lower_ if before is not None and before.lower_ in AND and i > 1 else ""}
        names_too = names["sure"] | names["words"] - vocabulary()["adjectives"]
        if joined & {"me", "i"} or word not in vocabulary()["adjectives"] and joined & names_too:
            return True  # "rose n me", "daisy n summer", "Jack n sky", "me n Hope"; not "black and white"
        adjectives = vocabulary()["adjectives"]
        if word in adjectives and joined & adjectives:
            return False  # "black and white are the options", "red and white"
        if after is not None and after.lower_ in AND and after2 is not None and after2.lower_ in names["words"] \
                and i + 3 < len(doc) and doc[i + 3].lower_ in PERSON_VERBS:
            return True  # "dawn and rose are my carers": two names as the subject of a person's verb
        if before is not None and (before.pos_ in NOT_AFTER or before.tag_ == "PRP$" or before.lower_ in ("to", "of")):
            return False
        if after is not None and after.lower_ == "here" and (start or before.lower_ in ("hi", "hey", "its", "it's")):
            return True  # "grace here, mums in st marys"
        if before is not None and before.lower_ in ("its", "it's", "im", "i'm") or \
                before is not None and before.lower_ == "'s" and i > 1 and doc[i - 2].lower_ == "it":
            return after is None or after.is_punct or after.lower_ in ("again", "here", "from", "x")
        if after is not None and after.lower_ == "still":  # "does jade still need to fast", not "will still hurt"
            return before is not None and before.pos_ == "AUX" and before.lower_ != "will"
        return after is not None and after.lower_ in PERSON_VERBS
