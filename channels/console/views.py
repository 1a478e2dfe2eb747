"""Server-rendered console pages. Every page needs a session; every form carries a CSRF token."""

from __future__ import annotations

import requests
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from twilio.base.exceptions import TwilioException

from channels import metrics
from channels.console import auth, users
from channels.console.access import login_required
from channels.errors import ApiError, error_response
from nursing import escalations, images, sms, vault

bp = Blueprint("console", __name__, url_prefix="/console")
bp.record_once(lambda state: auth.login_manager.init_app(state.app))
bp.before_request(auth.check_csrf)
bp.context_processor(auth.csrf_token)
SIGN_IN_FAILED = "Sign-in failed. Check your username and password; after several failures, wait a minute first."
OUTCOMES = ("advised_self_care", "booked_appointment", "sent_to_urgent_care", "sent_to_emergency", "no_response",
            "other")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("console/login.html")
    user = users.authenticate(request.form.get("username", ""), request.form.get("password", ""),
                              request.remote_addr or "", current_app.config["SETTINGS"])
    if not user:
        return render_template("console/login.html", error=SIGN_IN_FAILED), 401
    auth.sign_in(user)
    escalations.audit(user.username, "login")
    return redirect(url_for("console.queue"))


@bp.post("/logout")
@login_required
def logout():
    escalations.audit(current_user.username, "logout")
    auth.sign_out()
    return redirect(url_for("console.login"))


@bp.get("/")
@login_required
def queue():
    escalations.audit(current_user.username, "view_queue")
    return render_template("console/queue.html", rows=escalations.queue(),
                           waiting=escalations.queue(escalations.WAITING_FOR_THE_PATIENT))


@bp.get("/escalations/<escalation_id>")
@login_required
def escalation(escalation_id: str):
    row = escalations.get(escalation_id) or abort(404)
    escalations.audit(current_user.username, "view", escalation_id)
    return render_template("console/escalation.html", row=row, outcomes=OUTCOMES,
                           images=images.for_escalation(escalation_id))


@bp.get("/escalations/<escalation_id>/images/<image_id>")
@login_required
def image(escalation_id: str, image_id: str):
    """A patient's picture, decrypted for a signed-in nurse only, and audited like the contact reveal."""
    found = images.get(image_id)
    if found is None or found.escalation_id != escalation_id:
        abort(404)
    escalations.audit(current_user.username, "show_image", escalation_id, image_id)
    return Response(images.load(image_id), mimetype="image/png",
                    headers={"Cache-Control": "no-store", "Content-Disposition": "inline"})


@bp.post("/escalations/<escalation_id>/claim")
@login_required
def claim(escalation_id: str):
    escalations.claim(escalation_id, current_user.username)
    row = escalations.get(escalation_id)
    if row is not None:
        metrics.observe_claim(row.priority, row.created_at)
    return redirect(url_for("console.escalation", escalation_id=escalation_id))


@bp.post("/escalations/<escalation_id>/take-over")
@login_required
def take_over(escalation_id: str):
    escalations.take_over(escalation_id, current_user.username, current_user.role)
    return redirect(url_for("console.escalation", escalation_id=escalation_id))


@bp.post("/escalations/<escalation_id>/reopen")
@login_required
def reopen(escalation_id: str):
    escalations.reopen(escalation_id, current_user.username)
    return redirect(url_for("console.escalation", escalation_id=escalation_id))


@bp.app_template_global()
def may(row, action: str) -> bool:
    return action in escalations.allowed(row, current_user.username, current_user.role)


@bp.errorhandler(escalations.NotAllowed)
def not_allowed(err: escalations.NotAllowed):
    """The workflow's refusals (reply without a claim, after close, by another nurse) in our error shape."""
    return error_response(err.status, "not_allowed", err.message)


@bp.post("/escalations/<escalation_id>/reply")
@login_required
def reply(escalation_id: str):
    row = escalations.get(escalation_id) or abort(404)
    text = request.form.get("text", "").strip()
    if not text:
        abort(400, "The reply is empty.")
    if row.channel == "sms" and may(row, "reply"):
        _text_the_patient(row, text)
    escalations.reply(escalation_id, current_user.username, text)
    return redirect(url_for("console.escalation", escalation_id=escalation_id))


def _text_the_patient(row, text: str) -> None:
    """Sent before the reply is recorded: a reply marked answered but never sent would leave the queue unseen."""
    phone = vault.reveal(row.conversation_id, "phone")
    if not phone:
        return
    try:
        sms.send(current_app.config["SETTINGS"].nursing, phone, f"A CareLine nurse replied: {text}")
    except (TwilioException, requests.RequestException) as err:
        raise ApiError(502, "sms_not_sent", "The text message could not be sent, so the reply was not saved and "
                                            "the escalation is still yours. Try again, or phone the patient.") from err


@bp.post("/escalations/<escalation_id>/close")
@login_required
def close(escalation_id: str):
    outcome = request.form.get("outcome", "")
    if outcome not in OUTCOMES:
        abort(400, "Choose an outcome.")
    escalations.close(escalation_id, current_user.username, outcome)
    return redirect(url_for("console.queue"))


@bp.post("/escalations/<escalation_id>/contact")
@login_required
def contact(escalation_id: str):
    row = escalations.get(escalation_id) or abort(404)
    escalations.audit(current_user.username, "show_contact", escalation_id)
    found = {kind: vault.reveal(row.conversation_id, kind) for kind in ("phone", "portal")}
    contact = {k: v for k, v in found.items() if v} or {"none": "no contact details"}
    # Rendered once, never stored: a phone number must not ride in a cookie or a URL.
    return render_template("console/escalation.html", row=row, outcomes=OUTCOMES, contact=contact,
                           images=images.for_escalation(escalation_id))
