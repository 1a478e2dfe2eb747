"""Hospitals, clinics, wards, care homes, pharmacies and schools by name (HIPAA: places smaller than a state).

"Lakeside Hospital", "St. Mary's", "Mercy General", "Carter Unit", "Ward 6", "4 West", "Seacoast Cardiology",
and, after words like "transferred to" or "seen at", a hospital's initials ("SMH") or a lower-case name
("at greenway pharmacy"). Generic units ("ICU", "stroke unit", "the clinic") name no place: a name needs
at least one word that is not generic.

Names start with "Royal", "Children's", "Mount" or a saint ("Royal Victoria", "Children's Mercy", "st joes" after
"at"). In a note's header a lower-case name is a place without a context word (", kingfisher ward", "- oak tree
house"), and so are the initials in brackets after a name ("Queen Elizabeth Hospital (QEH)") wherever they recur,
and the town after a name ("Maple Lodge Care Home, Doncaster", "Sunrise Villa ALF, sacramento").
A capitalised name after "transferred to" or "discharged to" is a place unless it is a service ("Transferred to
Brigham", not "to Medicine"); so is a ward named after a person with its floor ("From: Farnsworth 7"), a hospital's
initials in brackets after a record number ("MRN (BMC)") or after "done at", and a name found once wherever it recurs.
"""

import regex as re
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

from channels.privacy.casing import clinical_words, vocabulary
from channels.privacy.recognizers.city import NOT_PLACES
from channels.privacy.recognizers.date import COUNTED
from channels.privacy.recognizers.patient_name import NOT_NAMES
from channels.privacy.recognizers.patterns import recurrences

KINDS = (r"primary care|urgent care|medical associates|associates|diagnostics|dme|day ?care|nursery|preschool|"
         r"senior life|general hospital|general infirmary|community hospital|memorial hospital|district hospital|"
         r"family medicine|memory care|skilled nursing(?: facility)?|nursing facility|senior living|assisted living|"
         r"dental(?: care| group| practice| clinic| office)?|dentistry|pathology|laborator(?:y|ies)|"
         r"heart(?: institute| center| centre)?(?!\s+(?:failure|attack|disease|rate|surgery|cath|block|murmur|valve))|"
         r"villa|gardens|"
         r"hospital|clinic|medical (?:center|centre|group|practice)|health (?:center|centre|clinic|plan|system)|"
         r"home health|health|healthcare|family practice|practice|surgery|surgery center|surgical center|"
         r"nursing home|care home|rest home|manor|nursing (?:and|&) rehab(?:ilitation)?(?: center)?|rehab(?:ilitation)?"
         r"(?: center| centre| hospital)?|hospice|infirmary|sanatorium|center|centre|pharmacy|drugs?|meds|"
         r"pediatrics|paediatrics|cardiology|urology|neurology|dermatology|orthopa?edics|oncology|"
         r"gastroenterology|radiology|imaging|dialysis (?:center|centre|unit)|physical therapy|"
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
    "family", "primary", "community", "state", "children's", "childrens", "women's", "womens",
    "veterans", "va", "specialty", "specialist", "private", "public", "teaching", "university", "nursing",
    "residential", "assisted", "living", "group", "home", "house", "physical", "therapy", "imaging", "x-ray",
    "xray", "lab", "laboratory", "blood", "test", "testing", "vaccine", "flu", "covid", "sexual", "travel", "pre-op",
    "preop", "post-op", "postop", "pre-admission", "admission", "discharge", "lounge", "waiting", "isolation",
    "and", "&", "of", "for", "at", "to", "in", "on", "from", "with", "by", "or", "all", "any", "some", "one", "two",
    "pharmacy", "hospital", "clinic", "center", "centre", "school", "ward", "unit", "practice", "surgery",
    "failure", "internal", "sports", "elderly", "geriatric", "respiratory", "left", "right", "open", "congestive",
    "district", "medicine", "pathology", "senior", "skilled", "falls", "antenatal", "postnatal", "hers", "mum's",
    "mom's", "dad's", "haematology", "hematology", "cardiology", "neurology", "urology", "dermatology",
    "rheumatology", "endocrinology", "gastroenterology", "nephrology", "ophthalmology", "gynaecology", "gynecology",
    "obstetric", "obstetrics", "paediatric", "pediatric", "paediatrics", "pediatrics", "orthopaedic", "orthopedic",
    "physiotherapy", "podiatry", "audiology", "allergy", "asthma", "copd", "ent", "haem", "onc",
}
# Kinds that make a lower-case phrase a named place in a note's header, where no context word comes before it.
HEADER_KINDS = (r"hospital|infirmary|ward|house|villa|lodge|manor|care home|nursing home|rest home|hospice|pathology|"
                r"health cent(?:er|re)|medical cent(?:er|re)|medical associates|medical group|family medicine")
HEADER = r"(?:^|[,:(]|\s[-\u2013])[ \t]*"
CAPITAL_WORD = r"(?:St\.?\s+)?[A-Z][A-Za-z'\u2019-]*"
LOWER_WORD = (r"(?!(?:to|at|from|in|on|with|via|by|the|a|an|of|and|for|his|her|my|our|their|your|this|that)\b)"
              r"[a-z][a-z'\u2019-]*")
HEADER_WORD = LOWER_WORD.replace("[a-z][a-z", "[A-Za-z][a-z")  # the re-cased copy may capitalise the first word
CONTEXT = r"(?i:to|at|from|in|with|via|by|@|transferred|admitted|seen|attends|attending|goes|follow[- ]?up|rm|room|\d+)"


# "(QEH)" right after a name; ", Doncaster" or " ALF, sacramento" right after it, ended by punctuation or a line end.
INITIALS_AFTER = re.compile(r"\s*\(([A-Z]{2,5})\)")
TOWN_AFTER = re.compile(rf"(?:\s+(?i:{KINDS})){{0,2}}(?:\s+[A-Z]{{2,4}})?,[ \t]*([A-Za-z][a-z]+(?:[ -][A-Za-z][a-z]+){{0,2}})"
                        r"(?=[ \t]*(?:[,.;)\n]|[-\u2013]\s|$))")


# "Transferred to Brigham", "discharged to AdCare": a named place after a move, when no word of it is a service.
TRANSFERRED_TO = re.compile(r"(?<=\b(?i:transferred|transfer|admitted|discharged|sent|referred)\s+(?i:to|from)\s+)"
                            r"[A-Z][A-Za-z]+(?:\s+[A-Z][a-z]+)?\b(?!['\u2019])")
# A ward named after a person with its floor ("From: Farnsworth 7", "LOCATION: BAKER 4,", "NEURO ICU, SHAPIRO 6.").
WARD_NUMBER = re.compile(r"(?<=\b(?i:from|to|location|dispo(?:sition)?|flowsheet|icu|ccu|unit|floor)\s*[:,-]?\s+)"
                         r"[A-Z][a-z]{3,}\s\d{1,2}[A-Za-z]?(?=\s*(?:[,.;(\n]|$))")


class FacilityRecognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("named facility", rf"\b(?:{CAPITAL_WORD}\s+(?:(?:and|&)\s+)?){{1,4}}(?i:{KINDS})\b"
                rf"(?:\s+(?i:of)\s+[A-Z][a-z]+)?", 0.75),
        Pattern("facility of a place", r"\b(?i:children's hospital|hospital|clinic|university) of [A-Z][a-z]+"
                r"(?:\s+[A-Z][a-z]+)?\b", 0.75),
        Pattern("saint's name", r"\b(?:St\.?|Saint)\s+[A-Z][a-z]+(?:['\u2019]s)?\b", 0.75),
        Pattern("numbered ward", r"(?i)\b(?:ward|wing|unit)\s+\d{1,2}[a-z]?\b"
                r"|\b\d{1,2}\s?(?:west|east|north|south)\b(?!\s+(?:st|street|ave|avenue|rd|road)\b)", 0.7),
        Pattern("initials after transfer", r"(?<=\b(?i:transferred|transfer|admitted|sent|seen|taken|brought|"
                r"discharged|returned|followed|moved|referred|done|performed|treated|obtained|records)\s+"
                r"(?i:to|at|from|in|by|back to)\s+)[A-Z]{2,5}\b", 0.7),
        Pattern("initials in brackets after a record number", r"(?<=\b(?i:mrn|record|chart|acct|account)\s*\()[A-Z]{2,6}"
                r"(?=\))", 0.7),
        Pattern("lower-case facility after context", rf"(?<=\b{CONTEXT}\s+)(?:{LOWER_WORD}\s+){{1,3}}(?:{KINDS})\b", 0.7),
        Pattern("lower-case facility in a header", rf"(?m)(?<={HEADER})(?:{HEADER_WORD}\s+){{1,3}}(?:{HEADER_KINDS})\b",
                0.7),
        Pattern("name after a prefix", r"\b(?i:royal|children['\u2019]?s|mount|mt\.?)\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\b",
                0.7),
        Pattern("lower-case mount after context",
                r"(?<=\b(?i:at|from|in)\s+)(?i:mount|mt\.?)\s+" + LOWER_WORD + r"\b", 0.7),
        Pattern("lower-case saint after context", r"(?<=\b(?i:at|in|to|from|into|@)\s+)(?i:st\.?|saint)\s+[a-z]+"
                r"(?:['\u2019]?s)?\b", 0.7),
    ]

    def __init__(self):
        super().__init__(supported_entity="LOCATION", patterns=self.PATTERNS, name="careline_facility",
                         global_regex_flags=re.DOTALL | re.MULTILINE)  # case matters: names are capitalised

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        """Named places, then the initials in brackets after each and the town after each."""
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        extra = []
        for result in results:
            tail = text[result.end:result.end + 60]
            if initials := INITIALS_AFTER.match(tail):
                extra += [RecognizerResult("LOCATION", m.start(), m.end(), 0.75)
                          for m in re.finditer(rf"\b{initials.group(1)}\b", text)]
            if town := TOWN_AFTER.match(tail):
                words = town.group(1).split()
                if not any(w.lower() in NOT_PLACES or w.lower() in NOT_NAMES for w in words):
                    extra.append(RecognizerResult("LOCATION", result.end + town.start(1), result.end + town.end(1), 0.7))
        extra += [RecognizerResult("LOCATION", m.start(), m.end(), 0.7) for rx in (TRANSFERRED_TO, WARD_NUMBER)
                  for m in rx.finditer(text) if not any(_common(w) for w in m.group().split() if w.isalpha())]
        return results + extra + recurrences(text, results + extra, _common)

    def validate_result(self, pattern_text: str):
        """A name made only of generic words ("the clinic", "Stroke Unit", "urgent care") is no place."""
        words = [w.lower().strip(".") for w in re.findall(r"[A-Za-z'\u2019&.-]+", pattern_text)]
        if pattern_text.isupper() and len(words) == 1 or re.search(r"\d", pattern_text):
            return None  # initials: the abbreviation deny-list in the scrubber removes ICU, ER, SNF
        return None if any(w not in GENERIC for w in words) else False


def _common(word: str) -> bool:
    """A service, counted, clinical or everyday word ("Medicine", "Level", "Nihss", "Floor") names no place."""
    word = word.lower().strip(".,;:()")
    return (word in GENERIC or word in NOT_PLACES or word in NOT_NAMES or word in vocabulary()["not_names"]
            or word in clinical_words()["clinical"] or re.fullmatch(COUNTED, word) is not None
            or word.endswith(("ology", "ics", "ery", "iatry")) or word == "medicine")
