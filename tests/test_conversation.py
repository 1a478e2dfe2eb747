"""The conversation through POST /api/v1/chat, against real Rasa and action servers."""

from tests.conftest import all_text


def finish_cold_intake(chat) -> dict:
    reply = chat("hi", "yes", "I have a runny nose", "30", "male", "2 days", "2", "none", "none")
    assert reply["state"]["triage"]["level"] == "self_care"
    return reply


def test_greeting_asks_for_consent_with_buttons(chat):
    reply = chat("hi")
    assert reply["state"]["requested_slot"] == "consent"
    assert [b["title"] for b in reply["messages"][-1]["buttons"]] == ["Yes", "No"]
    assert "911" in all_text(reply) and "not a doctor" in all_text(reply)
    assert reply["state"]["triage"] is None and reply["state"]["escalation"] is None


def test_consent_leads_to_the_complaint_question(chat):
    assert chat("hi", "yes")["state"]["requested_slot"] == "chief_complaint"


def test_declining_consent_ends_politely(chat):
    reply = chat("hi", "no")
    assert reply["state"]["requested_slot"] is None
    assert reply["state"]["triage"] is None
    assert "won't continue" in all_text(reply)


def test_cold_intake_ends_in_self_care_with_reasons(chat):
    reply = chat("hi", "yes", "I have a runny nose and I keep sneezing")
    assert reply["state"]["requested_slot"] == "age"
    reply = chat("27", "male", "2 days", "about a 2", "none", "none")
    triage = reply["state"]["triage"]
    assert triage["level"] == "self_care"
    assert triage["reasons"] and triage["advice"]
    assert reply["state"]["requested_slot"] is None
    assert "Talk to a nurse" in [b["title"] for b in reply["messages"][-1]["buttons"]]


def test_pregnancy_is_asked_when_relevant(chat):
    reply = chat("hi", "yes", "my stomach hurts", "29", "female")
    assert reply["state"]["requested_slot"] == "pregnant"


def test_men_are_not_asked_about_pregnancy(chat):
    reply = chat("hi", "yes", "my stomach hurts", "29", "male")
    assert reply["state"]["requested_slot"] == "duration"


def test_crushing_chest_pain_with_sweating_interrupts_at_the_complaint(chat):
    reply = chat("hi", "yes", "crushing chest pain and I'm sweating a lot")
    assert reply["state"]["triage"]["level"] == "emergency"
    assert "911" in reply["messages"][0]["text"]
    assert reply["state"]["requested_slot"] is None


def test_red_flag_during_consent_is_an_emergency(chat):
    reply = chat("hi", "my face is drooping and my speech is slurred")
    assert reply["state"]["triage"]["level"] == "emergency"
    assert "911" in reply["messages"][0]["text"]


def test_red_flag_mid_form_interrupts_the_intake(chat):
    chat("hi", "yes", "I have a headache", "45")
    reply = chat("now I can't lift my left arm")
    assert reply["state"]["triage"]["level"] == "emergency"
    assert reply["state"]["requested_slot"] is None


def test_red_flag_after_triage_still_interrupts(chat):
    finish_cold_intake(chat)
    reply = chat("I want to kill myself")
    assert reply["state"]["triage"]["level"] == "emergency"
    assert "988" in reply["messages"][0]["text"]


def test_first_message_red_flag_is_caught_before_consent(chat):
    reply = chat("help I can't breathe and my lips are blue")
    assert reply["state"]["triage"]["level"] == "emergency"


def test_infant_fever_becomes_an_emergency_once_the_age_is_known(chat):
    chat("hi", "yes", "my baby has a fever")
    reply = chat("6 weeks")
    assert reply["state"]["triage"]["level"] == "emergency"


def test_natural_answers_are_understood(chat):
    reply = chat("hi", "yes", "I have a sore throat", "thirty-four", "female", "since Tuesday", "about a 7")
    assert reply["state"]["requested_slot"] == "conditions"


def test_unclear_answer_is_reasked_once_then_skipped(chat):
    reply = chat("hi", "yes", "I have a sore throat", "banana")
    assert reply["state"]["requested_slot"] == "age"
    assert "For example" in all_text(reply)
    reply = chat("banana again")
    assert reply["state"]["requested_slot"] == "sex"


def test_not_sure_is_accepted_for_any_question(chat):
    reply = chat("hi", "yes", "I have a sore throat", "not sure", "not sure", "not sure", "not sure", "not sure",
                 "not sure")
    assert reply["state"]["triage"] is not None


def test_not_sure_about_age_with_a_fever_does_not_lower_the_level(chat):
    reply = chat("hi", "yes", "my child has a fever", "not sure", "male", "1 day", "3", "none", "none")
    triage = reply["state"]["triage"]
    assert triage["level"] in ("urgent", "emergency")
    assert any("weren't sure" in r for r in triage["reasons"])


def test_help_works_mid_form_and_keeps_the_question(chat):
    reply = chat("hi", "yes", "I have a headache", "help")
    assert "start over" in all_text(reply)
    assert reply["state"]["requested_slot"] == "age"


def test_start_over_clears_the_episode(chat):
    finish_cold_intake(chat)
    reply = chat("start over")
    assert reply["state"]["triage"] is None
    assert reply["state"]["requested_slot"] == "chief_complaint"


def test_stop_ends_the_conversation_mid_form(chat):
    reply = chat("hi", "yes", "I have a headache", "stop")
    assert reply["state"]["requested_slot"] is None
    assert "stopped" in all_text(reply)


def test_triage_stays_set_for_the_episode(chat):
    finish_cold_intake(chat)
    reply = chat("thanks")
    assert reply["state"]["triage"]["level"] == "self_care"


def test_crushing_chest_pain_with_arm_pain_creates_an_emergency_escalation(chat):
    reply = chat("hi", "yes", "crushing chest pain, I'm sweating and the pain goes down my left arm")
    assert reply["state"]["triage"]["level"] == "emergency"
    escalation = reply["state"]["escalation"]
    assert escalation["id"] and escalation["priority"] == "emergency" and escalation["status"] == "open"


def test_asking_for_a_nurse_creates_a_request_escalation_and_says_when(chat):
    finish_cold_intake(chat)
    reply = chat("I want to talk to a nurse")
    assert reply["state"]["escalation"]["priority"] == "request"
    assert "minutes" in all_text(reply)
    assert "waiting" in all_text(chat("any news?"))


def test_urgent_triage_goes_to_the_nurses_without_being_asked(chat):
    reply = chat("hi", "yes", "I have a deep cut on my hand, I think I need stitches", "36", "male", "1 hour", "5",
                 "none", "none")
    assert reply["state"]["triage"]["level"] == "urgent"
    assert reply["state"]["escalation"]["priority"] == "urgent"


def test_self_care_creates_no_escalation(chat):
    assert finish_cold_intake(chat)["state"]["escalation"] is None


def test_an_unknown_complaint_goes_to_the_nurses_as_uncertain(chat):
    reply = chat("hi", "yes", "something just feels off with me lately", "40", "female", "no", "3 days", "3", "none",
                 "none", "none")
    assert reply["state"]["triage"]["level"] == "routine"
    assert reply["state"]["escalation"]["priority"] == "uncertain"
