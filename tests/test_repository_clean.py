"""A run writes nothing into the repository outside var/: not the Rasa model (once ./models), not Rasa's cache
(once ./.rasa), not a tracker store named after an unexpanded variable (once `${CARELINE_TRACKER_DB}`).

Read from `git status --porcelain --ignored` after the test stack has run a conversation. Besides tracked files
only var/, the virtual environments and the tools' caches may be there. Files a developer has not added to git
yet are left alone (below the top level, or at it if they were there before the stack started); what a run once
left behind (a database, a key, a log, ./models, ./.rasa, a name with `$` in it) never is.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from scripts.model import ROOT

ALLOWED_TOP = {"var", ".venv", ".venv-rasa", ".pytest_cache", ".ruff_cache"}
ALLOWED_ANYWHERE = {"__pycache__", ".pytest_cache", ".ruff_cache"}
LEFT_BY_RUNS = ("models", ".rasa")  # where the Rasa model and cache went before they moved under var/


def untracked() -> set[str]:
    """Untracked and ignored paths, as git lists them (a folder once, with a trailing slash)."""
    if not shutil.which("git") or not (ROOT / ".git").exists():
        return set()
    listed = subprocess.run(["git", "status", "--porcelain", "--ignored", "--untracked-files=normal"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    return {line[3:].strip('"') for line in listed if line[:2] in ("??", "!!")}


def allowed(path: str) -> bool:
    parts = Path(path).parts
    return parts[0] in ALLOWED_TOP or bool(ALLOWED_ANYWHERE & set(parts)) or path.endswith(".pyc")


def locally_excluded(path: str) -> bool:
    """Ignored by this checkout's own choice (.git/info/exclude or a global excludes file), not by the project."""
    found = subprocess.run(["git", "check-ignore", "-v", "--no-index", path], cwd=ROOT, capture_output=True, text=True)
    source = found.stdout.split(":", 1)[0]
    return found.returncode == 0 and not source.endswith(".gitignore")


def left_by_a_run(path: str) -> bool:
    """A database, a tracker store named after a variable, or the old model and cache folders."""
    name = path.rstrip("/")
    return "$" in name or name.endswith((".db", ".sqlite", ".key", ".log")) or Path(name).parts[0] in LEFT_BY_RUNS


def stray(before: set[str]) -> list[str]:
    """What a run left: anything the project ignores outside var/ and the caches, a database, key, log or the old
    model folders anywhere, and anything new at the top level (below it, a new file may be a colleague's work)."""
    return sorted(path for path in untracked() if not allowed(path) and not locally_excluded(path)
                  and (left_by_a_run(path) or (path not in before and len(Path(path).parts) == 1)
                       or path not in _untracked_only()))


def _untracked_only() -> set[str]:
    """Untracked paths that the project does not ignore (work in progress, not yet added to git)."""
    listed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=normal"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    return {line[3:].strip('"') for line in listed if line[:2] == "??"}


def test_a_run_leaves_nothing_outside_var(repository_before, stack, chat):
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    chat("hi", "yes", "I have a runny nose")
    assert stray(repository_before) == []


def test_what_a_run_once_left_behind_is_not_allowed():
    for path in ("${CARELINE_TRACKER_DB}", "models/", ".rasa/", "careline.db", "channels/tracker.db"):
        assert not allowed(path) and left_by_a_run(path)
    for path in ("var/", ".venv/", ".venv-rasa/", ".pytest_cache/", "channels/__pycache__/", "tests/x.pyc"):
        assert allowed(path)
