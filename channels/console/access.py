"""Guards for staff pages (the console and the FHIR reads): a signed-in console user, or an admin.

A module of its own, so a staff Blueprint needs no console views to protect its routes.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

__all__ = ["admin_required", "login_required"]


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403, "This page is for console administrators.")
        return view(*args, **kwargs)
    return wrapped
