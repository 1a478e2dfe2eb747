"""Train CareLine's demo image classifier on PneumoniaMNIST (docs/model-cards/image-classifier.md).

Run at set-up when the model is missing (`make setup`), or again with `make train-image-model`.
A small `transformers` ResNet built from a config (no downloaded weights), CPU only, 2 threads, seeded.

- Data: `../shared/imaging/pneumoniamnist.npz` (PNEUMONIAMNIST_PATH or --data overrides). Trained on
  train only; val picks the epoch, the temperature, the threshold and the gate's cut-off; test is never read.
- Class imbalance (train: 388 normal, 3,494 pneumonia): cross-entropy weighted by inverse class frequency.
- Augmentation for the val->test shift (test comes from other films): small rotations, shifts and zooms,
  brightness, contrast and gamma jitter, a little noise.
- Early stopping on val AUC; temperature scaling on val (NLL); threshold on val (see THRESHOLD_RULE).
- Out-of-distribution gate: class means and a shared, shrunk covariance of the pooled embedding on train,
  cut-off at the 99.5th percentile of val distances; and the correlation of the 28 x 28 grey image with the
  mean training film, cut-off at the 0.5th percentile of val.
- Saved with save_pretrained (model and image processor) to var/models/image_classifier
  (IMAGE_MODEL_PATH or --out overrides), with careline-calibration.json beside the weights.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from sklearn.covariance import LedoitWolf
from sklearn.metrics import roc_auc_score
from transformers import ResNetConfig, ResNetForImageClassification, ViTImageProcessor

from actions.image_check import (
    CALIBRATION_FILE,
    TEMPLATE_SIZE,
    mahalanobis,
    pooled,
    standardised,
    template_correlation,
)
from actions.settings import IMAGE_MODEL_PATH, ROOT

DEFAULT_DATA = ROOT.parent / "shared" / "imaging" / "pneumoniamnist.npz"
LABELS = {0: "normal", 1: "pneumonia"}
SEED = 0
SIZE = 56  # the 28 x 28 films are upsampled (bilinear) so the ResNet stem does not shrink them to 7 x 7
SENSITIVITY_TARGET = 0.95
THRESHOLD_RULE = (
    "the highest threshold whose sensitivity on val is at least 0.95: the score only orders a queue in which "
    "a nurse sees every image, so a missed pneumonia (a sick child waiting behind routine cases) costs more "
    "than a false alarm (one case seen a little earlier); among thresholds that keep sensitivity, the highest "
    "keeps the most specificity"
)
GATE_PERCENTILE = 99.5  # Mahalanobis cut-off: val distances above it are refused (0.5% of val)
TEMPLATE_PERCENTILE = 0.5  # template-correlation cut-off: val correlations below it are refused (0.5% of val)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def load_split(data: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    with np.load(data) as d:
        return d[f"{split}_images"], d[f"{split}_labels"].ravel().astype(np.int64)


def resized(images: np.ndarray, size: int) -> np.ndarray:
    """Grey uint8 films at the processor's size, resized by Pillow exactly as the image processor does."""
    if images.shape[1] == size:
        return images
    return np.stack([np.asarray(Image.fromarray(im).resize((size, size), Image.BILINEAR)) for im in images])


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """x: (N, 1, H, W) in [0, 1]. Geometry, then intensity jitter, then a little noise."""
    n = x.shape[0]

    def u(lo, hi):
        return torch.rand(n, generator=gen) * (hi - lo) + lo

    angle = u(-10, 10) * torch.pi / 180
    scale = u(0.9, 1.1)
    tx, ty = u(-0.08, 0.08), u(-0.08, 0.08)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, tx], 1), torch.stack([sin, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    contrast, brightness = u(0.75, 1.3).view(n, 1, 1, 1), u(-0.1, 0.1).view(n, 1, 1, 1)
    x = ((x - mean) * contrast + mean + brightness).clamp(0, 1)
    gamma = torch.exp(u(-0.25, 0.25)).view(n, 1, 1, 1)
    x = x.clamp_min(1e-4) ** gamma
    noise = u(0, 0.03).view(n, 1, 1, 1) * torch.randn(x.shape, generator=gen)
    return (x + noise).clamp(0, 1)


def to_input(x01: torch.Tensor, mean: float, std: float) -> torch.Tensor:
    """(N, 1, H, W) in [0, 1] -> normalised 3-channel pixel_values, as the image processor makes them."""
    return ((x01 - mean) / std).expand(-1, 3, -1, -1).contiguous()


@torch.inference_mode()
def logits_and_embeddings(model, x01: torch.Tensor, mean: float, std: float, batch: int = 512):
    model.eval()
    logits, emb = [], []
    for i in range(0, len(x01), batch):
        out = model(pixel_values=to_input(x01[i:i + batch], mean, std), output_hidden_states=True)
        logits.append(out.logits.double())
        emb.append(pooled(out.hidden_states[-1]).double())
    return torch.cat(logits).numpy(), torch.cat(emb).numpy()


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """Temperature minimising the val negative log-likelihood."""
    z = torch.tensor(logits)
    y = torch.tensor(labels)
    log_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200)

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(z / log_t.exp(), y)
        loss.backward()
        return loss

    opt.step(closure)
    return log_t.exp().item()


def softmax(logits: np.ndarray, temperature: float) -> np.ndarray:
    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def choose_threshold(p: np.ndarray, y: np.ndarray, target: float) -> float:
    """Highest threshold t with sensitivity(p >= t) >= target on these labels."""
    positives = np.sort(p[y == 1])[::-1]
    k = int(np.ceil(target * len(positives)))  # at least k positives must score >= t
    return float(positives[k - 1])


def build_model() -> ResNetForImageClassification:
    config = ResNetConfig(
        num_channels=3, embedding_size=24, hidden_sizes=[32, 64, 128], depths=[1, 1, 1], layer_type="basic",
        hidden_act="relu", downsample_in_first_stage=False, num_labels=2,
        id2label=LABELS, label2id={v: k for k, v in LABELS.items()},
    )
    return ResNetForImageClassification(config)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("PNEUMONIAMNIST_PATH", DEFAULT_DATA)))
    parser.add_argument("--out", type=Path, default=IMAGE_MODEL_PATH)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--patience", type=int, default=6)
    parser.add_argument("--time-budget", type=float, default=540.0,
                        help="safety cap in seconds: 2 free cores finish in about 2 minutes; a cap that binds changes the model")
    parser.add_argument("--force", action="store_true", help="overwrite a model directory CareLine did not write")
    args = parser.parse_args(argv)

    out: Path = args.out
    if (out / "config.json").exists() and not (out / CALIBRATION_FILE).exists() and not args.force:
        print(f"{out} holds a model CareLine did not train; not overwriting it (use --force or another --out)")
        return 2
    if not args.data.is_file():
        print(f"no PneumoniaMNIST at {args.data} (set PNEUMONIAMNIST_PATH)")
        return 1

    torch.set_num_threads(2)
    seed_everything(SEED)
    started = time.time()
    train_x, train_y = load_split(args.data, "train")
    val_x, val_y = load_split(args.data, "val")
    train01 = torch.tensor(resized(train_x, SIZE), dtype=torch.float32).unsqueeze(1) / 255
    val01 = torch.tensor(resized(val_x, SIZE), dtype=torch.float32).unsqueeze(1) / 255
    mean, std = float(train01.mean()), float(train01.std())

    counts = np.bincount(train_y, minlength=2)
    weights = torch.tensor(len(train_y) / (2 * counts), dtype=torch.float32)
    print(f"train {len(train_y)} ({counts[0]} normal, {counts[1]} pneumonia), class weights {weights.tolist()}")

    model = build_model()
    print(f"ResNet from config: {sum(p.numel() for p in model.parameters()):,} parameters, input {SIZE}x{SIZE}")
    batch = 128
    steps = args.epochs * int(np.ceil(len(train_y) / batch))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps, pct_start=0.15)
    gen = torch.Generator().manual_seed(SEED)
    ytrain = torch.tensor(train_y)
    best_auc, best_state, best_epoch, stale = -1.0, None, 0, 0
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(len(train_y), generator=gen)
        total = 0.0
        for i in range(0, len(order), batch):
            idx = order[i:i + batch]
            x = to_input(augment(train01[idx], gen), mean, std)
            loss = F.cross_entropy(model(pixel_values=x).logits, ytrain[idx], weight=weights)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        val_logits, _ = logits_and_embeddings(model, val01, mean, std)
        auc = roc_auc_score(val_y, softmax(val_logits, 1.0)[:, 1])
        elapsed = time.time() - started
        print(f"epoch {epoch:2d}  loss {total / len(train_y):.4f}  val AUC {auc:.4f}  {elapsed:5.0f} s")
        if auc > best_auc:
            best_auc, best_epoch, stale = auc, epoch, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
        if stale >= args.patience:
            print(f"early stop: val AUC has not improved for {args.patience} epochs")
            break
        if elapsed > args.time_budget:
            print(f"time budget of {args.time_budget:.0f} s reached")
            break
    model.load_state_dict(best_state)
    model.eval()

    val_logits, val_emb = logits_and_embeddings(model, val01, mean, std)
    temperature = fit_temperature(val_logits, val_y)
    val_p = softmax(val_logits, temperature)[:, 1]
    threshold = choose_threshold(val_p, val_y, SENSITIVITY_TARGET)
    pred = val_p >= threshold
    val_sens = float(pred[val_y == 1].mean())
    val_spec = float((~pred[val_y == 0]).mean())

    # The gate: class-conditional means, shared covariance (Ledoit-Wolf shrinkage) of the clean train embeddings.
    _, train_emb = logits_and_embeddings(model, train01, mean, std)
    centred = np.concatenate([train_emb[train_y == c] - train_emb[train_y == c].mean(0) for c in (0, 1)])
    precision = LedoitWolf().fit(centred).precision_
    class_means = np.stack([train_emb[train_y == c].mean(0) for c in (0, 1)])
    val_dist = mahalanobis(val_emb, class_means, precision)
    cutoff = float(np.percentile(val_dist, GATE_PERCENTILE))
    # And a modality check in pixel space: correlation with the mean (standardised) training film.
    template = standardised(resized(train_x, TEMPLATE_SIZE)).mean(0)
    template /= np.linalg.norm(template)
    val_corr = template_correlation(standardised(resized(val_x, TEMPLATE_SIZE)), template)
    template_cutoff = float(np.percentile(val_corr, TEMPLATE_PERCENTILE))

    processor = ViTImageProcessor(
        do_resize=True, size={"height": SIZE, "width": SIZE}, resample=Image.BILINEAR, do_rescale=True,
        rescale_factor=1 / 255, do_normalize=True, image_mean=[mean] * 3, image_std=[std] * 3,
    )
    calibration = {
        "about": "CareLine's demo chest X-ray classifier: scripts/train_image_model.py, docs/model-cards/image-classifier.md",
        "data": "PneumoniaMNIST (MedMNIST v2, Yang et al. 2023; Kermany et al. 2018), CC BY 4.0",
        "abnormal_label": "pneumonia",
        "intended_use": "Orders the nurse queue for chest X-ray images; never shown to a patient as a finding "
                        "(docs/model-cards/image-classifier.md).",
        "expects_greyscale": True,
        "temperature": temperature,
        "threshold": threshold,
        "threshold_rule": THRESHOLD_RULE,
        "val": {"auc": best_auc, "best_epoch": best_epoch, "sensitivity": val_sens, "specificity": val_spec},
        "ood_gate": {
            "method": "min over classes of the squared Mahalanobis distance of the pooled last-stage embedding, "
                      "class means and shared Ledoit-Wolf covariance from train",
            "cutoff": cutoff,
            "cutoff_rule": f"{GATE_PERCENTILE:g}th percentile of val distances",
            "val_median": float(np.median(val_dist)),
            "class_means": class_means.tolist(),
            "precision": precision.tolist(),
            "template": np.round(template, 6).tolist(),
            "template_size": TEMPLATE_SIZE,
            "template_cutoff": template_cutoff,
            "template_rule": f"correlation with the mean standardised {TEMPLATE_SIZE}x{TEMPLATE_SIZE} train film; "
                             f"cut-off at the {TEMPLATE_PERCENTILE:g}th percentile of val",
        },
        "seed": SEED,
        "input_size": SIZE,
    }

    # Write a fresh directory, then swap it in: a half-written model is never left at `out`.
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    model.save_pretrained(tmp)
    processor.save_pretrained(tmp)
    (tmp / CALIBRATION_FILE).write_text(json.dumps(calibration))
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    print(f"best epoch {best_epoch}: val AUC {best_auc:.4f}; temperature {temperature:.3f}; threshold {threshold:.3f} "
          f"(val sensitivity {val_sens:.3f}, specificity {val_spec:.3f}); gate cut-off {cutoff:.1f} "
          f"(val median {np.median(val_dist):.1f}); template cut-off {template_cutoff:.3f}")
    print(f"saved to {out} in {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
