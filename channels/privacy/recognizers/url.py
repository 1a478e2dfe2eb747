"""Web addresses, with or without a scheme (profile links, portal links)."""

from presidio_analyzer import Pattern, PatternRecognizer


class UrlRecognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("with scheme", r"(?i)\bhttps?://[^\s<>\"']+", 0.9),
        Pattern("www", r"(?i)\bwww\.[a-z0-9-]+(?:\.[a-z0-9-]+)+[^\s<>\"']*", 0.85),
        Pattern("bare domain path", r"(?i)\b[a-z0-9-]+\.(?:com|org|net|io|me|edu|gov|us|co)/[^\s<>\"']*", 0.7),
    ]

    def __init__(self):
        super().__init__(supported_entity="URL", patterns=self.PATTERNS, name="careline_url")
