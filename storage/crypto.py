"""The data keys: AES-GCM encryption of personal values at rest, and keyed hashes to look them up.

A data key is 32 random bytes, written as URL-safe base64 (44 characters). A keyring holds one or
more: the first encrypts, all of them decrypt. Each ciphertext names the key that made it:

    version (1 byte) | key id (4 bytes) | nonce (12 bytes) | AES-256-GCM ciphertext and tag

The encryption key, the lookup-hash key and the key id are each derived from the data key with HKDF,
so a lookup hash never reveals anything about the encryption key and the other way round.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
VERSION = b"\x01"
ID_BYTES = 4
NONCE_BYTES = 12
HEADER = len(VERSION) + ID_BYTES + NONCE_BYTES
LOOKUP_KINDS = ("nik", "passport", "phone")


class DataKeyError(Exception):
    """The data key is missing, malformed or not the one the data was written with (one sentence)."""


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose).derive(secret)


def new_key() -> str:
    """A fresh data key, as it is written in HOTLINE_DATA_KEY or a key file."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def parse_keys(text: str) -> list[bytes]:
    """Keys separated by commas, spaces or lines; `#` starts a comment. ValueError names what is wrong."""
    keys: list[bytes] = []
    for line in text.splitlines():
        for word in re.split(r"[\s,]+", line.split("#", 1)[0]):
            if not word:
                continue
            try:
                raw = base64.urlsafe_b64decode(word + "=" * (-len(word) % 4))
            except (binascii.Error, ValueError):
                raw = b""
            if len(raw) != KEY_BYTES:
                raise ValueError("a key is not 44 characters of URL-safe base64 (see `hotline keys new`)")
            keys.append(raw)
    if not keys:
        raise ValueError("it holds no key")
    return keys


def canonical(kind: str, value: str | None) -> str | None:
    """The form of a NIK, passport number, phone number, date of birth (ISO) or name key (already
    normalised by its maker) that its lookup hash is made of."""
    if value is None:
        return None
    if kind in ("birth", "name"):
        found = value.strip().lower()
    elif kind == "passport":
        found = re.sub(r"[^0-9A-Za-z]", "", value).upper()
    elif kind in ("nik", "phone"):
        found = re.sub(r"\D", "", value)
    else:
        raise ValueError(f"no lookup hash for {kind!r}")
    return found or None


@dataclass(frozen=True, slots=True)
class DataKey:
    id: str  # 8 hex digits
    aead: AESGCM
    lookup_key: bytes

    @classmethod
    def from_secret(cls, secret: bytes) -> DataKey:
        if len(secret) != KEY_BYTES:
            raise ValueError("a data key is 32 bytes")
        key_id = _derive(secret, b"hotline key id")[:ID_BYTES].hex()
        return cls(key_id, AESGCM(_derive(secret, b"hotline encryption")), _derive(secret, b"hotline lookup"))

    def lookup(self, kind: str, value: str | None) -> str | None:
        found = canonical(kind, value)
        if found is None:
            return None
        message = f"{kind}\x00{found}".encode()
        return hmac.new(self.lookup_key, message, hashlib.sha256).hexdigest()


class Keyring:
    """The keys one database is read with; `source` says where they came from, for error sentences."""

    def __init__(self, secrets: Sequence[bytes], source: str) -> None:
        if not secrets:
            raise ValueError("a keyring needs a key")
        self.keys = [DataKey.from_secret(s) for s in secrets]
        self.by_id = {k.id: k for k in self.keys}
        self.source = source
        self.made_file: Path | None = None  # a key file made for this start (storage.keyfile)

    @property
    def primary(self) -> DataKey:
        return self.keys[0]

    @property
    def ids(self) -> list[str]:
        return [k.id for k in self.keys]

    def encrypt(self, plain: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        key = self.primary
        return VERSION + bytes.fromhex(key.id) + nonce + key.aead.encrypt(nonce, plain, None)

    def decrypt(self, blob: bytes) -> bytes:
        key = self.by_id.get(key_id_of(blob) or "")
        if key is None:
            raise DataKeyError(
                f"A stored value was encrypted with data key {key_id_of(blob) or '(none)'}, "
                f"which {self.source} does not hold: give the key the database was written with."
            )
        try:
            return key.aead.decrypt(blob[len(VERSION) + ID_BYTES : HEADER], blob[HEADER:], None)
        except InvalidTag:
            raise DataKeyError(f"A stored value under data key {key.id} is damaged or altered.") from None

    def lookup(self, kind: str, value: str | None) -> str | None:
        """The hash stored beside a value: made with the first key."""
        return self.primary.lookup(kind, value)

    def lookups(self, kind: str, values: Iterable[str | None]) -> list[str]:
        """Every hash a stored value may have under any key of the ring (a rotation may be under way)."""
        found = {key.lookup(kind, value) for key in self.keys for value in values}
        return sorted(h for h in found if h is not None)


def key_id_of(blob: bytes) -> str | None:
    """The id of the key a ciphertext was made with; None for what is not one of ours."""
    if len(blob) <= HEADER or blob[:1] != VERSION:
        return None
    return blob[1 : 1 + ID_BYTES].hex()


def is_ciphertext(blob: bytes) -> bool:
    return key_id_of(blob) is not None
