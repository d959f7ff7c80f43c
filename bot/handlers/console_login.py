"""`/console` in a private chat: a one-time link to the web console for staff and duty officers."""

from __future__ import annotations

import logging
from urllib.parse import quote

from bot.core.actions import SendMessage
from bot.core.incoming import Incoming, Kind
from bot.core.port import BotPort
from bot.i18n import N_, Catalogs
from bot.services.console_access import LINK_MINUTES, ConsoleAccess
from bot.services.people import People

log = logging.getLogger(__name__)


class ConsoleLogin:
    def __init__(
        self, access: ConsoleAccess, people: People, catalogs: Catalogs, base_url: str | None
    ) -> None:
        self.access = access
        self.people = people
        self.catalogs = catalogs
        self.base_url = base_url  # None: this hotline serves no console

    def wants(self, inp: Incoming) -> bool:
        return inp.kind is Kind.COMMAND and inp.command == "console"

    async def handle(self, inp: Incoming, port: BotPort) -> None:
        lang = await self.people.language(inp.user_id, inp.language_code)
        t = self.catalogs[lang]
        if not inp.is_private:  # a link in a group could be opened by anyone in it
            await port.perform(SendMessage(inp.chat_id, t(N_("Send /console to me in a private chat.")),
                                           reply_to=inp.message_id))  # fmt: skip
            return
        if self.base_url is None:
            await port.perform(SendMessage(inp.chat_id, t(N_("The web console is not switched on here."))))
            return
        token = await self.access.issue_link(inp.user_id, inp.user_name)
        if token is None:
            log.warning("refused a console link to user %s", inp.user_id)
            refusal = t(N_("Sorry, only the embassy's staff and duty officers can use the console."))
            await port.perform(SendMessage(inp.chat_id, refusal))
            return
        link = f"{self.base_url}/login?token={quote(token)}&lang={lang}"  # the console in their language
        text = t(
            N_("Your link to the console. It works once, for {minutes} minutes, and only for you:\n{link}"),
            minutes=LINK_MINUTES,
            link=link,
        )
        await port.perform(SendMessage(inp.chat_id, text, protect_content=True))
