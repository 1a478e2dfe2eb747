"""IPv4 and IPv6 addresses."""

from presidio_analyzer import Pattern, PatternRecognizer

OCTET = r"(?:25[0-5]|2[0-4]\d|1?\d?\d)"


class IpAddressRecognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("ipv4", rf"\b{OCTET}(?:\.{OCTET}){{3}}\b", 0.85),
        Pattern("ipv6", r"(?i)\b(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{1,4}\b", 0.8),
    ]

    def __init__(self):
        super().__init__(supported_entity="IP_ADDRESS", patterns=self.PATTERNS, name="careline_ip_address")
