"""Settings of the action server process, from environment variables.

Every variable is listed with its default in the README's settings table.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRIAGE_DIR = Path(os.environ.get("CARELINE_TRIAGE_DIR", ROOT / "data" / "triage"))
# The semantic pass of triage (MiniLM over each concept's examples); "0" turns it off.
SEMANTIC_MATCHING = os.environ.get("CARELINE_SEMANTIC_MATCHING", "1") != "0"
# The learned second opinion on triage, trained at set-up by `python -m scripts.train_second_opinion`.
SECOND_OPINION_MODEL = Path(os.environ.get("CARELINE_SECOND_OPINION_MODEL", ROOT / "var" / "models" / "second_opinion.json"))
# The image classifier: any `transformers` image-classification folder, by default the one set-up trains.
IMAGE_MODEL_PATH = Path(os.environ.get("IMAGE_MODEL_PATH") or ROOT / "var" / "models" / "image_classifier")
# Load every model when the action server starts (actions/answer.py, in the background); "0" leaves each model to the
# first turn that needs it (a process that imports the actions without serving them).
WARM_UP = os.environ.get("CARELINE_WARM_UP", "1") != "0"
# The action server's Prometheus metrics (actions, retrieval and LLM stages, guard drops) on this port; "0" turns them
# off. Served only by the action server itself (python -m rasa_sdk), never by a process that imports the actions.
METRICS_PORT = int(os.environ.get("ACTIONS_METRICS_PORT", "5056"))
# Loopback by default; a container's address (0.0.0.0) where Prometheus scrapes pods over the private network.
METRICS_HOST = os.environ.get("ACTIONS_METRICS_HOST", "127.0.0.1")
