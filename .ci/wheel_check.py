"""The wheel as an operator installs it (`pip install hotline-….whl` in a clean virtual environment,
no repository around it): the bot starts, and a citizen's /start is answered in both languages from
the catalogues inside the package. Run with the clean environment's Python, the wheel installed:

    python .ci/wheel_check.py

It starts `hotline emulator` and `hotline run` from that environment in an empty folder, and talks to
the emulator's control API (standard library only: this environment has no test tools)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PORT = 18481
TOKEN = "123456789:hotline-emulator-token-000000000000"
BASE = f"http://127.0.0.1:{PORT}"


def call(path: str, body: dict[str, object] | None = None) -> object:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())["result"]


def wait_for(what: str, check: object, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():  # type: ignore[operator]
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"wheel check: {what} did not happen within {seconds:.0f} s")


def main() -> int:
    hotline = shutil.which("hotline", path=str(Path(sys.executable).parent))
    if hotline is None:
        raise SystemExit("wheel check: no `hotline` command beside this Python: install the wheel first")
    folder = Path(tempfile.mkdtemp(prefix="hotline-wheel-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOTLINE_", "PYTHONPATH"))}
    env.update(HOTLINE_BOT_TOKEN=TOKEN, HOTLINE_TELEGRAM_API=BASE,
               HOTLINE_DATABASE_URL=f"sqlite:///{folder}/var/hotline.db")  # fmt: skip
    emulator = subprocess.Popen([hotline, "emulator", "--port", str(PORT)], cwd=folder, env=env)
    bot = None
    try:
        wait_for("the emulator", lambda: call("/_emulator/stats") is not None, 30)
        bot = subprocess.Popen([hotline, "run"], cwd=folder, env=env)
        wait_for("the bot's start (its command menu set)", lambda: bool(call("/_emulator/stats")["commands"]))  # type: ignore[index]
        for user, lang, expected in ((501, "id", "Apakah Anda setuju untuk lanjut?"),
                                     (502, "en", "Do you agree to continue?")):  # fmt: skip
            call("/_emulator/send", {"user": {"id": user, "first_name": "Siti", "language_code": lang},
                                     "command": "start"})  # fmt: skip

            def answered(user: int = user, expected: str = expected) -> bool:
                entries = call(f"/_emulator/transcript?chat_id={user}")
                return any(expected in (e.get("text") or "") for e in entries)  # type: ignore[union-attr]

            wait_for(f"the welcome in {lang}", answered)
            if bot.poll() is not None:
                raise SystemExit(f"wheel check: the bot stopped ({bot.returncode})")
        print("wheel check: the installed bot answers /start in Indonesian and English")
        return 0
    finally:
        for process in (bot, emulator):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(20)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
