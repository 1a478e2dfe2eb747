"""Street addresses with a house number: "1234 Oak Street", "55 W. 3rd Ave, Apt 4B", "PO Box 12"."""

from presidio_analyzer import Pattern, PatternRecognizer

SUFFIX = (r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|way|terrace|ter|circle|cir|"
          r"parkway|pkwy|highway|hwy|trail|trl|square|sq)\.?")


class AddressRecognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("house number and street",
                rf"(?i)\b\d{{1,6}}\s+(?:[nsew]\.?\s+|north\s+|south\s+|east\s+|west\s+)?(?:[a-z0-9'-]+\s+){{1,4}}{SUFFIX}"
                rf"(?:\s*,?\s*(?:apt|apartment|unit|suite|ste|#)\.?\s*[a-z0-9-]+)?\b", 0.85),
        Pattern("po box", r"(?i)\bp\.?\s?o\.?\s+box\s+\d+\b", 0.85),
        Pattern("apartment", r"(?i)\b(?:apt|apartment|unit|suite)\.?\s*#?\s*\d+[a-z]?\b", 0.6),
    ]
    CONTEXT = ["live", "address", "street", "at"]

    def __init__(self):
        super().__init__(supported_entity="STREET_ADDRESS", patterns=self.PATTERNS, context=self.CONTEXT,
                         name="careline_address")
