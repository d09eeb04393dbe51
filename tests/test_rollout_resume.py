"""A rollout killed mid-way (SIGKILL) and resumed: every episode exactly once, none lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rollout_policies import GATE_ENV

from webtwin.envs.cli import main
from webtwin.envs.rollout import plan_episodes

ENV, EPISODES = "webtwin/mail-text-v0", 8
TESTS = Path(__file__).resolve().parent


def command(out: Path) -> list[str]:
    return ["rollout", "--env", ENV, "--episodes", str(EPISODES), "--num-envs", "2",
            "--max-steps", "30", "--policy", "rollout_policies:GatedOracle", "--out", str(out)]


def lines(path: Path) -> list[bytes]:
    """The complete lines of a file another process may be appending to."""
    data = path.read_bytes() if path.exists() else b""
    return data[: data.rfind(b"\n") + 1].splitlines()


def start_and_kill(out: Path) -> list[bytes]:
    """Run in a subprocess (its own session, so its workers die with it) and SIGKILL it once
    two episodes are written; the gated policy holds later episodes in flight till then."""
    env = {**os.environ, GATE_ENV: str(out.parent / "gate-never-opened"),
           "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen([sys.executable, "-m", "webtwin.envs.cli", *command(out)],
                               env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while len(lines(out / "episodes.jsonl")) < 2:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "no episode written in 120 s"
            time.sleep(0.05)  # polling a file another process writes
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        if process.stderr:
            process.stderr.close()
    return lines(out / "episodes.jsonl")


def test_killed_run_resumes_without_loss_or_repeats(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "run"
    before = start_and_kill(out)
    assert 2 <= len(before) < EPISODES
    monkeypatch.delenv(GATE_ENV, raising=False)
    assert main([*command(out), "--resume"]) == 0
    after = lines(out / "episodes.jsonl")
    assert after[: len(before)] == before            # nothing finished was rewritten or lost
    ids = [json.loads(line)["id"] for line in after]
    assert len(ids) == len(set(ids)) == EPISODES
    assert sorted(ids) == sorted(spec.episode_id for spec in plan_episodes([ENV], EPISODES))
    records = [json.loads(line) for line in after]
    assert all(record["reward"] == 1.0 for record in records)
    assert all((out / record["steps_file"]).exists() for record in records)
    assert json.loads((out / "summary.json").read_text())["all"]["episodes"] == EPISODES
