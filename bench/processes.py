"""Running a bot as its own process for a benchmark, and reading its peak memory."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bot_env(settings: Mapping[str, str]) -> dict[str, str]:
    """This environment without any HOTLINE_ setting of its own, plus `settings`. No daily report
    unless asked for: its picture in the officer group is not what these runs count."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env["PYTHONPATH"] = str(ROOT)
    env["HOTLINE_SITREP_TIME"] = ""
    env.update(settings)
    return env


@contextlib.asynccontextmanager
async def process(
    args: Sequence[str], env: Mapping[str, str], log: Path, profile: Path | None = None
) -> AsyncIterator[subprocess.Popen[bytes]]:
    """`python <args>` (under cProfile writing to `profile` if given); stopped with SIGTERM at the end."""
    command = [sys.executable, *(["-m", "cProfile", "-o", str(profile)] if profile else []), *args]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, env=dict(env), cwd=ROOT, stdout=out, stderr=out)  # noqa: ASYNC220
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.terminate()  # a graceful stop: it needs the emulator, which runs in this loop
            try:
                await asyncio.to_thread(proc.wait, 60)
            except subprocess.TimeoutExpired:
                proc.kill()
                await asyncio.to_thread(proc.wait, 10)


def peak_memory_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB; NaN where /proc cannot tell."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return float("nan")
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used so far, in seconds; NaN where /proc cannot tell."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
