"""`make eval-triage`: play the development vignettes through the live API.

Prints accuracy, under-triage rate, emergency recall and a confusion table.
Uses CARELINE_URL if set (a running stack), else starts one on spare ports.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

from actions.triage.protocols import LEVELS, rank
from scripts.simulated_patient import play
from scripts.stack import ROOT, Stack

DEFAULT_SET = ROOT / "data" / "eval" / "triage_dev.jsonl"


def evaluate(base_url: str, vignettes: list[dict]) -> dict:
    confusion: Counter = Counter()
    correct = under = emergencies = found = 0
    misses = []
    for vignette in vignettes:
        triage = play(base_url, vignette)
        level = triage["level"] if triage else "none"
        confusion[(vignette["gold"], level)] += 1
        correct += level in vignette["accepted"]
        is_under = level == "none" or rank(level) < min(rank(a) for a in vignette["accepted"])
        under += is_under
        if vignette["gold"] == "emergency":
            emergencies += 1
            found += level == "emergency"
        if level not in vignette["accepted"]:
            misses.append((vignette["id"], vignette["gold"], level, vignette["complaint"]))
    n = len(vignettes)
    return {"n": n, "accuracy": correct / n, "under_triage": under / n,
            "emergency_recall": found / max(emergencies, 1), "confusion": confusion, "misses": misses}


def print_report(result: dict) -> None:
    print(f"\nvignettes          {result['n']}")
    print(f"accuracy           {result['accuracy']:.3f}")
    print(f"under-triage rate  {result['under_triage']:.3f}")
    print(f"emergency recall   {result['emergency_recall']:.3f}\n")
    columns = list(LEVELS[::-1]) + ["none"]
    print("gold \\ predicted  " + "".join(f"{c:>11}" for c in columns))
    for gold in LEVELS[::-1]:
        print(f"{gold:<17}" + "".join(f"{result['confusion'][(gold, c)]:>11}" for c in columns))
    for miss in result["misses"]:
        print("miss:", *miss)


def main(path: Path = DEFAULT_SET) -> int:
    vignettes = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    url = os.environ.get("CARELINE_URL")
    if url:
        print_report(evaluate(url, vignettes))
        return 0
    with tempfile.TemporaryDirectory() as data_dir:
        stack = Stack(gateway_port=18100, rasa_port=15105, actions_port=15155, data_dir=Path(data_dir))
        try:
            stack.start()
            print_report(evaluate(stack.gateway_url, vignettes))
        finally:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SET))
