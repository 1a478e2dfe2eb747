"""Train the learned second opinion on triage (actions/triage/second_opinion.py).

Run at set-up (`make setup`); saves a small JSON model outside git. Prints,
from five-fold cross-validation on the training vignettes, how often the
second opinion would disagree upwards with the rules and how often it was
right when it did: figures on cases it did not train on.
"""

from __future__ import annotations

import json
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from actions.settings import ROOT, SECOND_OPINION_MODEL
from actions.triage import second_opinion
from actions.triage.protocols import rank


def load_vignettes() -> list[dict]:
    rows = []
    for name in second_opinion.settings()["training_sets"]:
        rows += [json.loads(line) for line in (ROOT / name).read_text().splitlines() if line.strip()]
    return rows


def fit(vectors: np.ndarray, levels: list[str]) -> LogisticRegression:
    model = LogisticRegression(C=second_opinion.settings()["C"], class_weight="balanced", max_iter=3000)
    return model.fit(vectors, levels)


def as_json(model: LogisticRegression) -> dict:
    return {"classes": list(model.classes_), "coef": model.coef_.tolist(), "intercept": model.intercept_.tolist()}


def cross_validated(vectors: np.ndarray, levels: list[str]) -> list[second_opinion.Opinion]:
    opinions: list = [None] * len(levels)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    for train, test in folds.split(vectors, levels):
        model = as_json(fit(vectors[train], [levels[i] for i in train]))
        for i, row in zip(test, second_opinion.probabilities(model, vectors[test])):
            chances = {level: float(p) for level, p in zip(model["classes"], row)}
            opinions[i] = second_opinion.Opinion(max(chances, key=chances.get), chances)
    return opinions


def report(vignettes: list[dict], opinions: list) -> None:
    from actions.triage import engine
    from actions.triage.facts import facts_from_slots
    from scripts.simulated_patient import slots_from_vignette

    fired = right = to_emergency = emergencies = 0
    for vignette, opinion in zip(vignettes, opinions):
        rules = engine.assess(facts_from_slots(slots_from_vignette(vignette))).level
        if opinion.worried_about(rules):
            fired += 1
            right += rank(vignette["gold"]) > rank(rules)
            to_emergency += opinion.sure_of_emergency()
            emergencies += opinion.sure_of_emergency() and vignette["gold"] == "emergency"
    exact = sum(o.level == v["gold"] for v, o in zip(vignettes, opinions)) / len(vignettes)
    print(f"second opinion, 5-fold cross-validation on {len(vignettes)} vignettes: level right {exact:.3f} alone;")
    print(f"disagrees upwards with the rules on {fired} ({fired / len(vignettes):.1%}); "
          f"the gold level was higher than the rules' on {right} of them; it raised to emergency on {to_emergency}, "
          f"{emergencies} of them emergencies")


def main() -> int:
    vignettes = load_vignettes()
    levels = [v["gold"] for v in vignettes]
    vectors = second_opinion.embed([v["complaint"] for v in vignettes])
    if "--report" in sys.argv:
        report(vignettes, cross_validated(vectors, levels))
    SECOND_OPINION_MODEL.parent.mkdir(parents=True, exist_ok=True)
    SECOND_OPINION_MODEL.write_text(json.dumps(as_json(fit(vectors, levels))))
    print(f"second opinion trained on {len(vignettes)} vignettes -> {SECOND_OPINION_MODEL}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
