"""Deterministic, explainable triage: a lexicon, protocols as data, an engine."""
