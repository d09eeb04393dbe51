"""The rollout launcher: worker processes, deterministic episodes, results on disk."""

from __future__ import annotations

import json
from pathlib import Path

from webtwin.envs.cli import main
from webtwin.envs.rollout import plan_episodes, run_rollout, summarise


def test_plan_is_deterministic_and_spread_over_envs() -> None:
    first = plan_episodes(["a", "b"], 6, seed=3, split="val")
    assert first == plan_episodes(["a", "b"], 6, seed=3, split="val")
    assert [spec.env_id for spec in first] == ["a", "b"] * 3
    assert all(100_000 <= spec.seed < 110_000 for spec in first)


def test_oracle_and_noop_rollouts_in_two_processes(tmp_path: Path) -> None:
    specs = plan_episodes(["webtwin/mail-text-v0"], 4, seed=0)
    oracle = run_rollout(specs, "oracle", num_workers=2, max_steps=60, out=tmp_path / "o")
    noop = run_rollout(specs, "noop", num_workers=2, max_steps=60, out=tmp_path / "n")
    assert [r.reward for r in oracle] == [1.0] * 4
    assert [r.reward for r in noop] == [0.0] * 4
    assert [r.task_id for r in oracle] == [r.task_id for r in noop]
    lines = (tmp_path / "o" / "episodes.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["index"] for line in lines) == [0, 1, 2, 3]
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary == summarise(oracle)


def test_cli_prints_a_results_table(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["rollout", "--episodes", "2", "--num-envs", "1", "--policy", "noop",
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "policy: noop" in out and "mail/" in out
