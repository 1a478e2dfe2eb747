"""Launch from a patient portal with a signed JWT (PyJWT)."""

import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from channels.app import create_app
from channels.settings import Settings
from tests.conftest import bearer

SECRET = "portal-shared-secret-for-tests-0123456789"


def token(**overrides) -> str:
    now = int(time.time())
    claims = {"sub": "portal-42", "aud": "CareLine", "iat": now, "exp": now + 300, "jti": uuid.uuid4().hex,
              **overrides.pop("claims", {})}
    return jwt.encode(claims, overrides.get("key", SECRET), algorithm=overrides.get("alg", "HS256"),
                      headers=overrides.get("headers"))


@pytest.fixture
def portal_client(data_dir, tmp_path):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]}))
    app = create_app(Settings(portal_jwt_key=SECRET, portal_jwks_file=str(jwks)))
    return app.test_client(), private


def attribute(response, name: str) -> str:
    return response.get_data(as_text=True).split(f'{name}="')[1].split('"')[0]


def conversation_of(response) -> str:
    return attribute(response, "data-conversation")


def test_a_valid_hs256_launch_binds_the_conversation_to_an_opaque_patient_id(portal_client):
    client, _ = portal_client
    first = client.get(f"/chat?launch={token()}")
    again = client.get(f"/chat?launch={token()}")
    assert first.status_code == 200
    assert conversation_of(first).startswith("p_") and conversation_of(first) == conversation_of(again)
    assert "portal-42" not in first.get_data(as_text=True)


def test_a_launch_hands_the_page_a_token_that_opens_only_this_conversation(portal_client):
    client, _ = portal_client
    page = client.get(f"/chat?launch={token()}")
    updates = f"/api/v1/chat/{conversation_of(page)}/updates"
    assert client.get(updates, headers=bearer(attribute(page, "data-token"))).status_code == 200
    assert client.get(updates).status_code == 401


def test_a_new_launch_replaces_the_previous_launchs_token(portal_client):
    client, _ = portal_client
    first = client.get(f"/chat?launch={token()}")
    again = client.get(f"/chat?launch={token()}")
    updates = f"/api/v1/chat/{conversation_of(first)}/updates"
    assert client.get(updates, headers=bearer(attribute(first, "data-token"))).status_code == 401
    assert client.get(updates, headers=bearer(attribute(again, "data-token"))).status_code == 200


def test_a_launch_link_opens_its_conversation_once(portal_client):
    client, _ = portal_client
    link = f"/chat?launch={token()}"
    assert client.get(link).status_code == 200
    replayed = client.get(link)
    assert replayed.status_code == 401 and "data-token" not in replayed.get_data(as_text=True)


def test_a_valid_rs256_launch_from_a_jwks_file(portal_client):
    client, private = portal_client
    signed = token(key=private, alg="RS256", headers={"kid": "k1"})
    assert client.get(f"/chat?launch={signed}").status_code == 200


@pytest.mark.parametrize("bad", [
    lambda: token(claims={"exp": int(time.time()) - 10}),
    lambda: token(claims={"aud": "SomeoneElse"}),
    lambda: token(key="not-the-portal-secret-0123456789abcdef"),
    lambda: jwt.encode({"sub": "x", "aud": "CareLine", "iat": 1, "exp": 9999999999}, key=None, algorithm="none"),
    lambda: "not-a-jwt",
])
def test_bad_launches_show_the_expired_page_and_no_session(portal_client, bad):
    client, _ = portal_client
    response = client.get(f"/chat?launch={bad()}")
    assert response.status_code == 401
    assert "expired" in response.get_data(as_text=True)
    assert "data-conversation" not in response.get_data(as_text=True)


def test_the_demo_portal_links_to_a_working_launch(portal_client):
    client, _ = portal_client
    page = client.get("/demo/portal").get_data(as_text=True)
    link = page.split('href="')[1].split('"')[0].replace("&amp;", "&")
    assert client.get(link).status_code == 200


def test_chat_page_sends_a_strict_csp(client):
    csp = client.get("/chat").headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp
