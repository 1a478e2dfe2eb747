"""Answers from trusted documents: ingestion into Chroma, hybrid search, a guarded LLM chain."""
