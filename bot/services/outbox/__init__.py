"""The outbox: everything the bot starts (alerts, relays, broadcasts, card edits) is a row first.

A handler adds rows with `enqueue` in its own unit of work; after its commit it calls `Sender.wake()`.
The `Sender` (one per process, run in the background) takes the due rows and paces them to
Telegram's limits: `rate` messages a second overall (bursts of a tenth of a second's worth at most,
to catch up time lost to the event loop's lateness), a private chat at most
`private_per_second`, a group at most `group_per_minute` a minute. A chat that must wait is skipped
without holding up the others (a citizen's relay never waits for the officer group's minute).

Order: across chats by (priority, id), 0 first. Within a chat, one row at a time, in (priority, id)
order: an SOS alert (priority 0) overtakes a backlog of card updates in the officer group, while an
edit (given the priority of its message or a larger number) never overtakes the message it edits.
A row that failed and waits for its retry keeps the rows after it in its chat waiting.

Statuses of a row:
    pending  waits for its due time and its chat's turn
    held     waits for the citizen to write first; `release_held` makes it pending, due now
    sending  claimed: committed before the request to Telegram
    sent     Telegram accepted it (message_id when it made a message; on_sent was called)
    failed   final, with the reason in `error`:
               "403: …"        the chat blocked the bot (a private chat's citizen is then marked
                               unreachable and the chat's other pending rows fail as "blocked: …")
               "400: …"/"404: …" Telegram refused the request as it is
               "… (gave up after N attempts)"  network or server errors, retried with back-off
               "dropped"       the composer found nothing to send any more: never tried at
                               Telegram (e.g. a card edit for a case that is gone)
               "compose: …"    the composer raised

Errors: 429 puts the row back, due after retry_after (its chat waits that long; for a private chat
the whole sender too, since the overall limit may be the one hit); 0 and 5xx retry after 1, 2, 4 …
60 seconds, at most `max_attempts` tries in all; 403, 400, 404 are final. Rows of the `persistent`
kinds (alerts to officers: an SOS must reach a person) are never given up: they are retried after
1, 2, 4, 5, 5 … seconds for as long as Telegram cannot be reached.

Durability: a row is marked "sending" (one attempt more) and committed before the request, and
"sent" after it, with on_sent, in one unit of work. Rows still "sending" when a sender starts are
pending again (`recover`): a crash between Telegram's accepting a message and the commit of
"sent" therefore sends that message twice. That narrow window is the only way a row goes twice;
no row is ever lost.

One overall rate: messages the handlers send themselves (answers to citizens) go at once but count
against the sender's rate (`Sender.sent_elsewhere`, through `SharedRatePort`), so that a broadcast paced at
the full rate and the answers beside it stay under Telegram's limit together.

Several workers on one database (PostgreSQL): one of them runs the sender, elected with an advisory
lock (bot.services.leader); the others relay their wakes and the messages they sent themselves to
it, so the overall rate covers every worker. `store.claim` still uses FOR UPDATE SKIP LOCKED, so
even two senders would never claim one row. A sender that takes over puts rows left "sending" back
only after a grace (`recover_after`), by which time a sender that lost the election has stopped.
"""

from bot.services.outbox.compose import Composer, OnSent, PayloadComposer
from bot.services.outbox.delivery import backoff
from bot.services.outbox.queue import (
    BLOCKED,
    DROPPED,
    FAILED,
    HELD,
    PENDING,
    SENDING,
    SENT,
    enqueue,
    queued,
    release_held,
)
from bot.services.outbox.sender import Sender
from bot.services.outbox.shared import SharedRatePort

__all__ = [
    "BLOCKED",
    "DROPPED",
    "FAILED",
    "HELD",
    "PENDING",
    "SENDING",
    "SENT",
    "Composer",
    "OnSent",
    "PayloadComposer",
    "Sender",
    "SharedRatePort",
    "backoff",
    "enqueue",
    "queued",
    "release_held",
]
