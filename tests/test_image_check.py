"""The image check: a chest X-ray gets a calibrated score; anything else is refused by the gate, never scored.

Uses the model trained at set-up (var/models/image_classifier, or IMAGE_MODEL_PATH); trains nothing.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from actions.image_check import (
    CALIBRATION_FILE,
    NOT_KNOWN,
    UNCHECKED,
    ImageClassifier,
    ModelMissing,
    UnreadableImage,
    check_image,
)
from actions.settings import IMAGE_MODEL_PATH
from scripts.eval_image import blank, document, landscape, png_bytes, selfie, skin_photo
from scripts.train_image_model import DEFAULT_DATA, load_split

MODEL = IMAGE_MODEL_PATH
DATA = Path(os.environ.get("PNEUMONIAMNIST_PATH", DEFAULT_DATA))



@pytest.fixture(scope="module")
def classifier() -> ImageClassifier:
    return ImageClassifier(MODEL)


@pytest.fixture(scope="module")
def test_films() -> list[bytes]:
    images, _ = load_split(DATA, "test")
    return [png_bytes(Image.fromarray(x)) for x in images[:20]]


def assert_refused(result) -> None:
    assert result.in_distribution is False
    assert result.verdict == NOT_KNOWN
    assert result.label is None and result.probability is None and not result.above_threshold
    assert result.reasons


def test_a_test_split_xray_gets_a_label_and_a_probability_between_0_and_1(classifier, test_films):
    results = classifier.check_many(test_films)
    scored = [r for r in results if r.in_distribution is True]
    assert len(scored) >= 18  # the gate lets real films through (about 1% of val is refused by design)
    for r in scored:
        assert r.label in {"normal", "pneumonia"}
        assert 0.0 <= r.probability <= 1.0
        assert r.above_threshold == (r.probability >= r.threshold)
        assert r.abnormal_label == "pneumonia"


def test_the_module_level_check_reads_upload_bytes_like_the_classifier(classifier, test_films):
    assert check_image(test_films[0], MODEL).as_dict() == classifier.check(test_films[0]).as_dict()


@pytest.mark.parametrize("make", [skin_photo, selfie, landscape], ids=["rash photo", "selfie", "landscape"])
def test_a_colour_photo_is_refused_as_not_the_kind_of_image_the_model_knows(classifier, make):
    assert_refused(classifier.check(png_bytes(make(1))))


def test_a_greyscale_photo_of_skin_is_refused_too(classifier):
    assert_refused(classifier.check(png_bytes(skin_photo(2).convert("L"))))


def test_a_document_page_is_refused(classifier):
    assert_refused(classifier.check(png_bytes(document(3))))


@pytest.mark.parametrize("seed", [0, 1, 2, 3], ids=["white", "black", "flat colour", "flat grey with noise"])
def test_a_blank_image_is_refused(classifier, seed):
    assert_refused(classifier.check(png_bytes(blank(seed))))


def test_random_noise_is_refused(classifier):
    noise = np.random.default_rng(0).integers(0, 256, (64, 64), dtype=np.uint8)
    assert_refused(classifier.check(png_bytes(Image.fromarray(noise))))


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40],
                         ids=["empty", "text", "png header only"])
def test_corrupt_bytes_raise_unreadable_image(classifier, data):
    with pytest.raises(UnreadableImage):
        classifier.check(data)


def test_a_truncated_jpeg_raises_unreadable_image(classifier):
    buf = io.BytesIO()
    skin_photo(4).save(buf, format="JPEG")
    with pytest.raises(UnreadableImage):
        classifier.check(buf.getvalue()[: len(buf.getvalue()) // 2])


def test_a_missing_model_directory_is_a_clear_error_not_a_download(tmp_path):
    with pytest.raises(ModelMissing):
        ImageClassifier(tmp_path / "no-such-model")


def test_each_result_carries_the_model_cards_intended_use_line(classifier, test_films):
    assert "never shown to a patient" in classifier.check(test_films[0]).intended_use


def test_a_deployers_model_without_calibration_is_scored_but_says_its_gate_is_unchecked(tmp_path, test_films):
    for name in ("config.json", "model.safetensors", "preprocessor_config.json"):
        shutil.copy(MODEL / name, tmp_path / name)
    assert not (tmp_path / CALIBRATION_FILE).exists()
    other = ImageClassifier(tmp_path)
    result = other.check(test_films[0])
    assert result.in_distribution is None and result.verdict == UNCHECKED
    assert 0.0 <= result.probability <= 1.0 and result.threshold == 0.5
    assert_refused(other.check(png_bytes(blank(0))))  # the cheap input checks still apply
