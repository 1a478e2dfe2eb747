"""`make eval-knowledge`: retrieval and answer quality on the development and held-back questions.

For each set (data/eval/questions_dev.jsonl, tuned on; data/eval/questions_unseen.jsonl, written
without sight of the retriever and scored before any change for it) prints hit@1, hit@5 and MRR for
the hybrid search, the hybrid without each of its parts, and two baselines (plain dense search over
MedQuAD questions, BM25 over answers alone); section hit@1 (the first hit is a right document and its
section is of a type the question's hand-judged `section_types` accepts); then the answers:
abstention precision, unsupported-sentence rate, the share of shown sentences judged to address the
question (data/eval/answers_judged.jsonl; unjudged ones are listed with --unjudged), how answers
were made (quoted, rephrased, "don't say", abstained), readability, and latency p50/p95.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from knowledge import guard
from knowledge.chain import Answerer
from knowledge.loaders import document_part
from knowledge.question_types import QuestionTypes
from knowledge.readability import grade
from knowledge.retriever import WEIGHTS, Retriever

EVAL = Path(__file__).resolve().parent.parent / "data" / "eval"
SETS = {"development (tuned on)": EVAL / "questions_dev.jsonl", "held back": EVAL / "questions_unseen.jsonl"}
JUDGED = EVAL / "answers_judged.jsonl"
# name: (fusion weights, section-type bonus; None is the weight in data/knowledge/question_types.yml)
SYSTEMS = {
    "hybrid (CareLine)": (WEIGHTS, None),
    "hybrid without section types": (WEIGHTS, 0.0),
    **{f"hybrid without {part}": ({k: w for k, w in WEIGHTS.items() if k != part}, None) for part in WEIGHTS},
    "dense over MedQuAD questions": ({"dense_questions": 1.0}, 0.0),
    "BM25 over answers": ({"bm25_answers": 1.0}, 0.0),
}
SWEEP = (0.0, 0.02, 0.05, 0.1, 0.2, 0.5)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def retrieval(retriever: Retriever, questions: list[dict]) -> tuple[dict, list[float]]:
    hit1 = hit5 = rr = section1 = 0.0
    sections = retriever.question_types.sections
    latencies = []
    for q in questions:
        start = time.perf_counter()
        hits = retriever.search(q["question"], 5)
        latencies.append((time.perf_counter() - start) * 1000)
        ranks = [i for i, h in enumerate(hits) if document_part(h.id) in set(q["docs"])]
        if ranks:
            hit5 += 1
            hit1 += ranks[0] == 0
            section1 += ranks[0] == 0 and sections.get(hits[0].id) in q["section_types"]
            rr += 1 / (ranks[0] + 1)
    n = len(questions)
    return {"hit@1": hit1 / n, "hit@5": hit5 / n, "MRR": rr / n, "section hit@1": section1 / n}, latencies


def answers(answerer: Answerer, questions: list[dict], judged: dict, unjudged: list[dict]) -> dict:
    latencies, shown, unsupported, grades = [], 0, 0, []
    abstained_right = abstained = unanswerable = addressing = judged_shown = 0
    kinds: Counter = Counter()
    for q in questions:
        start = time.perf_counter()
        result = answerer.answer(q["question"])
        latencies.append((time.perf_counter() - start) * 1000)
        kinds[result.kind] += 1
        unanswerable += not q["answerable"]
        if not result.grounded:
            abstained += 1
            abstained_right += not q["answerable"]
            continue
        body = result.text.split("\n\nSources:")[0]
        passages = [answerer.retriever.corpus["texts"][i] for i in _passage_indexes(answerer, result.citations)]
        for sentence in guard.sentences(re.sub(r"\s*\[\d+\]", "", body)):
            shown += 1
            unsupported += max((guard.support(sentence, p) for p in passages), default=0) < guard.SUPPORT_THRESHOLD
            verdict = judged.get((q["question"], sentence))
            if verdict is None:
                unjudged.append({"question": q["question"], "sentence": sentence})
            else:
                judged_shown += 1
                addressing += verdict
        grades.append(grade(body))
    return {"abstention precision": abstained_right / max(abstained, 1),
            "abstention recall": abstained_right / max(unanswerable, 1),
            "unsupported sentence rate": unsupported / max(shown, 1),
            f"sentences shown that address the question (judged {judged_shown} of {shown})":
                addressing / max(judged_shown, 1),
            **{f"answers {kind}": float(n) for kind, n in sorted(kinds.items())},
            "readability grade (FK)": statistics.mean(grades) if grades else 0.0,
            "answer p50 ms": percentile(latencies, 0.5), "answer p95 ms": percentile(latencies, 0.95)}


def _passage_indexes(answerer: Answerer, citations: list[str]) -> list[int]:
    corpus = answerer.retriever.corpus
    return [i for i, meta in enumerate(corpus["metas"]) if meta["citation"] in set(citations)]


def sweep(answerable: list[dict]) -> None:
    """Section hit@1 for several section-type bonus weights: how the YAML weight was chosen."""
    retriever = Retriever()
    print("| section-type bonus | hit@1 | section hit@1 |\n|---|---|---|")
    for bonus in SWEEP:
        retriever.question_types.bonus = bonus
        scores, _ = retrieval(retriever, answerable)
        print(f"| {bonus} | {scores['hit@1']:.3f} | {scores['section hit@1']:.3f} |")


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def report(name: str, questions: list[dict], answerer: Answerer, judged: dict, unjudged: list[dict]) -> None:
    answerable = [q for q in questions if q["answerable"]]
    print(f"\n## {name}: {len(answerable)} answerable and {len(questions) - len(answerable)} unanswerable questions\n")
    print("| retrieval | hit@1 | section hit@1 | hit@5 | MRR | search p50 ms | search p95 ms |\n"
          "|---|---|---|---|---|---|---|")
    for system, (weights, bonus) in SYSTEMS.items():
        retriever = Retriever(weights=weights, question_types=QuestionTypes(bonus=bonus))
        retriever.warm()
        retrieval(retriever, answerable[:3])  # warm-up
        scores, latencies = retrieval(retriever, answerable)
        print(f"| {system} | {scores['hit@1']:.3f} | {scores['section hit@1']:.3f} | {scores['hit@5']:.3f} | "
              f"{scores['MRR']:.3f} | {percentile(latencies, 0.5):.0f} | {percentile(latencies, 0.95):.0f} |")
    print("\n| answers | value |\n|---|---|")
    for label, value in answers(answerer, questions, judged, unjudged).items():
        print(f"| {label} | {value:.3f} |" if value < 100 else f"| {label} | {value:.0f} |")


def main() -> int:
    if "--sweep" in sys.argv:
        sweep([q for q in load(SETS["development (tuned on)"]) if q["answerable"]])
        return 0
    judged = {(row["question"], row["sentence"]): row["addresses"] for row in load(JUDGED)}
    unjudged: list[dict] = []
    answerer = Answerer()
    answerer.warm()
    for name, path in SETS.items():
        report(name, load(path), answerer, judged, unjudged)
    if "--unjudged" in sys.argv:
        print("\n" + "\n".join(json.dumps(row) for row in unjudged))
    return 0


if __name__ == "__main__":
    sys.exit(main())
