"""The admin-only accounts page: list accounts, create one, reset an account's sign-in throttling. All audited."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from channels.console import auth, users
from channels.console.access import admin_required
from nursing.escalations import audit

bp = Blueprint("console_admin", __name__, url_prefix="/console/admin")
bp.before_request(auth.check_csrf)
bp.context_processor(auth.csrf_token)


@bp.get("/")
@admin_required
def accounts():
    audit(current_user.username, "view_accounts")
    return _page()


@bp.post("/accounts")
@admin_required
def create():
    username, role = request.form.get("username", "").strip(), request.form.get("role", "")
    try:
        users.create(username, request.form.get("password", ""), role, replace=False)
    except ValueError as err:
        return _page(error=str(err)), 400
    audit(current_user.username, "create_account", detail=f"{username} ({role})")
    return redirect(url_for("console_admin.accounts"))


@bp.post("/accounts/<username>/reset-throttling")
@admin_required
def reset_throttling(username: str):
    users.reset_throttling(username)
    audit(current_user.username, "reset_sign_in_throttling", detail=username)
    return redirect(url_for("console_admin.accounts"))


def _page(error: str | None = None) -> str:
    return render_template("console/admin.html", accounts=users.accounts(current_app.config["SETTINGS"]),
                           roles=users.ROLES, error=error)
