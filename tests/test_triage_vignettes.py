"""Table test over the development vignettes (data/eval/triage_dev.jsonl), engine only.

The same vignettes are played through the live API by `make eval-triage`.
"""

import json
from pathlib import Path

import pytest

from actions.triage import engine
from actions.triage.facts import facts_from_slots
from scripts.simulated_patient import slots_from_vignette

VIGNETTES = [json.loads(line) for line in
             (Path(__file__).parent.parent / "data/eval/triage_dev.jsonl").read_text().splitlines()]


def test_the_development_set_covers_all_levels():
    assert len(VIGNETTES) >= 80
    assert {v["gold"] for v in VIGNETTES} == {"emergency", "urgent", "routine", "self_care"}


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_vignette_gets_an_accepted_level(vignette):
    result = engine.assess(facts_from_slots(slots_from_vignette(vignette)))
    assert result.level in vignette["accepted"], (vignette["complaint"], result.rule_ids)
