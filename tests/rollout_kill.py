"""Killing a rollout mid-way, for the resume tests; not a test module."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from rollout_policies import GATE_ENV

__all__ = ["complete_lines", "start_and_kill"]

TESTS = Path(__file__).resolve().parent


def complete_lines(path: Path) -> list[bytes]:
    """The complete lines of a file another process may be appending to."""
    data = path.read_bytes() if path.exists() else b""
    return data[: data.rfind(b"\n") + 1].splitlines()


def start_and_kill(out: Path, arguments: list[str]) -> list[bytes]:
    """Run `webtwin <arguments>` in a subprocess (its own session, so its workers die with
    it) and SIGKILL it once two episodes are written; a gated policy (`rollout_policies`)
    holds later episodes in flight till then. Returns the records written."""
    env = {**os.environ, GATE_ENV: str(out.parent / "gate-never-opened"),
           "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen([sys.executable, "-m", "webtwin.envs.cli", *arguments],
                               env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while len(complete_lines(out / "episodes.jsonl")) < 2:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "no episode written in 120 s"
            time.sleep(0.05)  # polling a file another process writes
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        if process.stderr:
            process.stderr.close()
    return complete_lines(out / "episodes.jsonl")
