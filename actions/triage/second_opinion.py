"""A learned second opinion on the level, from the whole narrative; it can only make triage safer.

The rules see findings; the second opinion reads the message as a whole, so
it may notice an emergency described in words no concept knows. It never
decides a level by itself: it makes CareLine ask more and bring in a nurse.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import yaml

from actions.settings import SECOND_OPINION_MODEL, TRIAGE_DIR
from actions.triage import semantic
from actions.triage.engine import Triage
from actions.triage.protocols import load_levels, rank

log = logging.getLogger(__name__)
EMBEDDING_TOKENS = 128


@dataclass(frozen=True)
class Opinion:
    level: str
    probabilities: dict[str, float]

    def sure_of_emergency(self) -> bool:
        return self.probabilities.get("emergency", 0.0) >= settings()["raise_to_emergency_probability"]

    def worried_about(self, rules_level: str) -> bool:
        """True when this opinion is markedly more serious than the rules' level."""
        return rules_level != "emergency" and \
            self.probabilities.get("emergency", 0.0) >= settings()["emergency_probability"]


@lru_cache(maxsize=1)
def settings() -> dict:
    return yaml.safe_load((TRIAGE_DIR / "second_opinion.yml").read_text())


@lru_cache(maxsize=1)
def _model() -> dict | None:
    if not SECOND_OPINION_MODEL.exists():
        log.warning("no second-opinion model at %s: run `make setup`", SECOND_OPINION_MODEL)
        return None
    return json.loads(SECOND_OPINION_MODEL.read_text())


def embed(narratives: list[str]) -> np.ndarray:
    return semantic.embed(narratives, max_tokens=EMBEDDING_TOKENS)


def probabilities(model: dict, vectors: np.ndarray) -> np.ndarray:
    logits = vectors @ np.asarray(model["coef"]).T + np.asarray(model["intercept"])
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


@lru_cache(maxsize=512)
def opinion(narrative: str) -> Opinion | None:
    model = _model()
    if model is None or not narrative.strip():
        return None
    row = probabilities(model, embed([narrative]))[0]
    chances = {level: float(p) for level, p in zip(model["classes"], row)}
    return Opinion(max(chances, key=chances.get), chances)


def reconcile(result: Triage, narrative: str) -> tuple[Triage, Opinion | None]:
    """Never silently keep a lower level: raise to at least urgent (emergency when the second opinion is sure
    of it) and bring in a nurse.

    Returns the disagreeing opinion (None when the two agree), so the hand-off can show both.
    """
    second = opinion(narrative)
    if second is None or not second.worried_about(result.level):
        return result, None
    level = "emergency" if second.sure_of_emergency() else max(result.level, "urgent", key=rank)
    rules_title = load_levels()[result.level]["title"].lower()
    reason = (f"Our rules said \"{rules_title}\", but a second check that reads your whole message found it "
              f"too close to {'emergencies' if level == 'emergency' else 'more serious cases'} we know, "
              "so please act on this level; a nurse will review it.")
    advice = result.advice if level == result.level else load_levels()[level]["advice"]
    return replace(result, level=level, reasons=result.reasons + (reason,), advice=advice), second
