"""The partners a case may be referred to (IOM, NGOs, the police's trafficking unit), as configured
in the file HOTLINE_PARTNERS_FILE names (TOML), read and checked once at start.

    [[partner]]
    key = "iom"                      # small letters, digits, dashes: what /refer names
    name = "IOM Cambodia"            # as the citizen and the exports read it
    services = ["AdditionalServicesRequired", "MigrationOrChangeOfLocation"]
    contact = "Protection unit, +855 23 000 000"   # for staff only

`services` are HTCDS 2.0 `cas_ReasonForOutgoingReferral` values: what the partner may be asked for.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

# HTCDS 2.0 cas_ReasonForOutgoingReferral picklist, in the standard's order
REASONS = ("AdditionalServicesRequired", "MigrationOrChangeOfLocation", "Other")
KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,31}")
NAME_LIMIT = 128


@dataclass(frozen=True, slots=True)
class Partner:
    key: str
    name: str
    services: tuple[str, ...]
    contact: str = ""


def parse_partners(text: str) -> tuple[Partner, ...]:
    """The partners of a TOML text; ValueError with a plain sentence (no final stop) when wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"is not a TOML file ({exc})") from None
    listed = data.get("partner")
    if not isinstance(listed, list) or not listed:
        raise ValueError("lists no partner: write each one as [[partner]] with key, name and services")
    partners: list[Partner] = []
    for n, entry in enumerate(listed, 1):
        partners.append(_partner(n, entry))
    keys = [p.key for p in partners]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise ValueError(f"names the partner key {twice[0]!r} twice")
    return tuple(partners)


def _partner(n: int, entry: object) -> Partner:
    if not isinstance(entry, dict):
        raise ValueError(f"partner {n} is not a table of key, name and services")
    key, name = entry.get("key"), entry.get("name")
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise ValueError(f"partner {n} needs a key of small letters, digits and dashes, such as iom")
    if not isinstance(name, str) or not name.strip() or len(name) > NAME_LIMIT:
        raise ValueError(f"partner {key!r} needs a name (at most {NAME_LIMIT} characters)")
    services = entry.get("services")
    if not isinstance(services, list) or not services:
        raise ValueError(f"partner {key!r} needs services, some of {', '.join(REASONS)}")
    unknown = [s for s in services if s not in REASONS]
    if unknown:
        raise ValueError(f"partner {key!r} offers {unknown[0]!r}, which is not one of {', '.join(REASONS)}")
    contact = entry.get("contact", "")
    if not isinstance(contact, str):
        raise ValueError(f"partner {key!r} has a contact that is not text")
    return Partner(key, " ".join(name.split()), tuple(dict.fromkeys(services)), contact.strip())


def load_partners(path: str | Path) -> tuple[Partner, ...]:
    """The partners of the file at `path`; ValueError with a plain sentence when it will not do."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"names a file that cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ValueError("is not a UTF-8 text file") from None
    return parse_partners(text)
