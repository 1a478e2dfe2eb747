"""Portal usernames and handles: "my username is jdoe_1984", "login: mary.k", "@maryk"."""

from presidio_analyzer import Pattern, PatternRecognizer

from channels.privacy.recognizers.patterns import after_keyword


class UsernameRecognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("after keyword", after_keyword(r"username|user name|user id|userid|login|log in|handle|portal id|account",
                                               r"(?:is\s+|name\s+)?[A-Za-z0-9][A-Za-z0-9._-]{2,31}"), 0.9),
        Pattern("handle", r"(?<![\w.])@[A-Za-z0-9_]{3,30}\b", 0.8),
    ]

    def __init__(self):
        super().__init__(supported_entity="USERNAME", patterns=self.PATTERNS, name="careline_username")
