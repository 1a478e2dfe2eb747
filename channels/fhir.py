"""FHIR reads for signed-in staff: the intake Questionnaire, and an escalation's QuestionnaireResponse and Flag
(built by nursing.fhir); every read of an escalation audited."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify
from flask_login import current_user

from channels.console.access import login_required
from nursing import escalations
from nursing.fhir import flag, questionnaire, questionnaire_response

bp = Blueprint("fhir", __name__, url_prefix="/fhir")

@bp.get("/Questionnaire/careline-intake")
def get_questionnaire():
    return current_app.response_class(questionnaire().model_dump_json(), mimetype="application/fhir+json")


@bp.get("/QuestionnaireResponse/<escalation_id>")
@login_required
def get_questionnaire_response(escalation_id: str):
    row = escalations.get(escalation_id) or abort(404)
    escalations.audit(current_user.username, "fhir_read", escalation_id, "QuestionnaireResponse")
    return current_app.response_class(questionnaire_response(row).model_dump_json(), mimetype="application/fhir+json")


@bp.get("/Flag/<escalation_id>-flag")
@login_required
def get_flag(escalation_id: str):
    row = escalations.get(escalation_id) or abort(404)
    escalations.audit(current_user.username, "fhir_read", escalation_id, "Flag")
    return jsonify(flag(row).model_dump(mode="json"))
