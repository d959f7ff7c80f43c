"""`hotline sitrep` as an operator runs it: the text of a day, its PDF read back, and one clear
sentence (exit code 2) for a day that is not one or a file that cannot be written."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from tests.sitrep import scene
from tests.support.databases import database_url

ROOT = Path(__file__).resolve().parents[2]


def hotline(url: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(PYTHONPATH=str(ROOT), HOTLINE_DATABASE_URL=url)
    return subprocess.run(
        [sys.executable, "-m", "bot", "sitrep", *args], capture_output=True, text=True, env=env, cwd=cwd,
        timeout=60,
    )  # fmt: skip


@pytest.fixture
async def db_url(tmp_path: Path) -> AsyncIterator[str]:
    url = database_url(tmp_path, "sitrep")
    engine = make_engine(url)
    try:
        await upgrade(engine)
        await scene.build(make_sessionmaker(engine))
        yield url
    finally:
        await engine.dispose()


def test_the_text_of_a_day_in_each_language(db_url: str, tmp_path: Path) -> None:
    english = hotline(db_url, "--date", "2026-12-03", "--language", "en", cwd=tmp_path)
    assert english.returncode == 0, english.stderr
    assert "Daily report: December 3, 2026" in english.stdout
    assert "New reports: 4 · SOS: 2" in english.stdout
    indonesian = hotline(db_url, "--date", "2026-12-03", "--language", "id", cwd=tmp_path)
    assert "3 Desember 2026" in indonesian.stdout


def test_the_pdf_reads_back_with_the_day_s_figures(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "sitrep.pdf"
    done = hotline(db_url, "--date", "2026-12-03", "--out", str(out), "--language", "en", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == f"Wrote the daily report of 2026-12-03 to {out}."
    assert out.stat().st_mode & 0o077 == 0  # readable by its owner only
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Daily report: December 3, 2026" in words
    assert "GA 867 to Jakarta, 3 passengers, 2 boarded" in words
    assert "Secret Name" not in words


def test_a_bad_day_or_an_unwritable_file_is_one_sentence(db_url: str, tmp_path: Path) -> None:
    bad = hotline(db_url, "--date", "3/12/2026", cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.strip() == "--date 3/12/2026 is not a day: give it as YYYY-MM-DD, such as 2026-01-25."
    nowhere = tmp_path / "missing" / "sitrep.pdf"
    refused = hotline(db_url, "--out", str(nowhere), cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.strip() == f"Cannot write {nowhere}: the folder {nowhere.parent} does not exist."
    (tmp_path / "taken.pdf").write_bytes(b"old")
    again = hotline(db_url, "--out", str(tmp_path / "taken.pdf"), cwd=tmp_path)
    assert again.returncode == 2 and "exists already" in again.stderr
