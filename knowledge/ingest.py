"""`python -m knowledge.ingest [FOLDER...]`: build or update the Chroma collections.

Incremental: a file whose content hash is unchanged is skipped; a changed
file's old chunks are replaced. One bad file never stops the run: it is
skipped with a warning naming it, and counted at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from knowledge import embeddings
from knowledge.loaders import SUPPORTED, BadDocument, Chunk, load
from knowledge.settings import KnowledgeSettings
from knowledge.store import Store, open_store

log = logging.getLogger("knowledge.ingest")
BATCH_FILES = 200


@dataclass
class Report:
    added: int = 0
    unchanged: int = 0
    removed: int = 0
    chunks: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def file_key(folder: Path, path: Path) -> str:
    return f"{folder.name}/{path.relative_to(folder).as_posix()}"


NOT_CONTENT = ("readme", "license", "licence")


def candidate_files(folder: Path) -> list[Path]:
    """Documents under a folder; a corpus's own README and licence are not health content."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED
                  and not p.stem.lower().startswith(NOT_CONTENT))


def ingest(folders: list[Path], settings: KnowledgeSettings, store: Store | None = None) -> Report:
    store = store or open_store(settings)
    known = _manifest(store)
    report = Report()
    pending: list[tuple[str, str, list[Chunk]]] = []
    files = [(folder, path) for folder in folders for path in candidate_files(folder)]
    for folder, path in tqdm(files, desc="ingesting", unit="file", file=sys.stderr):
        key = file_key(folder, path)
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if known.get(key) == digest:
                report.unchanged += 1
                continue
            pending.append((key, digest, load(path, key)))
        except (BadDocument, OSError) as err:
            log.warning("skipped %s: %s", path, err)
            report.skipped.append((str(path), str(err)))
            continue
        if len(pending) >= BATCH_FILES:
            _write(store, settings, pending, known, report)
            pending = []
    if pending:
        _write(store, settings, pending, known, report)
    _remove_vanished(store, folders, {file_key(folder, path) for folder, path in files}, known, report)
    return report


def _remove_vanished(store: Store, folders: list[Path], present: set[str], known: dict, report: Report) -> None:
    """Files deleted from an ingested folder leave the store too."""
    prefixes = tuple(f"{folder.name}/" for folder in folders)
    for key in [k for k in known if k.startswith(prefixes) and k not in present]:
        store.chunks.delete(where={"path": key})
        store.keys.delete(where={"path": key})
        store.files.delete(ids=[key])
        report.removed += 1


def _manifest(store: Store) -> dict[str, str]:
    entries = store.files.get(include=["metadatas"])
    return {key: meta["hash"] for key, meta in zip(entries["ids"], entries["metadatas"])}


def _write(store: Store, settings: KnowledgeSettings, pending: list, known: dict, report: Report) -> None:
    for key, _, _ in pending:
        if key in known:
            store.chunks.delete(where={"path": key})
            store.keys.delete(where={"path": key})
    ids, metas, chunks, key_ids, key_texts, key_metas = [], [], [], [], [], []
    for key, digest, file_chunks in pending:  # MedQuAD reuses a document id across files: ids carry the file
        seen: dict[str, int] = {}
        for chunk in file_chunks:
            n = seen[chunk.id] = seen.get(chunk.id, -1) + 1
            ids.append(f"{key}#{chunk.id}#{n}")
            metas.append(chunk.metadata(key, digest))
            chunks.append(chunk)
        if file_chunks and file_chunks[0].focus:
            first = file_chunks[0]
            key_ids.append(f"{key}#focus")
            key_texts.append("; ".join([first.focus, *first.synonyms]))
            key_metas.append(first.metadata(key, digest))
    model = settings.embedding_model
    if ids:
        store.chunks.add(ids=ids, documents=[c.text for c in chunks], metadatas=metas,
                         embeddings=embeddings.embed(model, [c.search_key for c in chunks], embeddings.PASSAGE_TOKENS))
    if key_ids:
        store.keys.add(ids=key_ids, documents=key_texts, metadatas=key_metas,
                       embeddings=embeddings.embed(model, key_texts, embeddings.KEY_TOKENS))
    store.files.upsert(ids=[k for k, _, _ in pending], metadatas=[{"hash": d} for _, d, _ in pending],
                       embeddings=[[0.0] for _ in pending], documents=["" for _ in pending])
    report.added += len(pending)
    report.chunks += len(ids)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ingest documents into CareLine's knowledge store.")
    parser.add_argument("folders", nargs="*", type=Path, help="folders to ingest (default: the MedQuAD corpus)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    settings = KnowledgeSettings()
    folders = args.folders or [settings.corpus_dir]
    missing = [f for f in folders if not f.is_dir()]
    if missing and not args.folders:
        print(f"warning: the default corpus {settings.corpus_dir} is missing (set CARELINE_CORPUS_DIR); "
              "CareLine will answer questions with \"I don't know\" until something is ingested", file=sys.stderr)
        return 0
    if missing:
        print(f"not a folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    report = ingest(folders, settings)
    print(f"files ingested: {report.added}, unchanged: {report.unchanged}, removed: {report.removed}, "
          f"chunks written: {report.chunks}, skipped: {len(report.skipped)}")
    for path, reason in report.skipped:
        print(f"  skipped {path}: {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
