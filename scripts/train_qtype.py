"""Train the question-type classifier (knowledge/question_types.py) from MedQuAD's own labels.

Run at set-up (`make setup`); saves a small JSON model outside git. MedQuAD's questions come from
templates per focus, so the held-back part is split by focus: a focus's questions are all trained
on or all held back. Prints accuracy there and on the hand-labelled development consumer questions.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import Counter

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupShuffleSplit

from knowledge import embeddings
from knowledge.question_types import QuestionTypes, config, labelled_questions, section_types
from knowledge.settings import ROOT, KnowledgeSettings

DEV_QUESTIONS = ROOT / "data" / "eval" / "questions_dev.jsonl"
HELD_OUT_CAP = 1000


def split(questions: list[dict], share: float) -> tuple[list[dict], list[dict]]:
    """Train and held-back questions, split by focus so near-duplicates never straddle the split."""
    groups = [q["focus"].lower() for q in questions]
    train, test = next(GroupShuffleSplit(n_splits=1, test_size=share, random_state=0).split(questions, groups=groups))
    return [questions[i] for i in train], [questions[i] for i in test]


def capped(questions: list[dict], per_type: int) -> list[dict]:
    """At most `per_type` questions of each type: embedding all 16k would take minutes on 2 cores."""
    shuffled = random.Random(0).sample(questions, len(questions))
    taken: Counter = Counter()
    kept = []
    for q in shuffled:
        if taken[q["qtype"]] < per_type:
            taken[q["qtype"]] += 1
            kept.append(q)
    return kept


def vectors(settings: KnowledgeSettings, texts: list[str]) -> np.ndarray:
    return np.asarray(embeddings.embed(settings.embedding_model, texts))


def consumer_accuracy(settings: KnowledgeSettings) -> tuple[int, int]:
    """Right labels on the development consumer questions (cue words included, as search uses them)."""
    labelled = [q for q in map(json.loads, DEV_QUESTIONS.read_text().splitlines()) if q.get("qtype")]
    types = QuestionTypes(settings)
    found = vectors(settings, [q["question"] for q in labelled])
    right = sum(types.label(q["question"], v.tolist()) == q["qtype"] for q, v in zip(labelled, found))
    return right, len(labelled)


def main() -> int:
    settings = KnowledgeSettings()
    options = config()["train"]
    counts = Counter(q["qtype"] for q in labelled_questions(settings.corpus_dir))
    questions = [q for q in labelled_questions(settings.corpus_dir) if counts[q["qtype"]] >= options["min_examples"]]
    train, held_out = split(questions, options["held_out_share"])
    train, held_out = capped(train, options["max_per_type"]), random.Random(1).sample(
        held_out, min(HELD_OUT_CAP, len(held_out)))
    start = time.perf_counter()
    x_train = vectors(settings, [q["question"] for q in train])
    x_held = vectors(settings, [q["question"] for q in held_out])
    model = LogisticRegression(C=options["C"], max_iter=3000).fit(x_train, [q["qtype"] for q in train])
    accuracy = model.score(x_held, [q["qtype"] for q in held_out])
    print(f"question types: {len(model.classes_)} MedQuAD types, trained on {len(train)} of {len(questions)} "
          f"questions (at most {options['max_per_type']} a type; embedding took {time.perf_counter() - start:.0f} s)")
    print(f"held-back MedQuAD foci: accuracy {accuracy:.3f} on {len(held_out)} questions")
    settings.qtype_model.parent.mkdir(parents=True, exist_ok=True)
    settings.qtype_model.write_text(json.dumps({"classes": list(model.classes_), "coef": model.coef_.tolist(),
                                                "intercept": model.intercept_.tolist()}))
    section_types(settings)  # cached now, so the first search of a fresh process does not parse the corpus
    right, total = consumer_accuracy(settings)
    print(f"development consumer questions: accuracy {right / max(total, 1):.3f} on {total} "
          f"(hand-labelled, cue words included) -> {settings.qtype_model}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
