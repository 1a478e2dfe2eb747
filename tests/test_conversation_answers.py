"""Questions inside the conversation: answered from documents, with citations in the state."""

from tests.conftest import all_text
from tests.test_conversation import finish_cold_intake


def test_a_question_after_triage_is_answered_with_citations(chat):
    finish_cold_intake(chat)
    reply = chat("what does high blood pressure mean?")
    answer = reply["state"]["answer"]
    assert answer["grounded"] is True
    assert answer["citations"] and answer["citations"][0].startswith("TestSource_0000001")
    assert "Sources:" in all_text(reply)
    assert reply["state"]["triage"]["level"] == "self_care"


def test_the_ask_a_question_button_asks_for_the_question_first(chat):
    finish_cold_intake(chat)
    reply = chat("/ask_question")
    assert "What is your question" in all_text(reply)
    assert "answer" not in reply["state"]
    reply = chat("blood thinners and ibuprofen")
    assert reply["state"]["answer"]["citations"]


def test_the_answer_state_is_only_on_the_turn_that_answered(chat):
    finish_cold_intake(chat)
    chat("what does high blood pressure mean?")
    assert "answer" not in chat("thanks")["state"]


def test_an_emergency_question_goes_to_the_emergency_path_not_to_documents(chat):
    finish_cold_intake(chat)
    reply = chat("my chest hurts and I can't breathe, what is it?")
    assert reply["state"]["triage"]["level"] == "emergency"
    assert "answer" not in reply["state"]
    assert "911" in reply["messages"][0]["text"]


def test_an_unanswerable_question_says_so_and_offers_a_nurse(chat):
    finish_cold_intake(chat)
    reply = chat("how do I fix the brakes on my bicycle?")
    assert reply["state"]["answer"] == {"citations": [], "grounded": False}
    assert "don't know" in all_text(reply)
    assert "Talk to a nurse" in [b["title"] for b in reply["messages"][-1]["buttons"]]


def buttons(reply) -> list[str]:
    return [b["title"] for m in reply["messages"] for b in m.get("buttons") or []]


def test_a_first_message_question_is_answered_with_a_symptom_check_offered(chat):
    reply = chat("what does high blood pressure mean?")
    assert reply["state"]["answer"]["grounded"] is True
    assert reply["state"]["requested_slot"] is None and reply["state"]["triage"] is None
    assert "Check my symptoms" in buttons(reply)


def test_a_question_instead_of_the_main_problem_is_answered_then_a_symptom_check_is_offered(chat):
    reply = chat("hi", "yes", "what does high blood pressure mean?")
    assert reply["state"]["answer"]["citations"][0].startswith("TestSource_0000001")
    assert reply["state"]["requested_slot"] is None and reply["state"]["triage"] is None
    assert "How old" not in all_text(reply)
    assert "check your symptoms" in all_text(reply) and "Check my symptoms" in buttons(reply)
    reply = chat("/check_symptoms")
    assert reply["state"]["requested_slot"] == "chief_complaint"


def test_a_question_mid_intake_is_answered_and_the_intake_asks_again(chat):
    reply = chat("hi", "yes", "I have a runny nose", "what does high blood pressure mean?")
    assert reply["state"]["answer"]["grounded"] is True
    assert reply["state"]["requested_slot"] == "age"
    assert reply["messages"][-1]["text"].startswith("How old")
    reply = chat("30", "male", "2 days", "2", "none", "none")
    assert reply["state"]["triage"]["level"] == "self_care"


def test_symptoms_told_as_a_question_go_to_the_symptom_check(chat):
    reply = chat("hi", "yes", "my son has a rash and a fever, is it contagious?")
    assert "answer" not in reply["state"]
    assert reply["state"]["requested_slot"] == "age"


def test_a_red_flag_question_at_the_main_problem_is_an_emergency(chat):
    reply = chat("hi", "yes", "is crushing chest pain with sweating a heart attack?")
    assert reply["state"]["triage"]["level"] == "emergency"
    assert "answer" not in reply["state"]


def test_a_question_about_a_babys_fever_is_a_symptom_check_not_a_document_answer(chat):
    reply = chat("hi", "yes", "is it normal for a 3-month-old to have a temp of 38.5?")
    assert "answer" not in reply["state"]
    assert (reply["state"]["triage"] or {}).get("level") == "emergency" or reply["state"]["requested_slot"]


def test_a_question_after_triage_about_a_symptom_is_answered(chat):
    finish_cold_intake(chat)
    reply = chat("is a runny nose contagious?")
    assert "answer" in reply["state"] and "Check my symptoms" not in buttons(reply)
