"""Turn the conversation's slots into the engine's Facts."""

from __future__ import annotations

from actions.triage import findings
from actions.triage.protocols import Facts

UNKNOWN = "unknown"
BACKGROUND_SLOTS = ("conditions", "medications")


def facts_from_slots(slots: dict, extra_text: str = "") -> Facts:
    """Facts from the intake so far, plus any text not yet stored in a slot."""
    concepts = set(slots.get("findings") or [])
    age = _number(slots.get("age"))
    complaint = slots.get("chief_complaint")
    if isinstance(complaint, str) and complaint != UNKNOWN:
        concepts |= findings.present(complaint, age)
    for name in BACKGROUND_SLOTS:
        value = slots.get(name)
        if isinstance(value, list):
            value = ", ".join(value)
        if isinstance(value, str) and value != UNKNOWN:
            concepts |= findings.background(value, age)
    if extra_text:
        concepts |= findings.present(extra_text, age)
    if slots.get("pregnant") is True:
        concepts.add("pregnancy")
    return Facts(
        concepts=frozenset(concepts),
        age=age,
        sex=slots.get("sex") if slots.get("sex") in ("male", "female", "other") else None,
        pregnant=slots.get("pregnant") if isinstance(slots.get("pregnant"), bool) else None,
        duration_hours=_number(slots.get("duration")),
        severity=_number(slots.get("severity")),
        unknown=frozenset(name for name, value in slots.items() if value == UNKNOWN),
        unsure=frozenset(slots.get("unsure_findings") or []),
    )


def _number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
