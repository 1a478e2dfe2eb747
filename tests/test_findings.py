"""Text -> findings: phrases, vital signs and meaning, with ConText deciding what is the patient's own, now."""

import pytest

from actions.triage import findings, semantic
from actions.triage.lexicon import load_concepts

present, extract = findings.present, findings.extract


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
    ("34-year-old woman with 2 days of burning on urination", "urinary_symptoms"),
    ("my 3 yo ran into the coffee table and has a bump on his forehead", "head_injury"),
    ("slept in my contacts, now my right eye is super red n painful, light really bothers it", "light_sensitivity"),
    ("my 2 yo swallowed a coin battery from the car key", "pill_ingestion"),
    ("now even sitting quietly she makes a loud harsh noise breathing in, her neck pulls in", "severe_breathing"),
    ("barky seal cough started tonight", "stridor"),
])
def test_consumer_wording_maps_to_concept(text, concept):
    assert concept in present(text)


@pytest.mark.parametrize("text, concept", [
    ("no fever", "fever"),
    ("I'm not short of breath", "shortness_of_breath"),
    ("I don't have chest pain", "chest_pain"),
    ("without any sweating", "sweating"),
    ("never had a seizure", "seizure"),
])
def test_negated_findings_are_not_present(text, concept):
    assert concept not in present(text)
    assert extract(text)[concept] is False


def test_negation_stops_at_a_clause_break():
    assert "shortness_of_breath" in present("the inhaler isn't helping, I'm wheezing")


def test_ages_are_not_read_as_temperatures():
    assert "fever" not in present("I'm 38 and my back hurts")


def test_cant_stop_is_not_a_negation():
    assert "suicidal" in present("I can't stop thinking about killing myself")
    assert "cough" in present("I can't stop coughing")


def test_thoughts_of_suicide_count_even_when_denied():
    assert "suicidal" in present("I don't want to kill myself but I think about it")


def test_a_fever_not_responding_to_tylenol_is_not_an_unresponsive_patient():
    assert "unresponsive" not in present("my fever is not responding to tylenol")
    assert "unresponsive" in present("my grandmother won't respond to me")


def test_a_plain_denial_of_suicidal_thoughts_is_a_denial():
    assert "suicidal" not in present("no thoughts of hurting myself")
    assert "homicidal" not in present("I would never hurt my kids")


def test_a_denial_that_mentions_a_plan_still_counts():
    assert "suicidal" in present("I'm not going to kill myself, but I have the pills saved up")


def test_a_denial_with_low_mood_keeps_a_trace_for_the_crisis_line():
    assert {"crisis_thoughts_denied", "low_mood"} <= present("not suicidal but I feel hopeless every day")


@pytest.mark.parametrize("text, concept", [
    ("I had a stroke in 2019 and now I have a cold", "arm_weakness"),
    ("I had a stroke years ago", "face_droop"),
    ("what should I do if I get chest pain", "chest_pain"),
    ("family history of heart attack", "chest_pain"),
    ("I'm not breathing hard", "severe_breathing"),
    ("denies chest pain, shortness of breath or syncope", "fainting"),
    ("past mini stroke (2019)", "arm_weakness"),
    ("had a heart attack 5 yrs ago and got stents, been good since", "chest_pain"),
    ("h/o ischaemic stroke 2015 with good recovery, now shoulder pain", "arm_weakness"),
    ("In the past I have had chest pain", "chest_pain"),
])
def test_past_hypothetical_family_and_denied_findings_are_not_present(text, concept):
    assert concept not in present(text)


@pytest.mark.parametrize("text, concept", [
    ("In the past few hours I've developed chest pain", "chest_pain"),
    ("for the past 2 days chest pain and sweating", "chest_pain"),
    ("in the past hour she has become very confused", "confusion"),
    ("a 58-year-old man with crushing chest pain", "chest_pain"),
])
def test_the_past_few_hours_is_now_not_history(text, concept):
    assert concept in present(text)


def test_history_still_counts_as_a_condition():
    assert "cond_heart_disease" in present("I had a heart attack years ago")


@pytest.mark.parametrize("text, concepts", [
    ("my mom has chest pain and is sweating", {"chest_pain", "sweating"}),
    ("he says his chest feels heavy and he's clammy", {"chest_pain", "sweating"}),
    ("A 58-year-old man presents with substernal chest pressure, diaphoretic", {"chest_pain", "sweating"}),
])
def test_carers_and_clinicians_describe_the_patient_not_family_history(text, concepts):
    assert concepts <= present(text)


@pytest.mark.parametrize("text, concept", [
    ("temp 39.5 C", "high_fever"),
    ("102.5F since last night", "fever"),
    ("sats 88% on room air", "severe_breathing"),
    ("his pulse ox says 89", "severe_breathing"),
    ("HR 150 at rest", "palpitations"),
    ("BP 82/50", "low_blood_pressure"),
    ("RR 32", "severe_breathing"),
])
def test_vital_signs_become_findings(text, concept):
    assert concept in present(text)


@pytest.mark.parametrize("text", ["I'm 38 and my back hurts", "my heart rate is 104", "spo2 97%",
                                  "Afebrile, temp 36.9 C, no other joints involved", "temp 37.2 C, HR 78",
                                  "6-month-old boy, RR 48, HR 150", "a 4 yo girl, BP 88/50, RR 28"])
def test_normal_readings_and_ages_are_not_findings(text):
    assert not present(text) & {"fever", "high_fever", "severe_breathing", "shortness_of_breath", "palpitations",
                                "hypothermia", "low_blood_pressure", "fainting"}


@pytest.mark.parametrize("text, age, concept", [
    ("RR 44, HR 130", None, "severe_breathing"),  # no age: the adult reading, the safer one
    ("RR 44, HR 130", 3, "shortness_of_breath"),
    ("RR 64", 0.5, "severe_breathing"),
    ("HR 190", 0.5, "palpitations"),
    ("BP 68/40", 3, "low_blood_pressure"),
])
def test_a_childs_vital_signs_are_read_against_a_childs_normal_range(text, age, concept):
    assert concept in present(text, age)


def test_wording_no_phrase_list_has_is_matched_by_meaning():
    assert "dizziness" in present("the room spins whenever I stand")


CONCEPTS = load_concepts()
NOT_EXAMPLES = [(c.name, s) for c in CONCEPTS for s in c.not_examples]
EXAMPLES = [(c.name, s) for c in CONCEPTS if c.name not in semantic.settings()["skip"] for s in c.examples]


@pytest.mark.parametrize("concept, text", NOT_EXAMPLES, ids=[f"{c}: {t}" for c, t in NOT_EXAMPLES])
def test_ordinary_sentences_do_not_fire_the_concept(concept, text):
    assert concept not in present(text)


@pytest.mark.parametrize("concept, text", EXAMPLES, ids=[f"{c}: {t}" for c, t in EXAMPLES])
def test_each_example_description_fires_its_concept(concept, text):
    assert concept in present(text)


def test_every_concept_has_examples_and_non_examples():
    assert all(c.examples and c.not_examples for c in CONCEPTS if c.name != "low_blood_pressure")


def test_texting_shorthand_is_read_like_the_words_it_stands_for():
    assert {"chest_pain", "shortness_of_breath"} <= present("cant breth rly gd n my chst hurtz")


@pytest.mark.parametrize("text", [
    "ive got all my tablets counted out on the table n ive written letters for my kids",
    "he has been giving his stuff away and says it'll be easier for everyone",
    "she has saved up several weeks of her sertraline and intends to take them all tonight",
])
def test_warning_signs_of_suicide_count_without_the_word(text):
    assert "suicidal" in present(text)


def test_a_denial_of_thoughts_is_a_denial_however_long_the_list():
    text = ("He is still going to work and talking to friends. "
            "He says he has never had thoughts of hurting himself or ending his life.")
    assert "suicidal" not in present(text)
    assert "crisis_thoughts_denied" in present(text)


def test_a_wish_in_the_same_sentence_as_the_denial_still_counts():
    assert "suicidal" in present("I'm not going to end my life, I just wish I wouldn't wake up")


def test_feet_that_are_absolutely_killing_her_are_pain_not_a_threat():
    assert "homicidal" not in present("my wife says her feet are absolutely killing her after the wedding")


def test_a_denied_plan_is_a_denial_not_a_plan():
    text = "She says she is not suicidal, has no plans to harm herself and has a supportive partner."
    assert "suicidal" not in present(text)


def test_going_to_work_in_the_denial_sentence_does_not_undo_it():
    assert "suicidal" not in present("eating ok and going to work, not thinking of hurting myself, just sad")


def test_going_to_do_it_in_the_denial_sentence_still_counts():
    assert "suicidal" in present("I'm not thinking about it much but I'm going to do it tonight")


@pytest.mark.parametrize("text", ["what should I do if my temperature goes up", "I'm going to bed early",
                                  "the rash spread to the other knee"])
def test_spreading_needs_a_place_it_spreads_to(text):
    assert "radiating_arm_jaw" not in present(text)


def test_a_list_after_a_sentence_opening_no_is_denied_to_its_or():
    found = present("Worse hearing over years. No ear pain, discharge, dizziness or sudden change.")
    assert not {"ear_pain", "genital_symptoms", "dizziness", "sudden_onset"} & found


@pytest.mark.parametrize(("text", "concept"), [
    ("burning pain in the back of his throat when he swallows", "back_pain"),
    ("excess tearing of both eyes with itching", "tearing_pain"),
    ("small volume of non bloody diarrhea", "blood_in_stool"),
    ("painful lump in his neck no chest pain or discomfort", "chest_pain"),
    ("watery discharge from both eyes", "genital_symptoms"),
])
def test_clinician_wording_that_only_looks_like_a_finding(text, concept):
    assert concept not in present(text)


def test_attempts_to_breastfeed_do_not_undo_a_denial_of_suicidal_thoughts():
    text = "Nipple pain when she attempts to breastfeed. No mood changes, no suicidal thoughts."
    assert "suicidal" not in present(text)


def test_a_cold_sore_is_not_a_cold():
    assert "cold_symptoms" not in present("I have a cold sore on my lip")


def test_a_headache_like_being_hit_on_the_head_is_not_a_head_injury():
    assert "head_injury" not in present("sudden headache like someone hit the back of my head with a bat")


def test_heartburn_burning_up_into_the_throat_is_not_a_fever():
    assert "fever" not in present("heartburn, more a burning up into my throat")
    assert "fever" in present("she's burning up and won't eat")
