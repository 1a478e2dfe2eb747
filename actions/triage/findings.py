"""Text -> findings: exact phrases, measured vital signs and meaning, then ConText.

This is the one door from a patient's words to the engine's concepts.
A concept both affirmed and denied in one message counts as present: when
in doubt we keep the finding that could raise the level.
"""

from __future__ import annotations

import re
from functools import lru_cache

from actions.triage import context, semantic, vitals
from actions.triage.lexicon import Mention, by_name, normalise, phrase_mentions

# An answer about one's conditions or medicines that says something is happening now is read as a symptom too.
HAPPENING_NOW = re.compile(r"\b(?:now|right now|today|tonight|currently|at the moment|this (?:morning|afternoon|evening)"
                           r"|just (?:started|now|had)|started|keeps?|can't|cannot|since (?:this|last|yesterday))\b")


@lru_cache(maxsize=2048)
def extract(text: str, age: float | None = None) -> dict[str, bool]:
    """{concept: present} for every concept mentioned; False means denied, past, hypothetical or a relative's.
    The age (when known) sets the normal range of a child's vital signs."""
    text = normalise(text)
    mentions = exact_mentions(text, age)
    exact = {m.concept for m in mentions}
    mentions += [m for m in semantic.mentions(text) if m.concept not in exact]
    found = context.assert_mentions(text, mentions)
    if any(found.get(c) is False for c in context.crisis_concepts()) and not any(
            found.get(c) for c in context.crisis_concepts()):
        found[context.crisis_denied_finding()] = True
    crisis = [m for m in mentions if m.concept in context.crisis_concepts()]
    if any(found.get(c) for c in context.crisis_concepts()) and context.passive_thoughts_without_plan(text, crisis):
        found.update(dict.fromkeys(context.crisis_concepts() & found.keys(), False))
        found[context.plan_denied_finding()] = True
    return found


def exact_mentions(text: str, age: float | None = None) -> list[Mention]:
    """The fast, precise first pass on normalised text: phrases and vital-sign readings."""
    readings = vitals.findings(text, age)
    return phrase_mentions(text) + [Mention(name, s, e, "vital") for name, (s, e) in readings.items()]


def present(text: str, age: float | None = None) -> set[str]:
    return {name for name, is_present in extract(text, age).items() if is_present}


def background(text: str, age: float | None = None) -> set[str]:
    """What an answer to "any conditions?" or "any medicines?" tells: the patient's background. A symptom's
    name there ("stroke", "EpiPen", "migraine") is history, not a finding today, unless the answer says it is
    happening now; the red-flag check of the same message reads it the same way."""
    found = present(text, age)
    if HAPPENING_NOW.search(normalise(text)):
        return found
    concepts = by_name()
    return {name for name in found if name in concepts and concepts[name].background}
