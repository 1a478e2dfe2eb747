"""Launch from a patient portal: /chat?launch=<JWT> signed by the portal (HS256 key or RS256 JWKS file).

A valid launch binds the conversation to the portal patient id through the
identity vault and hands the page the conversation's token; anything else
(expired, wrong audience or signature, alg "none", a link already used) gets no session.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import jwt
from sqlalchemy.exc import IntegrityError

from channels import conversation_tokens
from channels.settings import Settings
from nursing import vault
from nursing.db import digest, session
from nursing.models import UsedLaunch

REQUIRED = ["sub", "exp", "iat", "aud"]


class LaunchRejected(Exception):
    pass


def verify(token: str, settings: Settings) -> dict:
    try:
        header = jwt.get_unverified_header(token)
        key, algorithm = _key_for(header, settings)
        return jwt.decode(token, key, algorithms=[algorithm], audience=settings.portal_jwt_audience,
                          options={"require": REQUIRED})
    except (jwt.PyJWTError, ValueError, KeyError) as err:
        raise LaunchRejected(str(err)) from err


def _key_for(header: dict, settings: Settings):
    if header.get("alg") == "HS256" and settings.portal_jwt_key:
        return settings.portal_jwt_key, "HS256"
    if header.get("alg") == "RS256" and settings.portal_jwks_file:
        keys = jwt.PyJWKSet.from_json(Path(settings.portal_jwks_file).read_text())
        matching = [k for k in keys.keys if k.key_id == header.get("kid")] or keys.keys[:1]
        return matching[0].key, "RS256"
    raise LaunchRejected(f"algorithm {json.dumps(header.get('alg'))} is not accepted")


def launch(token: str, settings: Settings) -> tuple[str, str]:
    """The portal patient's opaque conversation id and a fresh token for the page the launch opens.

    The portal id itself stays in the vault. The portal vouches for the patient, so the token
    replaces an earlier launch's.
    """
    claims = verify(token, settings)
    _spend(claims.get("jti") or token)
    conversation_id = vault.patient_for("portal", str(claims["sub"]))
    return conversation_id, conversation_tokens.reissue(conversation_id)


def _spend(launch: str) -> None:
    """A launch opens its conversation once; a replayed link would take the conversation from the patient."""
    with session() as db:
        db.add(UsedLaunch(launch_hash=digest(launch)))
        try:
            db.commit()
        except IntegrityError as err:
            raise LaunchRejected("this launch link was already used") from err


def demo_token(settings: Settings, subject: str, lifetime_s: int = 300) -> str:
    import time

    now = int(time.time())
    claims = {"sub": subject, "iat": now, "exp": now + lifetime_s, "aud": settings.portal_jwt_audience,
              "jti": secrets.token_hex(16), "name": "Demo Patient"}
    return jwt.encode(claims, settings.portal_jwt_key, algorithm="HS256")
