"""One table per PHI type (Presidio's style): what must be caught, and what must be left alone."""

import json
import subprocess
import sys

import pytest

from channels.privacy.scrubber import Placeholders, scrub
from channels.privacy.structured import age_answer

CAUGHT = {
    "PHONE_NUMBER": ["call (555) 123-4567", "cell 555.867.5309", "+1 415 555 2671", "2125551234", "617-555-0199 ext 12"],
    "MRN": ["MRN 00482913", "medical record number is A1234567", "chart # 55512345", "hospital number 7723145"],
    "INSURANCE_ID": ["member ID XJH123456789", "policy number is 88-1234-567", "medicare 1EG4-TE5-MK73",
                     "subscriber id W123456789"],
    "DATE_OF_BIRTH": ["DOB 03/14/1961", "I was born on July 4, 1976", "birthday is 12-02-1990", "date of birth: 1958-11-30"],
    "STREET_ADDRESS": ["1234 Oak Street, Apt 5", "my address is 77 W. Maple Ave", "PO Box 4412", "42 Elm Rd"],
    "ZIP_CODE": ["zip 94110", "Springfield, IL 62704", "my zip code is 10027"],
    "EMAIL_ADDRESS": ["jane.doe@gmail.com", "contact: pat_r@outlook.com"],
    "US_SSN": ["my ssn is 123-45-6789", "social security 078 05 1120"],
    "AGE_OVER_89": ["my mother is 94", "I'm 91 years old", "patient is 96 yo", "Rose, is 93"],
    "PERSON": ["this is jamal", "my daughter Ana has a fever", "Dr. Patel", "John Smith here", "thanks, Linda",
               "my name's dave", "- Kevin"],
    "USERNAME": ["my portal username is jdoe_1984", "login: mary.k77"],
    "URL": ["https://facebook.com/maria.lopez.77", "www.myportal.com/profile/8812"],
    "IP_ADDRESS": ["my ip is 192.168.10.45"],
    "LOCATION": ["I live in Springfield, IL", "come to Dayton, OH."],
}
KEPT = ["chest pain since tuesday", "fever for 3 days", "I take Eliquis and Tylenol", "my temperature is 99.5",
        "pain is 8 out of 10", "I'm 34 and I'm pregnant", "I have Crohn's and it's flaring up",
        "blood pressure 150/95 this morning", "my son keeps coughing", "I'm short of breath", "my mom fell",
        "my 3 year old has a temperature of 39.5", "headache from stress", "the ribs are sucking in"]


@pytest.mark.parametrize("kind, text", [(k, t) for k, texts in CAUGHT.items() for t in texts])
def test_phi_is_found_and_replaced_by_a_typed_placeholder(kind, text):
    result = scrub(text)
    assert kind in {e.type for e in result.entities}, result
    assert "<" in result.text


@pytest.mark.parametrize("text", KEPT)
def test_clinical_wording_survives_untouched(text):
    assert scrub(text).text == text


def test_placeholders_are_consistent_within_a_conversation():
    conversation = Placeholders(salt="c1")
    first = scrub("this is Maria, call 555-123-4567", conversation).text
    second = scrub("Maria again, and my husband Tom", conversation).text
    assert first == "this is <PERSON>, call <PHONE>"
    assert second == "<PERSON> again, and my husband <PERSON_2>"


def test_a_name_found_once_is_removed_everywhere_in_the_message():
    assert "Maria" not in scrub("This is Maria. Maria has asthma.").text


@pytest.mark.parametrize("answer, sent", [("92", "90"), ("I am 95 years old", "90"), ("34", None),
                                          ("born 3/4/1950", "76"), ("6 months", None)])
def test_age_answers_become_minimal_numbers(answer, sent, monkeypatch):
    from datetime import date

    assert age_answer(answer, today=date(2026, 11, 25)) == sent


def test_cli_prints_text_and_entities_json():
    out = subprocess.run([sys.executable, "-m", "channels.privacy", "--json"], input="my name is Ana, MRN 1234567",
                         capture_output=True, text=True, check=True).stdout
    body = json.loads(out)
    assert body["text"] == "my name is <PERSON>, MRN <MRN>"
    assert {"type", "start", "end", "score"} == set(body["entities"][0])
