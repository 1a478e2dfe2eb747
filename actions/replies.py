"""Patient-facing wording built from triage results (the words live in data/)."""

from __future__ import annotations

from actions.triage.engine import Triage
from actions.triage.protocols import load_levels

NEXT_STEPS = [
    {"title": "Ask a question", "payload": "/ask_question"},
    {"title": "Talk to a nurse", "payload": "/request_nurse"},
    {"title": "Start over", "payload": "/start_over"},
]
# After a question answered before any symptom check: offer one (issue 11, item 4).
SYMPTOM_CHECK = [
    {"title": "Check my symptoms", "payload": "/check_symptoms"},
    {"title": "Ask another question", "payload": "/ask_question"},
    {"title": "Talk to a nurse", "payload": "/request_nurse"},
]


def triage_text(triage: Triage) -> str:
    title = load_levels()[triage.level]["title"]
    reasons = "\n".join(f"- {reason}" for reason in triage.reasons)
    lead = "This may be an emergency." if triage.level == "emergency" else f"My advice: {title}."
    text = f"{lead} {triage.advice}\n\nWhy:\n{reasons}"
    if triage.nurse_suggested:
        text += "\n\nBecause some answers were uncertain, a nurse can go over this with you."
    return text + "\n\nI can't diagnose, but a nurse can talk this through with you at any time."
