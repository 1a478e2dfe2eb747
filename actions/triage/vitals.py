"""Measured vital signs in a message become findings ("sats 88%" is a breathing emergency).

Carers read a home thermometer or pulse oximeter; clinicians write "HR 128, BP 82/50".
The patterns and thresholds are data (data/triage/vitals.yml).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from actions.parsing import age_and_sex_in_narrative
from actions.settings import TRIAGE_DIR

CELSIUS_BELOW = 50


@dataclass(frozen=True)
class Vital:
    name: str
    pattern: re.Pattern
    bands: tuple[dict, ...]
    unit_by_value: bool = False

    def finding(self, value: float, age: float | None) -> str | None:
        if self.unit_by_value and value < CELSIUS_BELOW:
            value = value * 9 / 5 + 32
        for band in self.bands:
            if _for_age(band, age) and band.get("at_least", -math.inf) <= value <= band.get("at_most", math.inf):
                return band["finding"]
        return None


def _for_age(band: dict, age: float | None) -> bool:
    """A child's band needs a known child's age; an adult band also serves an unknown age (the safer reading)."""
    if "max_age" in band and (age is None or age >= band["max_age"]):
        return False
    return age is None or age >= band.get("min_age", 0)


@lru_cache(maxsize=1)
def load_vitals() -> tuple[Vital, ...]:
    spec = yaml.safe_load((TRIAGE_DIR / "vitals.yml").read_text())
    return tuple(Vital(name, re.compile(item["pattern"]), tuple(item["bands"]), item.get("unit_by_value", False))
                 for name, item in spec.items())


@lru_cache(maxsize=1)
def measured_concepts() -> frozenset[str]:
    """Findings a reading can give: for these a number, not a likeness of words, decides."""
    return frozenset(band["finding"] for vital in load_vitals() for band in vital.bands)


def findings(text: str, age: float | None = None) -> dict[str, tuple[int, int]]:
    """{finding: (start, end)} for each reading in the (normalised) text that crosses a threshold for this age
    (given, or stated in the text: "a 6-month-old, RR 48" is a normal baby)."""
    if age is None:
        age = age_and_sex_in_narrative(text)[0]
    found: dict[str, tuple[int, int]] = {}
    for vital in load_vitals():
        for match in vital.pattern.finditer(text):
            finding = vital.finding(float(match.group(1)), age)
            if finding:
                found.setdefault(finding, match.span())
    return found
