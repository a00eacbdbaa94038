"""Logging in as a person would, second factor included (RFC 6238 codes computed here)."""

import base64
import hashlib
import hmac
import struct
import time

TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def totp_code(secret=TOTP_SECRET, at=None):
    """The six-digit code an authenticator app shows now (30 s steps, HMAC-SHA1)."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def code_to_type():
    """The code now, as a person types it: not in the last seconds of its 30, since on a
    busy machine it could expire on its way to the check."""
    remaining = 30 - time.time() % 30
    if remaining < 5:
        time.sleep(remaining)
    return totp_code()


def set_up_totp(user, secret=TOTP_SECRET):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": secret})


def log_in_with_totp(client, user, password="test-passwort-123"):
    """Password, then the code: the session passed the second factor, as in production."""
    response = client.post("/konto/login/", {"login": user.email, "password": password})
    assert response.status_code == 302 and "/2fa/authenticate/" in response["Location"], (
        response.status_code,
        response.get("Location"),
    )
    response = client.post(response["Location"], {"code": code_to_type()})
    assert response.status_code == 302, response.content.decode()[:500]
    return client
