"""Measured vital signs in a message become findings ("sats 88%" is a breathing emergency).

Carers read a home thermometer or pulse oximeter; clinicians write "HR 128, BP 82/50".
The patterns and thresholds are data (data/triage/vitals.yml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from actions.settings import TRIAGE_DIR

CELSIUS_BELOW = 50


@dataclass(frozen=True)
class Vital:
    name: str
    pattern: re.Pattern
    bands: tuple[dict, ...]
    unit_by_value: bool = False

    def finding(self, value: float) -> str | None:
        if self.unit_by_value and value < CELSIUS_BELOW:
            value = value * 9 / 5 + 32
        for band in self.bands:
            if value >= band.get("at_least", float("-inf")) and value <= band.get("at_most", float("inf")):
                return band["finding"]
        return None


@lru_cache(maxsize=1)
def load_vitals() -> tuple[Vital, ...]:
    spec = yaml.safe_load((TRIAGE_DIR / "vitals.yml").read_text())
    return tuple(Vital(name, re.compile(item["pattern"]), tuple(item["bands"]), item.get("unit_by_value", False))
                 for name, item in spec.items())


@lru_cache(maxsize=1)
def measured_concepts() -> frozenset[str]:
    """Findings a reading can give: for these a number, not a likeness of words, decides."""
    return frozenset(band["finding"] for vital in load_vitals() for band in vital.bands)


def findings(text: str) -> dict[str, tuple[int, int]]:
    """{finding: (start, end)} for each reading in the (normalised) text that crosses a threshold."""
    found: dict[str, tuple[int, int]] = {}
    for vital in load_vitals():
        for match in vital.pattern.finditer(text):
            finding = vital.finding(float(match.group(1)))
            if finding:
                found.setdefault(finding, match.span())
    return found
