"""`make eval-privacy`: the scrubber on data/eval/phi_dev.jsonl.

A PHI string counts as caught when it does not survive in the scrubbed text
and, for names, when no capitalised part of it survives either. Prints recall
per type, overall recall, span precision, share of clinical terms kept, and
latency p50/p95 (warm).
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from channels.privacy.scrubber import scrub

DEV = Path(__file__).resolve().parent.parent / "data" / "eval" / "phi_dev.jsonl"


def caught(phi: dict, scrubbed: str) -> bool:
    if phi["text"] in scrubbed:
        return False
    if phi["type"] == "PERSON":
        return not any(re.search(rf"\b{re.escape(part)}\b", scrubbed)
                       for part in phi["text"].split() if part[:1].isupper())
    return True


def evaluate(rows: list[dict]) -> dict:
    total, hit = Counter(), Counter()
    kept = keep_total = true_spans = predicted = 0
    latencies = []
    scrub("warm up the models")
    for row in rows:
        start = time.perf_counter()
        result = scrub(row["text"])
        latencies.append((time.perf_counter() - start) * 1000)
        for phi in row["phi"]:
            total[phi["type"]] += 1
            hit[phi["type"]] += caught(phi, result.text)
        for term in row["keep"]:
            keep_total += 1
            kept += term in result.text
        predicted += len(result.entities)
        true_spans += sum(any(e.start < p["end"] and p["start"] < e.end for p in row["phi"]) for e in result.entities)
    latencies.sort()
    return {"per_type": {t: (hit[t], total[t]) for t in sorted(total)},
            "recall": sum(hit.values()) / max(sum(total.values()), 1),
            "precision": true_spans / max(predicted, 1), "kept": kept / max(keep_total, 1),
            "p50": latencies[len(latencies) // 2], "p95": latencies[int(len(latencies) * 0.95)]}


def main(path: Path = DEV) -> int:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    result = evaluate(rows)
    print(f"\n{len(rows)} messages\n\n| PHI type | caught | recall |\n|---|---|---|")
    for kind, (hit, total) in result["per_type"].items():
        print(f"| {kind} | {hit}/{total} | {hit / total:.3f} |")
    print(f"\n| metric | value |\n|---|---|\n| overall recall | {result['recall']:.3f} |\n"
          f"| precision (spans) | {result['precision']:.3f} |\n| clinical terms kept | {result['kept']:.3f} |\n"
          f"| latency p50 ms | {result['p50']:.1f} |\n| latency p95 ms | {result['p95']:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEV))
