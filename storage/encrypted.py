"""Column types that encrypt on the way into the database and decrypt on the way out.

The keyring is not global: `attach` puts it on an engine's dialect (storage.db.make_engine does), and
each value is encrypted with the keyring of the dialect it is bound for. A value of such a column
cannot be compared in SQL (each encryption differs): look values up by their hash columns instead.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy import LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.types import TypeDecorator

from storage.crypto import DataKeyError, Keyring

T = TypeVar("T")
_ATTRIBUTE = "hotline_keyring"


def attach(engine: AsyncEngine, keyring: Keyring) -> None:
    setattr(engine.sync_engine.dialect, _ATTRIBUTE, keyring)


def keyring_of(dialect: Dialect) -> Keyring:
    keyring = getattr(dialect, _ATTRIBUTE, None)
    if not isinstance(keyring, Keyring):
        raise DataKeyError("This database connection has no data key: build it with storage.db.make_engine.")
    return keyring


def session_keyring(session: AsyncSession) -> Keyring:
    return keyring_of(session.get_bind().dialect)


class Encrypted(TypeDecorator[T], Generic[T]):
    """A value of type T, stored as ciphertext (bytes) under the dialect's keyring."""

    impl = LargeBinary
    cache_ok = True

    def encode(self, value: T) -> bytes:
        raise NotImplementedError

    def decode(self, plain: bytes) -> T:
        raise NotImplementedError

    def process_bind_param(self, value: T | None, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        return keyring_of(dialect).encrypt(self.encode(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> T | None:
        if value is None:
            return None
        return self.decode(keyring_of(dialect).decrypt(bytes(value)))


class EncryptedText(Encrypted[str]):
    cache_ok = True

    def encode(self, value: str) -> bytes:
        return value.encode("utf-8")

    def decode(self, plain: bytes) -> str:
        return plain.decode("utf-8")


class EncryptedFloat(Encrypted[float]):
    cache_ok = True

    def encode(self, value: float) -> bytes:
        return repr(float(value)).encode("ascii")

    def decode(self, plain: bytes) -> float:
        return float(plain)


class EncryptedDate(Encrypted[date]):
    cache_ok = True

    def encode(self, value: date) -> bytes:
        return value.isoformat().encode("ascii")

    def decode(self, plain: bytes) -> date:
        return date.fromisoformat(plain.decode("ascii")[:10])


class EncryptedJSON(Encrypted[Any]):
    """A JSON document (the event trail's details, drafts, outbox payloads)."""

    cache_ok = True

    def encode(self, value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def decode(self, plain: bytes) -> Any:
        return json.loads(plain)
