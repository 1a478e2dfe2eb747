"""Evaluate the image classifier on PneumoniaMNIST's official test split, and its out-of-distribution gate.

`make eval-image`. The test split is never trained or tuned on (scripts/train_image_model.py reads only
train and val). Prints accuracy, AUC, sensitivity and specificity at the threshold chosen on val, the expected
calibration error, inference time per image, and the gate's rejection rate on non-X-ray images generated
here (skin-like photos with blotches, selfies, document pages, blank and flat images, noise, landscape
gradients, their greyscale versions) and on the test X-rays. Writes docs/img/image-roc.png and
docs/img/image-reliability.png (drawn with Pillow). Everything goes through actions.image_check, the path
the assistant uses.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from sklearn.metrics import roc_auc_score, roc_curve

from actions.image_check import ImageClassifier
from actions.settings import IMAGE_MODEL_PATH, ROOT
from scripts.train_image_model import DEFAULT_DATA, load_split

CREDIT = "Data: PneumoniaMNIST (MedMNIST v2, Yang et al. 2023; Kermany et al. 2018), CC BY 4.0"
IMG_DIR = ROOT / "docs" / "img"
BINS = 10


# ---------------------------------------------------------------- generated images that are not chest X-rays

def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def skin_photo(seed: int) -> Image.Image:
    """A colour close-up of skin with red blotches, like a rash photo."""
    r = _rng(seed)
    h, w = int(r.integers(200, 400)), int(r.integers(200, 400))
    base = np.array([r.uniform(170, 235), r.uniform(120, 175), r.uniform(95, 150)])
    img = base + r.normal(0, 8, (h, w, 3))
    yy, xx = np.mgrid[0:h, 0:w]
    for _ in range(int(r.integers(3, 12))):
        cy, cx, ry, rx = r.uniform(0, h), r.uniform(0, w), r.uniform(6, 40), r.uniform(6, 40)
        mask = ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 < 1
        img[mask] = img[mask] * 0.6 + np.array([200, 60, 60]) * 0.4
    im = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    return im.filter(ImageFilter.GaussianBlur(float(r.uniform(1, 3))))


def selfie(seed: int) -> Image.Image:
    """A face-like oval with eyes and mouth on a coloured background."""
    r = _rng(seed)
    w, h = int(r.integers(240, 360)), int(r.integers(300, 420))
    bg = tuple(int(v) for v in r.integers(40, 220, 3))
    im = Image.new("RGB", (w, h), bg)
    d = ImageDraw.Draw(im)
    skin = (int(r.uniform(150, 240)), int(r.uniform(110, 180)), int(r.uniform(80, 150)))
    d.ellipse([w * 0.2, h * 0.15, w * 0.8, h * 0.85], fill=skin)
    d.ellipse([w * 0.18, h * 0.05, w * 0.82, h * 0.35], fill=(40, 30, 20))  # hair
    for ex in (0.38, 0.62):
        d.ellipse([w * ex - 10, h * 0.45 - 6, w * ex + 10, h * 0.45 + 6], fill=(255, 255, 255))
        d.ellipse([w * ex - 4, h * 0.45 - 4, w * ex + 4, h * 0.45 + 4], fill=(60, 40, 30))
    d.arc([w * 0.38, h * 0.55, w * 0.62, h * 0.72], 20, 160, fill=(150, 50, 50), width=4)
    return im.filter(ImageFilter.GaussianBlur(1.5))


def document(seed: int) -> Image.Image:
    """A greyscale page of printed lines: a lab result or a letter photographed flat."""
    r = _rng(seed)
    w, h = int(r.integers(300, 420)), int(r.integers(420, 560))
    im = Image.new("L", (w, h), int(r.integers(225, 256)))
    d = ImageDraw.Draw(im)
    font = ImageFont.load_default()
    words = ["Patient", "Result", "Range", "Haemoglobin", "mg/dL", "Normal", "Date", "Ref", "Sodium", "12.4", "Clinic"]
    y = 30
    d.text((30, 10), "LABORATORY REPORT", fill=0, font=font)
    while y < h - 30:
        x = 30
        while x < w - 60:
            word = words[int(r.integers(len(words)))]
            d.text((x, y), word, fill=int(r.integers(0, 60)), font=font)
            x += 8 * len(word) + 10
        y += int(r.integers(14, 24))
    if r.random() < 0.5:
        d.rectangle([20, h // 3, w - 20, h // 3 + 2], fill=0)
    return im


def blank(seed: int) -> Image.Image:
    r = _rng(seed)
    kind = seed % 4
    size = (int(r.integers(100, 400)), int(r.integers(100, 400)))
    if kind == 0:
        return Image.new("L", size, 255)
    if kind == 1:
        return Image.new("L", size, 0)
    if kind == 2:
        return Image.new("RGB", size, tuple(int(v) for v in r.integers(0, 256, 3)))
    arr = np.full(size[::-1], r.uniform(60, 200)) + r.normal(0, 1.0, size[::-1])  # flat with sensor noise
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def noise(seed: int) -> Image.Image:
    r = _rng(seed)
    if seed % 2:
        return Image.fromarray(r.integers(0, 256, (128, 128), dtype=np.uint8))
    return Image.fromarray(r.integers(0, 256, (128, 128, 3), dtype=np.uint8))


def landscape(seed: int) -> Image.Image:
    """A natural-looking photo: sky gradient, sun, hills, textured ground."""
    r = _rng(seed)
    w, h = int(r.integers(280, 420)), int(r.integers(200, 300))
    top, bottom = r.uniform([20, 60, 140], [90, 140, 230]), r.uniform([150, 180, 200], [255, 230, 255])
    t = np.linspace(0, 1, h)[:, None, None]
    img = top * (1 - t) + bottom * t + np.zeros((h, w, 3))
    horizon = h * r.uniform(0.45, 0.7) + 15 * np.sin(np.linspace(0, r.uniform(2, 8), w) + r.uniform(0, 6))
    yy = np.arange(h)[:, None]
    ground = yy > horizon[None, :]
    g = r.uniform([30, 80, 20], [110, 160, 70])
    img[ground] = g + r.normal(0, 12, (int(ground.sum()), 3))
    im = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(im)
    sx, sy = r.uniform(0.1, 0.9) * w, r.uniform(0.05, 0.3) * h
    d.ellipse([sx - 18, sy - 18, sx + 18, sy + 18], fill=(255, 240, 180))
    return im.filter(ImageFilter.GaussianBlur(1))


def greyscale(make):
    def grey(seed: int) -> Image.Image:
        return make(seed).convert("L")
    return grey


GENERATED = {
    "skin photo with blotches": skin_photo,
    "selfie": selfie,
    "document page": document,
    "blank / flat": blank,
    "random noise": noise,
    "landscape photo": landscape,
    "skin photo, greyscale": greyscale(skin_photo),
    "selfie, greyscale": greyscale(selfie),
    "landscape, greyscale": greyscale(landscape),
}


def png_bytes(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()


# ---------------------------------------------------------------- metrics

def ece(p: np.ndarray, y: np.ndarray, bins: int = BINS):
    """Expected calibration error of the abnormal-class probability over equal-width bins, and the bins."""
    edges = np.linspace(0, 1, bins + 1)
    rows, total = [], 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (p >= lo) & ((p < hi) if hi < 1 else (p <= hi))
        if m.any():
            conf, acc = float(p[m].mean()), float(y[m].mean())
            total += m.mean() * abs(conf - acc)
            rows.append((lo, hi, int(m.sum()), conf, acc))
    return total, rows


def embedding_alone(clf: ImageClassifier, images: list[Image.Image]) -> float:
    """Share the Mahalanobis embedding check would refuse on its own, without the input and template checks."""
    if clf.gate_cutoff is None:
        return float("nan")
    distances = np.concatenate([clf.distances(clf.forward(images[i:i + 128])[1]) for i in range(0, len(images), 128)])
    return float((distances > clf.gate_cutoff).mean())


def timed(clf: ImageClassifier, uploads: list[bytes]) -> float:
    """Median milliseconds of one `check` per upload, after a warm-up."""
    for b in uploads[:5]:
        clf.check(b)
    times = []
    for b in uploads:
        t0 = time.perf_counter()
        clf.check(b)
        times.append((time.perf_counter() - t0) * 1000)
    return float(np.median(times))


def table(title: str, header: list[str], rows: list[list]) -> None:
    cells = [header] + [[f"{c:.3f}" if isinstance(c, float) else str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    print(f"\n{title}")
    for j, r in enumerate(cells):
        print("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
        if j == 0:
            print("  " + "  ".join("-" * w for w in widths))


# ---------------------------------------------------------------- plots with Pillow

class Plot:
    W, H, L, R, T, B = 640, 560, 70, 30, 50, 90

    def __init__(self, title: str, xlabel: str, ylabel: str):
        self.im = Image.new("RGB", (self.W, self.H), "white")
        self.d = ImageDraw.Draw(self.im)
        self.font = ImageFont.load_default()
        x0, y0, x1, y1 = self.L, self.T, self.W - self.R, self.H - self.B
        self.d.rectangle([x0, y0, x1, y1], outline="black")
        for k in range(6):
            v = k / 5
            x, y = self.px(v, v)
            self.d.line([x, y1, x, y1 + 5], fill="black")
            self.d.line([x0 - 5, y, x0, y], fill="black")
            self.d.line([x, y0, x, y1], fill=(230, 230, 230))
            self.d.line([x0, y, x1, y], fill=(230, 230, 230))
            self.d.text((x - 8, y1 + 8), f"{v:.1f}", fill="black", font=self.font)
            self.d.text((x0 - 32, y - 6), f"{v:.1f}", fill="black", font=self.font)
        self.d.rectangle([x0, y0, x1, y1], outline="black")
        self.d.text((x0, 15), title, fill="black", font=self.font)
        self.d.text(((x0 + x1) // 2 - 4 * len(xlabel), y1 + 26), xlabel, fill="black", font=self.font)
        self.d.text((8, y0 - 18), ylabel, fill="black", font=self.font)
        self.d.text((x0, self.H - 24), CREDIT, fill=(90, 90, 90), font=self.font)

    def px(self, x: float, y: float) -> tuple[float, float]:
        x0, y0, x1, y1 = self.L, self.T, self.W - self.R, self.H - self.B
        return x0 + x * (x1 - x0), y1 - y * (y1 - y0)

    def line(self, xs, ys, fill, width=2):
        self.d.line([self.px(x, y) for x, y in zip(xs, ys)], fill=fill, width=width)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.im.save(path, optimize=True)


def plot_roc(fpr, tpr, auc, op_fpr, op_tpr, path: Path) -> None:
    p = Plot(f"ROC on the PneumoniaMNIST test split (n=624): AUC {auc:.3f}", "1 - specificity", "sensitivity")
    p.line([0, 1], [0, 1], fill=(170, 170, 170), width=1)
    p.line(fpr, tpr, fill=(31, 90, 180), width=3)
    x, y = p.px(op_fpr, op_tpr)
    p.d.ellipse([x - 6, y - 6, x + 6, y + 6], outline=(200, 40, 40), width=3)
    p.d.text((x + 10, y + 6), f"threshold chosen on val: sens {op_tpr:.2f}, spec {1 - op_fpr:.2f}",
             fill=(200, 40, 40), font=p.font)
    p.save(path)


def plot_reliability(rows, ece_value: float, path: Path) -> None:
    p = Plot(f"Reliability of the calibrated pneumonia probability, test split: ECE {ece_value:.3f}",
             "predicted probability (bin)", "observed share with pneumonia")
    p.line([0, 1], [0, 1], fill=(170, 170, 170), width=1)
    for lo, hi, n, conf, acc in rows:
        x0, y0 = p.px(lo + 0.01, acc)
        x1, y1 = p.px(hi - 0.01, 0)
        p.d.rectangle([x0, y0, x1, y1], fill=(150, 180, 225), outline=(31, 90, 180))
        cx, cy = p.px(conf, acc)
        p.d.ellipse([cx - 4, cy - 4, cx + 4, cy + 4], fill=(200, 40, 40))
        p.d.text((x0 + 2, y1 - 14), str(n), fill="black", font=p.font)
    p.d.text((p.L + 8, p.T + 8), "bars: observed share per bin; dots: mean predicted; numbers: images per bin",
             fill=(60, 60, 60), font=p.font)
    p.save(path)


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("PNEUMONIAMNIST_PATH", DEFAULT_DATA)))
    parser.add_argument("--model", type=Path, default=IMAGE_MODEL_PATH)
    parser.add_argument("--per-kind", type=int, default=20, help="generated images of each kind")
    parser.add_argument("--no-plots", action="store_true")
    args = parser.parse_args(argv)
    torch.set_num_threads(2)

    clf = ImageClassifier(args.model)
    test_x, test_y = load_split(args.data, "test")
    films = [Image.fromarray(x) for x in test_x]
    logits = np.concatenate([clf.forward(films[i:i + 256])[0] for i in range(0, len(films), 256)])
    abnormal = clf._abnormal_index()
    p = clf.probabilities(logits)[:, abnormal]
    pred = p >= clf.threshold
    auc = roc_auc_score(test_y, p)
    acc = float((pred == test_y).mean())
    sens = float(pred[test_y == 1].mean())
    spec = float((~pred[test_y == 0]).mean())
    ece_value, bins = ece(p, test_y)
    acc_half = float(((p >= 0.5) == test_y).mean())

    # Inference time, one upload at a time, as the assistant does it: PNG bytes -> checks -> model -> gate.
    # One thread: a 300k-parameter model gains nothing from more, and the machine is shared.
    torch.set_num_threads(1)
    uploads = [png_bytes(films[i]) for i in range(0, len(films), 3)]
    ms = timed(clf, uploads)
    large = [png_bytes(films[i].resize((1024, 1024), Image.BICUBIC)) for i in range(0, 60, 3)]
    ms_large = timed(clf, large)

    table(f"Test split (n={len(test_y)}: {int((test_y == 0).sum())} normal, {int(test_y.sum())} pneumonia), "
          f"model {args.model}", ["metric", "value"], [
              ["AUC", float(auc)],
              [f"accuracy at the val threshold {clf.threshold:.3f}", acc],
              [f"sensitivity at {clf.threshold:.3f}", sens],
              [f"specificity at {clf.threshold:.3f}", spec],
              [f"expected calibration error ({BINS} bins, T={clf.temperature:.3f})", float(ece_value)],
              ["accuracy at 0.5 (for reference only)", acc_half],
              ["inference ms per image, median (28x28 PNG upload; decode, checks, model, gate; 1 thread)", ms],
              ["inference ms per image, median (1024x1024 PNG upload; same path)", ms_large],
          ])
    table("Reliability bins (test)", ["bin", "images", "mean predicted", "observed"],
          [[f"{lo:.1f}-{hi:.1f}", n, conf, obs] for lo, hi, n, conf, obs in bins])

    # The gate.
    rows = []
    examples = {}
    for kind, make in GENERATED.items():
        images = [make(seed) for seed in range(args.per_kind)]
        results = clf.check_many([png_bytes(im) for im in images])
        refused = sum(r.in_distribution is False for r in results)
        reasons = sorted({r.reasons[0] for r in results if r.reasons})
        alone = embedding_alone(clf, images)
        rows.append([kind, len(images), refused, refused / len(images), alone, "; ".join(reasons)[:70]])
        examples[kind] = results
    generated_total = sum(r[1] for r in rows)
    generated_refused = sum(r[2] for r in rows)
    generated_alone = float(np.mean([r[4] for r in rows]))
    rows.append(["all generated non-X-rays", generated_total, generated_refused, generated_refused / generated_total,
                 generated_alone, ""])
    test_results = []
    for i in range(0, len(films), 128):
        test_results += clf.check_many([png_bytes(f) for f in films[i:i + 128]])
    passed = sum(r.in_distribution is not False for r in test_results)
    rows.append(["test X-rays (valid; should pass)", len(films), len(films) - passed, 1 - passed / len(films),
                 embedding_alone(clf, films), ""])
    gate = clf.calibration.get("ood_gate", {})
    table(f"Out-of-distribution gate: refusals (Mahalanobis cut-off {clf.gate_cutoff:.1f}, "
          f"{gate.get('cutoff_rule', '?')}; template cut-off {clf.template_cutoff:.3f}, "
          f"{gate.get('template_rule', '?').split('; ')[-1]})",
          ["images", "n", "refused", "rate", "embedding distance alone", "first reasons seen"], rows)

    if not args.no_plots:
        fpr, tpr, _ = roc_curve(test_y, p)
        plot_roc(fpr, tpr, auc, 1 - spec, sens, IMG_DIR / "image-roc.png")
        plot_reliability(bins, ece_value, IMG_DIR / "image-reliability.png")
        print(f"\nwrote {IMG_DIR / 'image-roc.png'} and {IMG_DIR / 'image-reliability.png'}")
    print(CREDIT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
