"""`python -m knowledge.search "QUESTION" -k 5 --json`: the best passages, best first.

Builds the default collection first if it is empty, so the command works on a
fresh checkout (the first run then takes a few minutes). A store whose
ingestion was interrupted is finished first, never searched as it is.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from knowledge.ingest import complete_ingestion, servable
from knowledge.retriever import Retriever
from knowledge.settings import KnowledgeSettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Search CareLine's trusted documents.")
    parser.add_argument("question")
    parser.add_argument("-k", type=int, default=5, help="number of hits (default 5)")
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    settings = KnowledgeSettings()
    if not servable(settings):
        complete_ingestion(settings)
    retriever = Retriever(settings)
    hits = retriever.search(args.question, max(1, args.k))
    if args.json:
        print(json.dumps([hit.as_json() for hit in hits], ensure_ascii=False))
    else:
        for n, hit in enumerate(hits, 1):
            print(f"{n}. [{hit.id}] {hit.title} ({hit.source}) {hit.score:.4f}\n   {hit.url}\n   {hit.text[:200]}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
