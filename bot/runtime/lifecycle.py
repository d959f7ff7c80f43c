"""One runtime's life, the same for both frameworks: open, menu, take updates until stopped, drain, close."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from typing import Any, Protocol, runtime_checkable

from bot.config import Settings, SettingsError
from bot.core.port import DeliveryError
from bot.runtime.base import DRAIN_SECONDS, WORKERS_SECONDS, HotlineLike, Mode
from bot.runtime.commands import menus
from bot.runtime.polling import Poller
from bot.runtime.protocols import Runtime
from bot.runtime.webhook import Feed, Health, NotKept, WebhookServer, webhook_config

log = logging.getLogger(__name__)


def choose_mode(settings: Settings, mode: Mode | None) -> Mode:
    """The mode asked for, else webhook when HOTLINE_WEBHOOK_URL is set, else long polling."""
    if mode is not None:
        return mode
    return "webhook" if settings.webhook_url else "polling"


async def serve(
    runtime: Runtime,
    hotline: HotlineLike,
    settings: Settings,
    stop: asyncio.Event,
    mode: Mode | None = None,
    drain_seconds: float = DRAIN_SECONDS,
) -> None:
    """Take updates until `stop` is set; then stop taking them, let the ones taken finish, close.

    The hotline's workers run beside the updates with this runtime's port; they are stopped last,
    so that what the last updates queued in the outbox may still go out.
    """
    chosen = choose_mode(settings, mode)
    webhook = webhook_config(settings) if chosen == "webhook" else None  # fail before connecting
    workers_stop = asyncio.Event()
    workers: asyncio.Task[None] | None = None
    sweep: asyncio.Task[None] | None = None
    try:
        await open_runtime(runtime, settings)
        await register_commands(runtime, hotline)
        workers = asyncio.create_task(run_workers(hotline, runtime, workers_stop), name="hotline-workers")
        # what the last run received but did not handle goes first; then the inbox is swept now and then
        await runtime.dispatch.replay()
        sweep = asyncio.create_task(runtime.dispatch.sweep(workers_stop), name="inbox-sweep")
        if webhook is None:
            await runtime.start_polling()
            log.info("Taking updates by long polling")
            health_server = None
            if settings.health_port is not None:
                health_server = WebhookServer(
                    settings.webhook_host, settings.health_port, "", None, checked(hotline, runtime)
                )
                await health_server.start()
            try:
                await stop.wait()
            finally:
                await runtime.stop_polling()
                if health_server is not None:
                    await health_server.stop()
        else:
            server = WebhookServer(
                settings.webhook_host, settings.webhook_port, webhook[1], answered(runtime),
                checked(hotline, runtime),
            )  # fmt: skip
            await server.start()
            try:
                await runtime.set_webhook(*webhook)
                log.info("Taking updates by webhook at %s", webhook[0])
                await stop.wait()
            finally:
                await server.stop()
        log.info("Stopped taking updates")
        await runtime.dispatch.drain(drain_seconds)
    finally:
        workers_stop.set()
        if sweep is not None:
            sweep.cancel()
        if workers is not None:
            await finish(workers, WORKERS_SECONDS)
        await runtime.close()
        log.info("Runtime closed")


def freeze_startup_heap() -> None:
    """For a process that serves until it stops (`hotline run`), once started: what was built to
    start (modules, the framework's models, catalogs) lives as long as the process, so keep it out of
    the garbage collector's full passes. Those otherwise walk all of it every half minute or so under
    a surge, stopping everything for about 0.2 s each time (0.02 s once it is frozen, on the build
    machine)."""
    gc.collect()
    gc.freeze()


@runtime_checkable
class Checked(Protocol):
    """A hotline that can tell the health endpoint whether its database answers, and its role."""

    async def health(self) -> dict[str, str]: ...


FAILING_SECONDS = 30.0  # getUpdates failing this long makes /health say so (503)


def checked(hotline: HotlineLike, runtime: Runtime) -> Health | None:
    """GET /health: the hotline's own answer (its database, its role), and whether a polling
    worker gets updates."""
    if not isinstance(hotline, Checked):
        return None
    poller: Poller | None = getattr(runtime, "poller", None)
    own = hotline.health

    async def health() -> dict[str, str]:
        found = await own()
        if poller is not None and poller.running:
            since = poller.failing_since
            failing = poller.failing is not None and since is not None
            if failing and since is not None and time.monotonic() - since >= FAILING_SECONDS:
                found["updates"] = f"failing for {time.monotonic() - since:.0f} s: {poller.failing}"
            else:
                found["updates"] = "receiving"
        return found

    return health


def answered(runtime: Runtime) -> Feed:
    """The webhook's feed: the update is kept (or the request fails, 503, and Telegram sends it again),
    then handled to its end (replies sent) before Telegram is answered; the answer to a button tap
    goes in that reply."""

    async def feed(update: dict[str, Any]) -> dict[str, Any] | None:
        update_id = update.get("update_id")
        dispatch = runtime.dispatch
        try:
            await dispatch.hotline.inbox.receive([update])
        except Exception as exc:  # not kept: Telegram must send it again (503), not be told it arrived
            raise NotKept(str(exc)) from exc
        dispatch.expect_reply(update_id)
        try:
            await runtime.feed(update)
            await dispatch.handled(update_id)
        except BaseException:
            dispatch.answer_apart(update_id)
            raise
        dispatch.settled(update_id)
        return dispatch.reply(update_id)

    return feed


async def run_workers(hotline: HotlineLike, runtime: Runtime, stop: asyncio.Event) -> None:
    try:
        await hotline.run_workers(runtime.port, stop)
    except Exception:
        log.critical("The hotline's workers stopped: no alert or outbox message goes out", exc_info=True)


async def finish(task: asyncio.Task[None], seconds: float) -> None:
    """Wait for a task that was asked to stop; cancel it after `seconds`."""
    _, pending = await asyncio.wait({task}, timeout=seconds)
    if pending:
        log.warning("The hotline's workers did not stop within %.0f s; cancelling them", seconds)
        task.cancel()
        await asyncio.wait({task}, timeout=2.0)


async def open_runtime(runtime: Runtime, settings: Settings) -> None:
    """Connect; a token Telegram refuses, or no answer at all, is one sentence naming the setting."""
    try:
        await runtime.open()
    except DeliveryError as exc:
        if exc.code in (401, 404):
            raise SettingsError("HOTLINE_BOT_TOKEN is wrong: Telegram does not know this bot token.") from exc
        if exc.code == 0:
            raise SettingsError(
                f"HOTLINE_TELEGRAM_API cannot be reached at {settings.telegram_api}: "
                f"{exc.description or 'no answer'}."
            ) from exc
        raise


async def register_commands(runtime: Runtime, hotline: HotlineLike) -> None:
    """The command menu per language; a failure is logged, the hotline still runs without it."""
    for menu in menus(hotline.catalogs):
        try:
            await runtime.set_commands(menu)
        except Exception as exc:
            log.warning("Command menu for %s not set: %s", menu.language_code or "the default", exc)
