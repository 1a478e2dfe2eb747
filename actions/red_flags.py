"""Ask, don't guess: the dangerous questions right after the chief complaint.

Each protocol family lists its red-flag questions (`red_flags:` in its YAML).
The form asks those the patient's own words did not settle, as Yes / No /
Not sure buttons (numbered on SMS). A "yes" adds the finding, and the form's
red-flag check then interrupts at once. When the learned second opinion is
more worried than the rules, every question of the matched families is asked.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.triage import engine, findings, second_opinion
from actions.triage.facts import facts_from_slots
from actions.triage.protocols import RedFlag

SLOTS = tuple(f"red_flag_{i}" for i in range(1, 9))
ABOUT_THEM = "These questions are about the person who is unwell, not about you."
BUTTONS = [{"title": "Yes", "payload": "yes"}, {"title": "No", "payload": "no"},
           {"title": "Not sure", "payload": "not sure"}, {"title": "Talk to a nurse", "payload": "talk to a nurse"}]


def plan(slots: dict) -> list[RedFlag]:
    """The questions for this complaint: a function of its words alone, so every turn agrees."""
    complaint = slots.get("chief_complaint")
    if not isinstance(complaint, str) or not complaint.strip():
        return []
    mentioned = findings.extract(complaint)
    return engine.red_flag_plan(mentioned, everything=worried(complaint))[: len(SLOTS)]


def worried(complaint: str) -> bool:
    """The second opinion is more worried about the narrative than the rules are."""
    opinion = second_opinion.opinion(complaint)
    return bool(opinion and opinion.worried_about(engine.assess(facts_from_slots({"chief_complaint": complaint})).level))


def slots_to_ask(slots: dict) -> list[str]:
    return list(SLOTS[: len(plan(slots))])


def question_for(slot: str, slots: dict) -> RedFlag:
    return plan(slots)[SLOTS.index(slot)]


class AsksRedFlag:
    """Asks one red-flag question. Not an Action itself: one subclass per slot is registered below."""

    slot: str

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if self.slot == SLOTS[0] and about_someone_else(tracker.slots):
            dispatcher.utter_message(text=ABOUT_THEM)
        dispatcher.utter_message(text=question_for(self.slot, tracker.slots).ask, buttons=BUTTONS)
        return []


def about_someone_else(slots: dict) -> bool:
    """A carer or clinician is writing: the questions say "you", and a carer must not answer for themselves."""
    complaint = slots.get("chief_complaint")
    present = findings.present(complaint) if isinstance(complaint, str) else set()
    return bool({"someone_else", "child"} & present)


for _slot in SLOTS:
    _name = "ActionAsk" + _slot.title().replace("_", "")
    globals()[_name] = type(_name, (AsksRedFlag, Action), {"slot": _slot})
