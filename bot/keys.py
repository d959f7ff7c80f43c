"""The data key as the hotline uses it: from HOTLINE_DATA_KEY or the key file, and its rotation.

`hotline keys rotate`:
- with a key file: the new key is written first in the file (the old one stays readable), every
  value is re-encrypted in batches, then the old key leaves the file. Interrupted, the file still
  holds both keys, and running the command again finishes the same rotation.
- with HOTLINE_DATA_KEY holding one key: a new key is printed, to put first in HOTLINE_DATA_KEY
  (keeping the old one after it); restart the bot, then run the command again.
- with HOTLINE_DATA_KEY holding several: every value is re-encrypted under the first; the others may
  then be taken out of HOTLINE_DATA_KEY.
"""

from __future__ import annotations

import base64
import sys
from typing import TextIO

from bot.config import Settings
from storage.crypto import DataKeyError, Keyring, new_key
from storage.keyfile import file_keyring, key_file_for, read_key_file, write_key_file


def keyring_for(settings: Settings) -> Keyring:
    """The keys of HOTLINE_DATA_KEY, else those of the database's key file (made on first start)."""
    keys = settings.data_keys
    if keys is not None:
        return Keyring(keys, "HOTLINE_DATA_KEY")
    return file_keyring(settings.database_url)


def _text(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode("ascii")


class Printer:
    """Progress after every batch: rewritten in place on a terminal, a line each elsewhere."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def __call__(self, phase: str, table: str, seen: int, total: int) -> None:
        end = "\r" if self.out.isatty() and seen < total else "\n"
        print(f"{phase} {table}: {seen} of {total} rows", end=end, file=self.out, flush=True)


async def rotate(settings: Settings, batch: int = 500, out: TextIO = sys.stderr) -> int:
    """`hotline keys rotate`; returns the exit status."""
    from storage.db import make_engine
    from storage.migrate import ensure_schema
    from storage.rekey import reencrypt

    keys = settings.data_keys
    path = key_file_for(settings.database_url)
    if keys is not None and len(keys) == 1:
        print(new_key())
        print(
            "Put this new key first in HOTLINE_DATA_KEY, followed by a comma and the key it holds now, "
            "restart the bot, then run `hotline keys rotate` again to re-encrypt the data under it.",
            file=out,
        )
        return 0
    if keys is None:
        if path is None or not path.exists():
            raise DataKeyError(f"There is no key file at {path}: there is no data key to rotate.")
        keys = read_key_file(path)
        if len(keys) == 1:
            write_key_file(path, [new_key(), _text(keys[0])])
            keys = read_key_file(path)
            print(
                f"Wrote a new key first in {path}; the old key stays there until this is done. "
                "The bot must be stopped meanwhile (it reads the key file when it starts).",
                file=out,
            )
        else:
            print(f"Finishing the rotation begun earlier: the first key in {path} is the new one.", file=out)
    source = "HOTLINE_DATA_KEY" if settings.data_key is not None else f"the key file {path}"
    engine = make_engine(settings.database_url, Keyring(keys, source))
    try:
        await ensure_schema(engine, settings.sqlite_path is not None)
        rewritten = await reencrypt(engine, batch, Printer(out))
    finally:
        await engine.dispose()
    if settings.data_key is None and path is not None:
        write_key_file(path, [_text(keys[0])])
        print(
            f"Done: {rewritten} rows re-encrypted under the new key, and the old key is gone from {path}. "
            "Back up the key file again (keep the old key only to read backups made before now).",
            file=out,
        )
    else:
        print(
            f"Done: {rewritten} rows re-encrypted under the first key of HOTLINE_DATA_KEY; take the other "
            "keys out of it and restart the bot (keep them only to read backups made before now).",
            file=out,
        )
    return 0
