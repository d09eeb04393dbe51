"""A rollout killed mid-way (SIGKILL) and resumed: every episode exactly once, none lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rollout_kill import complete_lines, start_and_kill
from rollout_policies import GATE_ENV

from webtwin.envs.cli import main
from webtwin.envs.launcher.store import read_steps
from webtwin.envs.rollout import plan_episodes

ENV, EPISODES = "webtwin/mail-text-v0", 8


def command(out: Path) -> list[str]:
    return ["rollout", "--env", ENV, "--episodes", str(EPISODES), "--num-envs", "2",
            "--max-steps", "30", "--policy", "rollout_policies:GatedOracle", "--out", str(out)]


def test_killed_run_resumes_without_loss_or_repeats(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "run"
    before = start_and_kill(out, command(out))
    assert 2 <= len(before) < EPISODES
    monkeypatch.delenv(GATE_ENV, raising=False)
    assert main([*command(out), "--resume"]) == 0
    after = complete_lines(out / "episodes.jsonl")
    assert after[: len(before)] == before            # nothing finished was rewritten or lost
    ids = [json.loads(line)["id"] for line in after]
    assert len(ids) == len(set(ids)) == EPISODES
    assert sorted(ids) == sorted(spec.episode_id for spec in plan_episodes([ENV], EPISODES))
    records = [json.loads(line) for line in after]
    assert all(record["reward"] == 1.0 for record in records)
    for record in records:
        assert len(read_steps(out, record)) == record["steps"] + 1
    # the parts hold exactly the committed step logs: whatever the killed run wrote for an
    # episode it did not commit was cut off when the run resumed
    stored: dict[str, int] = {}
    for record in records:
        stored[record["steps_file"]] = stored.get(record["steps_file"], 0) + record["steps_length"]
    assert stored == {f"steps/{part.name}": part.stat().st_size
                      for part in (out / "steps").glob("part-*.jsonl.gz")}
    assert json.loads((out / "summary.json").read_text())["all"]["episodes"] == EPISODES
