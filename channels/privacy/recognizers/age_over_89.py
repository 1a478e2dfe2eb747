"""Ages over 89 are identifying under HIPAA: "I'm 92", "my 95 year old mother", "age 91", and the forms notes use:
"92 yo", "92-year-old", "94 y/o F", "95YOM",
"92F" (age and sex, as radiology writes it), "Age: 98", "pt is 93", "Rose Carter (96)", "Okafor, 91, lives", and
the handover list form, a name then the age then a dash or colon ("rose pilkington 97 - poor night", "DAISY FENTON
99: end of life care"), or a relative's age in brackets ("my father (95!)").
Numbers that are readings ("sats 95", "HR 92", "95%") are left alone."""

from presidio_analyzer import Pattern, PatternRecognizer
from spacy.lang.en.stop_words import STOP_WORDS

OVER_89 = r"(?:9\d|1[01]\d)"
NOT_A_READING = r"(?!\s*(?:%|percent|lbs|pounds|kg|degrees|°|mg|f\b|/|over|bpm))"
READINGS = (r"sats?|spo2|o2|hr|pulse|rate|bp|temp|weight|wt|glucose|bm|rr|score|bay|bed|room|rm|ward|unit|sodium|na|"
            r"chloride|platelets?|plt|hgb|hb|hct|ldl|hdl|cholesterol|e?gfr|creatinine|ast|alt|iron|ferritin|tsh|calcium|"
            r"map|bs|bgl|cbg|sugar|level|systolic|diastolic|sys|resp|ef|obs|news|fio2|sao2|reading|result|page|item")
# A word before a bare number in a handover list that is no name: a reading or a function word ("were 95 - ").
NOT_A_NAME = rf"{READINGS}|{'|'.join(sorted(w for w in STOP_WORDS if w.isalpha()))}"


class AgeOver89Recognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("years old", rf"(?i)\b{OVER_89}(?=[\s-]*(?:years?|yrs?|y\.?\s?o\.?|y/o|yo[mf])(?![a-z]))", 0.9),
        Pattern("age and sex", rf"(?<!\b(?i:{READINGS}|t)\s*[:=]?\s*)(?-i:\b{OVER_89}\s?[FM])\b", 0.8),
        Pattern("someone is", rf"(?<=\b(?:(?:mother|father|mom|mum|dad|grandma|grandpa|grandmother|grandfather|"
                              rf"husband|wife|aunt|uncle|patient|pt|she|he|who)|(?-i:[A-Z][a-z]+))"
                              rf",?(?:'s| is| was| turned| turns| just turned)\s+){OVER_89}\b{NOT_A_READING}", 0.85),
        Pattern("age keyword", rf"(?i)(?<=\b(?:age|aged|i'?m|i am|she'?s|he'?s|turned|turning)\s*[:=]?\s+){OVER_89}\b"
                               rf"{NOT_A_READING}", 0.85),
        Pattern("beside a name", rf"(?<=\b(?!(?i:{READINGS})\b)(?-i:[A-Z][a-z]+)\s*(?:,|\(|\s-)\s*){OVER_89}"
                                 rf"(?=\s*(?:,|\)|-\s))", 0.6),
        Pattern("name, age, then a dash or colon", rf"(?<=\b(?!(?i:{NOT_A_NAME})\b)[A-Za-z][a-z]+[ \t]+){OVER_89}"
                                                   rf"(?=[ \t]*(?:-[ \t]|:[ \t]))", 0.6),
        Pattern("relative's age in brackets", rf"(?i)(?<=\b(?:mother|father|mom|mum|dad|grandma|grandpa|grandmother|"
                                              rf"grandfather|husband|wife|aunt|uncle|nan|gran)\s*\(\s*){OVER_89}"
                                              rf"(?=\s*[!?]*\s*\))", 0.8),
    ]

    def __init__(self):
        super().__init__(supported_entity="AGE_OVER_89", patterns=self.PATTERNS, name="careline_age_over_89")
