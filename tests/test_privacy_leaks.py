"""End to end: PHI typed into the chat appears in no store and no log."""

import sqlite3

from channels.privacy.logging import ScrubbingFormatter

PHI = ["Jamal", "Okafor", "(555) 123-4567", "00482913", "03/14/1961", "1234 Oak Street", "jamal.okafor@gmail.com",
       "123-45-6789", "XJH123456789"]


def test_phi_in_a_conversation_reaches_no_store_and_no_log(chat, stack):
    chat("hi this is Jamal Okafor, call me at (555) 123-4567", "yes",
         "I have a sore throat, my MRN is 00482913 and DOB 03/14/1961", "34", "male",
         "2 days, I live at 1234 Oak Street", "3", "email jamal.okafor@gmail.com, ssn 123-45-6789",
         "member ID XJH123456789", "what does high blood pressure mean?")
    rows = sqlite3.connect(stack.data_dir / "tracker.db").execute("select data from events").fetchall()
    stored = "\n".join(r[0] for r in rows)
    assert "sore throat" in stored  # the conversation itself was stored
    logs = "\n".join(p.read_text(errors="ignore") for p in (stack.data_dir / "logs").glob("*.log"))
    chroma = b"".join(p.read_bytes() for p in (stack.data_dir / "chroma").rglob("*") if p.is_file())
    for value in PHI:
        assert value not in stored, value
        assert value not in logs, value
        assert value.encode() not in chroma, value


def test_an_age_over_89_is_stored_as_90():
    from channels.privacy.edge import prepare

    assert prepare("c-age", "I'm 97", "age") == "90"


def test_the_log_formatter_scrubs_what_slips_through():
    import logging

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "patient Maria Lopez phone 555-123-4567", None, None)
    line = ScrubbingFormatter("%(message)s").format(record)
    assert "Maria" not in line and "555-123-4567" not in line
