"""The runtimes: the only place that talks to Telegram, through aiogram or python-telegram-bot.

Importing this package imports neither framework; `make_runtime` imports the chosen one.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, cast

from bot.runtime.base import HotlineLike, Mode
from bot.runtime.protocols import RunFunction, Runtime

if TYPE_CHECKING:
    from bot.config import Settings

FRAMEWORKS = {"aiogram": ("bot.runtime.aiogram", "AiogramRuntime"), "ptb": ("bot.runtime.ptb", "PtbRuntime")}


def _module(name: str) -> Any:
    if name not in FRAMEWORKS:
        raise ValueError(f"unknown framework {name!r}: choose one of {', '.join(FRAMEWORKS)}")
    return importlib.import_module(FRAMEWORKS[name][0])


def make_runtime(name: str) -> RunFunction:
    """`run(hotline, settings, stop, *, mode=None)` of the framework named "aiogram" or "ptb"."""
    return cast(RunFunction, _module(name).run)


def build_runtime(name: str, hotline: HotlineLike, settings: Settings, **options: Any) -> Runtime:
    """The framework's adapter itself (tests, the demo): open() it, use .port, close() it."""
    factory = getattr(_module(name), FRAMEWORKS[name][1])
    return cast(Runtime, factory(hotline, settings, **options))


__all__ = ["FRAMEWORKS", "HotlineLike", "Mode", "RunFunction", "Runtime", "build_runtime", "make_runtime"]
