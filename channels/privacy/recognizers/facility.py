"""Hospitals, clinics, wards, care homes, pharmacies and schools by name (HIPAA: places smaller than a state).

"Lakeside Hospital", "St. Mary's", "Mercy General", "Carter Unit", "Ward 6", "4 West", "Seacoast Cardiology",
and, after words like "transferred to" or "seen at", a hospital's initials ("SMH") or a lower-case name
("at greenway pharmacy"). Generic units ("ICU", "stroke unit", "the clinic") name no place: a name needs
at least one word that is not generic.
"""

import regex as re
from presidio_analyzer import Pattern, PatternRecognizer

KINDS = (r"hospital|clinic|medical (?:center|centre|group|practice)|health (?:center|centre|clinic|plan|system)|"
         r"home health|health|healthcare|family practice|practice|surgery|surgery center|surgical center|"
         r"nursing home|care home|rest home|manor|nursing (?:and|&) rehab(?:ilitation)?(?: center)?|rehab(?:ilitation)?"
         r"(?: center| centre| hospital)?|hospice|infirmary|sanatorium|center|centre|pharmacy|drugs?|meds|"
         r"pediatrics|paediatrics|cardiology|urology|neurology|dermatology|orthopa?edics|oncology|"
         r"gastroenterology|radiology|imaging|dialysis(?: center| centre| unit)?|physical therapy|"
         r"(?:elementary|middle|high|primary|secondary|grammar)(?: school)?|school|academy|college|university|"
         r"unit|ward|wing|pavilion|tower|house|court|lodge|village|residence|general|memorial|infirmary")
# Words that make no place on their own: "the clinic", "stroke unit", "heart clinic", "urgent care".
GENERIC = {
    "the", "a", "an", "this", "that", "same", "his", "her", "their", "our", "my", "your", "its", "local", "nearest",
    "main", "new", "old", "other", "another", "next", "nearby", "general", "outpatient", "inpatient", "day", "walk",
    "walk-in", "urgent", "emergency", "stroke", "heart", "cardiac", "eye", "cancer", "diabetes", "diabetic", "pain",
    "sleep", "memory", "mental", "health", "medical", "surgical", "dental", "wound", "foot", "kidney", "renal",
    "lung", "breast", "fracture", "gastro", "ortho", "cardio", "neuro", "fertility", "maternity", "labor", "labour",
    "delivery", "birth", "psych",
    "psychiatric", "rehab", "rehabilitation", "step-down", "stepdown", "intensive", "care", "critical", "acute",
    "high", "dependency", "observation", "short", "stay", "long", "term", "coronary", "trauma", "burn",
    "burns", "oncology", "dialysis", "infusion", "transfusion", "anticoagulation", "coumadin", "warfarin", "ibd",
    "family", "primary", "community", "state", "city", "children's", "childrens", "women's", "womens",
    "veterans", "va", "specialty", "specialist", "private", "public", "teaching", "university", "nursing",
    "residential", "assisted", "living", "group", "home", "house", "physical", "therapy", "imaging", "x-ray",
    "xray", "lab", "laboratory", "blood", "test", "testing", "vaccine", "flu", "covid", "sexual", "travel", "pre-op",
    "preop", "post-op", "postop", "pre-admission", "admission", "discharge", "lounge", "waiting", "isolation",
    "and", "&", "of", "for", "at", "to", "in", "on", "from", "with", "by", "or", "all", "any", "some", "one", "two",
    "pharmacy", "hospital", "clinic", "center", "centre", "school", "ward", "unit", "practice", "surgery",
}
CAPITAL_WORD = r"(?:St\.?\s+)?[A-Z][A-Za-z'\u2019-]*"
LOWER_WORD = (r"(?!(?:to|at|from|in|on|with|via|by|the|a|an|of|and|for|his|her|my|our|their|your|this|that)\b)"
              r"[a-z][a-z'\u2019-]*")
CONTEXT = r"(?i:to|at|from|in|with|via|by|@|transferred|admitted|seen|attends|attending|goes|follow[- ]?up|rm|room|\d+)"


class FacilityRecognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("named facility", rf"\b(?:{CAPITAL_WORD}\s+){{1,4}}(?i:{KINDS})\b(?:\s+(?i:of)\s+[A-Z][a-z]+)?", 0.75),
        Pattern("facility of a place", r"\b(?i:children's hospital|hospital|clinic|university) of [A-Z][a-z]+"
                r"(?:\s+[A-Z][a-z]+)?\b", 0.75),
        Pattern("saint's name", r"\b(?:St\.?|Saint)\s+[A-Z][a-z]+(?:['\u2019]s)?\b", 0.75),
        Pattern("numbered ward", r"(?i)\b(?:ward|wing|unit)\s+\d{1,2}[a-z]?\b"
                r"|\b\d{1,2}\s?(?:west|east|north|south)\b(?!\s+(?:st|street|ave|avenue|rd|road)\b)", 0.7),
        Pattern("initials after transfer", r"(?<=\b(?i:transferred|transfer|admitted|sent|seen|taken|brought|"
                r"discharged|returned|followed|moved|referred)\s+(?i:to|at|from|in|by|back to)\s+)[A-Z]{2,5}\b", 0.7),
        Pattern("lower-case facility after context", rf"(?<=\b{CONTEXT}\s+)(?:{LOWER_WORD}\s+){{1,3}}(?:{KINDS})\b", 0.7),
    ]

    def __init__(self):
        super().__init__(supported_entity="LOCATION", patterns=self.PATTERNS, name="careline_facility",
                         global_regex_flags=re.DOTALL | re.MULTILINE)  # case matters: names are capitalised

    def validate_result(self, pattern_text: str):
        """A name made only of generic words ("the clinic", "Stroke Unit", "urgent care") is no place."""
        words = [w.lower().strip(".") for w in re.findall(r"[A-Za-z'\u2019&.-]+", pattern_text)]
        if pattern_text.isupper() and len(words) == 1 or re.search(r"\d", pattern_text):
            return None  # initials: the abbreviation deny-list in the scrubber removes ICU, ER, SNF
        return None if any(w not in GENERIC for w in words) else False
