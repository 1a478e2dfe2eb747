"""Look at one uploaded image with a local image-classification model, behind an out-of-distribution gate.

One interface for every image model: a Hugging Face `transformers` image-classification directory,
loaded with `pipeline("image-classification", model=PATH)` from local files only. `IMAGE_MODEL_PATH`
picks the directory; the default is CareLine's demo chest X-ray model, trained at set-up by
`python -m scripts.train_image_model` (docs/model-cards/image-classifier.md).

Beside the weights, `careline-calibration.json` (written by the training script) holds the temperature,
the operating threshold, which label is the abnormal finding, and the gate's statistics: a Mahalanobis
distance of the model's pooled embedding to the training classes, and the correlation of a small grey
version of the image with the mean training image, each with its cut-off calibrated on val. Cheap input
checks come first (too small, odd shape, blank, colour when the model knows greyscale films).
A deployer's model without that file still runs: temperature 1, threshold 0.5, and a gate that only
has the cheap input checks (it says so in `reasons`).

The result is for the nurse's screen only: it orders the queue and is never shown to a patient.
"""

from __future__ import annotations

import io
import json
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from actions.settings import IMAGE_MODEL_PATH

CALIBRATION_FILE = "careline-calibration.json"
NOT_KNOWN = "not the kind of image this model knows"
IN_DISTRIBUTION = "the kind of image this model knows"
UNCHECKED = "not checked: this model has no out-of-distribution statistics"
# The one-line intended use comes from the calibration file; a model without one gets this.
NO_INTENDED_USE = "A deployer's model without a CareLine calibration file: see its own model card. Never shown to a patient."

# Cheap input checks, before the model runs (values on a 0-255 scale).
MIN_SIDE = 16  # pixels: anything smaller carries no picture worth scoring
MAX_ASPECT = 2.5  # long side / short side: a chest film is never a banner or a receipt strip
BLANK_STD = 3.0  # grey-level standard deviation under which an image is flat (train X-rays: 6.3 at least)
COLOUR_CHROMA = 12.0  # a pixel whose channels spread more than this is coloured
COLOUR_SHARE = 0.05  # more than 5% coloured pixels: a colour photo, not a greyscale film
PRESHRINK = 256  # larger uploads are shrunk to this long side before the image processor runs
TEMPLATE_SIZE = 28  # the modality check compares a 28 x 28 grey version with the mean training image


class UnreadableImage(ValueError):
    """The bytes are not an image Pillow can fully decode (corrupt, truncated, a decompression bomb, not an image)."""


class ModelMissing(FileNotFoundError):
    """No image-classification model directory at the configured path (run `make train-image-model`)."""


@dataclass(frozen=True)
class ImageCheck:
    """What the nurse sees beside the image. `label` and `probability` are None when the gate refuses it."""

    in_distribution: bool | None  # None: the model has no gate statistics, so nobody knows
    verdict: str
    label: str | None = None
    probability: float | None = None  # calibrated probability of the abnormal class
    above_threshold: bool = False
    threshold: float | None = None
    abnormal_label: str | None = None
    ood_distance: float | None = None
    ood_cutoff: float | None = None
    reasons: tuple[str, ...] = field(default_factory=tuple)
    model: str = ""
    intended_use: str = NO_INTENDED_USE

    def as_dict(self) -> dict:
        out = asdict(self)
        out["reasons"] = list(self.reasons)
        return out


def open_image(data: bytes | Image.Image) -> Image.Image:
    """A fully decoded Pillow image from upload bytes; UnreadableImage for anything else."""
    if isinstance(data, Image.Image):
        return data
    if not isinstance(data, (bytes, bytearray, memoryview)) or not data:
        raise UnreadableImage("no image bytes")
    try:
        image = Image.open(io.BytesIO(bytes(data)))
        image.load()  # decodes every pixel: a truncated file fails here, not later
        return ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise UnreadableImage(f"not a readable image: {exc.__class__.__name__}") from exc


def input_checks(image: Image.Image, expects_greyscale: bool) -> list[str]:
    """Reasons to refuse the image before the model sees it (empty list: none)."""
    reasons = []
    width, height = image.size
    if min(width, height) < MIN_SIDE:
        reasons.append(f"too small ({width}x{height} pixels)")
    if max(width, height) / max(1, min(width, height)) > MAX_ASPECT:
        reasons.append(f"unusual shape ({width}x{height})")
    small = image.convert("RGB")
    small.thumbnail((64, 64))
    rgb = np.asarray(small, dtype=np.float32)
    grey = rgb.mean(axis=2)
    if grey.std() < BLANK_STD:
        reasons.append("blank or flat image")
    if expects_greyscale:
        chroma = rgb.max(axis=2) - rgb.min(axis=2)
        if (chroma > COLOUR_CHROMA).mean() > COLOUR_SHARE:
            reasons.append("a colour photo, and this model knows greyscale films")
    return reasons


def pooled(hidden) -> torch.Tensor:  # noqa: F821 - torch is imported lazily
    """The pooled embedding of a model's last hidden state: mean over space (CNN) or tokens (ViT)."""
    if hidden.ndim == 4:
        return hidden.mean(dim=(2, 3))
    if hidden.ndim == 3:
        return hidden.mean(dim=1)
    return hidden


def standardised(images: np.ndarray) -> np.ndarray:
    """Each grey image flattened, centred and scaled to unit norm."""
    v = images.reshape(len(images), -1).astype(np.float64)
    v -= v.mean(axis=1, keepdims=True)
    return v / (np.linalg.norm(v, axis=1, keepdims=True) + 1e-9)


def template_correlation(standardised_images: np.ndarray, template: np.ndarray) -> np.ndarray:
    """Correlation of each standardised image with the unit-norm mean training image."""
    return standardised_images @ template


def mahalanobis(embeddings: np.ndarray, means: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """Smallest squared Mahalanobis distance to any class mean, with the shared (tied) covariance."""
    best = None
    for mean in means:
        diff = embeddings - mean
        d = np.einsum("ij,jk,ik->i", diff, precision, diff)
        best = d if best is None else np.minimum(best, d)
    return best


class ImageClassifier:
    """A local image-classification model, its calibration and its out-of-distribution gate."""

    def __init__(self, path: str | Path | None = None):
        from transformers import pipeline

        self.path = Path(path) if path else IMAGE_MODEL_PATH
        if not (self.path / "config.json").is_file():
            raise ModelMissing(f"no image model at {self.path} (run `make train-image-model` or set IMAGE_MODEL_PATH)")
        # A directory path never reaches the hub; local_files_only makes sure of it.
        self.pipe = pipeline("image-classification", model=str(self.path), device=-1,
                             model_kwargs={"local_files_only": True})
        self.model = self.pipe.model.eval()
        self.processor = self.pipe.image_processor
        self.id2label = {int(k): v for k, v in self.model.config.id2label.items()}
        calibration_file = self.path / CALIBRATION_FILE
        cal = json.loads(calibration_file.read_text()) if calibration_file.is_file() else {}
        self.calibration = cal
        self.calibrated = bool(cal)
        self.temperature = float(cal.get("temperature", 1.0))
        self.threshold = float(cal.get("threshold", 0.5))
        self.abnormal_label = cal.get("abnormal_label") or self._guess_abnormal()
        self.expects_greyscale = bool(cal.get("expects_greyscale", False))
        self.intended_use = cal.get("intended_use") or NO_INTENDED_USE
        gate = cal.get("ood_gate") or {}
        self.gate_means = np.asarray(gate["class_means"], dtype=np.float64) if gate else None
        self.gate_precision = np.asarray(gate["precision"], dtype=np.float64) if gate else None
        self.gate_cutoff = float(gate["cutoff"]) if gate else None
        self.template = np.asarray(gate["template"], dtype=np.float64) if gate.get("template") else None
        self.template_size = int(gate.get("template_size", TEMPLATE_SIZE))
        self.template_cutoff = float(gate["template_cutoff"]) if gate.get("template") else None
        self._lock = threading.Lock()

    def _guess_abnormal(self) -> str | None:
        labels = list(self.id2label.values())
        normal = [x for x in labels if x.lower() in {"normal", "healthy", "benign", "no finding"}]
        others = [x for x in labels if x not in normal]
        return others[0] if len(labels) == 2 and len(normal) == 1 else None

    def forward(self, images: list[Image.Image]) -> tuple[np.ndarray, np.ndarray]:
        """Raw logits and pooled embeddings for a batch, through the pipeline's own processor and model."""
        import torch

        rgb = []
        for im in images:
            im = im.convert("RGB")  # what the pipeline's load_image does too (a new image: safe to shrink)
            if max(im.size) > PRESHRINK:
                im.thumbnail((PRESHRINK, PRESHRINK), Image.BILINEAR)  # a phone photo: shrink once, cheaply
            rgb.append(im)
        inputs = self.processor(images=rgb, return_tensors="pt")
        with self._lock, torch.inference_mode():
            out = self.model(**inputs, output_hidden_states=True)
        return out.logits.double().numpy(), pooled(out.hidden_states[-1]).double().numpy()

    def probabilities(self, logits: np.ndarray) -> np.ndarray:
        """Temperature-scaled softmax."""
        z = logits / self.temperature
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def distances(self, embeddings: np.ndarray) -> np.ndarray | None:
        if self.gate_means is None:
            return None
        return mahalanobis(embeddings, self.gate_means, self.gate_precision)

    def check(self, data: bytes | Image.Image) -> ImageCheck:
        """Check one upload. Raises UnreadableImage for bytes that are not a decodable image."""
        return self.check_many([data])[0]

    def check_many(self, items: list[bytes | Image.Image]) -> list[ImageCheck]:
        images = [open_image(item) for item in items]
        early = [input_checks(im, self.expects_greyscale) for im in images]
        if self.template is not None:
            for im, reasons in zip(images, early):
                if not reasons and self.template_score(im) < self.template_cutoff:
                    reasons.append("does not look like the images the model was trained on")
        todo = [i for i, reasons in enumerate(early) if not reasons]
        results: list[ImageCheck | None] = [None] * len(images)
        common = {"model": str(self.path), "threshold": self.threshold, "abnormal_label": self.abnormal_label,
                  "ood_cutoff": self.gate_cutoff, "intended_use": self.intended_use}
        for i, reasons in enumerate(early):
            if reasons:
                results[i] = ImageCheck(in_distribution=False, verdict=NOT_KNOWN, reasons=tuple(reasons), **common)
        if todo:
            logits, emb = self.forward([images[i] for i in todo])
            probs = self.probabilities(logits)
            dist = self.distances(emb)
            abnormal = self._abnormal_index()
            for row, i in enumerate(todo):
                distance = None if dist is None else float(dist[row])
                if distance is not None and distance > self.gate_cutoff:
                    results[i] = ImageCheck(in_distribution=False, verdict=NOT_KNOWN, ood_distance=distance,
                                            reasons=("far from the images the model was trained on",), **common)
                    continue
                known = distance is not None
                reasons = () if known else ("no embedding statistics for this model: input checks only",)
                label = self.id2label[int(probs[row].argmax())]
                p = None if abnormal is None else float(probs[row, abnormal])
                results[i] = ImageCheck(in_distribution=True if known else None,
                                        verdict=IN_DISTRIBUTION if known else UNCHECKED, label=label, probability=p,
                                        above_threshold=p is not None and p >= self.threshold, ood_distance=distance,
                                        reasons=reasons, **common)
        return results  # type: ignore[return-value]

    def template_score(self, image: Image.Image) -> float:
        """Correlation of the image (grey, at the template's size) with the mean training image."""
        size = (self.template_size, self.template_size)
        grey = np.asarray(image.convert("L").resize(size, Image.BILINEAR), dtype=np.float64)[None]
        return float(template_correlation(standardised(grey), self.template)[0])

    def _abnormal_index(self) -> int | None:
        for idx, name in self.id2label.items():
            if name == self.abnormal_label:
                return idx
        return None


_loaded: dict[str, ImageClassifier] = {}
_load_lock = threading.Lock()


def load(path: str | Path | None = None) -> ImageClassifier:
    """The classifier for `path` (default IMAGE_MODEL_PATH), loaded once per process."""
    key = str(Path(path) if path else IMAGE_MODEL_PATH)
    with _load_lock:
        if key not in _loaded:
            _loaded[key] = ImageClassifier(key)
        return _loaded[key]


def check_image(data: bytes, path: str | Path | None = None) -> ImageCheck:
    """Label, calibrated abnormal probability, threshold verdict and out-of-distribution verdict for an upload."""
    return load(path).check(data)
