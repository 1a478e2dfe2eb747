"""What happens around the intake: finishing it, and every turn after it."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import BARE_REQUEST, answer_question, is_general_question
from actions.handoff import escalate, priority_for
from actions.intake import complaint
from actions.replies import NEXT_STEPS, SYMPTOM_CHECK, triage_text
from actions.safety import SafeAction
from actions.triage import engine, findings, second_opinion
from actions.triage.facts import facts_from_slots
from nursing import escalations


def start_over(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """A new episode: forget the intake (and its triage), keep consent only if it was given.

    An open escalation stays with the nurses; only the conversation moves on.
    A red flag in the very first message comes before consent, so consent may be missing.
    """
    dispatcher.utter_message(response="utter_start_over")
    consent = [SlotSet("consent", True)] if tracker.get_slot("consent") is True else []
    return [AllSlotsReset(), *consent, FollowupAction("intake_form")]


def start_intake(tracker: Tracker, text: str) -> list[EventType]:
    """Symptoms told outside the intake become its main problem, so the patient is not asked again."""
    if tracker.get_slot("chief_complaint") is None and findings.present(text):
        return [*(SlotSet(slot, value) for slot, value in complaint(text, tracker).items()), FollowupAction("intake_form")]
    return [FollowupAction("intake_form")]


# "Do I really need an ambulance?", "can we wait till the morning?", "can't I just ring the GP?"
DOUBTS_THE_LEVEL = re.compile(
    r"\b(?:really|actually|definitely|honestly|do (?:i|we|they) (?:have|need) to|must (?:i|we))\b[^?.]{0,40}"
    r"\b(?:ambulance|999|911|112|a ?& ?e|emergency|hospital|er|go in|be seen|call)\b"
    r"|\b(?:can|could|should|shall|can't|couldn't) (?:i|we|he|she|they) (?:just )?(?:wait|leave it|see how"
    r"|(?:ring|call|see|phone) (?:the |my |our |a )?(?:gp|doctor)|go (?:to the gp|in the morning|tomorrow))"
    r"|\b(?:wait|leave it) (?:until|till|til) (?:the )?(?:morning|tomorrow|later|monday)\b"
    r"|\bis (?:it|this) (?:really )?(?:that|so) (?:serious|bad|urgent)\b", re.IGNORECASE)
REAFFIRM = {"emergency": "Yes. From what you told me, this needs emergency care now: please don't wait for the "
                         "morning or for a GP appointment.",
            "urgent": "Yes. From what you told me, this should be seen today: please don't leave it until "
                      "tomorrow."}


def reaffirm_level(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """A patient or carer who doubts an emergency or same-day result is told again, plainly, not given a
    document search ("the documents I trust don't cover this" read as leave to wait)."""
    level = (tracker.get_slot("triage") or {}).get("level")
    if level not in REAFFIRM or not DOUBTS_THE_LEVEL.search(text):
        return False
    advice = tracker.get_slot("triage").get("advice", "")
    dispatcher.utter_message(text=f"{REAFFIRM[level]} {advice}", buttons=NEXT_STEPS)
    return True


def answer_buttons(tracker: Tracker) -> list[dict]:
    """Before any triage, an answer comes with the offer of a symptom check."""
    return NEXT_STEPS if tracker.get_slot("triage") else SYMPTOM_CHECK


def stop(dispatcher: CollectingDispatcher) -> list[EventType]:
    dispatcher.utter_message(response="utter_stopped")
    return [AllSlotsReset()]


def triage(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    rules = engine.assess(facts_from_slots(tracker.slots))
    result, disagreement = second_opinion.reconcile(rules, tracker.get_slot("chief_complaint") or "")
    dispatcher.utter_message(text=triage_text(result), buttons=NEXT_STEPS)
    events = [SlotSet("triage", result.as_state()), SlotSet("triage_rules", list(result.rule_ids))]
    priority = priority_for(rules.level, result.nurse_suggested, result.rule_ids)
    if disagreement:  # a nurse decides between the rules and the second opinion
        priority = "emergency" if result.level == "emergency" else priority or "uncertain"
    if priority:
        events += escalate(dispatcher, tracker, priority, for_nurses(result, rules, disagreement))
    return events


def nurse_priority(tracker: Tracker) -> str:
    """A nurse asked for mid-intake gets what the complaint so far calls for, never less than a request:
    chest pain with a question unanswered is still a chest pain."""
    if not tracker.get_slot("chief_complaint"):
        return "request"
    known = engine.assess(facts_from_slots(tracker.slots))
    return priority_for(known.level, False, ()) or "request"


def for_nurses(result: engine.Triage, rules: engine.Triage, disagreement) -> dict:
    """What the nurse sees: the level given, and both opinions when they disagreed."""
    state = result.as_state()
    if disagreement:
        state["opinions"] = {"rules": rules.level, "rule_ids": list(rules.rule_ids),
                             "second_opinion": disagreement.level, "probabilities": disagreement.probabilities}
    return state


ASKS_FOR_NEWS = re.compile(r"(?i)\b(any news|any update|heard back|has (?:a|the) nurse|when will|status)\b")


def news(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    row = escalations.get(tracker.get_slot("escalation")["id"])
    status = row.status if row else "open"
    words = {"open": "is waiting for the next free nurse", "claimed": "is with a nurse now",
             "answered": "has been answered: see the nurse's message", "closed": "has been closed"}
    dispatcher.utter_message(text=f"Your request {words.get(status, 'is open')}. If things get worse, call 911.")
    return [SlotSet("escalation", {**tracker.get_slot("escalation"), "status": status})]


class ActionCompleteIntake(Action):
    """Runs when the intake form ends, for whatever reason it ended."""

    def name(self) -> str:
        return "action_complete_intake"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        command = tracker.get_slot("command")
        events: list[EventType] = [SlotSet("command", None)]
        if command == "stop":
            return events + stop(dispatcher)
        if command == "restart":
            return events + start_over(dispatcher, tracker)
        if command == "nurse":
            return events + escalate(dispatcher, tracker, nurse_priority(tracker))
        if command == "asked":
            dispatcher.utter_message(response="utter_offer_symptom_check", buttons=SYMPTOM_CHECK)
            return events
        if tracker.get_slot("consent") is False:
            dispatcher.utter_message(response="utter_consent_declined")
            return events + [AllSlotsReset()]
        return events + triage(dispatcher, tracker)


class ActionFollowup(SafeAction, Action):
    """Every turn outside the form that no more specific rule handles."""

    def name(self) -> str:
        return "action_followup"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        if tracker.get_slot("escalation") and ASKS_FOR_NEWS.search(text):
            return news(dispatcher, tracker)
        if reaffirm_level(dispatcher, tracker, text):
            return [SlotSet("awaiting_question", False)]
        if tracker.get_slot("awaiting_question") or is_general_question(text, tracker.get_slot("triage") is not None):
            return await answer_question(dispatcher, tracker, answer_buttons(tracker))
        if tracker.get_slot("triage") is None:
            return start_intake(tracker, text)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "inform":
            dispatcher.utter_message(response="utter_new_problem", buttons=NEXT_STEPS)
        else:
            dispatcher.utter_message(response="utter_anything_else", buttons=NEXT_STEPS)
        return []


class ActionAnswerQuestion(SafeAction, Action):
    def name(self) -> str:
        return "action_answer_question"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: dict[str, Any]) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        if BARE_REQUEST.match(text):
            dispatcher.utter_message(response="utter_ask_question")
            return [SlotSet("awaiting_question", True)]
        if tracker.get_slot("triage") is None and not is_general_question(text):
            return start_intake(tracker, text)  # symptoms told as a question: "I have a rash, is it bad?"
        if reaffirm_level(dispatcher, tracker, text):
            return [SlotSet("awaiting_question", False)]
        return await answer_question(dispatcher, tracker, answer_buttons(tracker))


class ActionCheckSymptoms(SafeAction, Action):
    """The "Check my symptoms" button: the intake, or a new episode after a triage."""

    def name(self) -> str:
        return "action_check_symptoms"

    async def respond(self, dispatcher, tracker, domain):
        if tracker.get_slot("triage") is not None:
            return start_over(dispatcher, tracker)
        return [FollowupAction("intake_form")]


class ActionStartOver(SafeAction, Action):
    def name(self) -> str:
        return "action_start_over"

    async def respond(self, dispatcher, tracker, domain):
        return start_over(dispatcher, tracker)


class ActionStop(SafeAction, Action):
    def name(self) -> str:
        return "action_stop"

    async def respond(self, dispatcher, tracker, domain):
        return stop(dispatcher)


class ActionHelp(SafeAction, Action):
    def name(self) -> str:
        return "action_help"

    async def respond(self, dispatcher, tracker, domain):
        dispatcher.utter_message(response="utter_help", buttons=NEXT_STEPS)
        return []
