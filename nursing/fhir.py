"""FHIR output (R4B, the R4-compatible release that fhir.resources ships): our intake Questionnaire,
a QuestionnaireResponse per escalation, and a Flag carrying the escalation's priority and reasons.

Values are the scrubbed intake answers; the subject is the opaque patient id. The action server POSTs them to
FHIR_SERVER_URL (deliver); the gateway serves them to signed-in staff (channels/fhir.py).
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

import requests
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

log = logging.getLogger(__name__)
QUESTIONNAIRE_URL = "https://careline.example/fhir/Questionnaire/careline-intake"
ITEMS = [("chief_complaint", "What is the main problem today?", "string"), ("age", "Age in years", "decimal"),
         ("sex", "Sex assigned at birth", "string"), ("pregnant", "Could they be pregnant?", "string"),
         ("duration", "How long (hours)", "decimal"), ("severity", "Severity 0-10", "integer"),
         ("conditions", "Long-term conditions", "string"), ("medications", "Regular medicines", "string"),
         ("allergies", "Allergies", "string")]


def questionnaire() -> Questionnaire:
    return Questionnaire(id="careline-intake", url=QUESTIONNAIRE_URL, status="active", name="CareLineIntake",
                         title="CareLine intake",
                         item=[{"linkId": link, "text": text, "type": kind} for link, text, kind in ITEMS])


def questionnaire_response(row) -> QuestionnaireResponse:
    items = []
    for link, text, kind in ITEMS:
        value = row.slots.get(link)
        if value is None:
            continue
        items.append({"linkId": link, "text": text, "answer": [_answer(value, kind)]})
    return QuestionnaireResponse(id=fhir_id(row.id), questionnaire=QUESTIONNAIRE_URL, status="completed",
                                 subject={"reference": f"Patient/{fhir_id(row.conversation_id)}"},
                                 authored=_utc(row.created_at), item=items)


def flag(row) -> Flag:
    reasons = "; ".join((row.triage or {}).get("reasons", []))
    return Flag(id=f"{fhir_id(row.id)}-flag", status="active" if row.status != "closed" else "inactive",
                code={"text": f"CareLine {row.priority} escalation. {reasons}".strip()},
                subject={"reference": f"Patient/{fhir_id(row.conversation_id)}"})


def fhir_id(value: str) -> str:
    """FHIR ids allow letters, digits, '-' and '.' only."""
    return re.sub(r"[^A-Za-z0-9.-]", "-", value)[:64]


def _utc(moment: datetime) -> str:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _answer(value, kind: str) -> dict:
    if value == "unknown" or isinstance(value, (list, bool)) or kind == "string":
        text = ", ".join(value) if isinstance(value, list) else ("yes" if value is True else
                                                                 "no" if value is False else str(value))
        return {"valueString": text or "none"}
    return {"valueInteger": int(value)} if kind == "integer" else {"valueDecimal": float(value)}


def deliver(row, server_url: str) -> bool:
    """POST the QuestionnaireResponse and the Flag to a FHIR server as a transaction bundle."""
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"resource": questionnaire_response(row).model_dump(mode="json"),
         "request": {"method": "PUT", "url": f"QuestionnaireResponse/{row.id}"}},
        {"resource": flag(row).model_dump(mode="json"), "request": {"method": "PUT", "url": f"Flag/{row.id}-flag"}}]}
    try:
        requests.post(server_url, json=bundle, headers={"Content-Type": "application/fhir+json"},
                      timeout=10).raise_for_status()
        return True
    except requests.RequestException:
        log.warning("FHIR delivery failed for %s", row.id)
        return False

