"""The key file: where the data key lives when HOTLINE_DATA_KEY is not set.

It sits next to a SQLite database (var/hotline.db -> var/hotline.key), or in the working folder's
var/hotline.key for a server database. The first start creates it, readable only by its owner (0600),
and says once that it must be backed up; later starts read it. It holds one key per line; during a
rotation the new key comes first and the old one stays until every value is re-encrypted.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.crypto import DataKeyError, Keyring, new_key, parse_keys
from storage.files import private_parent

log = logging.getLogger(__name__)

HEADER = (
    "# The hotline's data key. Without it the personal data in the database cannot be read:\n"
    "# keep a copy somewhere safe, apart from the database backups. One key a line; the first encrypts.\n"
)


def key_file_for(url: str) -> Path | None:
    """Where the key file of this database goes; None for an in-memory SQLite database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or database.startswith("file::memory:"):
            return None
        return Path(database).with_suffix(".key")
    return Path("var") / "hotline.key"


def read_key_file(path: Path) -> list[bytes]:
    try:
        text = path.read_text("ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataKeyError(f"The key file {path} cannot be read: {exc}.") from None
    try:
        keys = parse_keys(text)
    except ValueError as exc:
        raise DataKeyError(f"The key file {path} is damaged: {exc}.") from None
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        log.warning("The key file %s can be read by other users: make it private (chmod 600).", path)
    return keys


def _text(keys: list[str]) -> str:
    return HEADER + "".join(k + "\n" for k in keys)


def _write_private(path: Path, keys: list[str]) -> Path:
    """The keys in a new file beside `path` (0600), flushed to disk; returns its name."""
    private_parent(path)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.new")
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(_text(keys))
        out.flush()
        os.fsync(out.fileno())
    return temporary


def write_key_file(path: Path, keys: list[str]) -> None:
    """Replace the file's keys at once (a crash leaves the old file or the new one, never half)."""
    os.replace(_write_private(path, keys), path)


def create_key_file(path: Path, announce: bool = True) -> bool:
    """Make the key file with a fresh key unless it exists; True when it was made now.

    The file appears whole or not at all (a hard link never replaces), so two processes starting
    at once end up with the same key."""
    temporary = _write_private(path, [new_key()])
    try:
        os.link(temporary, path)
    except FileExistsError:
        return False
    finally:
        temporary.unlink()
    if announce:
        announce_key_file(path)
    return True


def announce_key_file(path: Path) -> None:
    log.warning(
        "Created the data key file %s, readable only by you: back it up now, because without it "
        "the personal data in the database cannot be read.",
        path,
    )


def file_keyring(url: str) -> Keyring:
    """The keys of this database's key file, made on first use; a throwaway key for a memory database.

    A missing key file beside a SQLite database that already holds data is refused before anything
    is made: a new key could not read it, and a "back it up" for a useless key would only mislead.
    (For a server database that is known only once it answers: storage.rekey.check_keys then takes
    the file just made away again.)"""
    path = key_file_for(url)
    if path is None:
        return Keyring([os.urandom(32)], "the in-memory database's key")
    database = Path(make_url(url).database or "")
    if not path.exists() and make_url(url).get_backend_name() == "sqlite" and _holds_data(database):
        raise DataKeyError(
            f"The key file {path} is missing, and the database {database} already holds data: put the "
            "key file back from your backup (or set HOTLINE_DATA_KEY). Nothing was changed."
        )
    sqlite = make_url(url).get_backend_name() == "sqlite"
    made = create_key_file(path, announce=sqlite)  # a server database's is announced once checked
    keyring = Keyring(read_key_file(path), f"the key file {path}")
    keyring.made_file = path if made and not sqlite else None
    return keyring


def _holds_data(database: Path) -> bool:
    try:
        return database.stat().st_size > 0
    except OSError:
        return False
