"""Patients' images: stored encrypted at rest with the identity vault's key, keyed by conversation and escalation.

The gateway stores an upload only after it has validated and re-encoded it (channels/images.py); the action
server loads it to classify it and attaches it to the escalation it joined; the console decrypts it for a
signed-in nurse; "forget me" erases it. The pixels live in one Fernet-encrypted file per image under
<data dir>/images, the row only says whose it is and what the model made of it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import delete, select

from nursing import vault
from nursing.db import session
from nursing.models import StoredImage
from nursing.settings import Settings

SUFFIX = ".png.enc"


def folder() -> Path:
    path = Settings().data_dir / "images"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _file(image_id: str) -> Path:
    if not image_id.startswith("img_") or not image_id[4:].isalnum():
        raise KeyError(image_id)
    return folder() / f"{image_id}{SUFFIX}"


def store(conversation_id: str, png: bytes, width: int, height: int) -> str:
    """Encrypt and keep a re-encoded PNG; returns its id. A failure leaves neither file nor row behind."""
    image_id = "img_" + secrets.token_hex(12)
    path = _file(image_id)
    partial = path.with_suffix(".part")
    try:
        partial.write_bytes(Fernet(vault.key()).encrypt(png))
        partial.chmod(0o600)
        os.replace(partial, path)
        with session() as db:
            db.add(StoredImage(id=image_id, conversation_id=conversation_id, width=width, height=height))
            db.commit()
    except BaseException:
        partial.unlink(missing_ok=True)
        path.unlink(missing_ok=True)
        raise
    return image_id


def get(image_id: str) -> StoredImage | None:
    with session() as db:
        return db.get(StoredImage, image_id)


def load(image_id: str) -> bytes:
    """The decrypted PNG (the action server's classifier and the audited console only)."""
    return Fernet(vault.key()).decrypt(_file(image_id).read_bytes())


def attach(image_id: str, escalation_id: str, check: dict | None) -> None:
    """The escalation the image joined, and the model's verdict shown beside it to the nurse."""
    with session() as db:
        row = db.get(StoredImage, image_id)
        if row is not None:
            row.escalation_id, row.check = escalation_id, check
            db.commit()


def for_escalation(escalation_id: str) -> list[StoredImage]:
    with session() as db:
        return list(db.scalars(select(StoredImage).where(StoredImage.escalation_id == escalation_id)
                               .order_by(StoredImage.created_at)))


def discard(image_id: str) -> None:
    """Undo a store (the turn that would have used the image failed)."""
    with session() as db:
        db.execute(delete(StoredImage).where(StoredImage.id == image_id))
        db.commit()
    _file(image_id).unlink(missing_ok=True)


def erase(conversation_id: str) -> int:
    """Forget me: every image of this conversation, row and encrypted file. Returns how many."""
    with session() as db:
        ids = list(db.scalars(select(StoredImage.id).where(StoredImage.conversation_id == conversation_id)))
        db.execute(delete(StoredImage).where(StoredImage.conversation_id == conversation_id))
        db.commit()
    for image_id in ids:
        _file(image_id).unlink(missing_ok=True)
    return len(ids)
