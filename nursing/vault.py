"""The identity vault: Fernet-encrypted values keyed by an opaque patient id.

The key comes from CARELINE_VAULT_KEY; for development one is generated on
first run and kept in the data dir (outside git). Look-ups use an HMAC of the
value, so finding a phone number's patient id never decrypts anything.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet
from sqlalchemy import select

from nursing.db import session
from nursing.models import Identity
from nursing.settings import Settings, secret_from


@lru_cache(maxsize=1)
def key() -> bytes:
    settings = Settings()
    return secret_from(settings.vault_key, settings.data_dir / "vault.key", Fernet.generate_key)


def lookup_hash(kind: str, value: str) -> str:
    return hmac.new(key(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def patient_for(kind: str, value: str) -> str:
    """The opaque patient id for a phone number or portal id, created on first contact."""
    digest = lookup_hash(kind, value)
    with session() as db:
        found = db.scalar(select(Identity).where(Identity.kind == kind, Identity.lookup == digest))
        if found:
            return found.patient_id
        patient_id = "p_" + secrets.token_hex(12)
        db.add(Identity(patient_id=patient_id, kind=kind, lookup=digest,
                        secret=Fernet(key()).encrypt(value.encode()).decode()))
        db.commit()
        return patient_id


def reveal(patient_id: str, kind: str) -> str | None:
    """Decrypt a patient's value (the SMS sender and the audited console only)."""
    with session() as db:
        found = db.scalar(select(Identity).where(Identity.patient_id == patient_id, Identity.kind == kind))
        return Fernet(key()).decrypt(found.secret.encode()).decode() if found else None
