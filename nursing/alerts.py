"""On-call alerts for new emergency and urgent escalations: an SMS with no PHI in it.

Only the priority, an age band, the complaint category and a console link;
numbers come from ON_CALL_NUMBERS (comma-separated). Sent through the one
SMS sender (nursing.sms).
"""

from __future__ import annotations

import logging
import time

from nursing import escalations, sms
from nursing.settings import Settings

log = logging.getLogger(__name__)
ALERTED = ("emergency", "urgent")
AGE_BANDS = ((1, "infant"), (13, "child"), (18, "teen"), (40, "adult 18-39"), (65, "adult 40-64"), (200, "65+"))


def age_band(age) -> str:
    if not isinstance(age, (int, float)) or isinstance(age, bool):
        return "age unknown"
    return next(label for limit, label in AGE_BANDS if age < limit)


def message(priority: str, band: str, category: str, escalation_id: str, console_url: str) -> str:
    return (f"CareLine {priority.upper()} escalation: {band}, {category}. "
            f"Open {console_url.rstrip('/')}/console/escalations/{escalation_id}")


def send_on_call(priority: str, band: str, category: str, escalation_id: str) -> int:
    """Alert every on-call number; returns how many were sent. A failure is logged, never raised."""
    settings = Settings()
    if priority not in ALERTED or not settings.on_call_numbers:
        return 0
    text = message(priority, band, category, escalation_id, settings.console_url)
    sent = 0
    for number in settings.on_call_numbers:
        try:
            sms.send(settings, number, text)
            sent += 1
        except Exception:  # an alert failing must not break the patient's conversation
            log.exception("on-call alert to one number failed")
    if sent:
        escalations.mark_alerted(escalation_id)
    return sent


def resend_unacknowledged(delay_s: float) -> int:
    """Alerts nobody acted on (still open after delay_s) go out again; returns how many escalations."""
    due = escalations.alert_due(delay_s, ALERTED)
    for row in due:
        send_on_call(row.priority, row.age_band, row.category, row.id)
    return len(due)


def resend_forever(delay_s: float, every_s: float = 30) -> None:
    """The gateway's background loop (a daemon thread in `python -m channels`)."""
    while True:
        time.sleep(every_s)
        try:
            resend_unacknowledged(delay_s)
        except Exception:
            log.exception("re-sending alerts failed; will try again")
