"""A bare echo bot on aiogram or python-telegram-bot: the floor the surge benchmark measures against.

    python -m bot.runtime.echo --framework aiogram|ptb

It reads HOTLINE_BOT_TOKEN and HOTLINE_TELEGRAM_API, takes updates by long polling with the
framework's own loop (updates handled concurrently, as the hotline's runtimes do) and answers every
message and button press with one message, nothing else: no database, no conversation. It stops on
SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
from typing import Any

from bot.runtime.base import REQUEST_SECONDS

ECHO = "echo"
POLL_SECONDS = 10


def answer_text(text: str | None) -> str:
    """What the echo bot says: the text it got back, or a word when there was none."""
    return (text or ECHO)[:4096]


async def run_aiogram(token: str, api: str) -> None:
    from aiogram import Bot, Dispatcher, Router
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import CallbackQuery, Message

    from bot.runtime.aiogram_models import response_models

    kept = response_models()  # as the hotline's runtime does: the floor is the framework at its best
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api)))
    router = Router(name="echo")

    @router.message()
    async def on_message(message: Message) -> None:
        await bot.send_message(message.chat.id, answer_text(message.text))

    @router.callback_query()
    async def on_button(query: CallbackQuery) -> None:
        chat = query.message.chat.id if query.message is not None else query.from_user.id
        await bot.send_message(chat, answer_text(query.data))

    dp = Dispatcher()
    dp.include_router(router)
    await dp.start_polling(bot, polling_timeout=POLL_SECONDS, handle_as_tasks=True)
    kept.clear()


def run_ptb(token: str, api: str) -> None:
    from telegram import Update
    from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

    async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None:
            await context.bot.send_message(message.chat_id, answer_text(message.text))

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is not None and update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, answer_text(query.data))

    base = api.rstrip("/")
    app = (
        Application.builder()
        .token(token)
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .concurrent_updates(True)
        .pool_timeout(REQUEST_SECONDS)  # as the hotline's runtime: a surge waits for a connection
        .job_queue(None)
        .build()
    )
    app.add_handler(MessageHandler(filters.ALL, on_message))
    app.add_handler(CallbackQueryHandler(on_button))
    app.run_polling(poll_interval=0.0, timeout=POLL_SECONDS, allowed_updates=Update.ALL_TYPES)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.runtime.echo", description=__doc__.splitlines()[0])
    parser.add_argument("--framework", choices=("aiogram", "ptb"), default="aiogram")
    args = parser.parse_args(argv)
    env: dict[str, Any] = dict(os.environ)
    token = env.get("HOTLINE_BOT_TOKEN")
    if not token:
        raise SystemExit("HOTLINE_BOT_TOKEN is not set: the echo bot needs a bot token.")
    api = env.get("HOTLINE_TELEGRAM_API", "https://api.telegram.org")
    logging.basicConfig(level=logging.WARNING)
    if args.framework == "aiogram":
        asyncio.run(run_aiogram(token, api))
    else:
        run_ptb(token, api)


if __name__ == "__main__":
    main()
