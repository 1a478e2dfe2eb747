"""`python -m knowledge.ingest [FOLDER...]`: build or update the Chroma collections.

Incremental: a file whose content hash is unchanged is skipped; a changed
file's old chunks are replaced. One bad file never stops the run: it is
skipped with a warning naming it, and counted at the end.

A run that is stopped part-way leaves a store that looks usable but answers
from a fragment. So a manifest (what was ingested, with a hash of the inputs
and of the settings that shape the vectors) is written last; the search and the
chat serve the store only while it is complete for the current inputs, and
otherwise finish the ingestion (or restart it, when the settings changed).
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from knowledge import embeddings
from knowledge.loaders import MAX_CHUNK_CHARS, SUPPORTED, BadDocument, Chunk, load
from knowledge.settings import KnowledgeSettings
from knowledge.store import Store, open_store, reset_store

log = logging.getLogger("knowledge.ingest")
MANIFEST_FORMAT = 1


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
    manifest, restart = _begin_manifest(settings, folders)
    store = reset_store(settings) if restart else store or open_store(settings)
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
        if len(pending) >= settings.ingest_batch_files:
            _write(store, settings, pending, report)
            pending = []
    if pending:
        _write(store, settings, pending, report)
    _remove_vanished(store, folders, {file_key(folder, path) for folder, path in files}, known, report)
    _finish_manifest(settings, manifest)
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


def _write(store: Store, settings: KnowledgeSettings, pending: list, report: Report) -> None:
    """Replaces the files' chunks: also those an interrupted run wrote before it could record the file."""
    paths = [key for key, _, _ in pending]
    store.chunks.delete(where={"path": {"$in": paths}})
    store.keys.delete(where={"path": {"$in": paths}})
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


def settings_digest(settings: KnowledgeSettings) -> str:
    """What the stored vectors and chunks depend on besides the files: a change means starting again."""
    return _digest([MANIFEST_FORMAT, settings.collection, Path(settings.embedding_model).name,
                    embeddings.PASSAGE_TOKENS, embeddings.KEY_TOKENS, MAX_CHUNK_CHARS])


def folder_inputs(folder: Path) -> dict:
    """Document count and a hash of names, sizes and times: cheap enough to check on every search."""
    files = candidate_files(folder)
    stats = [(file_key(folder, path), path.stat().st_size, path.stat().st_mtime_ns) for path in files]
    return {"documents": len(files), "inputs": _digest(stats)}


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value).encode()).hexdigest()


def read_manifest(settings: KnowledgeSettings) -> dict | None:
    try:
        return json.loads(settings.manifest_path.read_text())
    except (OSError, ValueError):
        return None


def _write_manifest(settings: KnowledgeSettings, manifest: dict) -> None:
    """Atomic: a reader sees the old manifest or the new one, never half of one."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    temporary = settings.manifest_path.with_suffix(".tmp")
    temporary.write_text(json.dumps(manifest, indent=1))
    os.replace(temporary, settings.manifest_path)


def _begin_manifest(settings: KnowledgeSettings, folders: list[Path]) -> tuple[dict, bool]:
    """Marks the folders incomplete before anything is written; says whether the store must start again."""
    digest = settings_digest(settings)
    old = read_manifest(settings)
    restart = old is not None and old.get("settings") != digest
    manifest = {"settings": digest, "folders": {} if restart or old is None else old["folders"]}
    for folder in folders:
        manifest["folders"][str(folder.resolve())] = {**folder_inputs(folder), "complete": False}
    _write_manifest(settings, manifest)
    return manifest, restart


def _finish_manifest(settings: KnowledgeSettings, manifest: dict) -> None:
    folders = {name: {**entry, "complete": True} for name, entry in manifest["folders"].items() if Path(name).is_dir()}
    _write_manifest(settings, {**manifest, "folders": folders})


def is_complete(settings: KnowledgeSettings) -> bool:
    """The store holds a finished ingestion of its folders as they are now, made with these settings."""
    manifest = read_manifest(settings)
    return (manifest is not None and manifest.get("settings") == settings_digest(settings)
            and bool(manifest["folders"])
            and all(entry["complete"] and {k: entry[k] for k in ("documents", "inputs")} == folder_inputs(Path(name))
                    for name, entry in manifest["folders"].items()))


def unfinished_folders(settings: KnowledgeSettings) -> list[Path]:
    """What to ingest to complete the store: the manifest's folders, or the default corpus on a first run."""
    manifest = read_manifest(settings)
    folders = [Path(name) for name in manifest["folders"]] if manifest else [settings.corpus_dir]
    return [folder for folder in folders if folder.is_dir()]


def servable(settings: KnowledgeSettings) -> bool:
    """Complete, or nothing could complete it (no corpus: answers are then an honest "I don't know")."""
    return is_complete(settings) or not unfinished_folders(settings)


@contextmanager
def ingestion_lock(settings: KnowledgeSettings) -> Iterator[None]:
    """Two ingestions of one store (a search, the chat, `make index`) must not write side by side."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / "ingest.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def complete_ingestion(settings: KnowledgeSettings) -> None:
    """Finish (or restart) an ingestion that is missing or was interrupted; the first caller works, others wait."""
    with ingestion_lock(settings):
        if not servable(settings):
            log.warning("the knowledge store is incomplete: ingesting %s ...", ", ".join(map(str, unfinished_folders(settings))))
            ingest(unfinished_folders(settings), settings)


class Library:
    """The chat's view of the store: served only when complete; otherwise completed in the background, once.

    Inputs are checked in full when the manifest changes, not on every answer (a full check costs ~0.2 s).
    """

    def __init__(self, settings: KnowledgeSettings, on_new_index: Callable[[], None]):
        self.settings = settings
        self.on_new_index = on_new_index
        self._verified: tuple | None = None
        self._worker: threading.Thread | None = None

    def ready(self) -> bool:
        signature = self._signature()
        if signature is not None and signature == self._verified:
            return True
        if servable(self.settings):
            self.on_new_index()
            self._verified = signature
            return True
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._complete, daemon=True)
            self._worker.start()
        return False

    def _signature(self) -> tuple | None:
        try:
            stat = self.settings.manifest_path.stat()
        except OSError:
            return None
        return stat.st_ino, stat.st_mtime_ns, stat.st_size

    def _complete(self) -> None:
        try:
            complete_ingestion(self.settings)
        except Exception:  # the next question tries again
            log.exception("could not complete the ingestion")


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
    with ingestion_lock(settings):
        report = ingest(folders, settings)
    print(f"files ingested: {report.added}, unchanged: {report.unchanged}, removed: {report.removed}, "
          f"chunks written: {report.chunks}, skipped: {len(report.skipped)}")
    for path, reason in report.skipped:
        print(f"  skipped {path}: {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
