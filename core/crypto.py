"""Confidential fields encrypted at rest (reporter identity, ID numbers, lead details).

The key is a file under ``settings.KEY_DIR`` (outside the database; created on first
use, mode 0600), or the path in ``XUNCHA_FIELD_KEY_FILE``. The cipher is a setting,
``XUNCHA["FIELD_CIPHER"]``: ``aes-gcm`` (AES-256-GCM, the default) or ``sm4-gcm``
(SM4 for installations that must use the national standard). Each value carries the
name of its cipher, so changing the setting leaves earlier values readable.

A sealed value is text: ``<cipher>:<base64 of nonce + ciphertext + tag>``.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import time
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

CIPHERS = ("aes-gcm", "sm4-gcm")
NONCE = 12
TAG = 16


class SealError(Exception):
    """A sealed value could not be opened (wrong key, damaged value)."""


def _key_path() -> Path:
    return Path(os.environ.get("XUNCHA_FIELD_KEY_FILE") or settings.KEY_DIR / "field.key")


@cache
def _key() -> bytes:
    path = _key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    text = ""
    for _ in range(50):  # the process that created the file may still be writing it
        if text := path.read_text().strip():
            break
        time.sleep(0.1)
    key = bytes.fromhex(text)
    if len(key) != 32:
        raise SealError(f"{path} 中的密钥长度不正确")
    return key


def _aes(key, nonce, data, *, encrypt):
    aead = AESGCM(key)
    return aead.encrypt(nonce, data, None) if encrypt else aead.decrypt(nonce, data, None)


def _sm4(key, nonce, data, *, encrypt):
    if encrypt:
        enc = Cipher(algorithms.SM4(key[:16]), modes.GCM(nonce)).encryptor()
        return enc.update(data) + enc.finalize() + enc.tag
    body, tag = data[:-TAG], data[-TAG:]
    dec = Cipher(algorithms.SM4(key[:16]), modes.GCM(nonce, tag)).decryptor()
    return dec.update(body) + dec.finalize()


_IMPL = {"aes-gcm": _aes, "sm4-gcm": _sm4}


def seal(text: str) -> str:
    """Encrypt ``text`` with the configured cipher; the empty string stays empty."""
    if not text:
        return ""
    name = settings.XUNCHA.get("FIELD_CIPHER", "aes-gcm")
    if name not in CIPHERS:
        raise SealError(f"未知的加密算法：{name}")
    nonce = secrets.token_bytes(NONCE)
    body = _IMPL[name](_key(), nonce, text.encode(), encrypt=True)
    return f"{name}:{base64.b64encode(nonce + body).decode()}"


def unseal(value: str) -> str:
    if not value:
        return ""
    name, _, payload = value.partition(":")
    if name not in _IMPL:
        raise SealError("无法识别的密文")
    raw = base64.b64decode(payload)
    try:
        return _IMPL[name](_key(), raw[:NONCE], raw[NONCE:], encrypt=False).decode()
    except (InvalidTag, ValueError) as e:
        raise SealError("密文无法解密（密钥不符或数据已损坏）") from e


def seal_json(data: dict) -> str:
    return seal(json.dumps(data, ensure_ascii=False)) if any(data.values()) else ""


def unseal_json(value: str) -> dict:
    return json.loads(unseal(value)) if value else {}
