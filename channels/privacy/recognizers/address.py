"""Street addresses with a house number: "1234 Oak Street", "55 W. 3rd Ave, Apt 4B", "PO Box 12", and the UK
street kinds ("14 Hawthorn Close", "3 Mill Fold", "8 Ash Grove"). A count before the words ("2 weeks close to")
is no house number, nor is a digit in a run of spaced digits ("7 7 0 3 2 1 9").
Street names hold no function words, so "9 for the ct scan" is no court."""

from presidio_analyzer import Pattern, PatternRecognizer

SUFFIX = (r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|way|terrace|ter|circle|cir|"
          r"parkway|pkwy|highway|hwy|trail|trl|square|sq|close|crescent|cres|grove|gardens|gdns|mews|fold|croft|"
          r"esplanade|parade)\.?")
# Words after a number that make it a count or a dose, not a house number.
COUNT = (r"(?:days?|weeks?|wks?|months?|years?|yrs?|hours?|hrs?|minutes?|mins?|times?|tabs?|tablets?|pills?|caps?|"
         r"doses?|units?|mg|mcg|ml|puffs?|drops?|cm|mm|inch(?:es)?|of|x|or|and|to|in|more|less|people|kids|children|steps|"
         r"blocks|feet)")

# Words no street name holds: "7 for the ct scan" is no "Ct" (court).
FUNCTION_WORD = r"(?:for|the|a|an|and|or|to|of|in|at|with|my|his|her|their|your|is|was)"


class AddressRecognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("house number and street",
                rf"(?i)(?<!\d\s)\b\d{{1,6}}\s+(?!{COUNT}\b)(?:[nsew]\.?\s+|north\s+|south\s+|east\s+|west\s+)?"
                rf"(?:(?!{FUNCTION_WORD}\b)[a-z0-9'-]+\s+){{1,4}}{SUFFIX}"
                rf"(?:\s*,?\s*(?:apt|apartment|unit|suite|ste|#)\.?\s*[a-z0-9-]+)?\b", 0.85),
        Pattern("po box", r"(?i)\bp\.?\s?o\.?\s+box\s+\d+\b", 0.85),
        Pattern("apartment", r"(?i)\b(?:apt|apartment|unit|suite)\.?\s*#?\s*\d+[a-z]?\b", 0.6),
    ]
    CONTEXT = ["live", "address", "street", "at"]

    def __init__(self):
        super().__init__(supported_entity="STREET_ADDRESS", patterns=self.PATTERNS, context=self.CONTEXT,
                         name="careline_address")
