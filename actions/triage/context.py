"""Is a mentioned finding the patient's own, here and now? medspaCy's ConText decides.

"No fever", "I had a stroke in 2019", "what if I get chest pain" and "family
history of heart disease" all mention a finding the patient does not have
now. The cues are data (data/triage/context.yml). Carers are not family
history: "my mom has chest pain" is about the patient.
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache

import yaml

from actions.settings import TRIAGE_DIR
from actions.triage.lexicon import Mention, by_name

SPAN_GROUP = "findings"
NOT_NOW = {"NEGATED_EXISTENCE", "HYPOTHETICAL", "FAMILY"}
ASSERTIONS = NOT_NOW | {"HISTORICAL"}


@lru_cache(maxsize=1)
def _spec() -> dict:
    return yaml.safe_load((TRIAGE_DIR / "context.yml").read_text())


@lru_cache(maxsize=1)
def _pipeline():
    import spacy
    from medspacy.context import ConText, ConTextRule

    # Our cues are all regular expressions, so medspaCy's phrase matcher rightly has none.
    warnings.filterwarnings("ignore", message=r"\[W036\]")

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    context = ConText(nlp, rules=None, input_span_type="group", span_group_name=SPAN_GROUP, span_attrs=None)
    context.add([ConTextRule(**rule) for rule in _spec()["rules"]])
    return nlp, context


def assert_mentions(text: str, mentions: list[Mention]) -> dict[str, bool]:
    """{concept: present}: False when every mention of it is denied, past, hypothetical or a relative's."""
    if not mentions:
        return {}
    nlp, context = _pipeline()
    doc = nlp(text)
    spans = [doc.char_span(m.start, m.end, label=m.concept, alignment_mode="expand") for m in mentions]
    doc.spans[SPAN_GROUP] = [s for s in spans if s is not None]
    context(doc)
    modifiers = doc._.context_graph.modifiers
    found: dict[str, bool] = {}
    for mention, span in zip(mentions, spans):
        if span is None:
            categories: set[str] = set()
        elif mention.how == "semantic":
            categories = _clause_categories(span, modifiers)
        else:
            categories = {m.category.upper() for m in span._.modifiers if not _inside(m.modifier_span, span)}
        sentence = span.sent.text if span is not None else text
        found[mention.concept] = found.get(mention.concept, False) or _counts(mention.concept, categories, text,
                                                                              sentence)
    return found


def _clause_categories(clause, modifiers) -> set[str]:
    """A semantic match covers a whole clause, so a cue inside the clause applies to it too."""
    categories = set()
    for modifier in modifiers:
        if modifier.category.upper() not in ASSERTIONS:
            continue
        start, end = modifier.scope_span
        inside = clause.start <= modifier.modifier_span[0] < clause.end
        if inside or (start < clause.end and clause.start < end):
            categories.add(modifier.category.upper())
    return categories


def _inside(modifier_span: tuple[int, int], span) -> bool:
    """A cue inside a phrase match belongs to the phrase ("spots don't fade when pressed").

    medspaCy 1.3.1 only notices a cue that overlaps a target at its edge.
    """
    return span.start <= modifier_span[0] and modifier_span[1] <= span.end


def _counts(concept: str, categories: set[str], text: str, sentence: str) -> bool:
    if "HISTORICAL" in categories and not by_name()[concept].background:
        return False
    if "NEGATED_EXISTENCE" in categories and concept in crisis_concepts():
        crisis = _spec()["crisis"]
        return bool(re.search(crisis["denial_does_not_count_when"], text)
                    or re.search(crisis["denial_does_not_count_when_in_its_sentence"], sentence))
    return not (categories & NOT_NOW)


def crisis_concepts() -> set[str]:
    return set(_spec()["crisis"]["concepts"])


def crisis_denied_finding() -> str:
    return _spec()["crisis"]["denied_finding"]


def passive_thoughts_without_plan(text: str, crisis_mentions: list[Mention]) -> bool:
    """Every crisis mention that is not denied is a passive thought ("better off without me"), a plan or intent
    is plainly denied, and, once those denials are set aside, no plan, means or attempt is spoken of."""
    crisis = _spec()["crisis"]
    without_denials = re.sub(crisis["plan_denied"], lambda denial: " " * len(denial[0]), text)
    if without_denials == text or re.search(crisis["denial_does_not_count_when"], without_denials):
        return False
    active = [m for m in crisis_mentions if not re.search(crisis["passive_thoughts"], text[m.start:m.end])]
    return len(active) < len(crisis_mentions) and not any(
        assert_mentions(without_denials, [m]).get(m.concept) for m in active)


def plan_denied_finding() -> str:
    return _spec()["crisis"]["plan_denied_finding"]
