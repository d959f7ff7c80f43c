"""The data key: the key file made once (0600) and reused, one clear sentence for a wrong key, and
`hotline keys new` / `hotline keys rotate` as an operator runs them."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.services.reports import find_reports
from storage.crypto import DataKeyError, Keyring, parse_keys
from storage.db import make_engine, make_sessionmaker
from storage.keyfile import file_keyring, key_file_for, read_key_file, write_key_file
from storage.migrate import upgrade
from storage.models import Citizen, Report, ReportEvent
from storage.rekey import reencrypt
from tests.support.databases import database_url
from tests.unit.test_cli import ROOT, hotline

NIK = "3201015708950001"
NAME = "Wulandari Kusumawati"


def env_for(url: str, **more: str) -> dict[str, str]:
    return {"PYTHONPATH": str(ROOT), "HOTLINE_DATABASE_URL": url, **more}


async def seed(url: str, keyring: Keyring | None = None, reports: int = 1) -> None:
    engine = make_engine(url, keyring)
    try:
        await upgrade(engine)
        async with make_sessionmaker(engine)() as session, session.begin():
            citizen = Citizen(telegram_user_id=1, chat_id=1)
            session.add(citizen)
            await session.flush()
            for n in range(reports):
                report = Report(citizen_id=citizen.id, language="id", nik=NIK, full_name=f"{NAME} {n}")
                session.add(report)
                await session.flush()
                session.add(
                    ReportEvent(report_id=report.id, actor="citizen", kind="m", detail={"text": "halo"})
                )
    finally:
        await engine.dispose()


async def read_back(url: str, keyring: Keyring | None = None) -> tuple[list[str | None], int]:
    """The names stored, and how many reports the NIK's hash finds."""
    engine = make_engine(url, keyring)
    try:
        await upgrade(engine)  # checks the key opens the database
        async with make_sessionmaker(engine)() as session:
            names = [r.full_name for r in await session.scalars(select(Report).order_by(Report.id))]
            found = await find_reports(session, NIK)
            texts = {e.detail.get("text") for e in await session.scalars(select(ReportEvent))}
            assert texts <= {"halo"}
            return names, len(found)
    finally:
        await engine.dispose()


def test_the_key_file_is_made_once_readable_only_by_its_owner(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/hotline.db"
    path = key_file_for(url)
    assert path == tmp_path / "hotline.key"
    with caplog.at_level(logging.WARNING):
        first = file_keyring(url)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    said = [r.getMessage() for r in caplog.records if "key file" in r.getMessage()]
    assert len(said) == 1 and "back it up" in said[0]
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        again = file_keyring(url)
    assert again.ids == first.ids  # reused, not made again
    assert not [r for r in caplog.records if "key file" in r.getMessage()]
    assert key_file_for("postgresql+asyncpg://u@h/hotline") == Path("var") / "hotline.key"


def test_the_first_start_says_once_where_the_key_is_and_to_back_it_up(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/hotline.db"
    first = hotline("db", "upgrade", cwd=tmp_path, env=env_for(url))
    assert first.returncode == 0, first.stderr
    lines = [line for line in first.stderr.splitlines() if "key file" in line]
    assert len(lines) == 1 and str(tmp_path / "hotline.key") in lines[0] and "back it up" in lines[0]
    again = hotline("db", "upgrade", cwd=tmp_path, env=env_for(url))
    assert again.returncode == 0 and "key file" not in again.stderr


async def test_a_wrong_key_stops_with_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a server database's key file is in the working folder's var/
    url = database_url(tmp_path, "k")
    await seed(url)
    path = key_file_for(url)
    assert path is not None
    good = path.read_text()
    write_key_file(path, [hotline("keys", "new").stdout.strip()])  # someone's other key
    result = hotline("export", "--format", "csv", cwd=tmp_path, env=env_for(url))
    assert result.returncode == 2
    assert result.stderr.strip().startswith("The data key is wrong:"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr

    path.write_text(good)
    other = hotline("keys", "new").stdout.strip()
    result = hotline("export", "--format", "csv", cwd=tmp_path, env=env_for(url, HOTLINE_DATA_KEY=other))
    assert result.returncode == 2
    assert "HOTLINE_DATA_KEY does not hold" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1

    result = hotline("export", "--format", "csv", cwd=tmp_path, env=env_for(url, HOTLINE_DATA_KEY="abc"))
    assert result.returncode == 2 and result.stderr.startswith("HOTLINE_DATA_KEY is wrong:")
    assert len(result.stderr.strip().splitlines()) == 1
    ok = hotline("export", "--format", "csv", cwd=tmp_path, env=env_for(url))
    assert ok.returncode == 0 and NAME in ok.stdout


def test_keys_new_prints_a_usable_key() -> None:
    result = hotline("keys", "new")
    assert result.returncode == 0
    (key,) = result.stdout.split()
    assert len(key) == 44 and len(parse_keys(key)) == 1


async def test_rotating_the_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    url = database_url(tmp_path, "r")
    await seed(url, reports=7)
    path = key_file_for(url)
    assert path is not None
    old = read_key_file(path)

    # interrupted after its first batch: the file holds the new key first and the old one after it
    result = hotline("keys", "rotate", "--batch", "3", cwd=tmp_path, env=env_for(url))
    assert result.returncode == 0, result.stderr
    assert "re-encrypting reports: 3 of 7 rows" in result.stderr and "Done:" in result.stderr
    new = read_key_file(path)
    assert len(new) == 1 and new != old
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    names, found = await read_back(url, Keyring(new, "the new key"))
    assert names == [f"{NAME} {n}" for n in range(7)] and found == 7  # hashes remade with the new key
    with pytest.raises(DataKeyError, match="does not hold"):
        await read_back(url, Keyring(old, "the old key"))  # no longer needed, no longer enough


async def test_a_rotation_cut_short_is_finished_by_running_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    url = database_url(tmp_path, "cut")
    await seed(url, reports=5)
    path = key_file_for(url)
    assert path is not None
    (old,) = [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    new = hotline("keys", "new").stdout.strip()
    write_key_file(path, [new, old])  # as the rotation writes it before it starts
    both = Keyring(read_key_file(path), "the key file")

    class Cut(Exception):
        pass

    def stop_after_two(phase: str, table: str, seen: int, total: int) -> None:
        if table == "reports" and seen >= 2:
            raise Cut

    engine = make_engine(url, both)
    try:
        with pytest.raises(Cut):
            await reencrypt(engine, batch=2, progress=stop_after_two)
    finally:
        await engine.dispose()
    names, _ = await read_back(url, both)  # half and half: both keys read it
    assert names == [f"{NAME} {n}" for n in range(5)]

    result = hotline("keys", "rotate", cwd=tmp_path, env=env_for(url))
    assert result.returncode == 0, result.stderr
    assert "Finishing the rotation begun earlier" in result.stderr
    assert read_key_file(path) == parse_keys(new)  # the same new key, and the old one gone
    names, found = await read_back(url, Keyring(parse_keys(new), "the new key"))
    assert names == [f"{NAME} {n}" for n in range(5)] and found == 5


async def test_rotating_hotline_data_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    url = database_url(tmp_path, "env")
    first = hotline("keys", "new").stdout.strip()
    await seed(url, Keyring(parse_keys(first), "HOTLINE_DATA_KEY"), reports=3)

    step1 = hotline("keys", "rotate", cwd=tmp_path, env=env_for(url, HOTLINE_DATA_KEY=first))
    assert step1.returncode == 0, step1.stderr
    (second,) = step1.stdout.split()
    assert "first in HOTLINE_DATA_KEY" in step1.stderr
    names, _ = await read_back(url, Keyring(parse_keys(first), "HOTLINE_DATA_KEY"))  # nothing changed yet
    assert len(names) == 3

    step2 = hotline("keys", "rotate", cwd=tmp_path, env=env_for(url, HOTLINE_DATA_KEY=f"{second},{first}"))
    assert step2.returncode == 0, step2.stderr
    assert "Done: 6 rows re-encrypted" in step2.stderr  # 3 reports and their 3 events
    names, found = await read_back(url, Keyring(parse_keys(second), "HOTLINE_DATA_KEY"))
    assert names == [f"{NAME} {n}" for n in range(3)] and found == 3
    assert not Path(str(key_file_for(url))).exists()  # HOTLINE_DATA_KEY set: no key file is made
    with pytest.raises(DataKeyError):
        await read_back(url, Keyring(parse_keys(first), "HOTLINE_DATA_KEY"))


def test_a_missing_key_file_is_refused_before_anything_is_made(tmp_path: Path) -> None:
    """The database holds data, the key file is gone (a restore without it): refuse, say so, make
    nothing: no new key file, and no "back it up now" for a key that reads nothing."""
    url = f"sqlite+aiosqlite:///{tmp_path}/hotline.db"
    assert hotline("db", "upgrade", cwd=tmp_path, env=env_for(url)).returncode == 0
    key = tmp_path / "hotline.key"
    key.unlink()
    result = hotline("db", "upgrade", cwd=tmp_path, env=env_for(url))
    assert result.returncode == 2
    said = result.stderr.strip()
    assert said.startswith(f"The key file {key} is missing") and "Nothing was changed" in said
    assert "back it up" not in said and "Traceback" not in said and len(said.splitlines()) == 1
    assert not key.exists()
