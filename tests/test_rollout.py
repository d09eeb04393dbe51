"""The rollout launcher: the plan, pass^k, the CLI, the output directory and resume."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from webtwin.envs.cli import main
from webtwin.envs.launcher.store import PER_RUN_FIELDS, read_episodes, read_steps, steps_bytes
from webtwin.envs.launcher.summary import mean_pass_hat_k, pass_hat_k, summarise
from webtwin.envs.rollout import plan_episodes

ENV = "webtwin/mail-text-v0"


def rollout(out: Path, *extra: str) -> int:
    """`webtwin rollout` in this process (one env, so no worker start-up)."""
    return main(["rollout", "--env", ENV, "--num-envs", "1", "--max-steps", "30",
                 "--out", str(out), *extra])


def episodes(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "episodes.jsonl").read_text().splitlines()]


def comparable(record: dict[str, Any]) -> dict[str, Any]:
    """A record without its wall-clock durations and its step log's place."""
    return {key: value for key, value in record.items() if key not in PER_RUN_FIELDS}


# -- the plan ------------------------------------------------------------------------------
def test_plan_is_deterministic_and_spread_over_envs() -> None:
    first = plan_episodes(["a", "b"], 6, seed=3, split="val")
    assert first == plan_episodes(["a", "b"], 6, seed=3, split="val")
    assert [spec.env_id for spec in first] == ["a", "b"] * 3
    assert [spec.seed for spec in first] == list(range(100_003, 100_009))
    assert len({spec.episode_id for spec in first}) == 6
    assert first[0].episode_id == "a|100003|drawn|0"


def test_plan_repeats_each_instance_k_times_and_extends_as_a_prefix() -> None:
    plan = plan_episodes(["a", "b"], 8, seed=0, task="mail/star_thread", k=2)
    assert [(s.env_id, s.seed, s.repeat) for s in plan[:4]] == [
        ("a", 0, 0), ("a", 0, 1), ("b", 1, 0), ("b", 1, 1)]
    assert plan[1].episode_id == "a|0|mail/star_thread|1"
    assert plan[0].instance_key == plan[1].instance_key != plan[2].instance_key
    assert plan_episodes(["a", "b"], 12, seed=0, task="mail/star_thread", k=2)[:8] == plan
    with pytest.raises(ValueError, match="multiple of --k"):
        plan_episodes(["a"], 5, k=2)


# -- pass^k --------------------------------------------------------------------------------
def test_pass_hat_k_by_hand() -> None:
    assert pass_hat_k(4, 4, 4) == 1.0
    assert pass_hat_k(4, 3, 1) == 0.75
    assert pass_hat_k(4, 3, 2) == 0.5          # C(3,2)/C(4,2) = 3/6
    assert pass_hat_k(4, 3, 3) == 0.25         # C(3,3)/C(4,3) = 1/4
    assert pass_hat_k(4, 3, 4) == 0.0
    assert pass_hat_k(2, 1, 2) == 0.0
    assert pass_hat_k(5, 2, 2) == pytest.approx(0.1)   # 1/10
    with pytest.raises(ValueError):
        pass_hat_k(2, 3, 1)
    # two tasks: (n=2, c=2) and (n=2, c=1): pass^1 = (1 + 0.5)/2, pass^2 = (1 + 0)/2
    trials = [[True, True], [True, False]]
    assert mean_pass_hat_k(trials, 1) == 0.75
    assert mean_pass_hat_k(trials, 2) == 0.5
    assert mean_pass_hat_k(trials, 3) is None


def test_summary_groups_by_env_and_family_with_pass_hat_k() -> None:
    def record(instance: str, task: str, success: bool) -> dict[str, Any]:
        return {"env_id": "e", "task_id": task, "instance": instance, "success": success,
                "steps": 4}

    records = [record("e|1|drawn", "t/a", True), record("e|1|drawn", "t/a", True),
               record("e|2|drawn", "t/a", True), record("e|2|drawn", "t/a", False),
               record("e|3|drawn", "t/b", False), record("e|3|drawn", "t/b", False)]
    summary = summarise(records, k=2)
    rows = {row["task"]: row for row in summary["rows"]}
    assert rows["t/a"]["success"] == 0.75 and rows["t/a"]["instances"] == 2
    assert rows["t/a"]["pass_hat"] == {"1": 0.75, "2": 0.5}
    assert rows["t/b"]["pass_hat"] == {"1": 0.0, "2": 0.0}
    assert summary["all"]["pass_hat"]["2"] == pytest.approx(1 / 3)
    assert summary["all"]["mean_steps"] == 4


# -- the CLI ------------------------------------------------------------------------------
def test_oracle_scores_one_and_noop_zero_through_the_cli(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    assert rollout(tmp_path / "o", "--policy", "oracle", "--episodes", "4", "--k", "2") == 0
    table = capsys.readouterr().out
    assert "policy: oracle" in table and "pass^2" in table
    assert rollout(tmp_path / "n", "--policy", "noop", "--episodes", "4", "--k", "2") == 0
    oracle, noop = episodes(tmp_path / "o"), episodes(tmp_path / "n")
    assert [r["reward"] for r in oracle] == [1.0] * 4
    assert [r["reward"] for r in noop] == [0.0] * 4
    assert [r["id"] for r in oracle] == [r["id"] for r in noop]
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["all"]["success"] == 1.0 and summary["all"]["pass_hat"]["2"] == 1.0
    assert json.loads((tmp_path / "n" / "summary.json").read_text())["all"]["success"] == 0.0


def test_same_command_same_results_and_step_logs(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert rollout(tmp_path / name, "--policy", "random", "--episodes", "2") == 0
    first, second = episodes(tmp_path / "a"), episodes(tmp_path / "b")
    assert [comparable(r) for r in first] == [comparable(r) for r in second]
    assert set(first[0]) >= {"id", "env_id", "seed", "task_id", "instruction", "actions",
                             "rewards", "verdict", "steps", "durations", *PER_RUN_FIELDS}
    for record, again in zip(first, second, strict=True):
        assert steps_bytes(tmp_path / "a", record) == steps_bytes(tmp_path / "b", again)
        lines = read_steps(tmp_path / "a", record)
        assert lines[0]["episode"] == record["id"]
        assert [line["step"] for line in lines] == list(range(record["steps"] + 1))
        assert [line.get("action") for line in lines[1:]] == record["actions"]
        assert [line["last_action_error"] for line in lines[1:]] == record["errors"]
        assert all(line["page"] and line["url"] for line in lines)
    assert (tmp_path / "a" / "summary.json").read_text() == \
        (tmp_path / "b" / "summary.json").read_text()


def test_callable_and_class_policies(tmp_path: Path) -> None:
    assert rollout(tmp_path / "f", "--policy", "rollout_policies:stop_at_once",
                   "--episodes", "1") == 0
    assert rollout(tmp_path / "c", "--policy", "rollout_policies:OracleObject",
                   "--episodes", "2") == 0
    assert rollout(tmp_path / "a", "--policy", "rollout_policies:ActOnly",
                   "--episodes", "1") == 0
    assert [r["reward"] for r in episodes(tmp_path / "f")] == [0.0]
    assert [r["reward"] for r in episodes(tmp_path / "c")] == [1.0, 1.0]
    assert episodes(tmp_path / "a")[0]["actions"] == ["click('nav-inbox')", "stop()"]


def test_bad_policy_and_episode_count_are_clear_errors(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    assert rollout(tmp_path / "x", "--policy", "no_such_module:act", "--episodes", "1") == 2
    assert "cannot load policy" in capsys.readouterr().err
    assert rollout(tmp_path / "y", "--episodes", "3", "--k", "2") == 2
    assert "multiple of --k" in capsys.readouterr().err


# -- the output directory and resume ------------------------------------------------------
def test_refuses_a_used_directory_unless_resume_or_overwrite(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert rollout(tmp_path, "--policy", "noop", "--episodes", "2") == 0
    assert rollout(tmp_path, "--policy", "noop", "--episodes", "2") == 2
    assert "--resume" in capsys.readouterr().err
    assert rollout(tmp_path, "--policy", "oracle", "--episodes", "2", "--resume") == 2
    assert "different parameters" in capsys.readouterr().err
    assert rollout(tmp_path, "--policy", "oracle", "--episodes", "2", "--overwrite") == 0
    assert [r["reward"] for r in episodes(tmp_path)] == [1.0, 1.0]


def test_resume_drops_a_torn_line_and_runs_only_what_is_missing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert rollout(tmp_path, "--policy", "oracle", "--episodes", "2") == 0
    kept = (tmp_path / "episodes.jsonl").read_bytes()
    with (tmp_path / "episodes.jsonl").open("ab") as log:
        log.write(kept.splitlines(keepends=True)[0][:57])   # a crash in mid-write
    capsys.readouterr()
    assert rollout(tmp_path, "--policy", "oracle", "--episodes", "4", "--resume") == 0
    assert "2 episodes run (2 already done)" in capsys.readouterr().out
    data = (tmp_path / "episodes.jsonl").read_bytes()
    assert data.startswith(kept)
    ids = [r["id"] for r in episodes(tmp_path)]
    assert sorted(ids) == sorted(s.episode_id for s in plan_episodes([ENV], 4))
    assert rollout(tmp_path, "--policy", "oracle", "--episodes", "4", "--resume") == 0
    assert "0 episodes run (4 already done)" in capsys.readouterr().out
    assert len(read_episodes(tmp_path / "episodes.jsonl")) == 4


def test_progress_prints_lines_when_not_a_terminal() -> None:
    import io

    from webtwin.envs.launcher.progress import Progress

    stream = io.StringIO()
    bar = Progress(10, already=2, already_successes=2, stream=stream, every=4)
    for success in (True, False, True, True, False, True, True, True):
        bar.update(success, steps=5)
    bar.close()
    printed = stream.getvalue().splitlines()
    assert len(printed) == 2 and printed[-1].startswith("rollout 10/10 episodes  success 0.80")
    assert "steps/s" in printed[0] and "ETA" in printed[0]


def test_live_progress_redraws_at_most_every_redraw_seconds_and_ends_on_the_last_counts(
        ) -> None:
    import io

    from webtwin.envs.launcher.progress import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    now = [0.0]
    stream = Terminal()
    bar = Progress(1000, stream=stream, redraw=0.125, clock=lambda: now[0])
    for episode in range(300):  # 100 episodes at each of 0, 0.125 and 0.25 s
        now[0] = episode // 100 * 0.125
        bar.update(success=episode % 2 == 0, steps=3)
    assert stream.getvalue().count("\r") == 3  # the first episode of each 0.125 s
    assert "] 201/1000 episodes" in stream.getvalue().rsplit("\r", 1)[1]
    bar.close()  # the bar was behind: the last counts are drawn before the line ends
    assert stream.getvalue().count("\r") == 4 and stream.getvalue().endswith("\n")
    assert "300/1000 episodes  success 0.50  3600 steps/s" in stream.getvalue().rsplit("\r")[-1]

    stream = Terminal()
    bar = Progress(2, stream=stream, redraw=60.0, clock=lambda: now[0])
    bar.update(True, 1)
    bar.update(True, 1)  # the last episode is always drawn
    bar.close()  # and not again
    assert stream.getvalue().count("\r") == 2 and " 2/2 episodes" in stream.getvalue()


def test_tasks_command_lists_each_family_with_an_instruction(
        capsys: pytest.CaptureFixture[str]) -> None:
    import webtwin.envs

    assert main(["tasks", "--env", "workday"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == webtwin.envs.list_tasks("workday")
    assert all(row.count('"') >= 2 for row in rows)
