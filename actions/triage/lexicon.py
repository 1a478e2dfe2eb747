"""Consumer wording -> clinical concepts, with negation.

Patients say "my chest feels tight", not "chest pain". The lexicon
(data/triage/lexicon.yml) maps such phrases to concepts; a NegEx-style
window keeps "no fever" and "not short of breath" from counting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from actions.settings import TRIAGE_DIR

NEGATION_CUES = re.compile(
    r"\b(no|not|never|without|denies|deny|none|neither|nor|"
    r"(do|does|did|is|are|was|were|have|has|had|ca|could|would)n't|"
    r"(do|does|did|is|are|was|were|have|has|had) not|free of)\b"
)
CLAUSE_BREAK = re.compile(r"[.,;:!?\n]|\bbut\b|\bhowever\b|\bexcept\b|\bthough\b|\bafter\b|\bbefore\b|\bsince\b"
                          r"|\bbecause\b|\bwhen\b|\bwhile\b"
                          r"|\band (?=(?:i|i'm|im|my|he|she|his|her|it|it's|they|their|the|now|then)\b)")
NEGATION_WINDOW_WORDS = 5
# Said at all, these are taken seriously: "I don't want to kill myself" still gets the crisis line.
NEVER_NEGATED = {"suicidal", "homicidal"}
# "can't stop thinking about it" affirms, it does not negate.
PSEUDO_NEGATION = re.compile(r"\b(?:can't|cannot|won't|couldn't|didn't|doesn't) (?:stop|help|get rid of|shake)\b|"
                             r"\bnot (?:sure|only|just|certain)\b|\bno (?:doubt|idea|better|change)\b")
MISSING_APOSTROPHE = re.compile(
    r"\b(can|won|don|doesn|isn|aren|wasn|weren|didn|haven|hasn|hadn|couldn|wouldn|shouldn)(t)\b|\b(i)(m)\b")


@dataclass(frozen=True)
class Concept:
    name: str
    label: str
    pattern: re.Pattern


def normalise(text: str) -> str:
    """Lower-case and straighten quotes so one pattern covers phone keyboards."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"\bcan ?not\b", "can't", text)
    text = MISSING_APOSTROPHE.sub(lambda m: "'".join(g for g in m.groups() if g), text)
    return re.sub(r"\s+", " ", text)


@lru_cache(maxsize=4)
def load_concepts(folder: Path | None = None) -> tuple[Concept, ...]:
    """Every concept in data/triage/concepts/, one file per family of findings."""
    folder = folder or TRIAGE_DIR / "concepts"
    macros = yaml.safe_load((folder / "macros.yml").read_text())
    concepts = []
    for name, spec in _concept_specs(folder).items():
        alternatives = "|".join(f"(?:{_expand(p, macros)})" for p in spec["phrases"])
        pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w])")
        concepts.append(Concept(name, spec.get("label", name.replace("_", " ")), pattern))
    return tuple(concepts)


def _concept_specs(folder: Path) -> dict[str, dict]:
    specs: dict[str, dict] = {}
    for path in sorted(folder.glob("*.yml")):
        if path.name != "macros.yml":
            specs.update(yaml.safe_load(path.read_text()))
    return specs


def _expand(phrase: str, macros: dict[str, str]) -> str:
    for key, value in macros.items():
        phrase = phrase.replace("{" + key + "}", f"(?:{value})")
    return phrase


def _negated(text: str, start: int) -> bool:
    clause_start = 0
    for brk in CLAUSE_BREAK.finditer(text, 0, start):
        clause_start = brk.end()
    window = " ".join(text[clause_start:start].split()[-NEGATION_WINDOW_WORDS:])
    return bool(NEGATION_CUES.search(PSEUDO_NEGATION.sub(" ", window)))


def extract(text: str) -> dict[str, bool]:
    """Return {concept: present} for every concept mentioned; False means negated.

    A concept both affirmed and negated in one text counts as present:
    when in doubt we keep the finding that could raise the level.
    """
    text = normalise(text)
    found: dict[str, bool] = {}
    for concept in load_concepts():
        for match in concept.pattern.finditer(text):
            present = concept.name in NEVER_NEGATED or not _negated(text, match.start())
            found[concept.name] = found.get(concept.name, False) or present
    return found


def present(text: str) -> set[str]:
    return {name for name, is_present in extract(text).items() if is_present}
