"""A case's status and priority: the words stored in the database and shared by every part (cards,
commands, exports, the console). Stored as their string values."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    AWAITING_DOCUMENTS = "awaiting_documents"
    SCHEDULED = "scheduled"
    REPATRIATED = "repatriated"
    CLOSED = "closed"
    REFERRED = "referred"


# Officers still have work to do on these
OPEN_STATUSES = (
    Status.NEW,
    Status.ACKNOWLEDGED,
    Status.IN_PROGRESS,
    Status.AWAITING_DOCUMENTS,
    Status.SCHEDULED,
)


class Priority(StrEnum):
    """P1 first: an SOS, threatened or hurt, held by police, needing a doctor; P2 not free to leave
    or a passport held by others; P3 the rest (services.triage)."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
