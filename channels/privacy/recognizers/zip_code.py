"""US ZIP codes (5 digits or ZIP+4, scored higher near "zip" or after a state name or abbreviation) and UK
postcodes ("SW1A 1AA", "BS8 1TH"), which are written in capitals with the space, unlike lab or drug codes."""

from presidio_analyzer import Pattern, PatternRecognizer

from channels.privacy.recognizers.patterns import after_keyword

STATES = (r"AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|"
          r"OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC")


class ZipCodeRecognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("after zip", after_keyword(r"zip|zip code|zipcode|postal code|postcode", r"\d{5}(?:-\d{4})?\b"), 0.95),
        Pattern("after state", rf"(?<=\b(?:{STATES})\.?,?\s+)\d{{5}}(?:-\d{{4}})?\b", 0.9),
        Pattern("zip plus four", r"\b\d{5}-\d{4}\b", 0.8),
        Pattern("five digits", r"(?<![\d.$-])\b\d{5}\b(?![\d%-]|\.\d)(?!\s*(?:mg|mcg|ml|units?|kg|g)\b)", 0.45),
        Pattern("uk postcode", r"(?-i:\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s\d[ABD-HJLNP-UW-Z]{2}\b)", 0.7),
    ]
    CONTEXT = ["zip", "postal", "postcode", "live", "address"]

    def __init__(self):
        super().__init__(supported_entity="ZIP_CODE", patterns=self.PATTERNS, context=self.CONTEXT,
                         name="careline_zip_code")
