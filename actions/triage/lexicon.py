"""Consumer wording -> clinical concepts: the exact first pass.

Patients say "my chest feels tight", not "chest pain". Each concept in
data/triage/concepts/ lists regular-expression phrases (fast and precise),
example descriptions for the semantic pass, and ordinary sentences that must
not fire it. Whether a mention is denied, past or hypothetical is decided
later, by ConText (actions/triage/context.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from actions.settings import TRIAGE_DIR

MISSING_APOSTROPHE = re.compile(
    r"\b(can|won|don|doesn|isn|aren|wasn|weren|didn|haven|hasn|hadn|couldn|wouldn|shouldn)(t)\b|\b(i)(m)\b")
BACKGROUND_FILE = "history.yml"


@dataclass(frozen=True)
class Concept:
    name: str
    label: str
    pattern: re.Pattern
    examples: tuple[str, ...] = ()
    not_examples: tuple[str, ...] = ()
    background: bool = False  # a condition or medicine: "had a heart attack in 2015" still counts


@dataclass(frozen=True)
class Mention:
    concept: str
    start: int
    end: int
    how: str  # "phrase", "vital" or "semantic"


@lru_cache(maxsize=1)
def _spelling() -> tuple[re.Pattern, dict[str, str]]:
    words = yaml.safe_load((TRIAGE_DIR / "spelling.yml").read_text())["spelling"]
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w'/-])(?:{alternatives})(?![\w'/-])"), words


def normalise(text: str) -> str:
    """Lower-case, straighten quotes and spell out texting shorthand, so one pattern covers phone keyboards."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    pattern, words = _spelling()
    text = pattern.sub(lambda m: words[m.group(0)], text)
    text = re.sub(r"\bcan ?not\b", "can't", text)
    text = MISSING_APOSTROPHE.sub(lambda m: "'".join(g for g in m.groups() if g), text)
    return re.sub(r"\s+", " ", text)


@lru_cache(maxsize=4)
def load_concepts(folder: Path | None = None) -> tuple[Concept, ...]:
    """Every concept in data/triage/concepts/, one file per family of findings."""
    folder = folder or TRIAGE_DIR / "concepts"
    macros = yaml.safe_load((folder / "macros.yml").read_text())
    concepts = []
    for path in sorted(folder.glob("*.yml")):
        if path.name == "macros.yml":
            continue
        for name, spec in yaml.safe_load(path.read_text()).items():
            alternatives = "|".join(f"(?:{_expand(p, macros)})" for p in spec["phrases"])
            concepts.append(Concept(
                name, spec.get("label", name.replace("_", " ")), re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w])"),
                tuple(spec.get("examples", ())), tuple(spec.get("not", ())), path.name == BACKGROUND_FILE))
    return tuple(concepts)


@lru_cache(maxsize=1)
def by_name() -> dict[str, Concept]:
    return {c.name: c for c in load_concepts()}


def _expand(phrase: str, macros: dict[str, str]) -> str:
    for key, value in macros.items():
        phrase = phrase.replace("{" + key + "}", f"(?:{value})")
    return phrase


def phrase_mentions(text: str) -> list[Mention]:
    """Every phrase match in normalised text."""
    return [Mention(concept.name, match.start(), match.end(), "phrase")
            for concept in load_concepts() for match in concept.pattern.finditer(text)]
