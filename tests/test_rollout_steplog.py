"""The step log (`launcher.steplog`) and the group commits of the output store."""

from __future__ import annotations

import contextlib
import gzip
import json
import math
import pickle
from pathlib import Path
from typing import Any

import gymnasium as gym
import pytest

from webtwin.envs.cli import main
from webtwin.envs.launcher import store as run_store
from webtwin.envs.launcher.runner import EpisodeOutcome
from webtwin.envs.launcher.steplog import CARRIED, StepLog, compress, parse_steps
from webtwin.envs.launcher.store import (
    CommitQueue,
    RunStore,
    RunStoreError,
    read_episodes,
    read_steps,
    steps_bytes,
)

ENV = "webtwin/mail-text-v0"


def observation(url: str, page: str, error: str = "") -> dict[str, Any]:
    return {"url": url, "page": page, "last_action_error": error, "goal": "g"}


# -- the format ----------------------------------------------------------------------------
def test_unchanged_fields_are_left_out_and_read_back() -> None:
    steps = [(None, None, observation("u/1", "Inbox", ""), "s/0000.png"),
             ("noop()", 0.0, observation("u/1", "Inbox", ""), "s/0000.png"),
             ("click('9')", 0.0, observation("u/1", "Inbox", "no element 9"), "s/0000.png"),
             ("click('9')", 0.0, observation("u/1", "Inbox", "no element 9"), "s/0000.png"),
             ("click('2')", 1.0, observation("u/2", "Mail \"2\" ünï 😀", ""), "s/0004.png")]
    log = StepLog()
    for step, (action, reward, obs, shot) in enumerate(steps):
        log.add(step, obs, action, reward, shot)
    lines = gzip.decompress(log.compress()).decode().splitlines()
    assert json.loads(lines[1]) == {"step": 1, "action": "noop()", "reward": 0.0}
    assert json.loads(lines[3]) == {"step": 3, "action": "click('9')", "reward": 0.0}
    assert set(json.loads(lines[2])) == {"step", "action", "reward", "last_action_error"}
    assert set(json.loads(lines[0])) == {"step", *CARRIED}
    read = parse_steps(log.compress())
    assert [entry["step"] for entry in read] == list(range(len(steps)))
    for entry, (action, reward, obs, shot) in zip(read, steps, strict=True):
        assert entry.get("action") == action and entry.get("reward") == reward
        assert entry["screenshot"] == shot
        assert {name: entry[name] for name in ("url", "page", "last_action_error")} == \
            {name: obs[name] for name in ("url", "page", "last_action_error")}


@pytest.mark.parametrize("reward", [0.0, -1.5, 1e-300, 1e300, math.inf, -math.inf, None])
def test_lines_are_what_json_dumps_writes(reward: float | None) -> None:
    log = StepLog("mail|7|é \"x\"|0")
    log.add(0, observation("http://x/é", "a\n\"b\"\t\\ \u2028 😀"))
    log.add(1, observation("http://x/é", "c"), "fill('3', \"ä\")", reward)
    expected = [{"episode": "mail|7|é \"x\"|0", "step": 0, "url": "http://x/é",
                 "last_action_error": "",
                 "page": "a\n\"b\"\t\\ \u2028 😀"},
                {"step": 1, "action": "fill('3', \"ä\")", "reward": reward, "page": "c"}]
    assert log.lines() == [json.dumps(entry, ensure_ascii=False) for entry in expected]


def test_a_repeated_action_and_reward_are_written_as_json_does() -> None:
    """Lines reuse the text of the step before's action and reward only for the same
    objects: equal values with another text (-0.0 and 0.0, 1 and 1.0) are written anew."""
    log = StepLog()
    log.add(0, observation("u", "p"))
    rewards: list[Any] = [0.0, 0.0, -0.0, 0.0, 1, 1.0, 1.0, math.nan]
    for step, reward in enumerate(rewards, 1):
        log.add(step, observation("u", "p"), "noop()", reward)
    assert log.lines()[1:] == [json.dumps({"step": step, "action": "noop()", "reward": reward})
                               for step, reward in enumerate(rewards, 1)]
    assert log.text() == ("\n".join(log.lines()) + "\n").encode() and StepLog().text() == b""


def test_nan_reward_is_written_as_json_does() -> None:
    log = StepLog()
    log.add(0, observation("u", "p"))
    log.add(1, observation("u", "p"), "noop()", math.nan)
    assert log.lines()[1] == '{"step": 1, "action": "noop()", "reward": NaN}'


def test_a_rollout_s_step_log_reads_back_as_the_env_s_observations(tmp_path: Path) -> None:
    """Replaying an episode's actions in a fresh env gives the observations `read_steps`
    restores, including those of steps that were written as back-references."""
    assert main(["rollout", "--env", ENV, "--num-envs", "1", "--max-steps", "12", "--policy",
                 "rollout_policies:RandomAndNoop", "--episodes", "1", "--out", str(tmp_path)]) == 0
    record = json.loads((tmp_path / "episodes.jsonl").read_text())
    read = read_steps(tmp_path, record)
    env = gym.make(ENV, max_episode_steps=12)
    observations = [env.reset(seed=record["seed"])[0]]
    observations += [env.step(action)[0] for action in record["actions"]]
    env.close()
    assert len(read) == len(observations) == record["steps"] + 1
    for entry, obs in zip(read, observations, strict=True):
        assert (entry["url"], entry["last_action_error"], entry["page"]) == \
            (obs["url"], obs["last_action_error"], obs["page"])
    lines = gzip.decompress(steps_bytes(tmp_path, record)).decode()
    kept = [set(json.loads(line)) for line in lines.splitlines()]
    assert {"step", "action", "reward"} in kept  # a step that changed nothing
    assert any("page" in keys for keys in kept[1:])  # and one that did


# -- group commits -------------------------------------------------------------------------
def outcome(index: int, page: str = "") -> EpisodeOutcome:
    log = StepLog(f"e{index}")
    log.add(0, observation("u", page or f"page {index}"))
    record = {"id": f"e{index}", "index": index, "success": False, "steps": 0}
    return EpisodeOutcome(record, log.text())


def test_groups_commit_in_the_order_put_with_their_step_logs(tmp_path: Path) -> None:
    store = RunStore(tmp_path, {"p": 1})
    commits = CommitQueue(store, depth=3, group=2, linger=60.0)
    for index in range(7):  # the last group is short: closing commits it without waiting
        commits.put(outcome(index))
    commits.close()
    store.close()
    records = [json.loads(line) for line in (tmp_path / "episodes.jsonl").read_text().splitlines()]
    assert [record["id"] for record in records] == [f"e{i}" for i in range(7)]
    for index, record in enumerate(records):
        assert read_steps(tmp_path, record)[0]["page"] == f"page {index}"
    # one part, the step logs back to back in commit order: `zcat` reads them all
    assert {record["steps_file"] for record in records} == {"steps/part-0000.jsonl.gz"}
    part = (tmp_path / "steps" / "part-0000.jsonl.gz").read_bytes()
    assert part == b"".join(outcome(index).steps_gz for index in range(7))
    episodes = [json.loads(line).get("episode") for line in gzip.decompress(part).splitlines()]
    assert episodes == [f"e{i}" for i in range(7)]
    assert not list(tmp_path.rglob("*.tmp"))


def committed(out: Path, indexes: range, resume: bool = False) -> dict[str, dict[str, Any]]:
    """Commit `outcome(i)` for each index in a store at `out`; returns every record."""
    store = RunStore(out, {"p": 1}, resume=resume)
    for index in indexes:
        store.commit(outcome(index))
    store.close()
    return read_episodes(out / "episodes.jsonl")


def test_a_resumed_run_cuts_what_a_crash_left_in_its_parts_and_starts_a_new_one(
        tmp_path: Path) -> None:
    committed(tmp_path, range(3))
    part = tmp_path / "steps" / "part-0000.jsonl.gz"
    size = part.stat().st_size
    with part.open("ab") as handle:  # a crash after a step log was written, before its record
        handle.write(outcome(3).steps_gz[:-5])
    orphan = tmp_path / "steps" / "part-0001.jsonl.gz"  # a part whose episodes never committed
    orphan.write_bytes(outcome(4).steps_gz)
    records = committed(tmp_path, range(3, 6), resume=True)
    assert part.stat().st_size == size
    assert [records[f"e{i}"]["steps_file"] for i in range(6)] == \
        ["steps/part-0000.jsonl.gz"] * 3 + ["steps/part-0001.jsonl.gz"] * 3
    assert orphan.read_bytes() == b"".join(outcome(i).steps_gz for i in range(3, 6))
    for index in range(6):
        assert read_steps(tmp_path, records[f"e{index}"])[0]["page"] == f"page {index}"


def test_a_part_shorter_than_its_records_is_an_error(tmp_path: Path) -> None:
    committed(tmp_path, range(2))
    part = tmp_path / "steps" / "part-0000.jsonl.gz"
    part.write_bytes(part.read_bytes()[:-1])
    with pytest.raises(RunStoreError, match="changed outside the launcher"):
        RunStore(tmp_path, {"p": 1}, resume=True)


def test_a_full_part_is_followed_by_a_new_one(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_store, "PART_BYTES", 2 * len(outcome(0).steps_gz))
    records = committed(tmp_path, range(5))
    assert [records[f"e{i}"]["steps_file"][-13:] for i in range(5)] == \
        ["0000.jsonl.gz"] * 2 + ["0001.jsonl.gz"] * 2 + ["0002.jsonl.gz"]
    assert [records[f"e{i}"]["steps_offset"] for i in range(5)] == \
        [0, len(outcome(0).steps_gz), 0, len(outcome(2).steps_gz), 0]
    for index in range(5):
        assert read_steps(tmp_path, records[f"e{index}"])[0]["page"] == f"page {index}"


def test_a_step_log_from_before_parts_is_read_from_its_own_file(tmp_path: Path) -> None:
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "e1.jsonl.gz").write_bytes(outcome(1).steps_gz)
    record = {"id": "e1", "steps_file": "steps/e1.jsonl.gz"}
    assert read_steps(tmp_path, record)[0]["page"] == "page 1"


def test_an_outcome_is_compressed_once_and_crosses_processes_compressed() -> None:
    sent = outcome(3, page="Inbox (3)\n" * 5000)
    assert sent.steps_gz == compress(sent.steps_text) and sent.steps_gz is sent.steps_gz
    message = pickle.dumps(sent)
    assert len(message) < len(sent.steps_text) / 10  # the text itself stays behind
    received = pickle.loads(message)
    assert received.steps_gz == sent.steps_gz and received.record == sent.record


class FailingStore:
    """A store whose second group fails to commit."""

    def __init__(self) -> None:
        self.groups: list[list[str]] = []

    def commit_many(self, outcomes: list[EpisodeOutcome]) -> None:
        self.groups.append([o.episode_id for o in outcomes])
        if len(self.groups) == 2:
            raise OSError("disk full")


def test_a_failed_commit_is_raised_and_nothing_after_it_is_committed() -> None:
    store = FailingStore()
    commits = CommitQueue(store, depth=2, group=1, linger=0.0)  # type: ignore[arg-type]
    for index in range(6):
        with contextlib.suppress(OSError):  # once the failure is known, `put` raises it
            commits.put(outcome(index))
    with pytest.raises(OSError, match="disk full"):
        commits.close()
    assert store.groups == [["e0"], ["e1"]]  # what waited behind the failure was dropped


def test_group_must_fit_in_depth(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="group"):
        CommitQueue(FailingStore(), depth=2, group=3)  # type: ignore[arg-type]
