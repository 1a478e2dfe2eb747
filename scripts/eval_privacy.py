"""`make eval-privacy`: the scrubber on the development chat messages and pasted notes.

Sets: data/eval/phi_dev.jsonl, phi_chat_dev2.jsonl and phi_chat_dev3.jsonl (chat), phi_notes_dev.jsonl,
phi_notes_dev2.jsonl and phi_notes_dev3.jsonl (pasted notes), tuned on; with
`--held-back`, phi_chat_unseen.jsonl and phi_notes_unseen.jsonl, written without sight of the
scrubber and never tuned on (run it only to report, docs/privacy.md). A file path scores that file.

A PHI string counts as caught when it does not survive in the scrubbed text
and, for names, when no capitalised part of it survives either. A clinical term counts as kept
when it still appears, ignoring case. Prints recall per type, overall recall, span precision,
share of clinical terms kept, and latency (warm): p50/p95 per message and per 1,000 characters.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from channels.privacy.scrubber import scrub

EVAL = Path(__file__).resolve().parent.parent / "data" / "eval"
DEV = {"chat messages (development)": EVAL / "phi_dev.jsonl", "pasted notes (development)": EVAL / "phi_notes_dev.jsonl",
       "chat messages (development, batch 2)": EVAL / "phi_chat_dev2.jsonl",
       "pasted notes (development, batch 2)": EVAL / "phi_notes_dev2.jsonl",
       "chat messages (development, batch 3)": EVAL / "phi_chat_dev3.jsonl",
       "pasted notes (development, batch 3)": EVAL / "phi_notes_dev3.jsonl"}
HELD_BACK = {"chat messages (held back)": EVAL / "phi_chat_unseen.jsonl",
             "pasted notes (held back)": EVAL / "phi_notes_unseen.jsonl"}


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
    latencies, per_1000 = [], []
    scrub("warm up the models")
    for row in rows:
        start = time.perf_counter()
        result = scrub(row["text"])
        latencies.append((time.perf_counter() - start) * 1000)
        per_1000.append(latencies[-1] * 1000 / max(len(row["text"]), 1))
        for phi in row["phi"]:
            total[phi["type"]] += 1
            hit[phi["type"]] += caught(phi, result.text)
        for term in row["keep"]:
            keep_total += 1
            kept += term.lower() in result.text.lower()
        predicted += len(result.entities)
        true_spans += sum(any(e.start < p["end"] and p["start"] < e.end for p in row["phi"]) for e in result.entities)
    latencies.sort()
    per_1000.sort()
    return {"p50 per 1,000 chars": per_1000[len(per_1000) // 2], "p95 per 1,000 chars": per_1000[int(len(per_1000) * 0.95)],
            "per_type": {t: (hit[t], total[t]) for t in sorted(total)},
            "recall": sum(hit.values()) / max(sum(total.values()), 1),
            "precision": true_spans / max(predicted, 1), "kept": kept / max(keep_total, 1),
            "p50": latencies[len(latencies) // 2], "p95": latencies[int(len(latencies) * 0.95)]}


def report(name: str, path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    result = evaluate(rows)
    print(f"\n## {name}: {len(rows)} messages ({path.name})\n\n| PHI type | caught | recall |\n|---|---|---|")
    for kind, (hit, total) in result["per_type"].items():
        print(f"| {kind} | {hit}/{total} | {hit / total:.3f} |")
    print(f"\n| metric | value |\n|---|---|\n| overall recall | {result['recall']:.3f} |\n"
          f"| precision (spans) | {result['precision']:.3f} |\n| clinical terms kept | {result['kept']:.3f} |\n"
          f"| latency p50 ms | {result['p50']:.1f} |\n| latency p95 ms | {result['p95']:.1f} |\n"
          f"| latency p50 ms per 1,000 chars | {result['p50 per 1,000 chars']:.1f} |\n"
          f"| latency p95 ms per 1,000 chars | {result['p95 per 1,000 chars']:.1f} |")


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv if not a.startswith("--")]
    sets = {p.stem: p for p in paths} or (HELD_BACK if "--held-back" in argv else DEV)
    for name, path in sets.items():
        report(name, path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
