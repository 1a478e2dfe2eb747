"""Chroma collections: answer chunks, retrieval keys (questions, focus names) and a file manifest."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

import chromadb
import httpx
from chromadb.api.client import Client
from chromadb.config import Settings as ChromaSettings

from knowledge.settings import KnowledgeSettings

COSINE = {"hnsw:space": "cosine"}


@dataclass
class Store:
    chunks: chromadb.Collection
    keys: chromadb.Collection
    files: chromadb.Collection


class TimedHttpClient(Client):
    """chromadb.HttpClient with a time limit (CHROMA_TIMEOUT_S) on every request, so a Chroma server that stops
    answering fails a retrieval instead of holding the turn. chromadb 1.3.5 builds each server API's httpx session
    with timeout=None, and no setting changes it; its constructor already calls the server, first through this
    client's server API (get_user_identity), then through an admin client of its own (_validate_tenant_database),
    so each gets the limit just before its first request."""

    def __init__(self, settings: ChromaSettings, timeout_s: float):
        self._timeout = httpx.Timeout(timeout_s)
        super().__init__(settings=settings)

    def get_user_identity(self):
        self._server._session.timeout = self._timeout
        return super().get_user_identity()

    def _validate_tenant_database(self, tenant: str, database: str) -> None:
        self._admin_client._server._session.timeout = self._timeout
        super()._validate_tenant_database(tenant, database)


def client(settings: KnowledgeSettings):
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        options = ChromaSettings(anonymized_telemetry=False, chroma_api_impl="chromadb.api.fastapi.FastAPI",
                                 chroma_server_host=url.hostname, chroma_server_http_port=url.port or 8000,
                                 chroma_server_ssl_enabled=url.scheme == "https")
        return TimedHttpClient(options, settings.chroma_timeout_s)
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=ChromaSettings(anonymized_telemetry=False))


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
