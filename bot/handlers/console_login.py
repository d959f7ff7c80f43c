"""`/console` in a private chat: a one-time link to the web console for staff and duty officers, and,
when the console is served over https, a menu button in their chat that opens it as a Mini App."""

from __future__ import annotations

import logging
from urllib.parse import quote

from bot.core.actions import SendMessage, SetMenuButton
from bot.core.incoming import Incoming, Kind
from bot.core.port import BotPort, DeliveryError
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

    @property
    def app_url(self) -> str | None:
        """The console as a Mini App; None unless it is served over https (Telegram opens no other)."""
        if self.base_url is None or not self.base_url.startswith("https://"):
            return None
        return f"{self.base_url}/app"

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
        if self.app_url is not None:  # set in this chat only: citizens never see it
            await self._menu_button(port, SetMenuButton(inp.chat_id, t(N_("Console")), self.app_url))

    async def drop_menu_button(self, user_id: int, port: BotPort) -> None:
        """Their private chat's menu button back to Telegram's default (they lost their role)."""
        if self.app_url is not None:
            await self._menu_button(port, SetMenuButton(user_id))

    async def _menu_button(self, port: BotPort, button: SetMenuButton) -> None:
        try:
            await port.perform(button)
        except DeliveryError as exc:  # the link went already; the button is a convenience
            log.warning("the console's menu button in chat %s failed: %s", button.chat_id, exc)
