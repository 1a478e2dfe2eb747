"""An uploaded image (action_image_uploaded): always in front of a nurse, ordered by the classifier.

The gateway has validated, re-encoded and stored the image (channels/images.py) and sends
`/image_uploaded{"image_id": ..., "image_note": ...}` (the note: the patient's optional text, scrubbed).
Red flags in the note win, as in every action. The image joins the conversation's escalation (or creates
one) as `uncertain`, raised to `urgent` when the model's calibrated abnormal score passes its threshold on
an image the model knows. The model's label, probability, out-of-distribution verdict and intended use go
with the image for the nurse; the patient only hears that a nurse will look at it, and when.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import image_check
from actions.handoff import config, escalate
from actions.safety import SafeAction
from nursing import images

log = logging.getLogger(__name__)
THANKS = ("Thank you for the picture. A nurse will look at it and reply here within about {minutes} minutes. "
          "If things get worse while you wait, call 911.")
ALSO_SEEN = "A nurse will look at your picture too."
CONSENT_FIRST = ("Before I can pass a picture to a nurse, I need your agreement to continue. I haven't kept it: "
                 "please answer the question below, then send the picture again.")
NOT_CHECKED = "not checked: the image model could not look at this image"


def entity(tracker: Tracker, name: str) -> str:
    for found in tracker.latest_message.get("entities") or []:
        if found.get("entity") == name and isinstance(found.get("value"), str):
            return found["value"]
    return ""


def classify(image_id: str) -> dict:
    """The model's verdict for the nurse; a failure still leaves the image with the nurses, marked unchecked."""
    try:
        return image_check.check_image(images.load(image_id)).as_dict()
    except Exception as err:  # noqa: BLE001 - the nurse must get the image whatever the model does
        log.warning("image %s not classified: %s", image_id, err.__class__.__name__)
        return {"in_distribution": None, "verdict": NOT_CHECKED, "label": None, "probability": None,
                "above_threshold": False, "reasons": [err.__class__.__name__],
                "intended_use": image_check.NO_INTENDED_USE}


def priority_for(check: dict) -> str:
    return "urgent" if check.get("in_distribution") is True and check.get("above_threshold") else "uncertain"


def _escalation(events: list[EventType]) -> dict | None:
    found = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == "escalation"]
    return found[-1] if found else None


class ActionImageUploaded(SafeAction, Action):
    def name(self) -> str:
        return "action_image_uploaded"

    def patient_text(self, tracker: Tracker) -> str:
        """The patient's note with the picture, not the upload's payload."""
        return entity(tracker, "image_note")

    def in_emergency(self, dispatcher: CollectingDispatcher, tracker: Tracker, events: list[EventType]) -> list[EventType]:
        """The picture joins the emergency escalation."""
        image_id, escalation = entity(tracker, "image_id"), _escalation(events)
        if image_id and escalation and images.get(image_id):
            images.attach(image_id, escalation["id"], classify(image_id))
            dispatcher.utter_message(text=ALSO_SEEN)
        return events

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: dict[str, Any]) -> list[EventType]:
        image_id = entity(tracker, "image_id")
        if not image_id or images.get(image_id) is None:
            dispatcher.utter_message(text="Sorry, I could not find that picture. Please send it again.")
            return []
        if tracker.get_slot("consent") is not True:
            images.discard(image_id)  # nothing reaches a nurse before the patient has agreed to it
            dispatcher.utter_message(text=CONSENT_FIRST)
            return []
        check = classify(image_id)
        events = escalate(dispatcher, tracker, priority_for(check), say=False)
        escalation = _escalation(events)
        images.attach(image_id, escalation["id"], check)
        dispatcher.utter_message(text=THANKS.format(minutes=config()["service_levels"][escalation["priority"]]))
        return events
