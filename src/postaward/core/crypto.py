"""National cryptography: SM3 digests and HMAC, SM4-GCM field encryption.

``cryptography`` (OpenSSL) provides both; no hand-written primitives.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import secrets
from functools import lru_cache
from pathlib import Path

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
        key = bytes.fromhex(str(configured))
    else:
        path = settings.VAR_DIR / "field_key"
        if not path.exists():
            _create_key_file(path)
        key = bytes.fromhex(path.read_text().strip())
    if len(key) != 16:
        raise ValueError("POSTAWARD_FIELD_KEY must be 16 bytes (32 hex characters)")
    return key


def _create_key_file(path: Path) -> None:
    """Write a new key so that it is never readable by others and never
    replaced: the web server and the worker may both start on an empty var/,
    and a key overwritten after one of them encrypted with it would make that
    data unreadable for ever. The first ``link`` wins; the others read its key.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(16))
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process won
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def encrypt_field(plaintext: str, *, associated: bytes = b"") -> str:
    """SM4-GCM: base64(nonce ‖ ciphertext ‖ tag). ``associated`` binds the row."""
    nonce = os.urandom(_NONCE)
    encryptor = Cipher(algorithms.SM4(field_key()), modes.GCM(nonce)).encryptor()
    if associated:
        encryptor.authenticate_additional_data(associated)
    body = encryptor.update(plaintext.encode()) + encryptor.finalize()
    return base64.b64encode(nonce + body + encryptor.tag).decode()


def decrypt_field(token: str, *, associated: bytes = b"") -> str:
    """The plaintext; ``ValueError`` for a malformed token,
    ``cryptography.exceptions.InvalidTag`` for an altered one (or the wrong
    key or associated data)."""
    try:
        raw = base64.b64decode(token, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not an encrypted field value") from exc
    if len(raw) < _NONCE + _TAG:
        raise ValueError("not an encrypted field value")
    nonce, body, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
    decryptor = Cipher(algorithms.SM4(field_key()), modes.GCM(nonce, tag)).decryptor()
    if associated:
        decryptor.authenticate_additional_data(associated)
    return (decryptor.update(body) + decryptor.finalize()).decode()


def blind_index(value: str) -> str:
    """A keyed digest to look up an encrypted value without decrypting it."""
    return hmac_sm3_hex(field_key(), value.strip().upper())
