"""`webtwin rollout` over browser envs: screenshots as PNG files committed with their episode,
concurrent contexts giving the same episodes as one at a time, resume after a kill."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rollout_kill import complete_lines, start_and_kill
from rollout_policies import GATE_ENV

from webtwin.envs.cli import main
from webtwin.envs.launcher.plan import safe_name
from webtwin.envs.launcher.store import PER_RUN_FIELDS, read_steps
from webtwin.envs.png import decode_png
from webtwin.envs.rollout import plan_episodes

pytestmark = pytest.mark.browser

ENVS = ["webtwin/mail-browser-v0", "webtwin/shop-browser-v0"]
EPISODES = 4


def command(out: Path, *extra: str) -> list[str]:
    envs = [arg for env_id in ENVS for arg in ("--env", env_id)]
    return ["rollout", *envs, "--episodes", str(EPISODES), "--num-envs", "1",
            "--max-steps", "30", "--out", str(out), *extra]


def stored(out: Path) -> list[dict[str, Any]]:
    """The records as `episodes.jsonl` holds them."""
    return [json.loads(line) for line in (out / "episodes.jsonl").read_text().splitlines()]


def records(out: Path) -> dict[str, dict[str, Any]]:
    """Records by id, without their wall-clock durations and step log places."""
    return {r["id"]: {k: v for k, v in r.items() if k not in PER_RUN_FIELDS} for r in stored(out)}


def step_lines(out: Path, record: dict[str, Any]) -> list[dict[str, Any]]:
    """The episode's steps, each with its full observation (unchanged fields filled in)."""
    return read_steps(out, record)


def pngs(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.png"))}


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The oracle over two browser sites, one episode at a time, in this process."""
    out = tmp_path_factory.mktemp("browser") / "first"
    assert main(command(out)) == 0
    return out


def test_oracle_succeeds_and_every_step_has_its_screenshot(first: Path) -> None:
    done = records(first)
    assert sorted(done) == sorted(s.episode_id for s in plan_episodes(ENVS, EPISODES))
    assert all(record["success"] for record in done.values())
    for record in stored(first):
        lines = step_lines(first, record)
        assert [line["step"] for line in lines] == list(range(record["steps"] + 1))
        folder = f"steps/{safe_name(record['id'])}"
        assert lines[0]["screenshot"] == f"{folder}/0000.png"
        for line in lines:
            assert line["screenshot"].startswith(folder + "/")
            image = decode_png((first / line["screenshot"]).read_bytes())
            assert image.shape == (720, 1280, 3)
    assert not list(first.rglob("*.tmp"))


def test_same_command_and_concurrent_contexts_give_the_same_episodes(
        first: Path, tmp_path: Path) -> None:
    assert main(command(tmp_path / "again")) == 0
    assert main(command(tmp_path / "contexts", "--contexts", "2")) == 0
    for out in (tmp_path / "again", tmp_path / "contexts"):
        assert records(out) == records(first)
        assert pngs(out) == pngs(first)


def test_contexts_are_for_browser_envs(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    assert main(["rollout", "--env", "webtwin/mail-text-v0", "--contexts", "2",
                 "--out", str(tmp_path)]) == 2
    assert "--contexts > 1 needs browser env ids" in capsys.readouterr().err


def test_killed_browser_run_resumes_with_every_episode_once(
        first: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "killed"
    before = start_and_kill(out, command(out, "--policy", "rollout_policies:GatedOracle"))
    assert 2 <= len(before) < EPISODES
    monkeypatch.delenv(GATE_ENV, raising=False)
    resumed = command(out, "--policy", "rollout_policies:GatedOracle", "--resume")
    assert main(resumed) == 0
    after = complete_lines(out / "episodes.jsonl")
    assert after[: len(before)] == before
    ids = [json.loads(line)["id"] for line in after]
    assert len(ids) == len(set(ids)) == EPISODES
    assert records(out) == records(first)
    assert pngs(out) == pngs(first)
