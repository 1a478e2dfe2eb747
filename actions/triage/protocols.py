"""Triage protocols as data: one YAML file per complaint family in data/triage/.

A rule holds when every condition holds with what we know; a condition on a
fact we do not know does not hold (the engine then asks whether that unknown
could have raised the level).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from actions.settings import TRIAGE_DIR

LEVELS = ("self_care", "routine", "urgent", "emergency")
# The three levels of the published symptom-checker studies (Semigran 2015): emergency, see a doctor, self-care.
THREE_LEVELS = {"emergency": "emergency", "urgent": "see_doctor", "routine": "see_doctor", "self_care": "self_care"}


@dataclass(frozen=True)
class Facts:
    concepts: frozenset[str] = frozenset()
    age: float | None = None
    sex: str | None = None
    pregnant: bool | None = None
    duration_hours: float | None = None
    severity: int | None = None
    unknown: frozenset[str] = frozenset()
    unsure: frozenset[str] = frozenset()  # red-flag findings the patient was not sure about


def lasted_at_least(hours: float, threshold: float) -> bool:
    return hours >= threshold


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    reason: str
    source: str
    all: tuple[frozenset[str], ...] = ()
    none: frozenset[str] = frozenset()
    age_at_least: float | None = None
    age_below: float | None = None
    sex: str | None = None
    pregnant: bool | None = None
    duration_at_least_hours: float | None = None
    duration_below_hours: float | None = None
    severity_at_least: int | None = None
    advice: str | None = None

    @property
    def findings(self) -> frozenset[str]:
        """Every concept the rule looks for."""
        return frozenset().union(*self.all)

    def failing_facts(self, facts: Facts) -> set[str] | None:
        """None when the rule holds; otherwise the intake facts it is missing.

        A finding that is absent makes the rule fail outright (returned as
        {"finding"}); an intake fact we do not know is returned by slot name.
        A duration the patient is not sure of counts as long ("not sure" never
        lowers a level) for a rule about named findings: one for a symptom that has
        lasted holds, one for a short illness does not. The catch-all "three weeks
        or more of anything" still needs the duration (it would send every unsure
        patient to a clinician).
        """
        if any(not (group & facts.concepts) for group in self.all) or (self.none & facts.concepts):
            return {"finding"}
        missing: set[str] = set()
        checks = (
            ("age", facts.age, self.age_at_least, lambda v, t: v >= t),
            ("age", facts.age, self.age_below, lambda v, t: v < t),
            ("sex", facts.sex, self.sex, lambda v, t: v == t),
            ("pregnant", facts.pregnant, self.pregnant, lambda v, t: v == t),
            ("duration", facts.duration_hours, self.duration_at_least_hours, lasted_at_least),
            ("duration", facts.duration_hours, self.duration_below_hours, lambda v, t: v < t),
            ("severity", facts.severity, self.severity_at_least, lambda v, t: v >= t),
        )
        for slot, value, threshold, holds in checks:
            if threshold is None:
                continue
            if value is None and holds is lasted_at_least and slot in facts.unknown and self.all:
                continue
            if value is None:
                missing.add(slot)
            elif not holds(value, threshold):
                return {"finding"}
        return missing or None


@dataclass(frozen=True)
class RedFlag:
    """A dangerous question asked right after the complaint; "yes" adds the finding it settles.

    `when` narrows a family's question to the complaints it was written for: a cut hand is not asked
    whether the legs are weak, as a fall onto the back is."""
    concept: str
    ask: str
    when: frozenset[str] = frozenset()

    def fits(self, present: set[str]) -> bool:
        return not self.when or bool(self.when & present)


@dataclass(frozen=True)
class Family:
    name: str
    title: str
    match: frozenset[str]
    asks: tuple[str, ...]
    default_level: str
    default_reason: str
    source: str
    rules: tuple[Rule, ...] = field(default_factory=tuple)
    red_flags: tuple[RedFlag, ...] = field(default_factory=tuple)


def _rule(spec: dict, family_source: str) -> Rule:
    groups = tuple(frozenset(item.split("|")) for item in spec.get("all", []))
    known = {k: spec[k] for k in Rule.__dataclass_fields__ if k in spec and k not in ("all", "none")}
    known.setdefault("source", family_source)
    return Rule(all=groups, none=frozenset(spec.get("none", [])), **known)


@lru_cache(maxsize=4)
def load_families(folder: Path | None = None) -> tuple[Family, ...]:
    families = []
    for path in sorted((folder or TRIAGE_DIR).glob("*.yml")):
        spec = yaml.safe_load(path.read_text())
        if "family" not in spec:
            continue  # settings beside the protocols: context cues, vital signs, spelling, ...
        default = spec["default"]
        families.append(Family(
            name=spec["family"],
            title=spec["title"],
            match=frozenset(spec.get("match", [])),
            asks=tuple(spec["asks"]),
            default_level=default["level"],
            default_reason=default["reason"],
            source=spec["source"],
            rules=tuple(_rule(r, spec["source"]) for r in spec.get("rules", [])),
            red_flags=tuple(RedFlag(q["concept"], q["ask"], frozenset(q.get("when", [])))
                            for q in spec.get("red_flags", [])),
        ))
    return tuple(families)


@lru_cache(maxsize=1)
def load_levels() -> dict[str, dict]:
    return yaml.safe_load((TRIAGE_DIR / "levels.yml").read_text())["levels"]


def rank(level: str) -> int:
    return LEVELS.index(level)
