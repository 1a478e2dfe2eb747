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
