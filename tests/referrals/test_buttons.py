"""The referral question's buttons: built by the one codec, read back as built, within Telegram's 64
bytes, and taken by the referral handler (not the citizen's conversation, not the officers')."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core.callbacks import CITIZEN_SCOPES, MAX_BYTES, Callback, Scope
from bot.core.incoming import Incoming, Kind
from bot.handlers.referral_answers import ReferralAnswers
from bot.i18n import Catalogs
from bot.services.referral_notices import question_buttons

T = Catalogs(ZoneInfo("Asia/Phnom_Penh"))["en"]


def test_the_question_s_buttons_belong_to_the_referral_handler() -> None:
    keyboard = question_buttons(2_000_000_000, T)
    pressed = [b for row in keyboard.rows for b in row]
    assert [b.text for b in pressed] == ["✅ Yes, pass it on", "❌ No, thank you"]
    for button in pressed:
        read = Callback.parse(button.data)
        assert read is not None and read.data == button.data and len(button.data.encode()) <= MAX_BYTES
        assert read.scope is Scope.REFER and read.scope not in CITIZEN_SCOPES
        assert read.number(0) == 2_000_000_000 and read.field(1) in ("yes", "no")
        tap = Incoming(kind=Kind.BUTTON, user_id=5, chat_id=5, callback_data=button.data)
        assert ReferralAnswers.wants(tap)
    assert not ReferralAnswers.wants(
        Incoming(kind=Kind.BUTTON, user_id=5, chat_id=5, callback_data="fl:1:yes")
    )
