"""National cryptography: SM3 digests and HMAC, SM4-GCM field encryption.

``cryptography`` (OpenSSL) provides both; no hand-written primitives.
"""

from __future__ import annotations

import base64
import os
import secrets
from functools import lru_cache

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

_NONCE = 12
_TAG = 16


def sm3_hex(data: bytes | str) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data.encode() if isinstance(data, str) else data)
    return digest.finalize().hex()


def hmac_sm3_hex(key: bytes, data: bytes | str) -> str:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data.encode() if isinstance(data, str) else data)
    return mac.finalize().hex()


@lru_cache(maxsize=1)
def field_key() -> bytes:
    """The SM4 key for field encryption: from settings, else generated into var/."""
    configured = settings.POSTAWARD.get("FIELD_KEY") or ""
    if configured:
        key = bytes.fromhex(configured)
    else:
        path = settings.VAR_DIR / "field_key"
        if not path.exists():
            path.write_text(secrets.token_hex(16))
            path.chmod(0o600)
        key = bytes.fromhex(path.read_text().strip())
    if len(key) != 16:
        raise ValueError("POSTAWARD_FIELD_KEY must be 16 bytes (32 hex characters)")
    return key


def encrypt_field(plaintext: str, *, associated: bytes = b"") -> str:
    """SM4-GCM: base64(nonce ‖ ciphertext ‖ tag). ``associated`` binds the row."""
    nonce = os.urandom(_NONCE)
    encryptor = Cipher(algorithms.SM4(field_key()), modes.GCM(nonce)).encryptor()
    if associated:
        encryptor.authenticate_additional_data(associated)
    body = encryptor.update(plaintext.encode()) + encryptor.finalize()
    return base64.b64encode(nonce + body + encryptor.tag).decode()


def decrypt_field(token: str, *, associated: bytes = b"") -> str:
    raw = base64.b64decode(token)
    nonce, body, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
    decryptor = Cipher(algorithms.SM4(field_key()), modes.GCM(nonce, tag)).decryptor()
    if associated:
        decryptor.authenticate_additional_data(associated)
    return (decryptor.update(body) + decryptor.finalize()).decode()


def blind_index(value: str) -> str:
    """A keyed digest to look up an encrypted value without decrypting it."""
    return hmac_sm3_hex(field_key(), value.strip().upper())
