"""A citizen presses "Yes, pass it on" / "No, thank you" under a referral's question: the answer is
kept (services.referrals), the question shows it without its buttons (an answer is final), a pop-up
thanks them. A button that is not theirs, answered already, withdrawn or forged is answered
politely ("no longer active") and changes nothing."""

from __future__ import annotations

import logging

from bot.core.actions import AnswerCallback, EditMessage
from bot.core.callbacks import Callback, Scope
from bot.core.incoming import Incoming, Kind
from bot.core.port import BotPort, DeliveryError
from bot.handlers.answer_buttons import thanks
from bot.i18n import Catalogs
from bot.services.people import People
from bot.services.referrals import Referrals

log = logging.getLogger(__name__)


class ReferralAnswers:
    def __init__(self, referrals: Referrals, people: People, catalogs: Catalogs) -> None:
        self.referrals = referrals
        self.people = people
        self.catalogs = catalogs

    @staticmethod
    def wants(inp: Incoming) -> bool:
        pressed = Callback.parse(inp.callback_data) if inp.kind is Kind.BUTTON else None
        return pressed is not None and pressed.scope is Scope.REFER

    async def handle(self, inp: Incoming, port: BotPort) -> None:
        answered = await self.referrals.answer(inp.user_id, inp.callback_data or "")
        if answered is None:
            log.warning("refused referral answer %r from user %s", inp.callback_data, inp.user_id)
        _, notice = await thanks(answered, inp, self.catalogs, self.people)
        if answered is not None and inp.message_id is not None:
            try:
                await port.perform(EditMessage(inp.chat_id, inp.message_id, answered.text, None))
            except DeliveryError as exc:
                log.info("chat %s: the referral question was not edited: %s", inp.chat_id, exc)
        if inp.callback_id:
            await port.perform(AnswerCallback(inp.callback_id, notice))
