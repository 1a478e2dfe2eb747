"""US ZIP codes (5 digits or ZIP+4, scored higher near "zip" or after a state name or abbreviation) and UK
postcodes ("SW1A 1AA", "BS8 1TH"), which are written in capitals with the space, unlike lab or drug codes.

A state code and the ZIP after it ("Modesto CA 95354", "Boise, ID 83702") are taken as one postal part of the
address: the code alone reads as an abbreviation ("CA", "ID", "MA") that the scrubber leaves in place.
A postcode may have been lower-cased by the scrubber's re-cased copy of a note in capitals ("LUTON LU2 7HE"
reads "Luton lu2 7he"); a unit or an ordinal in its place ("q4 1hr", "x3 2nd") is no postcode."""

from presidio_analyzer import Pattern, PatternRecognizer

from channels.privacy.recognizers.patterns import after_keyword

STATES = (r"AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|"
          r"OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC")


class ZipCodeRecognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("after zip", after_keyword(r"zip|zip code|zipcode|postal code|postcode", r"\d{5}(?:-\d{4})?\b"), 0.95),
        Pattern("after state", rf"(?<=\b(?:{STATES})\.?,?\s+)\d{{5}}(?:-\d{{4}})?\b", 0.9),
        Pattern("state and zip", rf"(?-i:\b(?:{STATES})\b)\.?,?\s+\d{{5}}(?:-\d{{4}})?\b", 0.9),
        Pattern("zip plus four", r"\b\d{5}-\d{4}\b", 0.8),
        Pattern("five digits", r"(?<![\d.$-])\b\d{5}\b(?![\d%-]|\.\d)(?!\s*(?:mg|mcg|ml|units?|kg|g)\b)", 0.45),
        Pattern("uk postcode", r"(?-i:\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s\d(?:[ABD-HJLNP-UW-Z]{2}|[abd-hjlnp-uw-z]{2})\b"
                               r"|\b[a-z]{1,2}\d[a-z\d]?\s\d[abd-hjlnp-uw-z]{2}\b)(?<!\d(?-i:hr|dl|st|nd|rd|th))", 0.7),
    ]
    CONTEXT = ["zip", "postal", "postcode", "live", "address"]

    def __init__(self):
        super().__init__(supported_entity="ZIP_CODE", patterns=self.PATTERNS, context=self.CONTEXT,
                         name="careline_zip_code")
