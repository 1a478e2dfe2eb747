"""The answer chain (LangChain LCEL), top to bottom as the data flows:

refuse? -> retrieve -> enough evidence? -> generate (llama.cpp) -> guard -> format with citations.

The model is small and will copy or invent; the guard decides what is shown.
If nothing survives, the best passage is quoted; with weak evidence we say we
do not know and offer a nurse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from langchain_core.prompts import PromptTemplate
from langchain_core.runnables import Runnable, RunnableBranch, RunnableLambda

from knowledge import guard, llm, refusals, sentences
from knowledge.ingest import Library
from knowledge.retriever import Hit, Retriever
from knowledge.settings import KnowledgeSettings

PASSAGES = 3
PASSAGE_CHARS = 700
MIN_SIMILARITY = 0.52  # calibrated on data/eval/questions_dev.jsonl, see docs/knowledge.md
MAX_SENTENCES = 4
NOT_ADVICE = "This is general information, not medical advice. A nurse can help with your own situation."
DONT_KNOW = ("I'm sorry, I don't know: the documents I trust don't cover this question. "
             "A nurse can help: choose \"Talk to a nurse\".")

PROMPT = PromptTemplate.from_template(
    "<start_of_turn>user\nAnswer the patient's question in two or three short, plain sentences, "
    "using only these sources. Put the source number in brackets after each sentence, like [1].\n\n"
    "{sources}\n\nQuestion: {question}<end_of_turn>\n<start_of_turn>model\n")


@dataclass
class Answer:
    text: str
    citations: list[str] = field(default_factory=list)
    grounded: bool = False
    kind: str = "abstain"
    dropped_sentences: int = 0
    shown_sentences: int = 0

    def state(self) -> dict:
        return {"citations": self.citations, "grounded": self.grounded}


def build_chain(retriever: Retriever, settings: KnowledgeSettings, ready: Callable[[], bool]) -> Runnable:
    """`ready` says whether the store holds a complete ingestion; a fragment is never answered from."""

    def refuse(state: dict) -> dict:
        kind = refusals.refusal(state["question"]) or (None if ready() else "preparing")
        return {**state, "refusal": kind}

    def retrieve(state: dict) -> dict:
        hits = [] if state["refusal"] else retriever.search(state["question"], PASSAGES)
        return {**state, "hits": answering_first(retriever, state["question"], hits)}

    def sufficient(state: dict) -> bool:
        return bool(state["hits"]) and state["hits"][0].similarity >= MIN_SIMILARITY

    def generate(state: dict) -> dict:
        sources = "\n\n".join(f"[{n}] {h.text[:PASSAGE_CHARS]}" for n, h in enumerate(state["hits"], 1))
        prompt = PROMPT.format(sources=sources, question=state["question"])
        return {**state, "draft": llm.complete(settings, prompt)}

    def check(state: dict) -> dict:
        return {**state, "checked": guard.check(state["draft"], [h.text for h in state["hits"]])}

    def answer(state: dict) -> Answer:
        if state["refusal"]:
            return Answer(f"{refusals.REASONS[state['refusal']]} A nurse can help: choose \"Talk to a nurse\".",
                          kind="refusal")
        if "checked" not in state:
            return Answer(DONT_KNOW)
        return format_answer(state["checked"], state["hits"])

    answer_path = RunnableLambda(generate) | RunnableLambda(check)
    return (RunnableLambda(refuse) | RunnableLambda(retrieve)
            | RunnableBranch((sufficient, answer_path), RunnableLambda(lambda s: s))
            | RunnableLambda(answer))


def answering_first(retriever: Retriever, question: str, hits: list[Hit]) -> list[Hit]:
    """The top passage becomes the sentences of its whole section that answer the question (knowledge/sentences.py)."""
    if not hits:
        return hits
    section = sentences.section_text(retriever.corpus, hits[0].id)
    picked = sentences.answering(retriever.settings.embedding_model, question, hits[0].title, section,
                                 MAX_SENTENCES)
    return [replace(hits[0], text=" ".join(picked) or hits[0].text), *hits[1:]]


def format_answer(checked: guard.Checked, hits: list[Hit]) -> Answer:
    kept = checked.sentences[:MAX_SENTENCES]
    kind = "answer"
    if not kept:
        kind = "extractive"
        kept = [(s, 1) for s in guard.sentences(hits[0].text)[:MAX_SENTENCES]]
    used = sorted({n for _, n in kept})
    body = " ".join(f"{sentence} [{used.index(n) + 1}]" for sentence, n in kept)
    sources = "\n".join(f"[{i}] {hits[n - 1].title}: {hits[n - 1].url}" for i, n in enumerate(used, 1))
    return Answer(f"{body}\n\nSources:\n{sources}\n\n{NOT_ADVICE}", [hits[n - 1].id for n in used], True, kind,
                  checked.dropped, len(kept))


class Answerer:
    """Loads once per process; `answer` is what the action server calls."""

    def __init__(self, settings: KnowledgeSettings | None = None):
        self.settings = settings or KnowledgeSettings()
        self.retriever = Retriever(self.settings)
        self.library = Library(self.settings, self.retriever.reload)
        self.chain = build_chain(self.retriever, self.settings, self.library.ready)

    def warm(self) -> None:
        if self.library.ready():
            self.retriever.warm()
        llm.load(self.settings)

    def answer(self, question: str) -> Answer:
        return self.chain.invoke({"question": question})
