"""The answer chain (LangChain LCEL), top to bottom as the data flows:

refuse? -> retrieve -> enough evidence? -> answers the kind of question asked? -> the section's
sentences that answer it -> plain enough? else rephrase (llama.cpp, within its time budget and circuit
breaker; without it, the sentences are quoted) -> guard -> format with citations.

The model is small and will copy or invent; the guard decides what is shown: a
rephrasing is shown only when every sentence of it is supported, else the chosen
sentences are quoted. With weak evidence we say we do not know; when the
documents do not answer this kind of question we say what they leave out; both
offer a nurse.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from langchain_core.prompts import PromptTemplate
from langchain_core.runnables import Runnable, RunnableBranch, RunnableLambda

from knowledge import guard, llm, refusals, sentences
from knowledge.ingest import Library
from knowledge.readability import grade
from knowledge.retriever import Hit, Retriever
from knowledge.settings import KnowledgeSettings

PASSAGES = 3
MIN_SIMILARITY = 0.52  # calibrated on data/eval/questions_dev.jsonl, see docs/knowledge.md
MAX_SENTENCES = 4
PLAIN_GRADE = 9.0  # Flesch-Kincaid grade up to which the chosen sentences are shown as written
NURSE = "A nurse can help: choose \"Talk to a nurse\"."
NOT_ADVICE = "This is general information, not medical advice. A nurse can help with your own situation."
DONT_KNOW = f"I'm sorry, I don't know: the documents I trust don't cover this question. {NURSE}"

PROMPT = PromptTemplate.from_template(
    "<start_of_turn>user\nRewrite this health information for a patient in two or three short, plain "
    "sentences. Keep its facts, add nothing. Put [1] after each sentence.\n\n"
    "[1] {source}\n\nQuestion: {question}<end_of_turn>\n<start_of_turn>model\n")


@dataclass
class Answer:
    text: str
    citations: list[str] = field(default_factory=list)
    grounded: bool = False
    kind: str = "abstain"
    # For the action server's metrics: sentences of a rephrasing the guard refused to show, and the seconds each
    # stage that ran took ("retrieval", "llm").
    dropped: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    def state(self) -> dict:
        return {"citations": self.citations, "grounded": self.grounded}


def build_chain(retriever: Retriever, settings: KnowledgeSettings, ready: Callable[[], bool],
                breaker: llm.CircuitBreaker) -> Runnable:
    """`ready` says whether the store holds a complete ingestion; a fragment is never answered from.

    The model only rephrases the chosen sentences, and only when they read above PLAIN_GRADE;
    its words are shown only when the guard accepts every sentence (issue 11, items 2 and 5).
    `breaker` guards the model (knowledge/llm.py): a failing or slow model gives the extractive answer.
    """

    def refuse(state: dict) -> dict:
        kind = refusals.refusal(state["question"]) or (None if ready() else "preparing")
        return {**state, "refusal": kind}

    def retrieve(state: dict) -> dict:
        if state["refusal"]:
            return {**state, "hits": []}
        started = time.perf_counter()
        hits = answering_first(retriever, state["question"], retriever.search(state["question"], PASSAGES))
        return {**state, "hits": hits, "timings": {**state.get("timings", {}),
                                                   "retrieval": time.perf_counter() - started}}

    def needs_rephrasing(state: dict) -> bool:
        return (settings.llm_rephrase and sufficient(state["hits"]) and not state["hits"][0].unanswered
                and grade(state["hits"][0].text) > PLAIN_GRADE)

    def rephrase(state: dict) -> dict:
        """Without a draft (the model failed, ran out of time, or its breaker is open) the sentences are quoted."""
        top = state["hits"][0].text
        started = time.perf_counter()
        try:
            draft = breaker.call(lambda: llm.complete(settings, PROMPT.format(source=top, question=state["question"])))
        except llm.Unavailable:
            draft = None
        state = {**state, "timings": {**state.get("timings", {}), "llm": time.perf_counter() - started}}
        return state if draft is None else {**state, "checked": guard.check(draft, [top])}

    def answer(state: dict) -> Answer:
        result = respond(state)
        checked = state.get("checked")
        return replace(result, dropped=checked.dropped if checked else 0, timings=dict(state.get("timings", {})))

    def respond(state: dict) -> Answer:
        hits = state["hits"]
        if state["refusal"]:
            return Answer(f"{refusals.REASONS[state['refusal']]} {NURSE}", kind="refusal")
        if not sufficient(hits):
            return Answer(DONT_KNOW)
        if hits[0].unanswered:
            return unaddressed(retriever, hits[0])
        return shown(state.get("checked"), hits)

    return (RunnableLambda(refuse) | RunnableLambda(retrieve)
            | RunnableBranch((needs_rephrasing, RunnableLambda(rephrase)), RunnableLambda(lambda s: s))
            | RunnableLambda(answer))


def sufficient(hits: list[Hit]) -> bool:
    return bool(hits) and hits[0].similarity >= MIN_SIMILARITY


def answering_first(retriever: Retriever, question: str, hits: list[Hit]) -> list[Hit]:
    """The leading hit (see `leading`) comes first, as the sentences of its whole section that answer the
    question (knowledge/sentences.py)."""
    if not hits:
        return hits
    lead = leading(hits)
    section = sentences.section_text(retriever.corpus, lead.id)
    picked = sentences.answering(retriever.settings.embedding_model, question, lead.title, section, MAX_SENTENCES)
    return [replace(lead, text=" ".join(picked) or lead.text), *(h for h in hits if h is not lead)]


def leading(hits: list[Hit]) -> Hit:
    """The first hit, or a later hit on the same topic whose section answers this kind of question.

    Only the same topic: "is gout inherited?" must not be answered by Gorlin syndrome's inheritance section.
    """
    topic = hits[0].title.casefold()
    return next((h for h in hits if not h.unanswered and h.similarity >= MIN_SIMILARITY
                 and h.title.casefold() == topic), hits[0])


def unaddressed(retriever: Retriever, hit: Hit) -> Answer:
    """Better to say what the trusted documents leave out than to show a neighbouring fact."""
    missing = retriever.question_types.config["says"].get(hit.unanswered, "the answer to this question about {topic}")
    return Answer(f"The documents I trust don't say {missing.format(topic=hit.title)}. {NURSE}", kind="unaddressed")


def shown(rephrased: guard.Checked | None, hits: list[Hit]) -> Answer:
    """The rephrasing if the guard accepted all of it, else the chosen sentences as the document wrote them."""
    if rephrased and rephrased.sentences and not rephrased.dropped:
        return format_answer(rephrased, hits)
    quoted = guard.Checked([(s, 1) for s in guard.sentences(hits[0].text)[:MAX_SENTENCES]],
                           rephrased.dropped if rephrased else 0)
    return format_answer(quoted, hits, "extractive")


def format_answer(checked: guard.Checked, hits: list[Hit], kind: str = "answer") -> Answer:
    kept = checked.sentences[:MAX_SENTENCES]
    used = sorted({n for _, n in kept})
    body = " ".join(f"{sentence} [{used.index(n) + 1}]" for sentence, n in kept)
    sources = "\n".join(f"[{i}] {hits[n - 1].title}: {hits[n - 1].url}" for i, n in enumerate(used, 1))
    return Answer(f"{body}\n\nSources:\n{sources}\n\n{NOT_ADVICE}", [hits[n - 1].id for n in used], True, kind)


class Answerer:
    """Loads once per process; `answer` is what the action server calls."""

    def __init__(self, settings: KnowledgeSettings | None = None):
        self.settings = settings or KnowledgeSettings()
        self.retriever = Retriever(self.settings)
        self.library = Library(self.settings, self.retriever.reload)
        self.llm_breaker = llm.CircuitBreaker.for_llm(self.settings)
        self.chain = build_chain(self.retriever, self.settings, self.library.ready, self.llm_breaker)

    def warm(self) -> None:
        if self.library.ready():
            self.retriever.warm()
        if self.settings.llm_rephrase:
            llm.load(self.settings)

    def answer(self, question: str) -> Answer:
        return self.chain.invoke({"question": question})
