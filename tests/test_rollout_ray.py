"""`webtwin rollout --backend ray`: a local Ray instance runs the same episodes as the local
backend, and a worker that dies mid-run has its episodes retried elsewhere."""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rollout_policies import DIE_ENV

from webtwin.envs.cli import main
from webtwin.envs.launcher.store import PER_RUN_FIELDS, steps_bytes
from webtwin.envs.rollout import plan_episodes

ray = pytest.importorskip("ray")

ENV, EPISODES = "webtwin/mail-text-v0", 6


@pytest.fixture
def ray_tmp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Ray's session files in a short temporary directory (its socket paths must stay under
    the 107-byte Unix limit, which pytest's tmp_path can exceed); Ray stopped afterwards."""
    with tempfile.TemporaryDirectory(prefix="ray-") as directory:
        monkeypatch.setenv("RAY_TMPDIR", directory)
        try:
            yield Path(directory)
        finally:
            if ray.is_initialized():
                ray.shutdown()


def rollout(out: Path, *extra: str) -> int:
    return main(["rollout", "--env", ENV, "--episodes", str(EPISODES), "--num-envs", "2",
                 "--max-steps", "30", "--out", str(out), *extra])


def records(out: Path) -> list[dict[str, Any]]:
    """The records by plan order, without their wall-clock durations and step log places."""
    lines = (out / "episodes.jsonl").read_text().splitlines()
    found = [{key: value for key, value in json.loads(line).items()
              if key not in PER_RUN_FIELDS} for line in lines]
    return sorted(found, key=lambda record: record["index"])


def stored_steps(out: Path) -> dict[str, bytes]:
    """Each episode's step log as stored, by episode id."""
    lines = (out / "episodes.jsonl").read_text().splitlines()
    return {record["id"]: steps_bytes(out, record) for record in map(json.loads, lines)}


def test_ray_backend_matches_the_local_backend(tmp_path: Path, ray_tmp: Path) -> None:
    assert rollout(tmp_path / "ray", "--backend", "ray") == 0
    assert not ray.is_initialized()  # the backend started Ray, so it stopped it
    assert rollout(tmp_path / "local", "--num-envs", "1") == 0
    ray_records = records(tmp_path / "ray")
    assert [r["id"] for r in ray_records] == [
        spec.episode_id for spec in plan_episodes([ENV], EPISODES)]
    assert all(r["success"] for r in ray_records)
    assert ray_records == records(tmp_path / "local")
    assert stored_steps(tmp_path / "ray") == stored_steps(tmp_path / "local")
    summary = json.loads((tmp_path / "ray" / "summary.json").read_text())
    assert summary["all"]["success"] == 1.0
    assert summary == json.loads((tmp_path / "local" / "summary.json").read_text())
    run = json.loads((tmp_path / "ray" / "run.json").read_text())
    assert run["backend"] == "ray"


def test_a_lost_worker_s_episodes_are_retried(tmp_path: Path, ray_tmp: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    plan = plan_episodes([ENV], EPISODES)
    marker = tmp_path / "died"
    monkeypatch.setenv(DIE_ENV, f"{marker}:{plan[2].seed}")  # inherited by Ray's workers
    out = tmp_path / "run"
    assert rollout(out, "--backend", "ray", "--policy", "rollout_policies:DieOnceOracle") == 0
    assert marker.exists()  # a worker did die
    lines = (out / "episodes.jsonl").read_text().splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert sorted(ids) == sorted(spec.episode_id for spec in plan)  # each exactly once
    assert json.loads((out / "summary.json").read_text())["all"]["success"] == 1.0


def test_resume_across_backends(tmp_path: Path, ray_tmp: Path) -> None:
    out = tmp_path / "run"
    assert main(["rollout", "--env", ENV, "--episodes", "2", "--num-envs", "1",
                 "--max-steps", "30", "--out", str(out)]) == 0
    assert rollout(out, "--backend", "ray", "--resume") == 0
    assert [r["id"] for r in records(out)] == [
        spec.episode_id for spec in plan_episodes([ENV], EPISODES)]


def test_address_needs_the_ray_backend(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    assert rollout(tmp_path / "x", "--address", "auto") == 2
    assert "--address needs --backend ray" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_missing_ray_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    monkeypatch.delitem(sys.modules, "webtwin.envs.launcher.ray_backend", raising=False)
    assert rollout(tmp_path / "x", "--backend", "ray") == 2
    assert "pip install 'webtwin[ray]'" in capsys.readouterr().err
