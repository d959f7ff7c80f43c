"""The hotline's own files (the SQLite database, the key file) are for their owner alone."""

from __future__ import annotations

from pathlib import Path


def private_parent(path: Path) -> None:
    """Make the folders `path` needs, each made now for its owner alone (0700); existing ones stay."""
    missing = [p for p in path.parents if not p.exists()]
    path.parent.mkdir(parents=True, exist_ok=True)
    for made in missing:
        made.chmod(0o700)
