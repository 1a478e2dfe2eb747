"""After an emergency result the patient is not stuck: the buttons and "any news?" work, on the web and by SMS.

Every later reply in that episode starts with a one-line reminder; the full emergency
advice comes back only with a red flag the patient has not mentioned before.
"""

from nursing import escalations, vault
from tests.conftest import all_text
from tests.test_sms import messages, new_phone, post

EMERGENCY = "crushing chest pain and I'm sweating a lot"
FULL_ADVICE = "This may be an emergency"
REMINDER = "If this is an emergency, call 911 now."


def have_an_emergency(chat) -> dict:
    reply = chat("hi", "yes", EMERGENCY)
    assert reply["state"]["triage"]["level"] == "emergency"
    assert reply["state"]["escalation"]["priority"] == "emergency"
    return reply


def open_escalations(conversation_id: str) -> list:
    return [row for row in escalations.queue() if row.conversation_id == conversation_id]


def assert_reminded_not_repeated(texts: list[str]) -> None:
    assert texts[0] == REMINDER
    assert not any(FULL_ADVICE in text for text in texts)


def test_start_over_after_an_emergency_starts_a_new_episode(chat):
    escalation = have_an_emergency(chat)["state"]["escalation"]
    reply = chat("/start_over")
    assert_reminded_not_repeated([m["text"] for m in reply["messages"]])
    assert reply["state"]["triage"] is None and reply["state"]["requested_slot"] == "chief_complaint"
    reply = chat("I have a runny nose")
    assert reply["state"]["requested_slot"] == "age" and "911" not in all_text(reply)
    assert escalations.get(escalation["id"]).status == "open"
    assert escalations.get(escalation["id"]).priority == "emergency"


def test_start_over_after_an_emergency_before_consent_asks_for_consent(chat):
    assert chat("help I can't breathe and my lips are blue")["state"]["triage"]["level"] == "emergency"
    reply = chat("/start_over")
    assert reply["state"]["requested_slot"] == "consent"


def test_talk_to_a_nurse_after_an_emergency_says_the_nurses_already_have_it(chat):
    escalation = have_an_emergency(chat)["state"]["escalation"]
    reply = chat("/request_nurse")
    assert_reminded_not_repeated([m["text"] for m in reply["messages"]])
    assert "already have this conversation" in all_text(reply)
    assert reply["state"]["escalation"] == {**escalation, "priority": "emergency"}
    assert [row.id for row in open_escalations(chat.conversation_id)] == [escalation["id"]]


def test_ask_a_question_after_an_emergency_gets_an_answer(chat):
    have_an_emergency(chat)
    reply = chat("/ask_question")
    assert_reminded_not_repeated([m["text"] for m in reply["messages"]])
    assert "What is your question" in all_text(reply)
    reply = chat("what does high blood pressure mean?")
    assert_reminded_not_repeated([m["text"] for m in reply["messages"]])
    assert reply["state"]["answer"]["citations"]
    assert reply["state"]["triage"]["level"] == "emergency"


def test_any_news_after_an_emergency_gives_the_escalation_status(chat):
    have_an_emergency(chat)
    reply = chat("any news?")
    assert_reminded_not_repeated([m["text"] for m in reply["messages"]])
    assert "waiting" in all_text(reply)


def test_the_same_red_flag_again_gets_only_the_reminder(chat):
    have_an_emergency(chat)
    reply = chat(EMERGENCY)
    assert_reminded_not_repeated([m["text"] for m in reply["messages"]])


def test_a_new_red_flag_after_an_emergency_gets_the_full_advice_again(chat):
    have_an_emergency(chat)
    reply = chat("I want to kill myself")
    assert FULL_ADVICE in reply["messages"][0]["text"] and "988" in reply["messages"][0]["text"]
    assert "988" in chat("thanks")["messages"][0]["text"]


def sms_after_an_emergency(client):
    """An emergency by SMS; returns a function that sends the next message from the same phone."""
    phone = new_phone()

    def send(body: str) -> list[str]:
        return messages(post(client, body, phone=phone))

    send("hi")
    send("yes")
    texts = send(EMERGENCY)
    assert FULL_ADVICE in texts[0]
    assert "Reply 1 for Ask a question, 2 for Talk to a nurse, 3 for Start over" in " ".join(texts)
    send.patient_id = vault.patient_for("phone", phone)
    return send


def test_start_over_by_sms_after_an_emergency_starts_a_new_episode(client):
    send = sms_after_an_emergency(client)
    texts = send("3")
    assert_reminded_not_repeated(texts)
    assert "main problem" in " ".join(texts)
    assert "911" not in " ".join(send("I have a runny nose"))
    assert [row.priority for row in open_escalations(send.patient_id)] == ["emergency"]


def test_talk_to_a_nurse_by_sms_after_an_emergency_says_the_nurses_already_have_it(client):
    send = sms_after_an_emergency(client)
    texts = send("2")
    assert_reminded_not_repeated(texts)
    assert "already have this conversation" in " ".join(texts)
    assert [row.priority for row in open_escalations(send.patient_id)] == ["emergency"]


def test_ask_a_question_by_sms_after_an_emergency_gets_an_answer(client):
    send = sms_after_an_emergency(client)
    assert "What is your question" in " ".join(send("1"))
    # A question the documents don't cover: the answer path without the slow generation step.
    texts = send("how do I fix the brakes on my bicycle?")
    assert_reminded_not_repeated(texts)
    assert "don't know" in " ".join(texts)


def test_any_news_by_sms_after_an_emergency_gives_the_escalation_status(client):
    send = sms_after_an_emergency(client)
    texts = send("any news?")
    assert_reminded_not_repeated(texts)
    assert "waiting" in " ".join(texts)


def test_doubting_the_ambulance_after_an_emergency_gets_a_plain_yes_not_a_document_search(chat):
    have_an_emergency(chat)
    reply = chat("do I really need an ambulance? can't I just ring the GP in the morning?")
    text = all_text(reply)
    assert "this needs emergency care now" in text and "Call 911 now" in text
    assert "don't know" not in text and "documents I trust" not in text
    assert reply["state"]["triage"]["level"] == "emergency"
