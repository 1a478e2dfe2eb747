"""The triage engine: plain functions over Facts and the protocols.

Deterministic and explainable: the level is the highest level among the
rules that hold, and every reason shown is the reason text of such a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, zip_longest

from actions.triage.lexicon import by_name
from actions.triage.protocols import Facts, Family, RedFlag, Rule, load_families, load_levels, rank

PREGNANCY_AGE_RANGE = (10, 56)
# One "not sure" to a red-flag question brings in a nurse; this many also make the level at least urgent.
UNSURE_RAISES = 2
RED_FLAG_QUESTIONS = 4  # asked of every patient; a worried second opinion asks all of the families' questions
SLOT_WORDS = {"age": "age", "sex": "sex", "pregnant": "whether you might be pregnant",
              "duration": "how long it has lasted", "severity": "how bad it is"}


@dataclass(frozen=True)
class Triage:
    level: str
    reasons: tuple[str, ...]
    advice: str
    rule_ids: tuple[str, ...]
    nurse_suggested: bool

    def as_state(self) -> dict:
        return {"level": self.level, "reasons": list(self.reasons), "advice": self.advice}


def all_rules() -> list[Rule]:
    return [rule for family in load_families() for rule in family.rules]


def families_for(concepts: frozenset[str] | set[str]) -> list[Family]:
    families = load_families()
    matched = [f for f in families if f.match & set(concepts)]
    return matched or [f for f in families if f.name == "general"]


def questions_for(concepts: set[str], sex: str | None, age: float | None) -> list[str]:
    """The intake slots this complaint's protocols need, in the order they ask them."""
    asks: list[str] = []
    for family in families_for(concepts):
        asks += [slot for slot in family.asks if slot not in asks]
    order = ["age", "sex", "pregnant", "duration", "severity", "conditions", "medications", "allergies"]
    asks = [slot for slot in order if slot in asks]
    if "pregnant" in asks and not _could_be_pregnant(sex, age):
        asks.remove("pregnant")
    return asks


def red_flag_plan(mentioned: dict[str, bool], everything: bool = False) -> list[RedFlag]:
    """The dangerous questions the complaint's own words did not settle, each family's first ones first."""
    present = {c for c, is_present in mentioned.items() if is_present}
    families = families_for(present)
    plan: list[RedFlag] = []
    for question in chain.from_iterable(zip_longest(*(f.red_flags for f in families))):
        if (question and question.fits(present) and question.concept not in mentioned
                and question.concept not in {q.concept for q in plan}):
            plan.append(question)
    return plan if everything else plan[:RED_FLAG_QUESTIONS]


def _could_be_pregnant(sex: str | None, age: float | None) -> bool:
    if sex not in ("female", None, "unknown"):
        return False
    return age is None or PREGNANCY_AGE_RANGE[0] <= age < PREGNANCY_AGE_RANGE[1]


@lru_cache(maxsize=1)
def emergency_concepts() -> frozenset[str]:
    """Every finding some emergency rule looks at."""
    return frozenset().union(*(rule.findings for rule in all_rules() if rule.level == "emergency"))


def red_flags(facts: Facts) -> list[Rule]:
    """Emergency rules that already hold: these interrupt whatever is going on."""
    return [r for r in all_rules() if r.level == "emergency" and r.failing_facts(facts) is None]


def assess(facts: Facts) -> Triage:
    fired = [r for r in all_rules() if r.failing_facts(facts) is None]
    if fired:
        level = max((r.level for r in fired), key=rank)
        top = [r for r in fired if r.level == level]
        reasons = _unique(r.reason for r in top)
        ids = tuple(r.id for r in top)
        advice = next((r.advice for r in top if r.advice), None)
    else:
        families = families_for(facts.concepts)
        level = max((f.default_level for f in families), key=rank)
        reasons = _unique(f.default_reason for f in families if f.default_level == level)
        ids = tuple(f"{f.name}.default" for f in families if f.default_level == level)
        advice = None
    level, reasons, nurse = _account_for_unknowns(facts, level, reasons)
    return Triage(level, tuple(reasons), advice or load_levels()[level]["advice"], ids, nurse)


def _account_for_unknowns(facts: Facts, level: str, reasons: list[str]) -> tuple[str, list[str], bool]:
    """"Not sure" never lowers the level: it raises it or brings in a nurse."""
    if facts.unsure:
        labels = " or ".join(sorted(by_name()[c].label for c in facts.unsure))
        reasons = reasons + [f"You weren't sure about {labels}, so a nurse will check this with you."]
        if len(facts.unsure) >= UNSURE_RAISES and rank(level) < rank("urgent"):
            level = "urgent"
    if not facts.unknown:
        return level, reasons, bool(facts.unsure)
    blocked = []
    for rule in all_rules():
        if rank(rule.level) <= rank(level):
            continue
        missing = rule.failing_facts(facts)
        if missing and "finding" not in missing and missing <= facts.unknown:
            blocked.append((rule, missing))
    if not blocked:
        return level, reasons, True
    worst = max((rule.level for rule, _ in blocked), key=rank)
    slots = sorted({slot for _, missing in blocked for slot in missing})
    words = " and ".join(SLOT_WORDS.get(s, s) for s in slots)
    reasons = reasons + [f"You weren't sure about {words}, and that could make this more serious."]
    if worst == "emergency" and rank(level) < rank("urgent"):
        level = "urgent"
    return level, reasons, True


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))
