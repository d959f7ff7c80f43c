"""Broadcasts: instructions from staff to a filtered audience of citizens, each in their own language.

Life of a broadcast (statuses in `states`):
    scheduled  confirmed by a staff member (`launch`), waits for its send time
    enqueuing  the worker adds its recipients' outbox rows in batches (`feed_batch`); each batch and
               the broadcast's cursor commit together, so a restart goes on where it stopped
    sending    every row is queued; the outbox sender paces them to Telegram's limits
    done       nothing left to send; rows held for "only when I write" citizens go when they write
    stopped    `stop`: rows not sent yet (held ones too) fail as "stopped"; none of them goes

Recipients: citizens who consented and did not delete their data, matching the filters on their
newest report. Blocked ones (unreachable_at) are recorded but never queued; "on_reply" ones are
queued held. Each recipient is one outbox row of kind "broadcast" (priority 8: after SOS alerts,
cards and relays, so citizens' conversations never wait behind a broadcast) composed at send time in
the citizen's language. A citizen who deleted their data meanwhile is not sent it ("withdrawn").

Callback data: staff buttons are "bc:…" (see bot.handlers.staff), citizens' answers
"ba:<broadcast id>:<option>" (`presets`); routing never looks at a label.

Sending twice: a broadcast row goes at most once, except in the outbox's one window. If the process
dies after Telegram accepted a message and before "sent" was committed, the row is still "sending";
at the restart it goes again and that citizen gets the instruction twice. The window lasts from
Telegram's accepting the request to that commit (the answer's way back, plus a millisecond or two),
so a crash doubles the messages in flight at that instant: at most the sender's concurrency (16),
at 30/s and 100 ms answers about 3. Nobody is ever skipped: rows and the feeding cursor are durable.
"""

from bot.services.broadcasts.answers import Recorded, record, tally
from bot.services.broadcasts.audience import Counts, count, known_tags
from bot.services.broadcasts.composer import KINDS, BroadcastComposer
from bot.services.broadcasts.feed import feed_batch
from bot.services.broadcasts.figures import Figures, figures
from bot.services.broadcasts.filters import CATEGORIES, Filters, describe
from bot.services.broadcasts.launch import Plan, launch, stop
from bot.services.broadcasts.message import citizen_message
from bot.services.broadcasts.presets import PRESETS, parse_answer
from bot.services.broadcasts.worker import BroadcastWorker, queue_progress

__all__ = [
    "CATEGORIES",
    "KINDS",
    "PRESETS",
    "BroadcastComposer",
    "BroadcastWorker",
    "Counts",
    "Figures",
    "Filters",
    "Plan",
    "Recorded",
    "citizen_message",
    "count",
    "describe",
    "feed_batch",
    "figures",
    "known_tags",
    "launch",
    "parse_answer",
    "queue_progress",
    "record",
    "stop",
    "tally",
]
