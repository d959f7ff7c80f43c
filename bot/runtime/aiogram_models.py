"""Keeping aiogram's answer models alive: without this, each Bot API call may rebuild one.

aiogram reads every answer with the generic pydantic model `Response[T]` (T: the method's result
type). Pydantic keeps the generic models it builds in a weak cache: once nothing else refers to
`Response[Message]`, the next garbage collection drops it, and the next call builds it again, which
costs milliseconds of CPU. Under a surge that was a third of the bot's CPU time. Holding the models
here, for as long as the runtime lives, makes every call find them built.
"""

from __future__ import annotations

import aiogram.methods
from aiogram.methods.base import Response, TelegramMethod


def response_models() -> list[type]:
    """`Response[T]` for the result type of every Bot API method aiogram knows (about 40 models)."""
    results: dict[str, object] = {}
    for name in dir(aiogram.methods):
        method = getattr(aiogram.methods, name)
        if isinstance(method, type) and issubclass(method, TelegramMethod) and method is not TelegramMethod:
            returning = method.__returning__
            results.setdefault(repr(returning), returning)
    return [Response[returning] for returning in results.values()]  # type: ignore[valid-type]
