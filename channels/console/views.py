"""Server-rendered console pages. Every page needs a session; every form carries a CSRF token."""

from __future__ import annotations

import secrets
import time
from functools import wraps

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for

from channels import sms_sender
from channels.console import users
from channels.store import escalations, vault

bp = Blueprint("console", __name__, url_prefix="/console")
IDLE_TIMEOUT_S = 15 * 60
OUTCOMES = ("advised_self_care", "booked_appointment", "sent_to_urgent_care", "sent_to_emergency", "no_response",
            "other")


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        now = time.time()
        if "user" not in session or now - session.get("seen", 0) > IDLE_TIMEOUT_S:
            session.clear()
            return redirect(url_for("console.login", next=request.path))
        session["seen"] = now
        return view(*args, **kwargs)
    return wrapped


@bp.before_request
def check_csrf():
    sent, expected = request.form.get("csrf", ""), session.get("csrf", "")
    if request.method == "POST" and not (sent and expected and secrets.compare_digest(sent, expected)):
        abort(400, "The form expired. Please go back and try again.")


@bp.app_context_processor
def csrf_token():
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return {"csrf": session["csrf"]}


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        try:
            user = users.authenticate(request.form.get("username", ""), request.form.get("password", ""))
        except users.LockedOut:
            user, error = None, "Too many failed attempts. This account is locked for 15 minutes."
        if user:
            session.clear()
            session.update(user=user.username, role=user.role, seen=time.time(), csrf=secrets.token_urlsafe(32))
            escalations.audit(user.username, "login")
            return redirect(url_for("console.queue"))
        error = error or "Wrong username or password."
    return render_template("console/login.html", error=error), 401 if error else 200


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("console.login"))


@bp.get("/")
@login_required
def queue():
    escalations.audit(session["user"], "view_queue")
    return render_template("console/queue.html", rows=escalations.queue())


@bp.get("/escalations/<escalation_id>")
@login_required
def escalation(escalation_id: str):
    row = escalations.get(escalation_id) or abort(404)
    escalations.audit(session["user"], "view", escalation_id)
    return render_template("console/escalation.html", row=row, outcomes=OUTCOMES,
                           contact=session.pop(f"contact-{escalation_id}", None))


@bp.post("/escalations/<escalation_id>/claim")
@login_required
def claim(escalation_id: str):
    try:
        escalations.claim(escalation_id, session["user"])
    except escalations.AlreadyClaimed:
        abort(409, "Another nurse has already claimed this escalation.")
    return redirect(url_for("console.escalation", escalation_id=escalation_id))


@bp.post("/escalations/<escalation_id>/reply")
@login_required
def reply(escalation_id: str):
    row = escalations.get(escalation_id) or abort(404)
    text = request.form.get("text", "").strip()
    if not text:
        abort(400, "The reply is empty.")
    escalations.reply(escalation_id, session["user"], text)
    if row.channel == "sms":
        phone = vault.reveal(row.conversation_id, "phone")
        if phone:
            sms_sender.send(current_app.config["SETTINGS"], phone, f"A CareLine nurse replied: {text}")
    return redirect(url_for("console.escalation", escalation_id=escalation_id))


@bp.post("/escalations/<escalation_id>/close")
@login_required
def close(escalation_id: str):
    outcome = request.form.get("outcome", "")
    if outcome not in OUTCOMES:
        abort(400, "Choose an outcome.")
    escalations.close(escalation_id, session["user"], outcome)
    return redirect(url_for("console.queue"))


@bp.post("/escalations/<escalation_id>/contact")
@login_required
def contact(escalation_id: str):
    row = escalations.get(escalation_id) or abort(404)
    escalations.audit(session["user"], "show_contact", escalation_id)
    found = {kind: vault.reveal(row.conversation_id, kind) for kind in ("phone", "portal")}
    session[f"contact-{escalation_id}"] = {k: v for k, v in found.items() if v} or {"none": "no contact details"}
    return redirect(url_for("console.escalation", escalation_id=escalation_id))
