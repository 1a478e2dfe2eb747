"""Who is signed in to the console (Flask-Login over `sessions`) and CSRF on every form (page guards: access.py)."""

from __future__ import annotations

import secrets

from flask import abort, current_app, request, session
from flask_login import LoginManager, current_user, login_user, logout_user

from channels.console import sessions
from nursing.models import User

# The queue's auto-refresh sends this header: such requests are not activity and do not renew a session.
BACKGROUND_HEADER = "X-CareLine-Background"

login_manager = LoginManager()
login_manager.login_view = "console.login"
login_manager.login_message = None
login_manager.session_protection = None  # the server-side session is the protection; the cookie holds its id only


@login_manager.user_loader
def load_user(session_id: str) -> sessions.Nurse | None:
    background = request.headers.get(BACKGROUND_HEADER) == "refresh"
    return sessions.load(session_id, current_app.config["SETTINGS"].console_idle_timeout_s, activity=not background)


def sign_in(user: User) -> None:
    """A fresh session and CSRF token, so nothing from before sign-in carries over (session fixation)."""
    session.clear()
    login_user(sessions.start(user, current_app.config["SETTINGS"].console_idle_timeout_s))
    session["csrf"] = secrets.token_urlsafe(32)


def sign_out() -> None:
    sessions.end(current_user.session_id)
    logout_user()
    session.clear()


def check_csrf() -> None:
    sent, expected = request.form.get("csrf", ""), session.get("csrf", "")
    if request.method == "POST" and not (sent and expected and secrets.compare_digest(sent, expected)):
        abort(400, "The form expired. Please go back and try again.")


def csrf_token() -> dict:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return {"csrf": session["csrf"]}
