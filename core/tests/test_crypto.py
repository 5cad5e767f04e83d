"""Confidential fields: sealed with the configured cipher and a key outside the database."""

import os
import stat

import pytest

from core import crypto


@pytest.fixture
def key_file(tmp_path, monkeypatch):
    path = tmp_path / "field.key"
    monkeypatch.setenv("XUNCHA_FIELD_KEY_FILE", str(path))
    crypto._key.cache_clear()
    yield path
    crypto._key.cache_clear()


@pytest.mark.parametrize("cipher", ["aes-gcm", "sm4-gcm"])
def test_seal_and_unseal(key_file, settings, cipher):
    settings.XUNCHA = {**settings.XUNCHA, "FIELD_CIPHER": cipher}
    sealed = crypto.seal("张三 13800138000")
    assert sealed.startswith(f"{cipher}:") and "张三" not in sealed and "13800138000" not in sealed
    assert crypto.seal("张三 13800138000") != sealed  # a fresh nonce every time
    assert crypto.unseal(sealed) == "张三 13800138000"
    assert crypto.unseal_json(crypto.seal_json({"name": "李四"})) == {"name": "李四"}
    assert crypto.seal("") == "" and crypto.seal_json({"name": ""}) == ""
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_changing_the_cipher_keeps_old_values_readable(key_file, settings):
    old = crypto.seal("旧值")
    settings.XUNCHA = {**settings.XUNCHA, "FIELD_CIPHER": "sm4-gcm"}
    assert crypto.unseal(old) == "旧值" and crypto.seal("新值").startswith("sm4-gcm:")


def test_tampering_and_a_wrong_key_are_refused(key_file):
    sealed = crypto.seal("机密")
    name, payload = sealed.split(":")
    flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    with pytest.raises(crypto.SealError):
        crypto.unseal(f"{name}:{flipped}")
    key_file.write_text(os.urandom(32).hex())
    crypto._key.cache_clear()
    with pytest.raises(crypto.SealError):
        crypto.unseal(sealed)
