"""`hotline export` as an operator runs it."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import stat
import subprocess
import sys
from pathlib import Path

import openpyxl

from bot.services.exports import STATUSES

ROOT = Path(__file__).resolve().parents[2]


def hotline(url: str, *args: str, cwd: Path, stdout: int | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(PYTHONPATH=str(ROOT), HOTLINE_DATABASE_URL=url)
    return subprocess.run(
        [sys.executable, "-m", "bot", "export", *args],
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=cwd,
        timeout=60,
    )


def test_csv_to_a_file_filtered_by_tag(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "wave3.csv"
    result = hotline(db_url, "--format", "csv", "--tag", "wave-3", "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    assert result.stderr.decode().strip() == f"Exported 2 cases to {out}."
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"), newline="")))
    assert [r["reference"] for r in rows] == ["PNH-000001", "PNH-000003"]


def test_xlsx_to_a_file_filtered_by_status(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "cases.xlsx"
    args = ("--format", "xlsx", "--status", "new", "--status", "closed", "--out", str(out))
    result = hotline(db_url, *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    ws = openpyxl.load_workbook(out)["cases"]
    refs = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert refs == ["PNH-000002", "PNH-000004", "PNH-000006"]


def test_json_and_geojson_to_standard_output(db_url: str, tmp_path: Path) -> None:
    result = hotline(db_url, "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["cases"]) == 6
    assert result.stderr.decode().strip() == "Exported 6 cases to standard output."
    result = hotline(db_url, "--format", "geojson", "--status", "closed", cwd=tmp_path)
    assert json.loads(result.stdout)["features"][0]["properties"]["reference"] == "PNH-000004"
    said = result.stderr.decode().strip()
    assert said == "Exported 1 case on the map, 0 without a place, to standard output."


def test_an_unknown_status_is_refused_with_one_sentence(db_url: str, tmp_path: Path) -> None:
    result = hotline(db_url, "--format", "csv", "--status", "open", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == b""
    message = result.stderr.decode().strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    assert "open" in message and all(s in message for s in STATUSES)


def test_xlsx_is_not_written_to_a_terminal(db_url: str, tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    try:
        result = hotline(db_url, "--format", "xlsx", cwd=tmp_path, stdout=follower)
    finally:
        os.close(follower)
        os.close(leader)
    assert result.returncode == 2
    message = result.stderr.decode().strip()
    assert len(message.splitlines()) == 1 and "--out" in message


def test_the_file_is_new_private_and_never_written_through_a_link(db_url: str, tmp_path: Path) -> None:
    """NIKs and phones go to a file only its owner reads (0600); an existing name, a link, or a file
    someone planted is refused (nothing written); --force replaces the name, never the link's target."""
    out = tmp_path / "cases.csv"
    made = hotline(db_url, "--format", "csv", "--out", str(out), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600

    planted = tmp_path / "planted.csv"
    planted.write_text("someone else's file\n")
    planted.chmod(0o666)
    refused = hotline(db_url, "--format", "csv", "--out", str(planted), cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.decode().strip() == (
        f"{planted} exists already (a file or a link): choose another name, or give --force to replace it."
    )
    assert planted.read_text() == "someone else's file\n"

    target = tmp_path / "target.txt"
    target.write_text("keep me\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert hotline(db_url, "--format", "csv", "--out", str(link), cwd=tmp_path).returncode == 2
    forced = hotline(db_url, "--format", "csv", "--out", str(link), "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert target.read_text() == "keep me\n"  # the link's target untouched
    assert not link.is_symlink() and stat.S_IMODE(link.stat().st_mode) == 0o600
    assert "PNH-000001" in link.read_text("utf-8-sig")


def test_the_database_and_its_folder_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "var"
    url = f"sqlite+aiosqlite:///{folder}/hotline.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(PYTHONPATH=str(ROOT), HOTLINE_DATABASE_URL=url)
    done = subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], env=env, cwd=tmp_path,
                          capture_output=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in ("hotline.db", "hotline.key"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
