"""Calibrate the semantic pass of triage on the development vignettes.

The exact phrases were tuned on these complaints, so they stand in for the
truth: a semantic match is counted right when the exact pass (after ConText)
finds the same concept in the same complaint. Prints precision and volume per
threshold, then per concept at the configured threshold, so a noisy concept
can be tightened (a higher `per_concept` threshold) or skipped.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from actions.triage import context, findings, semantic
from actions.triage.lexicon import normalise
from scripts.stack import ROOT

DEV_SET = ROOT / "data" / "eval" / "triage_dev.jsonl"
THRESHOLDS = (0.60, 0.65, 0.70, 0.72, 0.75, 0.78, 0.80, 0.85)


def exact_findings(text: str) -> set[str]:
    return {c for c, present in context.assert_mentions(text, findings.exact_mentions(text)).items() if present}


def semantic_hits(text: str) -> dict[str, float]:
    """The best similarity per concept over the clauses where it is (nearly) the closest match."""
    best: dict[str, float] = {}
    for (start, end), scores in semantic.scores(text):
        for name, value in semantic.contenders(text[start:end], scores).items():
            best[name] = max(best.get(name, -1.0), value)
    return best


def main(path: Path = DEV_SET) -> int:
    rows = []
    for line in path.read_text().splitlines():
        text = normalise(json.loads(line)["complaint"])
        rows.append((exact_findings(text), semantic_hits(text)))
    print(f"{'threshold':>9} {'matches':>8} {'precision':>9} {'new':>5}")
    for threshold in THRESHOLDS:
        hits = [(name in exact) for exact, best in rows for name, v in best.items() if v >= threshold]
        print(f"{threshold:>9.2f} {len(hits):>8} {sum(hits) / max(len(hits), 1):>9.3f} {hits.count(False):>5}")
    config = semantic.settings()
    fired, right = Counter(), Counter()
    for exact, best in rows:
        for name, value in best.items():
            if value >= config["per_concept"].get(name, config["threshold"]):
                fired[name] += 1
                right[name] += name in exact
    print(f"\n{'concept':<28} {'fired':>5} {'precision':>9}")
    for name, count in sorted(fired.items(), key=lambda kv: right[kv[0]] / kv[1]):
        print(f"{name:<28} {count:>5} {right[name] / count:>9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEV_SET))
