"""Consumer wording -> concepts, with negation (table tests)."""

import pytest

from actions.triage import lexicon


@pytest.mark.parametrize("text, concept", [
    ("my chest feels tight", "chest_pain"),
    ("pressure in my chest", "chest_pain"),
    ("I'm all clammy", "sweating"),
    ("the pain goes down my left arm", "radiating_arm_jaw"),
    ("I can't catch my breath", "shortness_of_breath"),
    ("her lips are blue", "severe_breathing"),
    ("his smile looks lopsided", "face_droop"),
    ("my words are coming out slurred", "speech_trouble"),
    ("worst headache of my life", "worst_headache"),
    ("my throat is closing up", "anaphylaxis_signs"),
    ("I want to kill myself", "suicidal"),
    ("it burns when I pee", "urinary_symptoms"),
    ("my temp is 103", "high_fever"),
    ("running a temperature of 38.5 c", "fever"),
    ("my 6 week old", "infant"),
    ("I'm on warfarin", "med_blood_thinner"),
])
def test_consumer_wording_maps_to_concept(text, concept):
    assert concept in lexicon.present(text)


@pytest.mark.parametrize("text, concept", [
    ("no fever", "fever"),
    ("I'm not short of breath", "shortness_of_breath"),
    ("I don't have chest pain", "chest_pain"),
    ("without any sweating", "sweating"),
    ("never had a seizure", "seizure"),
])
def test_negated_findings_are_not_present(text, concept):
    assert concept not in lexicon.present(text)
    assert lexicon.extract(text)[concept] is False


def test_negation_stops_at_a_clause_break():
    assert "shortness_of_breath" in lexicon.present("the inhaler isn't helping, I'm wheezing")


def test_ages_are_not_read_as_temperatures():
    assert "fever" not in lexicon.present("I'm 38 and my back hurts")


def test_cant_stop_is_not_a_negation():
    assert "suicidal" in lexicon.present("I can't stop thinking about killing myself")
    assert "cough" in lexicon.present("I can't stop coughing")


def test_thoughts_of_suicide_count_even_when_denied():
    assert "suicidal" in lexicon.present("I don't want to kill myself but I think about it")


def test_a_fever_not_responding_to_tylenol_is_not_an_unresponsive_patient():
    assert "unresponsive" not in lexicon.present("my fever is not responding to tylenol")
    assert "unresponsive" in lexicon.present("my grandmother won't respond to me")
