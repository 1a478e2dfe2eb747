"""Ages over 89 are identifying under HIPAA: "I'm 92", "my 95 year old mother", "age 91", and the forms notes use:
"92 yo", "92-year-old", "94 y/o F", "95YOM", "Age: 98", "pt is 93", "Rose Carter (96)", "Okafor, 91, lives".
Numbers that are readings ("sats 95", "HR 92", "95%") are left alone."""

from presidio_analyzer import Pattern, PatternRecognizer

OVER_89 = r"(?:9\d|1[01]\d)"
NOT_A_READING = r"(?!\s*(?:%|percent|lbs|pounds|kg|degrees|°|mg|f\b|/|over|bpm))"
READINGS = (r"sats?|spo2|o2|hr|pulse|rate|bp|temp|weight|wt|glucose|bm|rr|score|bay|bed|room|rm|ward|unit|sodium|na|"
            r"chloride|platelets?|plt|hgb|hb|hct|ldl|hdl|cholesterol|e?gfr|creatinine|ast|alt|iron|ferritin|tsh|calcium")


class AgeOver89Recognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("years old", rf"(?i)\b{OVER_89}(?=[\s-]*(?:years?|yrs?|y\.?\s?o\.?|y/o|yo[mf])(?![a-z]))", 0.9),
        Pattern("someone is", rf"(?<=\b(?:(?:mother|father|mom|mum|dad|grandma|grandpa|grandmother|grandfather|"
                              rf"husband|wife|aunt|uncle|patient|pt|she|he|who)|(?-i:[A-Z][a-z]+))"
                              rf",?(?:'s| is| was| turned| turns| just turned)\s+){OVER_89}\b{NOT_A_READING}", 0.85),
        Pattern("age keyword", rf"(?i)(?<=\b(?:age|aged|i'?m|i am|she'?s|he'?s|turned|turning)\s*[:=]?\s+){OVER_89}\b"
                               rf"{NOT_A_READING}", 0.85),
        Pattern("beside a name", rf"(?<=\b(?!(?i:{READINGS})\b)(?-i:[A-Z][a-z]+)\s*(?:,|\(|\s-)\s*){OVER_89}"
                                 rf"(?=\s*(?:,|\)|-\s))", 0.6),
    ]

    def __init__(self):
        super().__init__(supported_entity="AGE_OVER_89", patterns=self.PATTERNS, name="careline_age_over_89")
