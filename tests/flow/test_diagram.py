"""The flow diagram (bot/flow/flow.mmd) names every question the conversation asks."""

from __future__ import annotations

import re
from pathlib import Path

from bot.flow.steps import QUESTIONS

DIAGRAM = Path(__file__).resolve().parents[2] / "bot" / "flow" / "flow.mmd"


def node_ids(text: str) -> set[str]:
    """The ids of the diagram's nodes: its lines without comments, labels (|…|) and shapes' texts."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("%%")]
    body = re.sub(r"\|[^|]*\||\[\[.*?\]\]|\(\[.*?\]\)|\[[^\]]*\]|\{[^}]*\}|\([^)]*\)", " ", "\n".join(lines))
    return set(re.findall(r"\b[a-z_]+\b", body))


def test_every_question_is_in_the_diagram() -> None:
    missing = [q.id for q in QUESTIONS if q.id not in node_ids(DIAGRAM.read_text())]
    assert missing == [], f"questions missing from {DIAGRAM.name}: {missing}"
