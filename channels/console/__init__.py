"""The nurse console: login, the escalation queue, claim, reply, close, audit."""
