"""Chroma collections: answer chunks, retrieval keys (questions, focus names) and a file manifest."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings

from knowledge.settings import KnowledgeSettings

COSINE = {"hnsw:space": "cosine"}


@dataclass
class Store:
    chunks: chromadb.Collection
    keys: chromadb.Collection
    files: chromadb.Collection


def client(settings: KnowledgeSettings):
    options = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(host=url.hostname, port=url.port or 8000, ssl=url.scheme == "https",
                                   settings=options)
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=options)


def open_store(settings: KnowledgeSettings) -> Store:
    chroma = client(settings)
    name = settings.collection
    return Store(
        chunks=chroma.get_or_create_collection(f"{name}_chunks", metadata=COSINE),
        keys=chroma.get_or_create_collection(f"{name}_keys", metadata=COSINE),
        files=chroma.get_or_create_collection(f"{name}_files"),
    )


def reset_store(settings: KnowledgeSettings) -> Store:
    """An empty store, for an ingestion restarted because the stored vectors were made with other settings."""
    store = open_store(settings)
    chroma = client(settings)
    for collection in (store.chunks, store.keys, store.files):
        chroma.delete_collection(collection.name)
    return open_store(settings)
