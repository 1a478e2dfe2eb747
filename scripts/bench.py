"""`make bench`: turn latency through the gateway on the rule path, and memory of the three processes.

Printed as a table; never asserted. Starts its own stack on spare ports.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

from scripts.simulated_patient import Conversation
from scripts.stack import Stack

CONVERSATIONS = 40
# Every conversation describes its cold in other words, so the findings of each complaint are worked out
# afresh (phrases, vital signs, the semantic pass and ConText), not read from the cache.
STARTS = ("I have a runny nose and a cough", "stuffy nose and sneezing", "my throat is scratchy and my nose is running",
          "got a cold with a cough", "sniffly and coughing a bit", "blocked nose and a tickly cough",
          "sore throat and a runny nose", "a head cold and a dry cough")
WARM_UP = [f"{s} {e}" for s in STARTS for e in ("since monday", "from work", "again", "this week", "at night")]
MEASURED = [f"{s} {e}" for s in STARTS for e in ("since the weekend", "after my kids brought it home",
                                                  "that started yesterday", "and I feel tired", "and it is annoying")]
SCRIPT = ["hi", "yes", None, "34", "female", "2 days", "3", "none", "none", "thanks"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (Rasa and Sanic fork workers)."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            pgid = int(Path(status.parent / "stat").read_text().split(")")[1].split()[2])
        except (OSError, ValueError, IndexError):
            continue
        if pgid == pid and "VmRSS" in fields:
            total += int(fields["VmRSS"].split()[0])
    return total / 1024


def run_turns(base_url: str, complaints: list[str]) -> list[float]:
    http = requests.Session()
    latencies = []
    for complaint in complaints[:CONVERSATIONS]:
        conversation = Conversation(base_url, http)
        for text in SCRIPT:
            state = turn(conversation, text or complaint, latencies)
            while (state["requested_slot"] or "").startswith("red_flag_"):
                state = turn(conversation, "no", latencies)
    return latencies


def turn(conversation: Conversation, text: str, latencies: list[float]) -> dict:
    start = time.perf_counter()
    reply = conversation.send(text)
    latencies.append((time.perf_counter() - start) * 1000)
    return reply["state"]


def main() -> int:
    with tempfile.TemporaryDirectory() as data_dir:
        stack = Stack(gateway_port=18200, rasa_port=15205, actions_port=15255, data_dir=Path(data_dir))
        try:
            stack.start()
            run_turns(stack.gateway_url, WARM_UP)
            latencies = run_turns(stack.gateway_url, MEASURED)
            memory = {name: rss_mib(p.pid) for name, p in stack.processes.items()}
        finally:
            stack.stop()
    print(f"\nturn latency through the gateway, rule path ({len(latencies)} turns, warm)")
    print("| metric | ms |\n|---|---|")
    for label, value in (("p50", percentile(latencies, 0.5)), ("p95", percentile(latencies, 0.95)),
                         ("mean", statistics.mean(latencies)), ("max", max(latencies))):
        print(f"| {label} | {value:.1f} |")
    print("\n| process | RSS MiB |\n|---|---|")
    for name, mib in memory.items():
        print(f"| {name} | {mib:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
