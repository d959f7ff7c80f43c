"""A partners file for the referral tests: the demo's own examples."""

from __future__ import annotations

from pathlib import Path

import bot.demo

PARTNERS_FILE = Path(bot.demo.__file__).with_name("partners.toml")
IOM = "IOM Cambodia (example)"
NGO = "Chab Dai Cambodia (example NGO)"
