"""`make eval-triage`: how the triage levels compare with the vignettes' gold levels.

With no argument it scores the development sets (tuned on) and, when it exists, the frozen unseen set
(data/eval/triage_unseen.jsonl; only its figures are printed, never its vignettes). Vignettes are played
through the live API like a patient (CARELINE_URL if set, else a stack on spare ports); --offline scores
them with the engine alone, in seconds.

    python -m scripts.eval_triage [--offline] [SET.jsonl ...]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from actions.triage import engine, second_opinion
from actions.triage.facts import facts_from_slots
from actions.triage.protocols import LEVELS, THREE_LEVELS, rank
from scripts import avey_vignettes
from scripts.simulated_patient import play, slots_from_vignette
from scripts.stack import ROOT, Stack

NO_LEVEL = "none"  # the conversation never reached a level


@dataclass(frozen=True)
class EvalSet:
    path: Path
    label: str
    show_vignettes: bool  # the unseen set is scored, never looked at

    def exists(self) -> bool:
        return self.path.exists()

    def vignettes(self) -> list[dict]:
        return [json.loads(line) for line in self.path.read_text().splitlines() if line.strip()]


class AveySet(EvalSet):
    """Our labels are in the repository; the vignettes' texts are read from shared/."""

    def exists(self) -> bool:
        return avey_vignettes.available()

    def vignettes(self) -> list[dict]:
        return avey_vignettes.load()


EVAL_DIR = ROOT / "data" / "eval"
DEFAULT_SETS = (EvalSet(EVAL_DIR / "triage_dev.jsonl", "development (tuned on)", True),
                EvalSet(EVAL_DIR / "triage_dev2.jsonl", "second development batch (scored at first sight, then tuned on)",
                        True),
                EvalSet(EVAL_DIR / "triage_dev3.jsonl",
                        "third development batch (the previous unseen set: scored at first sight, then tuned on)", True),
                EvalSet(EVAL_DIR / "triage_dev4.jsonl",
                        "fourth development batch (round 3's unseen set: scored at first sight, then tuned on)", True),
                EvalSet(EVAL_DIR / "triage_dev5.jsonl",
                        "fifth development batch (round 4's unseen set: scored at first sight, then tuned on)", True),
                EvalSet(EVAL_DIR / "triage_dev6.jsonl",
                        "sixth development batch (round 5's unseen set: scored at first sight, then tuned on)", True),
                EvalSet(EVAL_DIR / "triage_dev7.jsonl",
                        "seventh development batch (round 6's unseen set: scored at first sight, then tuned on)", True),
                EvalSet(EVAL_DIR / "triage_dev8.jsonl",
                        "eighth development batch (round 7's unseen set: scored at first sight, then tuned on)", True),
                AveySet(avey_vignettes.LABELS, "400 Avey clinician vignettes (shared/vignettes; our levels)", True),
                EvalSet(EVAL_DIR / "triage_unseen.jsonl", "unseen (first sight: figures only, do not tune on it)", False))

Triager = Callable[[dict], str]


def offline(vignette: dict) -> str:
    """The level the engine and the second opinion give when every intake question is answered from the vignette
    (and every red-flag question with "no", as the simulated patient does)."""
    rules = engine.assess(facts_from_slots(slots_from_vignette(vignette)))
    return second_opinion.reconcile(rules, vignette["complaint"])[0].level


def live(base_url: str) -> Triager:
    http = requests.Session()
    return lambda vignette: (play(base_url, vignette, http) or {}).get("level", NO_LEVEL)


def below(level: str, reference: str) -> bool:
    return level == NO_LEVEL or rank(level) < rank(reference)


def above(level: str, reference: str) -> bool:
    return level != NO_LEVEL and rank(level) > rank(reference)


def lowest_accepted(vignette: dict) -> str:
    return min(vignette["accepted"], key=rank)


def score(vignettes: list[dict], levels: list[str]) -> list[tuple[str, int, int]]:
    """Rows of (measure, count, out of)."""
    pairs = list(zip(vignettes, levels))
    n = len(pairs)
    self_care = [(v, level) for v, level in pairs if v["gold"] == "self_care"]
    emergencies = [level for v, level in pairs if v["gold"] == "emergency"]
    rows = [
        ("accuracy, gold level exactly", sum(level == v["gold"] for v, level in pairs), n),
        ("accuracy, an accepted level", sum(level in v["accepted"] for v, level in pairs), n),
        ("under-triage, below gold", sum(below(level, v["gold"]) for v, level in pairs), n),
        ("under-triage, below lowest accepted", sum(below(level, lowest_accepted(v)) for v, level in pairs), n),
        ("over-triage, above gold", sum(above(level, v["gold"]) for v, level in pairs), n),
        ("over-triage of self-care cases", sum(above(level, "self_care") for _, level in self_care), len(self_care)),
        ("emergency recall (caught / total)", emergencies.count("emergency"), len(emergencies)),
    ]
    three = [(v["level3"], THREE_LEVELS.get(level)) for v, level in pairs if "level3" in v]
    if three:
        rows.append(("three-level accuracy", sum(gold == got for gold, got in three), len(three)))
    return rows


def print_table(rows: list[tuple[str, int, int]], n: int) -> None:
    print(f"{'vignettes':<38}{n:>16}")
    for measure, count, total in rows:
        rate = f"{count / total:.3f}" if total else "-"
        print(f"{measure:<38}{rate:>7}{f'{count}/{total}':>9}")


def print_confusion(vignettes: list[dict], levels: list[str]) -> None:
    confusion = Counter((v["gold"], level) for v, level in zip(vignettes, levels))
    columns = [*LEVELS[::-1], NO_LEVEL]
    print("\ngold \\ given      " + "".join(f"{c:>11}" for c in columns))
    for gold in LEVELS[::-1]:
        print(f"{gold:<17}" + "".join(f"{confusion[(gold, c)]:>11}" for c in columns))


def print_by_voice(vignettes: list[dict], levels: list[str]) -> None:
    """Patient, carer and clinician wording fail differently; one total hides which voice is weak."""
    voices = sorted({v.get("voice", "-") for v in vignettes})
    if len(voices) < 2:
        return
    print(f"\n{'voice':<12}{'n':>5}{'exact':>8}{'accepted':>10}{'under':>8}{'emergencies':>13}")
    for voice in voices:
        pairs = [(v, level) for v, level in zip(vignettes, levels) if v.get("voice", "-") == voice]
        exact = sum(level == v["gold"] for v, level in pairs) / len(pairs)
        accepted = sum(level in v["accepted"] for v, level in pairs) / len(pairs)
        under = sum(below(level, lowest_accepted(v)) for v, level in pairs)
        emergencies = [level for v, level in pairs if v["gold"] == "emergency"]
        caught = f"{emergencies.count('emergency')}/{len(emergencies)}"
        print(f"{voice:<12}{len(pairs):>5}{exact:>8.3f}{accepted:>10.3f}{under:>8}{caught:>13}")


def print_vignettes(vignettes: list[dict], levels: list[str]) -> None:
    """Misses (not an accepted level), then accepted levels that are still below gold."""
    for v, level in zip(vignettes, levels):
        if level not in v["accepted"]:
            print("miss:", v["id"], v["gold"], level, v["complaint"])
    for v, level in zip(vignettes, levels):
        if level in v["accepted"] and below(level, v["gold"]):
            print("below gold, accepted:", v["id"], f"gold {v['gold']}", f"accepted {'|'.join(v['accepted'])}",
                  f"given {level}", v["complaint"])


def report(eval_set: EvalSet, triage: Triager, how: str) -> None:
    vignettes = eval_set.vignettes()
    levels = [triage(v) for v in vignettes]
    print(f"\n== {eval_set.label}: {eval_set.path.name}, {how}")
    print_table(score(vignettes, levels), len(vignettes))
    print_confusion(vignettes, levels)
    print_by_voice(vignettes, levels)
    if eval_set.show_vignettes:
        print_vignettes(vignettes, levels)


@contextmanager
def live_api() -> Iterator[str]:
    """CARELINE_URL if set (a running stack), else a stack of our own on spare ports."""
    if os.environ.get("CARELINE_URL"):
        yield os.environ["CARELINE_URL"]
        return
    with tempfile.TemporaryDirectory() as data_dir:
        stack = Stack(gateway_port=18100, rasa_port=15105, actions_port=15155, data_dir=Path(data_dir))
        try:
            stack.start()
            yield stack.gateway_url
        finally:
            stack.stop()


def chosen_sets(paths: list[Path]) -> list[EvalSet]:
    if not paths:
        return [s for s in DEFAULT_SETS if s.exists()]
    known = {s.path.resolve(): s for s in DEFAULT_SETS}
    return [known.get(p.resolve(), EvalSet(p, p.stem, True)) for p in paths]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, help="vignette files (default: development, then unseen)")
    parser.add_argument("--offline", action="store_true", help="score with the engine directly, not the live API")
    args = parser.parse_args(argv)
    sets = chosen_sets(args.sets)
    if args.offline:
        for eval_set in sets:
            report(eval_set, offline, "engine only (--offline)")
        return 0
    with live_api() as url:
        for eval_set in sets:
            report(eval_set, live(url), f"live API at {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
