"""Files that hold personal data (exports): made for their owner alone, never through a link."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import IO

_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def exists(path: Path | str) -> str:
    return f"{path} exists already (a file or a link): choose another name, or give --force to replace it."


class NotWritten(Exception):
    """One sentence saying why the file was not written (nothing was)."""


def write_private(path: Path, content: bytes | IO[bytes], force: bool = False) -> None:
    """Write `content` (bytes, or a file read from where it stands) to a new file readable by its
    owner only (0600).

    An existing name (a file, a link, a file someone else planted) is refused, unless `force`: then
    a new private file takes its place (renamed over it), so nothing is written into the old file or
    through a link into its target."""
    if not force:
        try:
            fd = os.open(path, _NEW, 0o600)
        except FileExistsError:
            raise NotWritten(exists(path)) from None
        _fill(fd, content)
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}.new")
    fd = os.open(temporary, _NEW, 0o600)
    try:
        _fill(fd, content)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _fill(fd: int, content: bytes | IO[bytes]) -> None:
    with os.fdopen(fd, "wb") as out:
        if isinstance(content, bytes):
            out.write(content)
        else:
            shutil.copyfileobj(content, out)
        out.flush()
        os.fsync(out.fileno())
