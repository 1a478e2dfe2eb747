"""What kind of question is asked (treatment, symptoms, how it spreads ...) and which sections answer it.

A right document can still show the wrong passage: "is shingles contagious?" found Shingles and
quoted its prevalence. MedQuAD labels each of its questions with a type (`qtype`), so a classifier
trained on them (scripts/train_qtype.py) tells the retriever which sections to prefer within a
document. Types MedQuAD lacks (how a disease spreads) are recognised by cue words from
data/knowledge/question_types.yml, which also maps each type to the section types that answer it.
"""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import numpy as np
import yaml

from knowledge.settings import ROOT, KnowledgeSettings

CONFIG = ROOT / "data" / "knowledge" / "question_types.yml"


def config() -> dict:
    return yaml.safe_load(CONFIG.read_text())


def labelled_questions(corpus_dir: Path) -> Iterator[dict]:
    """MedQuAD's answered questions with their type, citation id and focus."""
    for path in sorted(corpus_dir.rglob("*.xml")):
        root = ET.parse(path).getroot()
        if root.tag != "Document":
            continue
        focus = (root.findtext("Focus") or "").strip()
        for pair in root.iter("QAPair"):
            question = pair.find("Question")
            if question is None or not (pair.findtext("Answer") or "").strip() or not question.get("qtype"):
                continue
            yield {"citation": f"{root.get('source')}_{root.get('id')}_Sec{pair.get('pid')}",
                   "question": " ".join((question.text or "").split()), "qtype": question.get("qtype"),
                   "focus": focus}


def section_types(settings: KnowledgeSettings) -> dict[str, str]:
    """Citation id -> MedQuAD qtype of the default corpus, cached beside the model (parsing takes seconds).

    Written at set-up by scripts/train_qtype.py, so a fresh data folder (each test stack) never parses.
    """
    tag = hashlib.sha1(str(settings.corpus_dir.resolve()).encode()).hexdigest()[:10]
    files = sum(1 for _ in settings.corpus_dir.rglob("*.xml"))
    cache = settings.qtype_model.parent / f"section-types-{tag}-{files}.json"
    if cache.exists():
        return json.loads(cache.read_text())
    types = {q["citation"]: q["qtype"] for q in labelled_questions(settings.corpus_dir)}
    if types:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(types))
    return types


class QuestionTypes:
    """The trained classifier plus the cue words and related-type map; `bonus` overrides the YAML weight."""

    def __init__(self, settings: KnowledgeSettings | None = None, bonus: float | None = None):
        self.settings = settings or KnowledgeSettings()
        self.config = config()
        self.bonus = self.config["bonus"] if bonus is None else bonus

    @cached_property
    def model(self) -> dict | None:
        path = self.settings.qtype_model
        return json.loads(path.read_text()) if path.exists() else None

    @cached_property
    def sections(self) -> dict[str, str]:
        return section_types(self.settings)

    def probabilities(self, question: str, vector: list[float]) -> dict[str, float]:
        """The question's type distribution: a cue word decides outright, else the classifier (none untrained)."""
        lowered = question.lower()
        for kind, cues in self.config["cues"].items():
            if any(re.search(rf"\b{re.escape(cue)}\b", lowered) for cue in cues):
                return {kind: 1.0}
        if self.model is None:
            return {}
        logits = np.asarray(self.model["coef"]) @ np.asarray(vector) + np.asarray(self.model["intercept"])
        chances = np.exp(logits - logits.max())
        return dict(zip(self.model["classes"], (chances / chances.sum()).tolist()))

    def label(self, question: str, vector: list[float]) -> str:
        chances = self.probabilities(question, vector)
        return max(chances, key=chances.get) if chances else ""

    def section_bonus(self, chances: dict[str, float], citation: str, text: str) -> float:
        """The share of the question's type probability that this passage answers, times the weight."""
        if not self.bonus:
            return 0.0
        return self.bonus * sum(p for t, p in chances.items() if self.answers(t, citation, text))

    def answers(self, asked: str, citation: str, text: str) -> bool:
        """A passage answers a type MedQuAD has no label for (how it spreads) when it uses one of the
        words that answer it ("contagious"); any other type, when its section is of a type that answers it."""
        words = self.config["answered_by_words"].get(asked)
        if words:
            return any(re.search(rf"\b{re.escape(word)}\b", text.lower()) for word in words)
        kind = self.sections.get(citation)
        return bool(kind) and kind in self.config["related"].get(asked, [asked])

    def unanswered(self, chances: dict[str, float], citation: str, text: str) -> str | None:
        """The type the question surely asks when this passage does not answer it, else None.

        Only a confident classifier says "not answered": a wrong guess must not hide a good passage.
        Passages of documents without MedQuAD types (local leaflets) answer whatever they are asked.
        """
        asked = max(chances, key=chances.get) if chances else ""
        if not asked or (citation not in self.sections and asked not in self.config["answered_by_words"]):
            return None
        if chances[asked] < self.config["confident"] or asked in self.config["any_section"]:
            return None
        return None if self.answers(asked, citation, text) else asked
