"""The triage engine: every rule fires on its own findings; key safety behaviours by name."""

from dataclasses import replace
from itertools import product

import pytest

from actions.triage import engine
from actions.triage.facts import facts_from_slots
from actions.triage.findings import extract
from actions.triage.lexicon import load_concepts
from actions.triage.protocols import Facts, load_families, rank


def satisfying_facts(rule) -> Facts:
    """The smallest facts that make one rule hold, with findings that set off no more serious rule if possible."""
    age = 30.0
    if rule.age_at_least is not None:
        age = rule.age_at_least + 1
    if rule.age_below is not None:
        age = rule.age_below / 2
    base = Facts(
        age=age,
        sex=rule.sex or ("female" if rule.pregnant else None),
        pregnant=rule.pregnant,
        duration_hours=(rule.duration_at_least_hours or 0) + 1 if rule.duration_below_hours is None
        else rule.duration_below_hours / 2,
        severity=rule.severity_at_least or 3,
    )
    candidates = [replace(base, concepts=frozenset(findings))
                  for findings in product(*(sorted(group) for group in rule.all))]
    return next((facts for facts in candidates if engine.assess(facts).level == rule.level), candidates[0])


ALL_RULES = [rule for family in load_families() for rule in family.rules]
EXCLUSIONS = [(rule, concept) for rule in ALL_RULES for concept in sorted(rule.none)]


@pytest.mark.parametrize("rule", ALL_RULES, ids=[r.id for r in ALL_RULES])
def test_each_rule_holds_on_its_own_findings(rule):
    assert rule.failing_facts(satisfying_facts(rule)) is None


@pytest.mark.parametrize("rule", ALL_RULES, ids=[r.id for r in ALL_RULES])
def test_each_rule_decides_the_level_and_gives_its_reason_on_its_own_findings(rule):
    """A rule that never decides the level on its own findings would be dead weight in the protocols."""
    result = engine.assess(satisfying_facts(rule))
    assert result.level == rule.level, result.rule_ids
    assert rule.id in result.rule_ids
    assert rule.reason in result.reasons
    assert result.advice


@pytest.mark.parametrize(("rule", "excluded"), EXCLUSIONS, ids=[f"{r.id}-{c}" for r, c in EXCLUSIONS])
def test_an_excluded_finding_stops_the_rule(rule, excluded):
    assert excluded in {concept.name for concept in load_concepts()}, "no patient wording can exclude this"
    facts = satisfying_facts(rule)
    with_excluded = replace(facts, concepts=facts.concepts | {excluded})
    assert rule.failing_facts(with_excluded) == {"finding"}
    assert rule.id not in engine.assess(with_excluded).rule_ids


@pytest.mark.parametrize("rule", ALL_RULES, ids=[r.id for r in ALL_RULES])
def test_each_rule_names_a_public_source(rule):
    assert rule.source.startswith("https://")


def assess(text: str, **slots) -> engine.Triage:
    return engine.assess(facts_from_slots({"chief_complaint": text, **slots}))


def test_chest_pain_with_sweating_is_emergency():
    assert assess("my chest hurts and I'm all sweaty").level == "emergency"


def test_negated_danger_signs_do_not_make_chest_pain_an_emergency():
    assert assess("sharp chest pain, no sweating, not short of breath", age=22).level == "urgent"


def test_stroke_signs_are_emergency():
    assert assess("her face is drooping").level == "emergency"


def test_suicidal_intent_gives_988():
    result = assess("I want to end my life")
    assert result.level == "emergency" and "988" in result.advice


def test_infant_fever_is_emergency():
    assert assess("fever", age=0.1).level == "emergency"


def test_fever_in_an_adult_is_self_care():
    assert assess("I have a fever", age=30, duration=12).level == "self_care"


def test_unknown_complaint_falls_back_to_routine_with_a_reason():
    result = assess("something feels off")
    assert result.level == "routine" and result.reasons


def test_not_sure_about_age_never_lowers_a_fever_below_urgent():
    result = assess("my kid has a fever", age="unknown")
    assert rank(result.level) >= rank("urgent")
    assert result.nurse_suggested


def test_not_sure_answers_bring_in_a_nurse():
    assert assess("runny nose", severity="unknown").nurse_suggested


def test_high_severity_raises_a_cold_to_urgent():
    assert assess("sore throat", severity=9).level == "urgent"


def test_pregnancy_is_asked_for_women_of_childbearing_age_only():
    assert "pregnant" in engine.questions_for({"abdominal_pain"}, "female", 30)
    assert "pregnant" not in engine.questions_for({"abdominal_pain"}, "male", 30)
    assert "pregnant" not in engine.questions_for({"abdominal_pain"}, "female", 70)
    assert "pregnant" not in engine.questions_for({"cold_symptoms"}, "female", 30)


def test_red_flags_need_no_intake_answers():
    assert engine.red_flags(Facts(concepts=frozenset({"anaphylaxis_signs"})))
    assert not engine.red_flags(Facts(concepts=frozenset({"cold_symptoms"})))


@pytest.mark.parametrize("text", [
    "was doing the drains with that caustic unblocker stuff n some splashed in my eye",
    "he was cleaning the oven and some of the spray went in his right eye",
])
def test_a_chemical_splash_in_the_eye_is_an_emergency(text):
    assert assess(text).level == "emergency"


def test_a_leg_shorter_and_turned_out_after_a_fall_is_an_emergency():
    text = "Mum slipped in the bathroom. She can't put any weight on her right leg and that foot is turned out to the side"
    assert assess(text, age=82).level == "emergency"


def test_a_sudden_headache_with_vomiting_is_an_emergency():
    assert assess("got this headache out of nowhere at the gym and threw up once").level == "emergency"


def test_tablets_that_cannot_be_accounted_for_near_a_toddler_are_an_emergency():
    text = "my 2 year old was holding grandma's pill organiser and four tablets can't be accounted for, he seems fine"
    assert assess(text, age=2).level == "emergency"


def test_back_pain_with_numbness_when_wiping_is_an_emergency():
    text = "my back has been bad for a week, since yesterday i cant really feel it down there when i wipe"
    assert assess(text).level == "emergency"


@pytest.mark.parametrize("text", [
    "he broke his forearm on saturday and it's in plaster, tonight his fingers have gone numb and tingly",
    "my ankle is in a cast since the fracture yesterday and the cast feels way too tight, pain is unbearable",
])
def test_numb_toes_or_a_tight_cast_after_a_break_is_an_emergency(text):
    assert assess(text).level == "emergency"


def test_a_knock_to_the_head_on_a_blood_thinner_is_an_emergency_even_when_they_seem_fine():
    text = "grandad bumped the back of his head on the cupboard, he takes warfarin, seems completely fine"
    assert assess(text, age=84).level == "emergency"


def test_a_late_period_with_belly_pain_and_fainting_is_an_emergency():
    text = "awful stabbing pain low in my tummy on one side and I fainted in the kitchen, my period is 3 weeks late"
    assert assess(text).level == "emergency"


def test_memory_failing_over_months_is_routine_not_an_emergency():
    text = "my nan has been getting more forgetful over the last year, she keeps repeating the same stories"
    assert assess(text, age=86).level == "routine"


def test_confusion_suddenly_worse_on_top_of_memory_decline_is_still_an_emergency():
    text = ("her memory has been failing over the past few years but since this morning she is suddenly "
            "much more confused and doesn't know where she is")
    assert assess(text, age=88).level == "emergency"


def test_snoring_with_pauses_in_breathing_is_routine():
    assert assess("he snores really loudly and his wife says he stops breathing in his sleep").level == "routine"


@pytest.mark.parametrize(("text", "rule_id"), [
    ("my little boy has threadworms again, itchy bottom at night", "general.threadworms"),
    ("she's teething, grizzly and chewing everything", "general.teething"),
    ("nappy rash on my 8 month old, red but not in the creases", "skin.nappy_rash"),
    ("had a nosebleed, pinched it for ten minutes and it stopped", "injury.nosebleed"),
])
def test_everyday_problems_are_cared_for_at_home_by_their_own_rule(text, rule_id):
    triage = assess(text, age=30 if rule_id == "injury.nosebleed" else 2)
    assert triage.level == "self_care" and rule_id in triage.rule_ids


def test_hearing_gone_suddenly_in_one_ear_is_urgent():
    assert assess("woke up and I can't hear out of my right ear at all, no pain").level == "urgent"


@pytest.mark.parametrize("text", [
    "Presents with a 4-day history of cough, and now he is dyspneic even at rest.",
    "He presented with a 6-hours history of right-sided flank pain. The pain is very severe and associated with vomiting.",
    "Over the last week she has been excessively thirsty and urinating a lot, and today she is vomiting.",
    "Drooling, fever and a muffled voice since this afternoon, according to his parents.",
])
def test_clinician_descriptions_of_emergencies_are_emergencies(text):
    assert assess(text).level == "emergency"


def test_a_toddler_with_sickness_diarrhoea_and_drier_nappies_is_urgent():
    text = "my daughter is 2, shes had sick and runny poo for 2 days and her nappies are a lot less wet today"
    assert assess(text, age=2).level == "urgent"


def questions_for_complaint(text: str) -> list[str]:
    return [question.concept for question in engine.red_flag_plan(extract(text))]


def test_a_cut_hand_is_not_asked_about_weak_legs_or_confusion_since_the_injury():
    asked = questions_for_complaint("cut my hand on a broken glass washing up, it's gaping open about 2cm")
    assert not {"leg_weakness", "confusion", "nausea_vomiting"} & set(asked)


def test_a_fall_is_asked_the_injury_questions():
    asked = questions_for_complaint("I fell off a ladder and landed on my back")
    assert {"leg_weakness", "confusion", "nausea_vomiting"} <= set(asked)


@pytest.mark.parametrize("conditions, medications", [("stroke", "none"), ("anaphylaxis to peanuts", "EpiPen"),
                                                      ("asthma", "salbutamol, EpiPen")])
def test_a_symptom_named_as_a_condition_or_medicine_is_history_not_an_emergency(conditions, medications):
    facts = facts_from_slots({"chief_complaint": "I twisted my ankle playing football", "conditions": conditions,
                              "medications": medications, "age": 30, "severity": 4, "duration": 5})
    assert engine.assess(facts).level == "self_care"


def test_a_conditions_answer_that_says_it_is_happening_now_still_raises_the_alarm():
    facts = facts_from_slots({"chief_complaint": "I twisted my ankle", "age": 50,
                              "conditions": "diabetes, and I have crushing chest pain now"})
    assert engine.assess(facts).level == "emergency"


def test_a_sore_throat_and_fever_on_carbimazole_is_urgent():
    triage = assess("I've had a sore throat and a temperature since yesterday", medications="carbimazole")
    assert triage.level == "urgent" and "general.white_cell_drug_infection" in triage.rule_ids


def test_cutting_to_cope_without_wanting_to_die_is_urgent_not_self_care():
    triage = assess("She has cuts on her arm, not deep. She says she does it to cope with stress and doesn't want to die.")
    assert triage.level == "urgent" and "mental_health.self_harm" in triage.rule_ids


def test_a_bead_pushed_up_a_childs_nose_is_urgent():
    assert assess("my 3 year old pushed a bead up his nose and I can't get it out", age=3).level == "urgent"


def test_chickenpox_in_a_child_who_is_drinking_is_self_care_and_not_a_rash_with_fever():
    triage = assess("my daughter has chickenpox, itchy spots everywhere and she had a temperature yesterday", age=5)
    assert triage.level == "self_care" and "skin.chickenpox" in triage.rule_ids


def test_an_adrenaline_pen_used_for_a_reaction_is_an_emergency_even_if_better():
    assert assess("he gave himself his adrenaline auto-injector after his lips swelled, he feels better now").level \
        == "emergency"


def test_a_mothers_stroke_in_her_seventies_is_not_the_patients_stroke():
    triage = assess("tension headache after work; her mother had a stroke in her seventies", age=45)
    assert triage.level != "emergency"


def test_thoughts_others_would_be_better_off_with_no_plan_are_urgent_not_999():
    triage = assess("sometimes think everyone would be better off without me. i wouldnt do anything, no plan")
    assert triage.level == "urgent" and "mental_health.thoughts_without_plan" in triage.rule_ids


@pytest.mark.parametrize("text", [
    "everyone would be better off without me. no plan, but I have been saving up my tablets",
    "he says they'd be better off without him and he's going to take all the tablets he's been saving up",
    "better off without me, I don't have a plan yet but I tried once before",
])
def test_passive_thoughts_with_means_or_an_attempt_stay_an_emergency(text):
    assert assess(text).level == "emergency"


def test_a_cauda_equina_told_by_a_partner_is_an_emergency():
    text = ("Partner has had a bad back for a week. He can't feel properly when he wipes and he hasn't "
            "managed a wee since this morning.")
    assert assess(text).level == "emergency"


def test_a_bump_on_the_back_of_the_head_on_warfarin_is_an_emergency():
    assert assess("81, fell, bump and graze on the back of his head, he's on warfarin", age=81).level == "emergency"


def test_drain_stuff_splashed_into_an_eye_is_an_emergency():
    assert assess("unblocking the sink with that drain stuff and it splashed up into his eye").level == "emergency"


@pytest.mark.parametrize("text, rule", [
    ("period pain again, cramps low down on day 1 of my period like always", "abdominal.period_pain"),
    ("my daughter has a verruca on her foot with tiny black dots", "skin.verruca"),
    ("found head lice and nits in my son's hair", "skin.head_lice"),
    ("clashed heads at football yesterday, small bump, no headache now", "injury.head"),
])
def test_common_minor_problems_are_self_care(text, rule):
    triage = assess(text, age=25)
    assert triage.level == "self_care" and rule in triage.rule_ids


def test_late_period_with_cramps_is_not_period_pain():
    assert "period_pain" not in extract("my period is late and I have cramps")


def test_a_swollen_eyelid_with_a_fever_in_a_child_is_urgent():
    triage = assess("swollen red upper and lower eyelid since yesterday, temp 38.3", age=6)
    assert triage.level == "urgent" and "eye.lid_fever" in triage.rule_ids


def test_stopping_heavy_drinking_abruptly_is_urgent():
    assert assess("drinks a litre of vodka a day, stopped abruptly yesterday, shaky and sweaty").level == "urgent"


def test_a_split_condom_is_urgent_for_emergency_contraception():
    assert assess("the condom split last night and I'm not on anything").level == "urgent"


def test_a_neck_killing_him_is_not_a_threat_to_kill():
    assert "homicidal" not in extract("his neck has been 'killing him' since he slept awkwardly")


def test_a_heavy_weight_spreading_to_the_jaw_with_sweating_is_an_emergency_without_the_word_chest():
    text = "like a heavy weight pressing on the middle of me, all sweaty n clammy n it goes up into my jaw"
    assert assess(text, age=52).level == "emergency"


def test_vomiting_with_really_high_sugar_readings_in_a_diabetic_is_an_emergency():
    text = "throwing up since this morning, he's diabetic on insulin and his sugar readings are really high"
    assert assess(text, age=45).level == "emergency"


def test_a_few_days_of_low_mood_after_a_break_up_is_self_care_and_weeks_of_it_routine():
    text = "heartbroken since my girlfriend left, crying a lot, not thinking of hurting myself"
    assert assess(text, duration=96).level == "self_care"
    assert assess(text, duration=24 * 30).level == "routine"


def test_a_child_limping_without_an_injury_is_urgent():
    assert assess("he has been limping on his right leg since he woke up, no fall", age=4).level == "urgent"


def test_a_red_hot_patch_on_the_breast_with_a_fever_after_a_birth_is_urgent():
    text = "had my baby 3 wks ago, left boob has a red hot hard patch n my temp is 38.5 n i feel all fluey"
    assert assess(text, age=29, duration=48).level == "urgent"


@pytest.mark.parametrize("text", [
    "fell off my skateboard onto my hand, wrist swollen n hurts to move it, sore bit at the base of my thumb",
    "mum slipped on the wet patio and put her hand out to save herself. her wrist is swollen and bruised",
])
def test_a_swollen_wrist_after_falling_onto_the_hand_is_urgent_not_a_sprain(text):
    assert assess(text, age=40, duration=24).level == "urgent"


def test_a_button_battery_gone_missing_near_a_child_is_an_emergency_even_if_he_says_he_did_not_eat_it():
    text = ("my grandson was playing with the kitchen scales and the little round battery from the back is "
            "missing. He says he didn't eat it but he keeps rubbing his chest")
    assert assess(text, age=3).level == "emergency"


def test_a_big_itchy_swelling_hours_after_a_wasp_sting_is_self_care_but_days_later_urgent():
    text = "stung by a wasp on my forearm, now a 6 cm red swollen itchy area and the swelling keeps spreading"
    assert assess(text, age=40, duration=2).level == "self_care"
    assert assess(text, age=40, duration=72).level == "urgent"


@pytest.mark.parametrize(("text", "age", "hours", "rule"), [
    ("my baby is 3 months and she's got yellow greasy crusty flakes all over her scalp", 0.25, 24 * 28,
     "skin.cradle_cap"),
    ("small ulcers in her mouth and little blisters on her palms and soles, drinking well", 2, 48,
     "skin.hand_foot_mouth"),
    ("itchy down below n white cottage cheese discharge, doesnt smell. had it before", 30, 48, "urinary.thrush"),
    ("sneezing loads n itchy watery eyes every time i go outside, started when it got warm", 30, 24 * 28,
     "respiratory.hay_fever_long"),
])
def test_common_problems_that_sound_alarming_are_self_care(text, age, hours, rule):
    triage = assess(text, age=age, duration=hours)
    assert triage.level == "self_care" and rule in triage.rule_ids


def test_passive_wish_not_to_wake_with_plan_and_intent_denied_is_urgent():
    text = ("thoughts that everyone would be better off without me and that she wouldn't mind not waking up. "
            "Denies any plan or intent, has not self-harmed")
    triage = assess(text, age=41)
    assert triage.level == "urgent" and "general.unresponsive" not in triage.rule_ids


def test_weakness_left_over_from_an_old_stroke_is_not_a_stroke_but_new_weakness_is():
    old = "had a stroke 5 years ago but recovered well apart from a bit of weakness in her left hand. knee aches"
    assert assess(old, age=62).level != "emergency"
    assert assess("she recovered well apart from some new weakness in her left arm today", age=62).level == "emergency"


def test_diarrhoea_with_cramps_is_self_care_for_a_day_but_not_when_nobody_knows_how_long():
    text = "the runs since yesterday after a dodgy takeaway, bit of stomach cramping, keeping water down"
    assert assess(text, age=25, duration=24).level == "self_care"
    assert assess(text, age=25, duration="unknown").level == "routine"


def test_a_deep_cut_still_oozing_after_pressing_on_it_is_urgent_and_a_shallow_one_self_care():
    deep = "I cut my hand on a broken glass an hour ago, it's quite deep and still oozing even though I've been pressing"
    assert assess(deep, age=40, duration=1).level == "urgent"
    assert assess("cut my finger, it's not deep, stopped bleeding", age=40, duration=1).level == "self_care"


def test_an_itchy_red_ring_that_grows_is_ringworm_not_cellulitis_unless_a_tick_bit():
    triage = assess("there's a red itchy ring on my arm that keeps getting bigger", age=30, duration=240, severity=3)
    assert triage.level == "self_care" and "skin.ringworm" in triage.rule_ids
    assert assess("a red ring rash spreading out from where a tick bit me", age=30, duration=240).level != "self_care"
