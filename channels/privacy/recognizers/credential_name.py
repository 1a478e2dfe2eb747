"""Clinicians named with their credential in notes: "LAURA CHIN, NP", "(DOROTA, LPN, x214)", "Hannelore, RN".

A name before ", MD" or ", RN" is a person whatever its words are ("Chin" is also a body part, "Dev" an
abbreviation): the credential says so. The name starts after a field label, a bracket, a semicolon or a
line break ("PCP: ", "cc: ", "Signed: ") and is one to four words, initials allowed ("K. Marchetti").
"""

from __future__ import annotations

import regex as re
from presidio_analyzer import EntityRecognizer, RecognizerResult

from channels.privacy.casing import NOT_NAMES, clinical_words

CREDENTIALS = (r"MD|DO|RN|NP|LPN|LVN|PA-C|PA|CNM|CRNA|APRN|FNP|FNP-C|DNP|PharmD|PhD|MBBS|MBChB|FRCP|MRCP|LCSW|LICSW|"
               r"MSW|RD|RRT|CNA|BSN|MSN|DPM|DDS|OD|NNP|ACNP|AGNP|PMHNP")
WORD = r"(?:[^\W\d_]\.|[^\W\d_][\w'\u2019-]*)"
CREDENTIAL_NAME = (rf"(?m)(?:^|[:(\[;|]|\bby|\bwith|\bto)[ \t]*(?:(?i:dr)\.?[ \t]+)?({WORD}(?:[ \t]+{WORD}){{0,3}}),[ \t]*"
                   rf"(?:{CREDENTIALS})\b(?![-\w])")


class CredentialNameRecognizer(EntityRecognizer):
    def __init__(self):
        super().__init__(supported_entities=["PERSON"], name="careline_credential_name")

    def load(self) -> None:
        """Nothing to load."""

    def analyze(self, text, entities, nlp_artifacts=None):
        clinical = clinical_words()
        never = NOT_NAMES | clinical["clinical"]
        results = []
        for match in re.finditer(CREDENTIAL_NAME, text):
            words = [w.strip(".").lower() for w in match.group(1).split()]
            if any(w in never for w in words) or all(w in clinical["abbreviations"] for w in words):
                continue  # "seen by the team, RN", "per ICU, MD"
            results.append(RecognizerResult("PERSON", match.start(1), match.end(1), 0.8))
        return results
