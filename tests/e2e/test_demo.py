"""`hotline demo` driven through a pseudo-terminal, as a new user would: a whole report in Indonesian,
then the embassy's side of it (the officer answers, staff open a broadcast) and the chat hidden."""

from __future__ import annotations

import codecs
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
LOG_LINE = re.compile(r"\b(DEBUG|INFO|WARNING|ERROR|CRITICAL)\b|Traceback")


class Terminal:
    def __init__(self, args: list[str], cwd: Path) -> None:
        self.master, slave = pty.openpty()
        env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
        env["PYTHONPATH"] = str(ROOT)
        env["HOTLINE_CONSOLE_PORT"] = str(free_port())  # demos side by side (pytest -n) each get one
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env)
        os.close(slave)
        self.screen = ""  # what showed since the last match
        self.everything = ""  # what showed since the start
        self._utf8 = codecs.getincrementaldecoder("utf-8")("replace")  # a read may end inside a letter

    def expect(self, pattern: str, timeout: float = 20.0) -> str:
        """Read until the screen (since the last match) shows this pattern."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.screen)
            if found:
                seen, self.screen = self.screen[: found.end()], self.screen[found.end() :]
                return seen
            if not self._read(0.1):
                break
        raise AssertionError(f"{pattern!r} never showed; the screen has:\n{self.screen}")

    def quiet(self, seconds: float) -> str:
        """What shows in the next few seconds (nothing, on a screen at rest)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self._read(0.1):
            pass
        shown, self.screen = self.screen, ""
        return shown

    def _read(self, wait: float) -> bool:
        """Whatever the demo wrote within `wait` seconds; False once it has closed the terminal."""
        ready, _, _ = select.select([self.master], [], [], wait)
        if ready:
            try:
                text = self._utf8.decode(os.read(self.master, 65536))
            except OSError:
                return False
            self.screen += text
            self.everything += text
        return True

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


def start(tmp_path: Path, framework: str = "aiogram") -> Terminal:
    args = ["--framework", framework, "--database", str(tmp_path / "demo.db")]
    term = Terminal([sys.executable, "-m", "bot", "demo", *args], tmp_path)
    # start-up imports the framework: aiogram alone takes 6 s on a quiet 2-CPU machine, and over
    # 20 s with the rest of the suite running beside it (CI once stopped here)
    term.expect("you are now: the citizen", timeout=90)
    return term


def report(term: Terminal) -> None:
    """A whole report as the citizen, through to its reference."""
    term.type("halo")
    term.expect(r"\[4\] 🆘")
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
    term.expect("mau pulang ke Indonesia")  # the way home: going home, then a city
    term.type(button(term.expect(r"\[\d+\] Ya, saya mau pulang"), "Ya, saya mau pulang"))
    term.expect("kota atau kabupaten")
    term.type("Malang")
    for asked in ("bantuan kesehatan", "Dokumen mana", "perempuan atau laki-laki", "masih anak-anak"):
        term.expect(asked)
        term.type(button(term.expect(r"\[\d+\] Lewati"), "Lewati"))
    term.expect("Ada hal lain")
    term.expect(r"\[1\] Lewati")
    term.type("1")
    summary = term.expect(r"\[3\] ✖️ Batal")
    assert "Siti Aminah" in summary and "Jawa Timur" in summary and "12" in summary
    term.type("1")  # send
    sent = term.expect(r"PNH-\d{6}")
    assert "PNH-000001" in sent


def test_a_report_is_answered_by_the_officer_then_hidden_in_the_demo(tmp_path: Path) -> None:
    term = start(tmp_path)
    try:
        report(term)
        # the officer group gets two messages, the card and the location: each shows once, then quiet
        term.expect(r"\[officer group\] \[location: 11\.55640, 104\.92820\]")
        assert term.quiet(1.5).strip() == ""
        assert term.everything.count("P3 · PNH-000001") == 1
        assert "(the officer's buttons: ✋ Terima · 📥 Tangani · 📄 Rincian — /as officer" in term.everything

        term.type("/as officer")
        card = term.expect(r"you are now: the duty officer, in the officer group[\s\S]*?\[3\] 📄 Rincian", 10)
        term.type(button(card, "✋ Terima"))
        edited = term.expect(r"\[2\] 📄 Rincian")  # the card, edited: acknowledged, its buttons anew
        assert "✎" in edited and "Status: sudah diterima" in edited
        term.type(button(edited, "📥 Tangani"))
        term.expect(r"notice on the screen: .*PNH-000001")  # the case is the officer's
        term.type("> Kami menelepon Anda dalam satu jam.")
        term.expect(r"\[citizen's chat\] 🏛[\s\S]*?Kami menelepon Anda dalam satu jam\.")
        term.expect(r"👮 ✓ .*PNH-000001")  # the officer is told it went

        term.type("/as citizen")
        back = term.expect(r"you are now: the citizen[\s\S]*?Kami menelepon Anda dalam satu jam\.", 10)
        assert "🤖 🏛" in back  # now in the citizen's own chat

        term.type("/hide")
        offer = term.expect(r"\[2\] Biarkan saja")
        term.type(button(offer, "🗑 Hapus obrolan"))
        term.expect(r"🗑 the bot deleted \d+ messages from the citizen's chat")
        term.type("1")  # the offer's button: the offer is gone
        term.expect("that message was deleted")
        term.type("/quit")
        assert term.proc.wait(30) == 0
        assert not LOG_LINE.search(term.everything), term.everything  # the key file's warning, say
    finally:
        term.close()


@pytest.mark.parametrize("framework", ["aiogram", "ptb"])
def test_staff_open_the_broadcast_panel_in_the_demo(tmp_path: Path, framework: str) -> None:
    term = start(tmp_path, framework)
    try:
        term.type("/as staff")
        term.expect("you are now: a staff member of the embassy, in a private chat with the bot", 10)
        term.type("/broadcast")
        panel = term.expect(r"💼 📣[\s\S]*?✖️ Batal", 20)
        term.type(button(panel, "Bahasa"))
        languages = term.expect(r"💼 ✎ 📣[\s\S]*?\[2\] Inggris")  # the panel changes in place
        term.type(button(languages, "Bahasa Indonesia"))
        term.expect(r"Untuk: Bahasa: Bahasa Indonesia[\s\S]*?\[1\] ✓ Bahasa Indonesia")
        term.type("/quit")
        assert term.proc.wait(30) == 0
        assert "the bot's log goes to" in term.everything
        assert not LOG_LINE.search(term.everything), term.everything
        assert "INFO" in (tmp_path / "demo.log").read_text()  # the log went to its file
    finally:
        term.close()
