"""Questions CareLine must not answer from documents: a diagnosis, or a change to a dose."""

from __future__ import annotations

import re

DIAGNOSIS = re.compile(
    r"\b(do i have|have i got|does (?:he|she|my \w+) have|is (?:it|this|that) (?:cancer|a tumou?r|serious|"
    r"an infection|a stroke|a heart attack)|what(?:'s| is) wrong with me|what do i have|diagnose|diagnosis for me|"
    r"could (?:it|this) be|am i (?:sick|dying|pregnant)|what disease do i)\b")
DOSE_CHANGE = re.compile(
    r"\b(stop taking|quit taking|skip (?:a |my )?dose|double (?:my|the|a) dose|increase (?:my|the) dose|"
    r"decrease (?:my|the) dose|lower (?:my|the) dose|raise (?:my|the) dose|change (?:my|the) dose|"
    r"take (?:more|less|extra|double)|how (?:much|many) (?:\w+ )?(?:should|can) i take|"
    r"(?:come|get|go) off (?:my|the) \w+|switch (?:my|from) \w+)\b")

REASONS = {
    "diagnosis": "I can't tell you whether you have a condition: that needs a clinician who can examine you.",
    "dose": "I can't advise on starting, stopping or changing a dose: that depends on your health and other "
            "medicines, so please ask your prescriber or pharmacist.",
    "preparing": "My health library is still being prepared, so I can't answer from it yet; please ask again in a "
                 "few minutes.",
}


def refusal(question: str) -> str | None:
    """The kind of question we refuse ("diagnosis" or "dose"), or None."""
    text = question.lower().replace("\u2019", "'")
    if DOSE_CHANGE.search(text):
        return "dose"
    if DIAGNOSIS.search(text):
        return "diagnosis"
    return None
