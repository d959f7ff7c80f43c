"""A passenger presses "I will be there" / "I can't" under their flight's notice: the answer is kept
(services.flights), the notice shows it, a pop-up thanks them. A button that is not theirs (another
flight's, a removed passenger's, forged) is answered politely and changes nothing."""

from __future__ import annotations

import logging

from bot.core.actions import AnswerCallback, EditMessage
from bot.core.callbacks import Callback, Scope
from bot.core.incoming import Incoming, Kind
from bot.core.port import BotPort, DeliveryError
from bot.handlers.answer_buttons import thanks
from bot.i18n import Catalogs
from bot.services.flight_notices import notice_buttons
from bot.services.flights import Flights
from bot.services.people import People

log = logging.getLogger(__name__)


class FlightAnswers:
    def __init__(self, flights: Flights, people: People, catalogs: Catalogs) -> None:
        self.flights = flights
        self.people = people
        self.catalogs = catalogs

    @staticmethod
    def wants(inp: Incoming) -> bool:
        pressed = Callback.parse(inp.callback_data) if inp.kind is Kind.BUTTON else None
        return pressed is not None and pressed.scope is Scope.FLIGHT

    async def handle(self, inp: Incoming, port: BotPort) -> None:
        answered = await self.flights.answer(inp.user_id, inp.callback_data or "")
        if answered is None:
            log.warning("refused flight answer %r from user %s", inp.callback_data, inp.user_id)
        t, notice = await thanks(answered, inp, self.catalogs, self.people)
        if answered is not None:
            pressed = Callback.parse(inp.callback_data)
            flight_id = pressed.number(0) if pressed else None
            if inp.message_id is not None and flight_id is not None:
                # the notice now says what they answered; the buttons stay, to change it
                edit = EditMessage(inp.chat_id, inp.message_id, answered.text, notice_buttons(flight_id, t))
                try:
                    await port.perform(edit)
                except DeliveryError as exc:  # the same answer again: "message is not modified"
                    log.info("chat %s: the flight notice was not edited: %s", inp.chat_id, exc)
        if inp.callback_id:
            await port.perform(AnswerCallback(inp.callback_id, notice))
