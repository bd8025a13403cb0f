"""National cryptography primitives: SM3 (used by the audit chain), HMAC-SM3
(blind indexes), SM4-GCM (for confidential identities). These test the
primitives only, not a rule of the catalogue."""

from __future__ import annotations

import base64
import hashlib
import hmac as py_hmac
import multiprocessing
import stat

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from postaward.core import crypto


@pytest.fixture(autouse=True)
def _fresh_key_cache():
    crypto.field_key.cache_clear()
    yield
    crypto.field_key.cache_clear()


KEY_HEX = "0123456789abcdeffedcba9876543210"
FIXED_KEY = {"FIELD_KEY": KEY_HEX}


def _settings(tmp_path=None, **postaward):
    from django.conf import settings

    kw = {"POSTAWARD": {**settings.POSTAWARD, "FIELD_KEY": "", **postaward}}
    if tmp_path is not None:
        kw["VAR_DIR"] = tmp_path
    return override_settings(**kw)


# --- SM3 ---------------------------------------------------------------------------------------------


def test_sm3_standard_vectors():
    # GB/T 32905-2016, appendix A
    assert crypto.sm3_hex("abc") == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    assert crypto.sm3_hex("abcd" * 16) == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


def test_sm3_of_text_is_sm3_of_its_utf8():
    assert crypto.sm3_hex("审计") == crypto.sm3_hex("审计".encode())


@given(st.binary(max_size=300))
def test_sm3_agrees_with_hashlib(data):
    assert crypto.sm3_hex(data) == hashlib.new("sm3", data).hexdigest()


@given(key=st.binary(min_size=1, max_size=100), data=st.binary(max_size=200))
def test_hmac_sm3_agrees_with_the_standard_library(key, data):
    expected = py_hmac.new(key, data, lambda: hashlib.new("sm3")).hexdigest()
    assert crypto.hmac_sm3_hex(key, data) == expected


# --- SM4-GCM field encryption ------------------------------------------------------------------------


def test_sm4_block_cipher_standard_vector():
    # GB/T 32907-2016, appendix A: the primitive underneath the field encryption
    key = bytes.fromhex(KEY_HEX)
    enc = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 - a block test vector
    assert (enc.update(key) + enc.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"


def test_field_round_trip():
    with _settings(**FIXED_KEY):
        token = crypto.encrypt_field("张三 13812345678")
        assert "张三" not in token
        assert crypto.decrypt_field(token) == "张三 13812345678"


@given(text=st.text(max_size=200))
def test_field_round_trip_any_text(text):
    crypto.field_key.cache_clear()
    with _settings(**FIXED_KEY):
        assert crypto.decrypt_field(crypto.encrypt_field(text)) == text
    crypto.field_key.cache_clear()


def test_the_token_is_nonce_ciphertext_tag_under_the_configured_key():
    with _settings(**FIXED_KEY):
        token = crypto.encrypt_field("举报人")
    raw = base64.b64decode(token)
    nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
    dec = Cipher(algorithms.SM4(bytes.fromhex(KEY_HEX)), modes.GCM(nonce, tag)).decryptor()
    assert (dec.update(body) + dec.finalize()).decode() == "举报人"


def test_the_same_text_encrypts_differently_each_time():
    with _settings(**FIXED_KEY):
        assert crypto.encrypt_field("同一内容") != crypto.encrypt_field("同一内容")


def test_any_altered_byte_is_detected():
    with _settings(**FIXED_KEY):
        token = crypto.encrypt_field("身份证 11010519491231002X")
        raw = bytearray(base64.b64decode(token))
        for i in range(len(raw)):
            altered = bytearray(raw)
            altered[i] ^= 0x01
            with pytest.raises(InvalidTag):
                crypto.decrypt_field(base64.b64encode(bytes(altered)).decode())


def test_associated_data_binds_the_value_to_its_row():
    with _settings(**FIXED_KEY):
        token = crypto.encrypt_field("举报人", associated=b"complaint:1")
        assert crypto.decrypt_field(token, associated=b"complaint:1") == "举报人"
        # copied onto another row it no longer decrypts
        with pytest.raises(InvalidTag):
            crypto.decrypt_field(token, associated=b"complaint:2")
        with pytest.raises(InvalidTag):
            crypto.decrypt_field(token)


def test_another_key_cannot_decrypt():
    with _settings(**FIXED_KEY):
        token = crypto.encrypt_field("举报人")
    crypto.field_key.cache_clear()
    with _settings(FIELD_KEY="f" * 32), pytest.raises(InvalidTag):
        crypto.decrypt_field(token)


@pytest.mark.parametrize("token", ["", "not base64!", base64.b64encode(b"short").decode()])
def test_malformed_tokens_are_a_value_error(token):
    with _settings(**FIXED_KEY), pytest.raises(ValueError):
        crypto.decrypt_field(token)


def test_a_configured_key_must_be_16_bytes():
    with _settings(FIELD_KEY="abcd"), pytest.raises(ValueError, match="16 bytes"):
        crypto.field_key()


# --- the generated key ---------------------------------------------------------------------------------


def test_a_missing_key_is_generated_private_and_kept(tmp_path):
    with _settings(tmp_path):
        first = crypto.field_key()
        crypto.field_key.cache_clear()
        assert crypto.field_key() == first
    path = tmp_path / "field_key"
    assert len(bytes.fromhex(path.read_text())) == 16
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["field_key"]  # no temporary left


def _key_in_a_new_process(var_dir: str, barrier, queue) -> None:  # runs in a child process
    from pathlib import Path

    from django.conf import settings

    # The key needs the settings only, not the app registry: no django.setup(),
    # which cost each of the six processes about a second of a two-core machine.
    settings.VAR_DIR = Path(var_dir)
    settings.POSTAWARD = {**settings.POSTAWARD, "FIELD_KEY": ""}
    from postaward.core import crypto as child_crypto

    barrier.wait()  # all processes look for the key file at the same moment
    queue.put(child_crypto.field_key().hex())


def test_processes_starting_together_agree_on_one_key(tmp_path):
    """The web server and the worker may both find var/ empty: they must end up
    with the same key, or data encrypted by one is lost to the other."""
    workers = 6
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(workers)
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_key_in_a_new_process, args=(str(tmp_path), barrier, queue))
        for _ in range(workers)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    assert [p.exitcode for p in procs] == [0] * workers
    keys = {queue.get() for _ in procs}
    assert len(keys) == 1
    assert (tmp_path / "field_key").read_text().strip() == keys.pop()


# --- blind index ------------------------------------------------------------------------------------------


def test_blind_index_finds_the_same_value_whatever_its_spelling():
    with _settings(**FIXED_KEY):
        a = crypto.blind_index("11010519491231002x")
        assert a == crypto.blind_index(" 11010519491231002X ")
        assert a != crypto.blind_index("110105194912310021")
        assert a == crypto.hmac_sm3_hex(bytes.fromhex(KEY_HEX), "11010519491231002X")
