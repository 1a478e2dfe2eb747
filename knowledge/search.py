"""`python -m knowledge.search "QUESTION" -k 5 --json`: the best passages, best first.

Builds the default collection first if it is empty, so the command works on a
fresh checkout (the first run then takes a few minutes).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import logging
import sys

from knowledge.ingest import ingest
from knowledge.retriever import Retriever
from knowledge.settings import KnowledgeSettings


def ingest_once(settings: KnowledgeSettings, retriever: Retriever) -> None:
    """Several first searches at once must not ingest side by side: the first one builds, the rest wait."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / "ingest.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if retriever.store.chunks.count() == 0:
            print("the knowledge store is empty: ingesting the default corpus first ...", file=sys.stderr)
            ingest([settings.corpus_dir], settings, retriever.store)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Search CareLine's trusted documents.")
    parser.add_argument("question")
    parser.add_argument("-k", type=int, default=5, help="number of hits (default 5)")
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    settings = KnowledgeSettings()
    retriever = Retriever(settings)
    if retriever.store.chunks.count() == 0:
        ingest_once(settings, retriever)
    hits = retriever.search(args.question, max(1, args.k))
    if args.json:
        print(json.dumps([hit.as_json() for hit in hits], ensure_ascii=False))
    else:
        for n, hit in enumerate(hits, 1):
            print(f"{n}. [{hit.id}] {hit.title} ({hit.source}) {hit.score:.4f}\n   {hit.url}\n   {hit.text[:200]}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
