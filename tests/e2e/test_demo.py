"""`hotline demo` driven through a pseudo-terminal, as a new user would: a whole report, in Indonesian."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOG_LINE = re.compile(r"\b(DEBUG|INFO|WARNING|ERROR|CRITICAL)\b|Traceback")


class Terminal:
    def __init__(self, args: list[str], cwd: Path) -> None:
        self.master, slave = pty.openpty()
        env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
        env["PYTHONPATH"] = str(ROOT)
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env)
        os.close(slave)
        self.screen = ""  # what showed since the last match
        self.everything = ""  # what showed since the start

    def expect(self, pattern: str, timeout: float = 20.0) -> str:
        """Read until the screen (since the last match) shows this pattern."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.screen)
            if found:
                seen, self.screen = self.screen[: found.end()], self.screen[found.end() :]
                return seen
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    text = os.read(self.master, 65536).decode("utf-8", "replace")
                    self.screen += text
                    self.everything += text
                except OSError:
                    break
        raise AssertionError(f"{pattern!r} never showed; the screen has:\n{self.screen}")

    def type(self, line: str) -> None:
        os.write(self.master, (line + "\n").encode())

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        os.close(self.master)


def button(screen: str, label: str) -> str:
    """The number the demo shows for the newest button with this label."""
    numbers = re.findall(r"\[(\d+)\] " + re.escape(label), screen)
    assert numbers, f"no button {label!r} on the screen:\n{screen}"
    return str(numbers[-1])


def test_a_new_user_completes_a_report_in_the_demo(tmp_path: Path) -> None:
    term = Terminal([sys.executable, "-m", "bot", "demo", "--database", str(tmp_path / "demo.db")], tmp_path)
    try:
        # start-up imports the framework: aiogram alone takes 6 s on a quiet 2-CPU machine, and over
        # 20 s with the rest of the suite running beside it (CI once stopped here)
        term.expect("/quit", timeout=90)
        term.type("halo")
        term.expect(r"\[3\] 🆘")
        term.type("1")  # Saya setuju
        term.expect(r"\[1\] Ya, aman")
        term.type("1")
        term.expect("Atau pilih kota")
        term.type("/location 11.5564 104.9282")
        term.expect(r"\[5\] Saya belum pernah punya")
        term.type("1")  # the passport is with me
        term.expect("nomor paspor")
        term.type("A1234567")
        term.expect(r"Saya butuh dokter")
        term.type("1")  # safe, can leave on their own (answers at once)
        term.expect("nama lengkap")
        term.type("Siti Aminah")
        term.expect("tanggal lahir")
        term.type("17 Agustus 1995")
        term.expect(r"NIK")
        term.expect(r"\[1\] Lewati")
        term.type("1")  # skip the NIK
        provinces = term.expect(r"\[9\] Lewati")
        term.type(button(provinces, "Jawa Timur"))
        term.expect("HP/WA")
        term.type("/contact")
        term.expect("keluarga")
        term.expect(r"\[1\] Lewati")
        term.type("1")
        term.expect(r"\[7\] Lewati")
        term.type("'12")  # typed, not a button
        term.expect("Ada hal lain")
        term.expect(r"\[1\] Lewati")
        term.type("1")
        summary = term.expect(r"\[3\] ✖️ Batal")
        assert "Siti Aminah" in summary and "Jawa Timur" in summary and "12" in summary
        term.type("1")  # send
        sent = term.expect(r"PNH-\d{6}")
        assert "PNH-000001" in sent
        term.type("/quit")
        assert term.proc.wait(30) == 0
        assert "the bot's log goes to" in term.everything
        assert not LOG_LINE.search(term.everything), term.everything  # the key file's warning, say
        assert "INFO" in (tmp_path / "demo.log").read_text()
    finally:
        term.close()
