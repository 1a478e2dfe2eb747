"""The web chat page, the embeddable widget and its demo host page, with a strict CSP."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, send_from_directory

from channels import portal

bp = Blueprint("webchat", __name__)


def _csp(frame_ancestors: str) -> str:
    return ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            f"connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; "
            f"frame-ancestors {frame_ancestors}")


@bp.get("/chat")
def chat():
    settings = current_app.config["SETTINGS"]
    conversation_id = conversation_token = None
    launch = request.args.get("launch")
    if launch is not None:
        try:
            conversation_id, conversation_token = portal.launch(launch, settings)
        except portal.LaunchRejected:
            return render_template("launch_failed.html"), 401, {"Content-Security-Policy": _csp("'none'")}
    page = render_template("chat.html", title=settings.chat_title, embedded=request.args.get("embed") == "1",
                           conversation_id=conversation_id, conversation_token=conversation_token)
    return page, 200, {"Content-Security-Policy": _csp(settings.allowed_embed_origins),
                       "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                       "Cache-Control": "no-store"}


@bp.get("/widget.js")
def widget():
    response = send_from_directory(current_app.static_folder, "widget.js", mimetype="application/javascript")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.before_request
def demo_pages_are_development_only():
    """Demo pages sign made-up launch tokens and host the widget anywhere: production serves none of them."""
    if request.path.startswith("/demo/") and current_app.config["SETTINGS"].production:
        abort(404)


@bp.get("/demo/embed")
def demo_embed():
    return render_template("demo_embed.html"), 200, {"Content-Security-Policy": _csp("'self'")}


@bp.get("/demo/portal")
def demo_portal():
    """Plays a patient portal: signs a short-lived launch token for a made-up patient (development only)."""
    settings = current_app.config["SETTINGS"]
    if not settings.portal_jwt_key:
        return render_template("launch_failed.html"), 404
    token = portal.demo_token(settings, subject="demo-patient-0001")
    return render_template("demo_portal.html", token=token), 200, {"Content-Security-Policy": _csp("'self'")}
