"""Ingestion, search, the honesty guard and the answer chain, on real Chroma and real models."""

import json
import re
import shutil
import subprocess
import sys
from dataclasses import replace

import pytest

from knowledge import embeddings, guard, llm
from knowledge.chain import PLAIN_GRADE, Answerer, answering_first, format_answer, leading, shown
from knowledge.ingest import ingest
from knowledge.question_types import QuestionTypes
from knowledge.readability import grade
from knowledge.retriever import Hit, Retriever
from knowledge.settings import KnowledgeSettings
from tests.conftest import FIXTURE_DOCS


def make_pdf(text: str) -> bytes:
    """A one-page PDF with a real cross-reference table, written by hand."""
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode()
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
               b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
               b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
               b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj" % number + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)



@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "docs"
    shutil.copytree(FIXTURE_DOCS, folder)
    (folder / "leaflets" / "fever.pdf").write_bytes(make_pdf("Drink water when you have a fever."))
    return folder


@pytest.fixture
def settings(tmp_path):
    return KnowledgeSettings(data_dir=tmp_path / "data")


def test_medquad_answers_get_corpus_citation_ids_and_metadata(docs, settings):
    report = ingest([docs], settings)
    assert report.skipped == []
    store = Retriever(settings).store
    meta = store.chunks.get(where={"citation": "TestSource_0000001_Sec2"}, include=["metadatas"])["metadatas"][0]
    assert meta["title"] == "High Blood Pressure"
    assert meta["url"] == "https://example.org/high-blood-pressure"
    assert meta["question"].startswith("What are the treatments")


def test_markdown_html_text_and_pdf_are_ingested_with_titles_and_urls(docs, settings):
    ingest([docs], settings)
    metas = Retriever(settings).store.chunks.get(where={"source": "local"}, include=["metadatas"])["metadatas"]
    titles = {m["title"]: m["url"] for m in metas}
    assert titles["Washing your hands"] == "https://example.org/clinic/handwashing"
    assert titles["Getting your flu shot"] == "https://example.org/clinic/flu-shot"
    assert "Clinic phone line" in titles or "clinic hours" in titles
    assert "fever" in titles


def test_local_document_ids_are_stable_across_runs(docs, settings, tmp_path):
    ingest([docs], settings)
    first = sorted(m["citation"] for m in Retriever(settings).store.chunks.get(include=["metadatas"])["metadatas"])
    again = KnowledgeSettings(data_dir=tmp_path / "again")
    ingest([docs], again)
    second = sorted(m["citation"] for m in Retriever(again).store.chunks.get(include=["metadatas"])["metadatas"])
    assert first == second


def test_reingesting_skips_unchanged_files_and_replaces_changed_ones(docs, settings):
    first = ingest([docs], settings)
    second = ingest([docs], settings)
    assert second.added == 0 and second.unchanged == first.added
    (docs / "leaflets" / "handwashing.md").write_text("# Washing your hands\n\nUse soap. Rinse well.\n")
    third = ingest([docs], settings)
    assert third.added == 1
    texts = Retriever(settings).store.chunks.get(where={"title": "Washing your hands"})["documents"]
    assert texts == ["Use soap. Rinse well."]


@pytest.mark.parametrize("name, content, reason", [
    ("broken.xml", b"<Document id='1' source='X'><QAPairs>", "malformed XML"),
    ("empty.txt", b"", "empty file"),
    ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content"),
    ("latin1.txt", "caf\u00e9 na\u00efve r\u00e9sum\u00e9".encode("latin-1"), "unknown text encoding"),
    ("fake.pdf", b"%PDF-1.4 this is not really a pdf", "unreadable PDF"),
])
def test_a_bad_file_is_skipped_by_name_and_the_run_goes_on(docs, settings, name, content, reason):
    (docs / name).write_bytes(content)
    report = ingest([docs], settings)
    assert [(path.rsplit("/", 1)[-1], why.split(":")[0].split(" (")[0]) for path, why in report.skipped] == [(name, reason)]
    assert report.added == 6


def test_search_cli_prints_the_json_shape(data_dir):
    env = {"CARELINE_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "knowledge.search", "is high blood pressure dangerous", "-k", "2",
                          "--json"], capture_output=True, text=True, env=env, check=True).stdout
    hits = json.loads(out)
    assert 1 <= len(hits) <= 2
    assert set(hits[0]) == {"id", "score", "title", "source", "url", "text"}
    assert hits[0]["id"].startswith("TestSource_0000001_Sec")
    assert hits[0]["score"] >= hits[-1]["score"]


def test_guard_drops_an_invented_sentence_and_keeps_a_supported_one():
    passage = "Blood thinners are medicines that help prevent blood clots."
    checked = guard.check("Blood thinners are medicines that prevent blood clots [1]. "
                          "They also cure diabetes in most patients [1].", [passage])
    assert [s for s, _ in checked.sentences] == ["Blood thinners are medicines that prevent blood clots."]
    assert checked.dropped == 1


def test_guard_removes_a_citation_to_a_passage_that_was_not_retrieved():
    checked = guard.check("Blood thinners help prevent blood clots [7].", ["Blood thinners help prevent blood clots."])
    assert checked.sentences == [("Blood thinners help prevent blood clots.", 1)]


def test_the_patient_sees_each_citation_after_its_full_stop():
    passage = "Blood thinners help prevent blood clots. Bleeding is the main side effect."
    hit = Hit("doc-1", 1.0, "Blood thinners", "TestSource", "https://example.org/blood-thinners", passage, 0.9)
    checked = guard.check("Blood thinners help prevent blood clots [1]. Bleeding is the main side effect [1].", [passage])
    text = format_answer(checked, [hit]).text
    assert text.startswith("Blood thinners help prevent blood clots. [1] Bleeding is the main side effect. [1]\n\n")


@pytest.fixture(scope="module")
def answerer(data_dir):
    return Answerer(KnowledgeSettings(data_dir=data_dir))


def test_answer_cites_only_retrieved_documents(answerer):
    result = answerer.answer("what does high blood pressure mean?")
    assert result.grounded and result.citations
    assert all(c.startswith("TestSource_0000001") for c in result.citations)
    assert "Sources:" in result.text and "not medical advice" in result.text
    hits = {h.id for h in answerer.retriever.search("what does high blood pressure mean?", 3)}
    assert set(result.citations) <= hits


def test_question_outside_the_documents_gets_an_honest_i_dont_know(answerer):
    result = answerer.answer("how do I fix the brakes on my bicycle?")
    assert result.kind == "abstain" and not result.grounded
    assert "don't know" in result.text and "nurse" in result.text


@pytest.mark.parametrize("question", ["do I have high blood pressure?", "should I stop taking my blood thinner?",
                                      "can I double my dose of lisinopril?"])
def test_diagnosis_and_dose_questions_are_refused_with_a_nurse_offer(answerer, question):
    result = answerer.answer(question)
    assert result.kind == "refusal" and "nurse" in result.text


def test_a_deleted_file_leaves_the_store(docs, settings):
    ingest([docs], settings)
    (docs / "leaflets" / "flu-shot.html").unlink()
    report = ingest([docs], settings)
    assert report.removed == 1
    assert not Retriever(settings).store.chunks.get(where={"title": "Getting your flu shot"})["ids"]


MEDQUAD = KnowledgeSettings().corpus_dir
SHINGLES = ["7_SeniorHealth_QA/0000062.xml", "4_MPlus_Health_Topics_QA/0000812.xml", "6_NINDS_QA/0000148.xml"]


@pytest.fixture(scope="module")
def question_types():
    return QuestionTypes(KnowledgeSettings())


def label(question_types, question):
    return question_types.label(question, embeddings.embed(question_types.settings.embedding_model, [question])[0])


def test_the_question_type_classifier_tells_treatment_from_spread(question_types):
    assert label(question_types, "how is shingles treated") == "treatment"
    assert label(question_types, "is shingles contagious") == "transmission"


@pytest.fixture(scope="module")
def shingles_settings(tmp_path_factory):
    """MedQuAD's three Shingles documents, ingested from the shared corpus into a store of their own."""
    root = tmp_path_factory.mktemp("shingles")
    for name in SHINGLES:
        (root / "medquad" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(MEDQUAD / name, root / "medquad" / name)
    settings = KnowledgeSettings(data_dir=root / "data")
    ingest([root / "medquad"], settings)
    return settings


def test_a_question_about_spread_gets_the_section_on_spread_not_prevalence(shingles_settings):
    """Without the section-type bonus these three documents put the prevalence section ("Who is at risk") first."""
    retriever = Retriever(shingles_settings)
    first = retriever.search("is shingles contagious to my grandkids", 3)[0]
    section = " ".join(text for text, meta in zip(retriever.corpus["texts"], retriever.corpus["metas"])
                       if meta["citation"] == first.id)
    assert first.title == "Shingles"
    assert "less contagious than chickenpox" in section
    assert retriever.question_types.sections[first.id] != "susceptibility"  # MedQuAD's "who gets it, how often"


def test_the_answer_to_a_spread_question_shows_the_sentences_on_spread_not_prevalence(shingles_settings):
    """The section's chunk that retrieval picks ends at "Is Shingles Contagious?"; the answer is in the next chunk."""
    text = Answerer(shingles_settings).answer("is shingles contagious to my grandkids?").text.lower()
    assert "contagious" in text or "spread" in text
    assert "fifty percent of all americans" not in text


def test_a_rephrasing_with_one_unsupported_sentence_is_not_shown_the_document_is_quoted_instead():
    passage = "Blood thinners help prevent blood clots. Bleeding is the main side effect."
    hit = Hit("doc-1", 1.0, "Blood thinners", "TestSource", "https://example.org/blood-thinners", passage, 0.9)
    rephrased = guard.check("Blood thinners stop clots forming [1]. They also cure diabetes in most patients [1].",
                            [passage])
    answer = shown(rephrased, [hit])
    assert answer.kind == "extractive" and "diabetes" not in answer.text
    assert answer.text.startswith("Blood thinners help prevent blood clots. [1] Bleeding is the main side effect. [1]")


def test_a_rephrasing_the_guard_accepts_whole_is_shown():
    passage = "Blood thinners help prevent blood clots. Bleeding is the main side effect."
    hit = Hit("doc-1", 1.0, "Blood thinners", "TestSource", "https://example.org/blood-thinners", passage, 0.9)
    answer = shown(guard.check("Blood thinners help prevent blood clots [1].", [passage]), [hit])
    assert answer.kind == "answer" and answer.text.startswith("Blood thinners help prevent blood clots. [1]\n")


def test_a_question_the_documents_do_not_answer_says_what_they_leave_out(shingles_settings):
    """The three Shingles documents have no section on inheritance: no neighbouring fact is shown instead."""
    answer = Answerer(shingles_settings).answer("is shingles inherited?")
    assert answer.kind == "unaddressed" and not answer.citations
    assert answer.text.startswith("The documents I trust don't say whether Shingles runs in families.")
    assert "nurse" in answer.text


def test_a_deployers_model_rephrases_hard_sentences_and_only_supported_sentences_are_shown(shingles_settings):
    """The real llama.cpp model runs (LLM_REPHRASE=1); whatever it writes, nothing unsupported reaches the patient."""
    answerer = Answerer(replace(shingles_settings, llm_rephrase=True))
    question = "how is shingles treated?"
    picked = answering_first(answerer.retriever, question, answerer.retriever.search(question, 3))[0].text
    assert grade(picked) > PLAIN_GRADE
    result = answerer.answer(question)
    assert llm.load(answerer.settings).n_tokens > 0
    assert result.kind in ("answer", "extractive") and result.grounded
    body = re.sub(r"\s*\[\d+\]", "", result.text.split("\n\nSources:")[0])
    assert all(guard.support(sentence, picked) >= guard.SUPPORT_THRESHOLD for sentence in guard.sentences(body))


def test_the_packaged_model_is_not_asked_to_rephrase_by_default(shingles_settings):
    assert not shingles_settings.llm_rephrase
    assert Answerer(shingles_settings).answer("how is shingles treated?").kind == "extractive"


def test_a_later_hit_leads_only_when_it_is_on_the_same_topic():
    """"is gout inherited?" must not be answered by another disease's section on inheritance."""
    def hit(doc, title, unanswered):
        return Hit(f"{doc}_Sec1", 1.0, title, "TestSource", "https://example.org", "text", 0.9, unanswered)

    gout = hit("A", "Gout", "inheritance")
    assert leading([gout, hit("B", "Gorlin syndrome", None)]) is gout
    same_topic = hit("C", "gout", None)
    assert leading([gout, hit("B", "Gorlin syndrome", None), same_topic]) is same_topic
