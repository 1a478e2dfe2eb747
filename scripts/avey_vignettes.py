"""The 400 Avey clinician-written vignettes (../shared/vignettes/avey) as triage vignettes.

The texts stay in shared/ (never copied into the repository); the levels are
our own labels, one per vignette, in data/triage/avey_levels.yml. A vignette's
presentation and its explicit absent findings make the narrative, so the
set tests clinician wording and negation at scale.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path

import yaml

from actions.triage.protocols import THREE_LEVELS
from scripts.stack import ROOT

VIGNETTES_DIR = Path(os.environ.get("CARELINE_VIGNETTES_DIR", str(ROOT.parent / "shared" / "vignettes")))
LABELS = ROOT / "data" / "triage" / "avey_levels.yml"
DEMOGRAPHICS = re.compile(r"(\d+)\s*year", re.I)


@lru_cache(maxsize=1)
def _labels() -> dict:
    return yaml.safe_load(LABELS.read_text())


def available() -> bool:
    return (VIGNETTES_DIR / _labels()["source_file"]).exists()


def load() -> list[dict]:
    labels = _labels()
    lines = (VIGNETTES_DIR / labels["source_file"]).read_text().splitlines()
    return [as_vignette(json.loads(lines[label["line"]]), label) for label in labels["labels"]]


def as_vignette(case: dict, label: dict) -> dict:
    """Age, sex and history go to their intake answers; what the case does not say is "not sure"."""
    age = DEMOGRAPHICS.search(case["demographics"])
    history = case.get("physical_history", "").strip()
    narrative = f"{case['presentation'].strip()} {case['absent_findings'].strip()}".strip()
    return {"id": f"avey-{label['line']:03d}", "complaint": narrative,
            "age": age.group(1) if age else "not sure",
            "sex": "female" if "female" in case["demographics"].lower() else "male",
            "duration": "not sure", "severity": "not sure",
            "conditions": history if history not in ("", "-") else "none",
            "medications": "not sure", "allergies": "not sure",
            "gold": label["level"], "accepted": [label["level"]], "voice": "clinician (Avey)",
            "level3": THREE_LEVELS[label["level"]], "note": label["source"]}
