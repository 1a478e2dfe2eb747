"""Validation of the intake form: consent, complaint, then what the protocol needs.

Every message in the form passes the red-flag check and the command words
before slot validation, so an emergency ends the form at any question.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions import commands, parsing, red_flags
from actions.answer import answer_question, is_general_question
from actions.triage import engine, findings
from actions.triage.facts import BACKGROUND_SLOTS, UNKNOWN, facts_from_slots

EXAMPLES = {
    "consent": 'Please answer "yes" or "no".',
    "chief_complaint": 'Please tell me in a few words what is bothering you, for example "I have a sore throat and a fever".',
    "age": 'For example "34", "thirty-four" or "6 months". You can also say "not sure".',
    "sex": 'For example "female" or "male". You can also say "not sure".',
    "pregnant": 'Please answer "yes", "no" or "not sure".',
    "duration": 'For example "3 days", "since Tuesday" or "since this morning".',
    "severity": 'Please give a number from 0 (no trouble) to 10 (the worst), for example "about a 7".',
    "conditions": 'For example "diabetes and asthma", or "none".',
    "medications": 'For example "metformin and a blood thinner", or "none".',
    "allergies": 'For example "penicillin", or "none".',
    "red_flag": 'Please answer "yes", "no" or "not sure". If you would rather talk to a nurse, say "nurse".',
}
PARSERS: dict[str, Callable[[str], Any]] = {
    "age": parsing.parse_age,
    "sex": parsing.parse_sex,
    "pregnant": parsing.parse_yes_no,
    "duration": parsing.parse_duration_hours,
    "severity": parsing.parse_severity,
    "conditions": parsing.parse_list,
    "medications": parsing.parse_list,
    "allergies": parsing.parse_list,
}
NO_FINDINGS_FROM = {"consent", "allergies", "sex", "pregnant", *red_flags.SLOTS}


class ValidateIntakeForm(FormValidationAction):
    def name(self) -> str:
        return "validate_intake_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: dict[str, Any]) -> list[str]:
        if tracker.get_slot("consent") is False:
            return []
        if tracker.get_slot("chief_complaint") is None:
            return ["consent", "chief_complaint"]
        facts = facts_from_slots(tracker.slots)
        return (["consent", "chief_complaint"] + red_flags.slots_to_ask(tracker.slots)
                + engine.questions_for(set(facts.concepts), facts.sex, facts.age))

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if not _answers_the_form(tracker):
            # Activated by another action, which has already checked this message.
            return await super().run(dispatcher, tracker, domain)
        if (tracker.latest_message.get("intent") or {}).get("name") == "image_uploaded":
            return []  # no answer: the form rejects it, and action_image_uploaded takes it (data/rules/images.yml)
        text = tracker.latest_message.get("text") or ""
        pending = [SlotSet(name, None) for name in tracker.slots_to_validate()]
        command = commands.detect(text)
        if command == "help":
            dispatcher.utter_message(response="utter_help")
            # Ask the same question again; left to Rasa, it would pick the domain's first empty slot (an unused red_flag_n).
            return pending + [SlotSet("requested_slot", tracker.get_slot("requested_slot"))]
        if command:
            return pending + [SlotSet("command", command), SlotSet("requested_slot", None)]
        found = self._findings(tracker, text)
        facts = facts_from_slots({**tracker.slots, "findings": found})
        if engine.red_flags(facts):
            # An emergency ends the form; the complaint that raised it is kept for the nurses.
            kept = [e for e in pending if e["name"] != "chief_complaint"]
            return kept + [SlotSet("findings", found), SlotSet("requested_slot", None)]
        if is_general_question(text) and not _answers(tracker.get_slot("requested_slot"), text):
            return pending + await _answer_aside(dispatcher, tracker)
        events = await super().run(dispatcher, tracker, domain)
        answered = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        found = sorted(set(found) | set(answered.get("findings") or []))
        if engine.red_flags(facts_from_slots({**tracker.slots, **answered, "findings": found})):
            events.append(SlotSet("requested_slot", None))
        # Last, so a red-flag "yes" (whose validator sets findings too) keeps what the same message said.
        return events + [SlotSet("findings", found)]

    @staticmethod
    def _findings(tracker: Tracker, text: str) -> list[str]:
        known = set(tracker.get_slot("findings") or [])
        asked = tracker.get_slot("requested_slot")
        if asked in NO_FINDINGS_FROM:
            return sorted(known | _red_flag_concepts(text))
        if asked in BACKGROUND_SLOTS:
            return sorted(known | findings.background(text))
        return sorted(known | findings.present(text))

    def validate_consent(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: dict[str, Any]) -> dict[str, Any]:
        answer = value if isinstance(value, bool) else parsing.parse_yes_no(str(value))
        if answer is None:
            dispatcher.utter_message(text=f"Sorry, I need your answer first. {EXAMPLES['consent']}")
            return {"consent": None}
        slots: dict[str, Any] = {"consent": answer}
        if answer and findings.present(str(value)):
            slots.update(complaint(str(value), tracker))
        return slots

    def validate_chief_complaint(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: dict[str, Any]) -> dict[str, Any]:
        text = str(value).strip()
        meaningful = findings.present(text) or (len(text.split()) >= 2 and parsing.parse_yes_no(text) is None)
        if meaningful:
            return complaint(text, tracker)
        return self._reask_or_unknown("chief_complaint", dispatcher, tracker)

    def validate_red_flag(self, slot: str, value: Any, dispatcher: CollectingDispatcher,
                          tracker: Tracker) -> dict[str, Any]:
        """Yes adds the finding (the red-flag check then interrupts); not sure brings in a nurse."""
        concept = red_flags.question_for(slot, tracker.slots).concept
        text = str(value)
        answer = "not sure" if parsing.is_unsure(text, first_words=True) else parsing.parse_yes_no(text)
        if answer is None:
            reasked = list(tracker.get_slot("reasked") or [])
            if slot not in reasked:
                dispatcher.utter_message(text=f"Sorry, I didn't quite get that. {EXAMPLES['red_flag']}")
                return {slot: None, "reasked": reasked + [slot]}
            answer = "not sure"
        if answer is True:
            return {slot: "yes", "findings": sorted(set(tracker.get_slot("findings") or []) | {concept})}
        if answer == "not sure":
            return {slot: "not sure", "unsure_findings": sorted(set(tracker.get_slot("unsure_findings") or []) | {concept})}
        return {slot: "no"}

    def _reask_or_unknown(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        """One re-ask with an example, then carry on with the answer unknown."""
        reasked = list(tracker.get_slot("reasked") or [])
        if slot in reasked:
            return {slot: UNKNOWN}
        dispatcher.utter_message(text=f"Sorry, I didn't quite get that. {EXAMPLES[slot]}")
        return {slot: None, "reasked": reasked + [slot]}


def _answers(slot: str | None, text: str) -> bool:
    """The message, though phrased as a question, is an answer to the form's question ("am I 70?")."""
    if slot in (None, "chief_complaint"):
        return False
    parse = PARSERS.get(slot, parsing.parse_yes_no)
    return parsing.is_unsure(text) or parse(text) is not None


async def _answer_aside(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """A health question in the intake is answered. Asked instead of the main problem, it ends the
    intake with an offer of a symptom check; asked later, the intake asks its question again."""
    requested = tracker.get_slot("requested_slot")
    events = await answer_question(dispatcher, tracker, buttons=None)
    if requested == "chief_complaint":
        return events + [SlotSet("command", "asked"), SlotSet("requested_slot", None)]
    return events + [SlotSet("requested_slot", requested)]


def _answers_the_form(tracker: Tracker) -> bool:
    """True when the latest user message is a reply to the form's question.

    Rasa hands validation a tracker ending in the form's own ActionExecuted;
    the action before it tells whether the bot was listening.
    """
    actions = [e.get("name") for e in tracker.events if e.get("event") == "action"]
    return len(actions) >= 2 and actions[-2] in ("action_listen", "action_extract_slots")


def complaint(text: str, tracker: Tracker) -> dict[str, Any]:
    """The main problem, with the age and sex its narrative states, so the form does not ask for them again."""
    age, sex = parsing.age_and_sex_in_narrative(text)
    known = {"age": age, "sex": sex}
    return {"chief_complaint": text,
            **{slot: value for slot, value in known.items() if value is not None and tracker.get_slot(slot) is None}}


def _red_flag_concepts(text: str) -> set[str]:
    """Findings worth keeping from an answer that is not about symptoms."""
    return findings.present(text) & engine.emergency_concepts()


def _make_validator(slot: str, parser: Callable[[str], Any]):
    def validate(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                 domain: dict[str, Any]) -> dict[str, Any]:
        text = str(value)
        if parsing.is_unsure(text):
            return {slot: UNKNOWN}
        parsed = parser(text)
        if parsed is None:
            return self._reask_or_unknown(slot, dispatcher, tracker)
        return {slot: parsed}

    validate.__name__ = f"validate_{slot}"
    return validate


def _make_red_flag_validator(slot: str):
    def validate(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                 domain: dict[str, Any]) -> dict[str, Any]:
        return self.validate_red_flag(slot, value, dispatcher, tracker)

    validate.__name__ = f"validate_{slot}"
    return validate


for _slot, _parser in PARSERS.items():
    setattr(ValidateIntakeForm, f"validate_{_slot}", _make_validator(_slot, _parser))
for _slot in red_flags.SLOTS:
    setattr(ValidateIntakeForm, f"validate_{_slot}", _make_red_flag_validator(_slot))
