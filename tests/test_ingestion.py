"""An interrupted ingestion is never served: real ingestion subprocesses killed with SIGKILL, real Chroma and models."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from knowledge.chain import Answerer
from knowledge.ingest import complete_ingestion, ingest, is_complete, servable
from knowledge.retriever import Retriever
from knowledge.settings import KnowledgeSettings
from tests.conftest import FIXTURE_DOCS

SUBSET_FILES = 60
BATCH_FILES = 5
KILL_AFTER_FILES = 15  # three batches written, nine to go


@pytest.fixture
def subset(tmp_path):
    """The first MedQuAD GHR documents, copied: a small corpus whose ingestion takes seconds, not minutes."""
    source = KnowledgeSettings().corpus_dir / "3_GHR_QA"
    if not source.is_dir():
        pytest.skip(f"the MedQuAD corpus is not at {source}")
    folder = tmp_path / "ghr"
    folder.mkdir()
    for path in sorted(source.glob("*.xml"))[:SUBSET_FILES]:
        shutil.copy(path, folder)
    return folder


def last_document(folder: Path) -> tuple[str, str]:
    """The subset's last document (never in the fragment): its citation prefix and a question about it."""
    path = sorted(folder.iterdir())[-1]
    focus = re.search(r"<Focus>(.+?)</Focus>", path.read_text()).group(1)
    return f"GHR_{path.stem}_", f"what is {focus}?"


@pytest.fixture
def settings(tmp_path):
    return KnowledgeSettings(data_dir=tmp_path / "data", ingest_batch_files=BATCH_FILES)


def environment(settings: KnowledgeSettings) -> dict:
    return {**os.environ, "CARELINE_DATA_DIR": str(settings.data_dir),
            "CARELINE_INGEST_BATCH_FILES": str(settings.ingest_batch_files)}


@pytest.fixture
def interrupted(subset, settings):
    """`python -m knowledge.ingest` killed with SIGKILL once its progress bar has passed three written batches."""
    process = subprocess.Popen([sys.executable, "-m", "knowledge.ingest", str(subset)], env=environment(settings),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    progress = b""
    while not _files_done(progress) >= KILL_AFTER_FILES:
        chunk = process.stderr.read1(4096)
        assert chunk, f"the ingestion ended before it could be interrupted: {progress[-500:]!r}"
        progress += chunk
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    written = {key.split("/", 1)[1] for key in Retriever(settings).store.files.get()["ids"]}
    assert KILL_AFTER_FILES <= len(written) < SUBSET_FILES, "the kill must leave a fragment"
    assert sorted(p.name for p in subset.iterdir())[-1] not in written
    assert not is_complete(settings) and not servable(settings)
    return subset


def _files_done(progress: bytes) -> int:
    counts = re.findall(rb"(\d+)/%d " % SUBSET_FILES, progress)
    return int(counts[-1]) if counts else 0


def test_the_next_search_finishes_the_killed_ingestion_instead_of_serving_the_fragment(interrupted, settings):
    citation, question = last_document(interrupted)
    run = subprocess.run([sys.executable, "-m", "knowledge.search", question, "-k", "3", "--json"],
                         env=environment(settings), capture_output=True, text=True, check=True, timeout=300)
    assert "incomplete" in run.stderr
    assert json.loads(run.stdout)[0]["id"].startswith(citation)
    assert is_complete(settings)
    assert Retriever(settings).store.files.count() == SUBSET_FILES


def test_the_chat_says_the_library_is_being_prepared_and_answers_once_it_is_complete(interrupted, settings):
    citation, question = last_document(interrupted)
    answerer = Answerer(settings)
    first = answerer.answer(question)
    assert "still being prepared" in first.text and "nurse" in first.text
    assert first.citations == [] and not first.grounded
    deadline = time.monotonic() + 300
    while not is_complete(settings):
        assert time.monotonic() < deadline, "the chat never completed the ingestion"
        time.sleep(1)
    later = answerer.answer(question)
    assert later.grounded and later.citations[0].startswith(citation)


def test_a_changed_document_makes_the_store_incomplete_until_it_is_ingested_again(tmp_path, settings):
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURE_DOCS, docs)
    ingest([docs], settings)
    assert is_complete(settings)
    (docs / "leaflets" / "handwashing.md").write_text("# Washing your hands\n\nUse soap for twenty seconds.\n")
    assert not servable(settings)
    complete_ingestion(settings)
    assert is_complete(settings)
    texts = Retriever(settings).store.chunks.get(where={"title": "Washing your hands"})["documents"]
    assert texts == ["Use soap for twenty seconds."]


def test_a_store_made_with_other_settings_is_rebuilt_from_scratch(tmp_path, settings):
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURE_DOCS, docs)
    first = ingest([docs], settings)
    manifest = json.loads(settings.manifest_path.read_text())
    settings.manifest_path.write_text(json.dumps({**manifest, "settings": "made with another embedding model"}))
    assert not servable(settings)
    report = ingest([docs], settings)
    assert report.unchanged == 0 and report.added == first.added
    assert is_complete(settings)


def test_nothing_to_ingest_and_an_empty_store_is_served_as_an_honest_i_dont_know(tmp_path):
    empty = KnowledgeSettings(data_dir=tmp_path / "data", corpus_dir=Path(tmp_path / "no-corpus"))
    assert servable(empty)
    assert Answerer(empty).answer("what is high blood pressure?").kind == "abstain"
