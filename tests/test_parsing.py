"""Natural intake answers (table tests)."""

from datetime import datetime

import pytest

from actions import parsing


@pytest.mark.parametrize("text, years", [
    ("34", 34), ("thirty-four", 34), ("I'm 67", 67), ("sixty seven years old", 67),
    ("6 months", 0.5), ("2 weeks old", 0.038), ("newborn", 0.02),
])
def test_ages(text, years):
    assert parsing.parse_age(text) == pytest.approx(years, abs=0.01)


@pytest.mark.parametrize("text", ["banana", "old", "200"])
def test_unreadable_ages(text):
    assert parsing.parse_age(text) is None


@pytest.mark.parametrize("text, hours", [
    ("3 days", 72), ("2 days", 48), ("an hour", 1), ("half an hour", 0.5), ("a couple of weeks", 336),
    ("since yesterday", 24), ("this morning", 6), ("36 hours", 36), ("since Tuesday", 24),
])
def test_durations(text, hours):
    wednesday = datetime(2026, 11, 25, 12, 0)
    assert parsing.parse_duration_hours(text, now=wednesday) == pytest.approx(hours)


@pytest.mark.parametrize("text, score", [
    ("7", 7), ("about a 7", 7), ("7/10", 7), ("seven", 7), ("10 out of 10", 10), ("mild", 2), ("severe", 8),
])
def test_severity(text, score):
    assert parsing.parse_severity(text) == score


@pytest.mark.parametrize("text, value", [
    ("yes", True), ("yeah", True), ("/affirm", True), ("no", False), ("nope", False), ("I'm not", False),
    ("bit lightheaded yeah", True), ("feel a bit faint, i think so", True), ("been ok so far, not really", False),
])
def test_yes_no(text, value):
    assert parsing.parse_yes_no(text) is value


@pytest.mark.parametrize("text, sex", [("male", "male"), ("female", "female"), ("I'm a woman", "female"), ("M", "male")])
def test_sex(text, sex):
    assert parsing.parse_sex(text) == sex


@pytest.mark.parametrize("text, items", [
    ("none", []), ("No.", []), ("nothing", []), ("no allergies", []),
    ("diabetes and asthma", ["diabetes", "asthma"]), ("just the baby aspirin", ["baby aspirin"]),
])
def test_lists(text, items):
    assert parsing.parse_list(text) == items


@pytest.mark.parametrize("text", ["not sure", "I don't know", "dunno", "no idea", "Not sure."])
def test_unsure(text):
    assert parsing.is_unsure(text)


@pytest.mark.parametrize("text, age, sex", [
    ("A 58-year-old man presents with chest pressure", 58, "male"),
    ("72 y/o F with chest pain", 72, "female"),
    ("my 3 year old has a fever", 3, None),
    ("my 6 week old baby is sleepy", 0.115, None),
    ("I have had it for 3 years", None, None),
    ("I am 34", None, None),
    ("My daughter is 6 and has had earache since yesterday", 6, "female"),
    ("my friend (she's 34) told me tonight", 34, "female"),
    ("my husband is 45, throwing up since this morning", 45, "male"),
    ("she's 34 weeks pregnant", None, None),
    ("he is 2 hours late with his insulin", None, None),
    ("my son is 5ft tall", None, None),
])
def test_a_narrative_that_says_who_it_is_about_gives_age_and_sex(text, age, sex):
    assert parsing.age_and_sex_in_narrative(text) == (age, sex)


@pytest.mark.parametrize("text", ["dunno havent checked, feel a bit hot", "not sure, maybe a little"])
def test_an_answer_that_starts_by_not_knowing_is_not_sure(text):
    assert parsing.is_unsure(text, first_words=True) and not parsing.is_unsure(text)
