"""Words that work at any turn: help, start over, stop, a nurse.

Matched on the whole (short) message, so "stop" ends the chat but
"the pain won't stop" does not.
"""

import re

COMMANDS = {
    "help": r"help|help me|\?|menu|what can you do|options|/help",
    "restart": r"start over|start again|restart|reset|begin again|new conversation|/start_over",
    "stop": r"stop|quit|cancel|exit|end|end chat|stop chat|stop this|/stop",
    "nurse": r"(?:can i |i want to |i'd like to |let me |please )?(?:talk|speak|chat) (?:to|with) (?:a |the |an? )?"
             r"(?:nurse|person|human|real person|someone|doctor)(?: please)?|nurse|a nurse|human|agent|/request_nurse",
}
PATTERNS = {name: re.compile(rf"^\W*(?:{pattern})\W*$") for name, pattern in COMMANDS.items()}


def detect(text: str) -> str | None:
    text = text.lower().strip()
    for name, pattern in PATTERNS.items():
        if pattern.match(text):
            return name
    return None
