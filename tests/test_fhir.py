"""FHIR R4(B) output: valid resources from a real escalation, served to console users, delivered by POST."""

import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from sqlalchemy import select

from channels.console import users
from nursing import escalations, fhir
from nursing.db import session
from nursing.models import AuditEntry


@pytest.fixture
def escalation():
    return escalations.create(f"c-{uuid.uuid4().hex[:8]}", "urgent", "web",
                              {"level": "urgent", "reasons": ["Red, warm, spreading skin."], "advice": "Today."},
                              {"chief_complaint": "red swollen leg", "age": 55.0, "severity": 5,
                               "pregnant": False, "conditions": ["diabetes"], "medications": "unknown"}, [])


def test_questionnaire_response_and_flag_validate(escalation):
    response = QuestionnaireResponse.model_validate(json.loads(fhir.questionnaire_response(escalation).model_dump_json()))
    answers = {item.linkId: item.answer[0] for item in response.item}
    assert answers["age"].valueDecimal == 55.0 and answers["severity"].valueInteger == 5
    assert answers["conditions"].valueString == "diabetes" and answers["pregnant"].valueString == "no"
    assert response.subject.reference == f"Patient/{escalation.conversation_id}"
    flag = Flag.model_validate(fhir.flag(escalation).model_dump(mode="json"))
    assert "urgent" in flag.code.text and "spreading skin" in flag.code.text


def test_the_questionnaire_response_needs_a_console_session(client, escalation):
    assert client.get(f"/fhir/QuestionnaireResponse/{escalation.id}").status_code == 302
    name = f"fhir-{uuid.uuid4().hex[:6]}"
    users.create(name, "fhir reader password")
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/console/login").get_data(as_text=True)).group(1)
    client.post("/console/login", data={"username": name, "password": "fhir reader password", "csrf": token})
    served = client.get(f"/fhir/QuestionnaireResponse/{escalation.id}")
    assert served.status_code == 200 and served.mimetype == "application/fhir+json"
    assert served.get_json()["resourceType"] == "QuestionnaireResponse"


def test_every_fhir_read_of_an_escalation_is_audited(client, escalation):
    name = f"fhir-{uuid.uuid4().hex[:6]}"
    users.create(name, "fhir reader password")
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/console/login").get_data(as_text=True)).group(1)
    client.post("/console/login", data={"username": name, "password": "fhir reader password", "csrf": token})
    assert client.get(f"/fhir/QuestionnaireResponse/{escalation.id}").status_code == 200
    assert client.get(f"/fhir/Flag/{escalation.id}-flag").status_code == 200
    with session() as db:
        reads = list(db.execute(select(AuditEntry.action, AuditEntry.detail)
                                .where(AuditEntry.escalation_id == escalation.id, AuditEntry.actor == name)))
    assert [tuple(r) for r in reads] == [("fhir_read", "QuestionnaireResponse"), ("fhir_read", "Flag")]


def test_escalations_are_delivered_to_a_fhir_server(escalation):
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert fhir.deliver(escalation, f"http://127.0.0.1:{server.server_port}/fhir")
    finally:
        server.shutdown()
    kinds = [e["resource"]["resourceType"] for e in received[0]["entry"]]
    assert received[0]["type"] == "transaction" and kinds == ["QuestionnaireResponse", "Flag"]


def test_a_down_fhir_server_does_not_break_anything(escalation):
    assert fhir.deliver(escalation, "http://127.0.0.1:9/fhir") is False
