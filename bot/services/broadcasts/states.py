"""A broadcast's statuses, and the outbox kinds and priorities its rows use."""

from __future__ import annotations

SCHEDULED = "scheduled"  # confirmed; waits for its send time
ENQUEUING = "enqueuing"  # its recipients' rows are being added to the outbox, batch by batch
SENDING = "sending"  # every row is in the outbox; the sender is at work
DONE = "done"  # nothing left to send (rows held for "only when I write" citizens may still go later)
STOPPED = "stopped"  # a staff member stopped it: what was not sent yet never goes
ACTIVE = (SCHEDULED, ENQUEUING, SENDING)

KIND = "broadcast"  # one row per recipient, composed at send time in the citizen's language
PROGRESS_KIND = "broadcast_progress"  # an edit of the staff member's progress message
PRIORITY = 8  # after SOS alerts (0), relays (2), cards (1-4): citizens' conversations go first
PROGRESS_PRIORITY = 5

STOPPED_ERROR = "stopped"  # the error of rows a stop cancelled
BLOCKED_SKIP = "blocked"  # a recipient never queued: they had blocked the bot
