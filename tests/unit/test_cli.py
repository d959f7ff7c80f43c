"""The `hotline` command as an operator meets it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.databases import database_url, table_names

ROOT = Path(__file__).resolve().parents[2]


def hotline(
    *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**clean, **(env or {})},
        cwd=cwd,
        timeout=60,
    )


def test_help_lists_the_commands() -> None:
    result = hotline("--help")
    assert result.returncode == 0
    for command in ("run", "demo", "emulator", "db"):
        assert command in result.stdout


def test_run_without_a_token_names_the_setting_and_the_demo(tmp_path: Path) -> None:
    result = hotline("run", cwd=tmp_path, env={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 2
    assert "HOTLINE_BOT_TOKEN" in result.stderr
    assert "hotline demo" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_wrong_setting_stops_start_up_with_one_sentence(tmp_path: Path) -> None:
    result = hotline("run", cwd=tmp_path, env={"PYTHONPATH": str(ROOT), "HOTLINE_TIMEZONE": "Nowhere/Land"})
    assert result.returncode == 2
    assert result.stderr.strip().startswith("HOTLINE_TIMEZONE is wrong")
    assert len(result.stderr.strip().splitlines()) == 1


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    url = database_url(tmp_path, "fresh")
    env = {"PYTHONPATH": str(ROOT), "HOTLINE_DATABASE_URL": url}
    first = hotline("db", "upgrade", cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    again = hotline("db", "upgrade", cwd=tmp_path, env=env)  # idempotent
    assert again.returncode == 0, again.stderr
    tables = table_names(url)
    assert {"citizens", "reports", "report_events", "conversations", "alembic_version"} <= tables
