"""On-call alerts: sent for emergency and urgent escalations, through the fake Twilio API, with no PHI."""

from nursing.alerts import age_band, message
from tests.conftest import ON_CALL


def test_an_emergency_alerts_the_on_call_number_without_phi(chat, fake_twilio):
    before = len(fake_twilio.sent)
    chat("hi this is Maria Lopez", "yes", "crushing chest pain and I'm sweating, my number is 555-222-3333")
    alerts = [m for m in fake_twilio.sent[before:] if m["To"] == ON_CALL]
    assert len(alerts) == 1
    body = alerts[0]["Body"]
    assert "EMERGENCY" in body and "/console/escalations/esc_" in body and "chest pain" in body
    for phi in ("Maria", "Lopez", "555-222-3333", "sweating"):
        assert phi not in body


def test_self_care_sends_no_alert(chat, fake_twilio):
    before = len(fake_twilio.sent)
    chat("hi", "yes", "I have a runny nose", "30", "male", "2 days", "2", "none", "none")
    assert [m for m in fake_twilio.sent[before:] if m["To"] == ON_CALL] == []


def test_alert_text_is_only_priority_age_band_and_category():
    assert message("urgent", age_band(70), "breathing problems", "esc_1", "https://c.example") == \
        "CareLine URGENT escalation: 65+, breathing problems. Open https://c.example/console/escalations/esc_1"
    assert age_band(None) == "age unknown" and age_band(0.1) == "infant"


def test_an_unacknowledged_alert_is_sent_again_and_a_claimed_one_is_not(data_dir, fake_twilio, monkeypatch):
    import uuid

    from nursing import escalations
    from nursing.alerts import resend_unacknowledged, send_on_call

    monkeypatch.setenv("ON_CALL_NUMBERS", ON_CALL)
    monkeypatch.setenv("TWILIO_API_BASE_URL", fake_twilio.url)
    waiting = escalations.create(f"c-{uuid.uuid4().hex}", "urgent", "web", None, {}, [], "skin", "adult 40-64")
    claimed = escalations.create(f"c-{uuid.uuid4().hex}", "urgent", "web", None, {}, [], "skin", "adult 40-64")
    send_on_call("urgent", "adult 40-64", "skin", waiting.id)
    send_on_call("urgent", "adult 40-64", "skin", claimed.id)
    escalations.claim(claimed.id, "nurse-x")
    before = len(fake_twilio.sent)
    resend_unacknowledged(delay_s=0)
    again = [m["Body"] for m in fake_twilio.sent[before:]]
    assert any(waiting.id in body for body in again) and not any(claimed.id in body for body in again)
