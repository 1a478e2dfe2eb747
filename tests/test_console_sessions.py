"""Console sessions live on the server, sign-in tells nothing and throttles instead of locking, admins manage accounts."""

import re
import time
import uuid

import pytest
from sqlalchemy import select

from channels.app import create_app
from channels.console import users
from channels.settings import Settings
from nursing import vault
from nursing.db import session
from nursing.models import AuditEntry
from tests.test_console import PASSWORD, csrf, login, new_escalation

IDLE_TIMEOUT_S = 4.0
BACKOFF_S = 2.0  # after five failures, at most BACKOFF_S * 4 (tries that had to wait do not count)


@pytest.fixture(scope="module")
def console_app(data_dir):
    """The gateway with seconds-long timeouts; the console needs no Rasa."""
    return create_app(Settings(console_idle_timeout_s=IDLE_TIMEOUT_S, console_sign_in_backoff_s=BACKOFF_S))


def client_from(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def a_new(role: str = "nurse") -> str:
    name = f"{role}-{uuid.uuid4().hex[:6]}"
    users.create(name, PASSWORD, role)
    return name


def an_address() -> str:
    """Each test signs in from its own address, so one test's failures never throttle another's."""
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"


def audited(actor: str) -> list[str]:
    with session() as db:
        return list(db.scalars(select(AuditEntry.action).where(AuditEntry.actor == actor).order_by(AuditEntry.id)))


def without_csrf(response) -> str:
    return re.sub(r'name="csrf" value="[^"]+"', "", response.get_data(as_text=True))


BACKGROUND = {"X-CareLine-Background": "refresh"}


def test_a_cookie_saved_before_logout_is_sent_to_the_sign_in_page_afterwards(console_app):
    nurse = client_from(console_app, an_address())
    assert login(nurse, a_new()).status_code == 302
    saved = nurse.get_cookie("session").value
    nurse.post("/console/logout", data={"csrf": csrf(nurse, "/console/")})
    thief = client_from(console_app, an_address())
    thief.set_cookie("session", saved)
    response = thief.get("/console/")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_the_queue_s_background_refresh_does_not_keep_an_idle_session_alive(console_app):
    nurse = client_from(console_app, an_address())
    login(nurse, a_new())
    time.sleep(IDLE_TIMEOUT_S * 0.6)
    assert nurse.get("/console/", headers=BACKGROUND).status_code == 200
    time.sleep(IDLE_TIMEOUT_S * 0.6)
    response = nurse.get("/console/", headers=BACKGROUND)
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_a_nurse_s_own_clicks_keep_the_session_alive(console_app):
    nurse = client_from(console_app, an_address())
    login(nurse, a_new())
    time.sleep(IDLE_TIMEOUT_S * 0.6)
    assert nurse.get("/console/").status_code == 200
    time.sleep(IDLE_TIMEOUT_S * 0.6)
    assert nurse.get("/console/").status_code == 200


def test_an_unknown_user_and_a_wrong_password_get_the_same_page_and_status(console_app):
    visitor = client_from(console_app, an_address())
    unknown = login(visitor, f"nobody-{uuid.uuid4().hex[:6]}")
    wrong = login(visitor, a_new(), "not the password at all")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.get_data(as_text=True) == wrong.get_data(as_text=True)


def test_five_failures_do_not_lock_the_nurse_out_of_a_correct_sign_in_from_another_address(console_app):
    nurse, attacker = a_new(), client_from(console_app, an_address())
    for _ in range(5):
        assert login(attacker, nurse, "a wrong password guess").status_code == 401
    refused = login(attacker, nurse)
    assert refused.status_code == 401, "the guessing address waits a growing delay, even with the right password"
    assert without_csrf(refused) == without_csrf(login(attacker, nurse, "another wrong guess"))
    assert login(client_from(console_app, an_address()), nurse).status_code == 302, "the nurse at the ward gets in"
    time.sleep(BACKOFF_S * 4 + 0.1)
    assert login(attacker, nurse).status_code == 302
    refusals = [action for action in audited(nurse) if action.startswith("sign_in_")]
    assert len(refusals) == 7 and "sign_in_throttled" in refusals, "every refusal is audited"


def test_guessing_from_many_addresses_never_keeps_the_nurse_out(console_app):
    nurse = a_new()
    for _ in range(6):
        login(client_from(console_app, an_address()), nurse, "a wrong password guess")
    assert login(client_from(console_app, an_address()), nurse).status_code == 302


def test_the_accounts_page_is_403_for_a_nurse(console_app):
    nurse = client_from(console_app, an_address())
    login(nurse, a_new())
    assert nurse.get("/console/admin/").status_code == 403
    created = f"new-{uuid.uuid4().hex[:6]}"
    token = csrf(nurse, "/console/")
    response = nurse.post("/console/admin/accounts", data={"csrf": token, "username": created, "password": PASSWORD,
                                                           "role": "admin"})
    assert response.status_code == 403 and created not in [a.username for a in users.accounts(Settings())]


def test_an_admin_lists_creates_and_unthrottles_accounts_and_each_step_is_audited(console_app):
    admin, nurse = client_from(console_app, an_address()), a_new()
    for _ in range(4):
        login(client_from(console_app, an_address()), nurse, "a wrong password guess")
    name = a_new("admin")
    login(admin, name)
    page = admin.get("/console/admin/").get_data(as_text=True)
    assert nurse in page and "Reset sign-in throttling" in page
    token = csrf(admin, "/console/admin/")
    created = f"new-{uuid.uuid4().hex[:6]}"
    admin.post("/console/admin/accounts", data={"csrf": token, "username": created, "password": PASSWORD, "role": "nurse"})
    admin.post(f"/console/admin/accounts/{nurse}/reset-throttling", data={"csrf": token})
    assert {(a.username, a.recent_failures) for a in users.accounts(Settings())} >= {(created, 0), (nurse, 0)}
    assert login(client_from(console_app, an_address()), created).status_code == 302
    assert {"view_accounts", "create_account", "reset_sign_in_throttling"} <= set(audited(name))


def test_no_phone_number_in_any_cookie_after_show_contact_details(console_app):
    patient = vault.patient_for("phone", "+15552228888")
    escalation_id = new_escalation(channel="sms", conversation=patient)
    nurse = client_from(console_app, an_address())
    login(nurse, a_new())
    token = csrf(nurse, f"/console/escalations/{escalation_id}")
    shown = nurse.post(f"/console/escalations/{escalation_id}/contact", data={"csrf": token})
    assert "+15552228888" in shown.get_data(as_text=True)
    assert not any("5552228888" in cookie for cookie in shown.headers.getlist("Set-Cookie"))
    cookie = console_app.session_interface.get_signing_serializer(console_app).loads(nurse.get_cookie("session").value)
    assert set(cookie) <= {"_user_id", "_fresh", "_id", "csrf"}, "Flask-Login's session id and the CSRF token only"
