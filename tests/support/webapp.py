"""Init data as Telegram signs it for a Mini App (what its client puts in tgWebAppData), so tests can
play Telegram: signed with a bot's token, or with another one, or changed after signing."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import quote, urlencode


def signed(
    token: str,
    user: dict[str, object] | None,
    auth_date: float | None = None,
    /,
    **fields: str,
) -> str:
    """The query string Telegram hands the Mini App: its fields (`fields` may replace any), and
    `hash` over them."""
    values: dict[str, str] = {"auth_date": str(int(time.time() if auth_date is None else auth_date))}
    if user is not None:
        values["user"] = json.dumps(user, separators=(",", ":"), ensure_ascii=False)
    values.update(fields)
    check = "\n".join(f"{name}={values[name]}" for name in sorted(values))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    values["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(values, quote_via=quote)


def person(user_id: int, first_name: str, language_code: str = "en") -> dict[str, object]:
    return {"id": user_id, "first_name": first_name, "language_code": language_code, "is_premium": False}


def launch_fragment(init_data: str) -> str:
    """The page's fragment as Telegram's client writes it when it opens the Mini App."""
    return "#" + urlencode(
        {"tgWebAppData": init_data, "tgWebAppVersion": "9.0", "tgWebAppPlatform": "android"}, quote_via=quote
    )
