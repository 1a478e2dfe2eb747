"""Shops, pharmacies, health systems and workplaces by name (HIPAA: places smaller than a state).

Patients name the branch they use: "the CVS on Blackstone", "near the walmart on 5th", "Walgreens Elm St",
"Kaiser Roseville", "kaiser oakland". A chain's name is a place, and so is the branch told after it: a street
or a word after "on"/"off"/"by", or a capitalised word, or a word shaped like a town (city.py) right after it.
A workplace is whatever is named after "work at", "works for", "employed at" ("i work at valley children's so",
"works at El Paso Electric."), or after a job ("a professor at northeastern", "driver for the MBTA"), up to the
first common word ("work at home", "works at the hospital", "a smoker for the last 30 years" name none).
Quest, the laboratory chain, is a place only after "at", "to" or "from" ("bloodwork done at quest").
"""

import regex as re
from presidio_analyzer import EntityRecognizer, RecognizerResult

from channels.privacy.recognizers.address import SUFFIX
from channels.privacy.recognizers.city import NOT_PLACES, shaped_like_a_town
from channels.privacy.recognizers.patient_name import NOT_NAMES
from channels.privacy.recognizers.patterns import MONTH, WEEKDAY

# Pharmacy, supermarket and care-provider chains in the US and UK; "Boots" only capitalised (it is footwear too).
CHAINS = (r"cvs(?: pharmacy)?|walgreens|rite aid|duane reade|walmart|costco|kroger|safeway|publix|meijer|h-e-b|"
          r"(?-i:Boots|BOOTS)|superdrug|lloyds(?: pharmacy)?|well pharmacy|shoppers drug mart|tesco|sainsbury'?s|asda|"
          r"morrisons|aldi|lidl|kaiser(?: permanente)?|sutter(?: health)?|dignity health|fresenius|davita|"
          r"minute ?clinic|planned parenthood|quest diagnostics|labcorp|concentra|one medical|mayo clinic|"
          r"cleveland clinic|johns hopkins|mass general|(?<=\b(?:at|to|from)\s+)quest(?!\s+(?:for|to)\b)")
# Not "CVS: S1 S2 normal" (the cardiovascular system in an examination).
CHAIN = re.compile(rf"(?i)\b(?:{CHAINS})\b(?!\s*[:=]|\s+(?:exam|examination|system|normal|review|nad)\b)")
# The branch: "on Blackstone", "on 5th", "off Church Street", "by the mall"; or "Elm St", "Roseville" right after;
# "on the 3rd" is a date.
BRANCH_AFTER = re.compile(rf"(?i)^\s+(?:on|off|by|at)\s+(?:the\s+(?!\d))?(\d{{1,3}}(?:st|nd|rd|th)\b|[a-z][\w'-]*)"
                          rf"(?:\s+[a-z][\w'-]*)?(?:\s+{SUFFIX})?")
NAME_AFTER = re.compile(rf"^\s+((?:[A-Z][a-z]+|[a-z]+)(?:\s+[A-Z][a-z]+)?(?:\s+(?i:{SUFFIX}))?)")
WORKPLACE = re.compile(r"(?i)(?<=\b(?:work|works|working|worked|employed|job|shifts?|volunteers?|volunteering)"
                       r"\s+(?:at|for)\s+)[a-z][\w'\u2019&-]*(?:\s+[a-z][\w'\u2019&-]*){0,3}")
# "a professor at northeastern", "bus driver for the MBTA": a job's place is named after the job.
OCCUPATION = (r"[a-z]+(?:er|or|ist|ian|ier|eer|man|woman)|nurse|chef|cook|clerk|aide|assistant|student|teacher|"
              r"resident|fellow|attendant|technician|tech|barista|dispatcher|janitor|custodian")
JOB_PLACE = re.compile(rf"(?i)(?<=\b(?:an?|the|as)\s+(?:[a-z-]+\s+)?(?:{OCCUPATION})\s+(?:at|for\s+the)\s+)"
                       r"[a-z][\w'\u2019&-]*(?:\s+[a-z][\w'\u2019&-]*){0,3}")
NOT_A_BRANCH = re.compile(rf"(?i)^(?:{WEEKDAY}|{MONTH})$")


class NamedPlaceRecognizer(EntityRecognizer):
    def __init__(self):
        super().__init__(supported_entities=["LOCATION"], name="careline_named_place")

    def load(self) -> None:
        """Nothing to load: the patterns are compiled at import."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        vocab = nlp_artifacts.tokens.vocab if nlp_artifacts is not None and nlp_artifacts.tokens is not None else None
        found = [RecognizerResult("LOCATION", m.start(), self._branch_end(text, m.end(), vocab), 0.8)
                 for m in CHAIN.finditer(text)]
        for match in (*WORKPLACE.finditer(text), *JOB_PLACE.finditer(text)):
            words = list(re.finditer(r"\S+", match.group()))
            named = []
            for word in words:
                if _common(word.group()):
                    break
                named.append(word)
            if named:
                found.append(RecognizerResult("LOCATION", match.start(), match.start() + named[-1].end(), 0.7))
        return found

    @staticmethod
    def _branch_end(text: str, end: int, vocab) -> int:
        """Where the branch told after a chain's name ends ("on 5th", "Elm St", "oakland"); `end` if none."""
        after = text[end:end + 60]
        if (branch := BRANCH_AFTER.match(after)) and not _common(branch.group(1)) \
                and not NOT_A_BRANCH.match(branch.group(1)):
            words = list(re.finditer(r"\S+", branch.group()))
            while words and _common(words[-1].group()):
                words.pop()
            return end + words[-1].end()
        if (name := NAME_AFTER.match(after)) and not _common(name.group(1).split()[0]) \
                and not NOT_A_BRANCH.match(name.group(1).split()[0]) \
                and (name.group(1)[0].isupper() or shaped_like_a_town(name.group(1).split()[0], vocab)):
            return end + name.end()
        return end


def _common(word: str) -> bool:
    word = word.lower().strip(".,;:!?")
    return word in NOT_NAMES or word in NOT_PLACES
