"""Every sentence the code hands to a Translator reaches the catalogues: `make extract` reads only
`N_("…")` and `_("…")`, so a literal passed straight to `t("…")` would stay English in Indonesian."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "bot"


def literal_translations(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "t"
            and node.args
            and isinstance(node.args[0], ast.Constant | ast.JoinedStr)
        ):
            found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    return found


def test_no_sentence_is_given_to_a_translator_without_n_() -> None:
    missed = [where for path in sorted(ROOT.rglob("*.py")) for where in literal_translations(path)]
    assert missed == [], "wrap these in N_(…) so that they are extracted: " + ", ".join(missed)
