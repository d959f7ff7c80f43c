"""No two modules import each other: a cycle hides which one is the lower layer (the layers
themselves are import-linter contracts in pyproject.toml, run by `make lint`)."""

from __future__ import annotations

import grimp


def test_no_two_modules_import_each_other() -> None:
    graph = grimp.build_graph("bot", "storage", "emulator")
    cycles = sorted(
        {
            tuple(sorted((module, other)))
            for module in graph.modules
            for other in graph.find_modules_directly_imported_by(module)
            if module in graph.find_modules_directly_imported_by(other)
        }
    )
    assert cycles == []
