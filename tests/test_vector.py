"""Text-mode vector envs: Gymnasium's vector API, autoreset modes, determinism, workers."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode

import webtwin.envs
from webtwin.envs import WebtwinTextEnv
from webtwin.envs.heap import collector_paused
from webtwin.envs.text_env import text_observation_space
from webtwin.envs.vector import TextVectorEnvBase, WebtwinTextVectorEnv
from webtwin.envs.vector_multiproc import WebtwinTextMultiprocVectorEnv

TASK = "mail/star_thread"
VEC_IDS = webtwin.envs.env_ids("text-vec")
Step = tuple[Any, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]


@pytest.fixture
def vec() -> Iterator[WebtwinTextVectorEnv]:
    envs = WebtwinTextVectorEnv(3, task=TASK)
    yield envs
    envs.close()


def _plain(value: Any) -> Any:
    """Infos as comparable plain values (numpy arrays -> lists, recursively)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, np.ndarray):
        return [_plain(item) for item in value.tolist()]
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _oracle_run(envs: TextVectorEnvBase) -> tuple[list[Step], list[float | None]]:
    """Replay every sub-env's oracle (then no-ops); the reward each first episode ended with."""
    plans = envs.oracles()
    outcomes: list[float | None] = [None] * envs.num_envs
    steps = []
    for t in range(max(map(len, plans)) + 1):
        step = envs.step([plan[t] if t < len(plan) else "noop()" for plan in plans])
        for i in range(envs.num_envs):
            if outcomes[i] is None and (step[2][i] or step[3][i]):
                outcomes[i] = float(step[1][i])
        steps.append(step)
    return steps, outcomes


@pytest.mark.parametrize("env_id", VEC_IDS)
def test_make_vec_builds_the_native_vector_env(env_id: str) -> None:
    envs = gym.make_vec(env_id, num_envs=2)
    assert isinstance(envs, WebtwinTextVectorEnv)
    assert envs.metadata["autoreset_mode"] is AutoresetMode.NEXT_STEP
    observations, infos = envs.reset(seed=1)
    assert envs.observation_space.contains(observations)
    assert list(infos["seed"]) == [1, 2] and infos["_seed"].all()
    envs.close()


def test_spaces_shapes_and_info_masks(vec: WebtwinTextVectorEnv) -> None:
    assert vec.single_observation_space == text_observation_space()
    assert isinstance(vec.observation_space, gym.spaces.Dict)
    assert all(len(space) == 3 for space in vec.observation_space.spaces.values())
    assert isinstance(vec.action_space, gym.spaces.Tuple) and len(vec.action_space) == 3
    observations, _ = vec.reset(seed=[4, 5, 6])
    assert set(observations) == {"url", "page", "goal", "last_action_error"}
    assert all(isinstance(v, tuple) and len(v) == 3 for v in observations.values())
    observations, rewards, terminated, truncated, infos = vec.step(
        np.array(["noop()", "click(", "noop()"]))
    assert vec.observation_space.contains(observations)
    assert rewards.dtype == np.float64 and rewards.shape == (3,)
    assert terminated.dtype == np.bool_ and truncated.dtype == np.bool_
    assert observations["last_action_error"][1] and not observations["last_action_error"][0]
    assert list(infos["step"]) == [1, 1, 1] and infos["_step"].all()
    assert vec.action_space.contains(tuple(vec.action_space.sample()))


def test_bad_arguments_raise_clear_errors(vec: WebtwinTextVectorEnv) -> None:
    vec.reset(seed=0)
    with pytest.raises(ValueError, match="expected 3 actions"):
        vec.step(["noop()"])
    with pytest.raises(TypeError, match="one action per sub-env"):
        vec.step("noop()")
    with pytest.raises(ValueError, match="num_envs=3"):
        vec.reset(seed=[1, 2])


def test_next_step_autoreset_returns_reset_obs_with_zero_reward(vec: WebtwinTextVectorEnv
                                                                ) -> None:
    single = WebtwinTextEnv("mail", task=TASK)
    single.reset(seed=10)
    single.step("stop()")
    expected_reset, _ = single.reset()  # its next seed comes from its own generator
    vec.reset(seed=10)
    _, rewards, terminated, _, infos = vec.step(["stop()", "noop()", "noop()"])
    assert list(terminated) == [True, False, False] and infos["_verdict"][0]
    observations, rewards, terminated, truncated, infos = vec.step(["noop()"] * 3)
    assert (rewards[0], terminated[0], truncated[0], infos["step"][0]) == (0.0, False, False, 0)
    assert {k: v[0] for k, v in observations.items()} == expected_reset
    assert list(infos["step"][1:]) == [2, 2]
    single.close()


def test_same_step_autoreset_puts_final_obs_in_info() -> None:
    envs = WebtwinTextVectorEnv(2, task=TASK, autoreset_mode="SameStep")
    observations, _ = envs.reset(seed=20)
    first_goal = observations["goal"][0]
    observations, rewards, terminated, _, infos = envs.step(["stop()", "noop()"])
    assert terminated[0] and list(infos["_final_obs"]) == [True, False]
    assert infos["final_obs"][0]["goal"] == first_goal and infos["final_obs"][1] is None
    assert infos["final_info"]["verdict"]["passed"][0] is np.False_
    assert infos["step"][0] == 0 and observations["last_action_error"][0] == ""
    _, rewards, terminated, _, _ = envs.step(["noop()", "noop()"])
    assert not terminated.any()  # the reset world steps on normally
    envs.close()


def test_disabled_autoreset_needs_reset_mask() -> None:
    envs = WebtwinTextVectorEnv(2, task=TASK, autoreset_mode=AutoresetMode.DISABLED)
    envs.reset(seed=30)
    envs.step(["stop()", "noop()"])
    with pytest.raises(ValueError, match="autoreset is disabled"):
        envs.step(["noop()", "noop()"])
    _, infos = envs.reset(options={"reset_mask": np.array([True, False])})
    assert list(infos["_step"]) == [True, False]
    _, _, _, _, infos = envs.step(["noop()", "noop()"])
    assert list(infos["step"]) == [1, 2]
    envs.close()


@pytest.mark.parametrize("freeze", [True, False])
def test_heap_is_frozen_after_the_first_full_reset_unless_asked_not_to(
        freeze: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    import webtwin.envs.vector as vector

    calls: list[int] = []
    monkeypatch.setattr(vector, "settle_heap", lambda: calls.append(1))
    envs = WebtwinTextVectorEnv(2, task=TASK, freeze_heap=freeze,
                                autoreset_mode=AutoresetMode.DISABLED)
    envs.reset(seed=50)
    envs.reset(options={"reset_mask": np.array([True, False])})  # a partial reset: no
    assert len(calls) == (1 if freeze else 0)
    envs.close()


def test_collector_paused_restores_the_collector_s_state() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("a failing step")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():  # off already: the caller's choice stays
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("pause", [True, False])
def test_steps_run_with_the_collector_paused_unless_asked_not_to(pause: bool) -> None:
    envs = WebtwinTextVectorEnv(2, task=TASK, pause_gc=pause, max_episode_steps=3)
    envs.reset(seed=50)
    seen: list[bool] = []
    world_step = envs.envs[1].step

    def step(action: str) -> Any:
        seen.append(gc.isenabled())
        return world_step(action)

    envs.envs[1].step = step  # type: ignore[method-assign]
    for _ in range(4):  # the fourth step autoresets world 1 instead of stepping it
        envs.step(["noop()", "noop()"])
    assert seen == [not pause] * 3 and gc.isenabled()
    envs.close()


def test_pausing_the_collector_changes_no_observation_reward_or_info() -> None:
    runs = []
    for pause in (True, False):
        envs = WebtwinTextVectorEnv(4, max_episode_steps=80, pause_gc=pause)
        reset = envs.reset(seed=90)
        steps, outcomes = _oracle_run(envs)
        runs.append(_plain([reset, steps, outcomes]))
        envs.close()
    assert runs[0] == runs[1]
    assert runs[0][2] == [1.0] * 4


def test_step_budget_truncates_and_verifies() -> None:
    envs = WebtwinTextVectorEnv(2, task=TASK, max_episode_steps=2)
    envs.reset(seed=40)
    envs.step(["noop()", "noop()"])
    _, rewards, terminated, truncated, infos = envs.step(["noop()", "noop()"])
    assert truncated.all() and not terminated.any() and not rewards.any()
    assert infos["_verdict"].all() and infos["verdict"]["passed"][0] is np.False_
    envs.close()


def test_same_seeds_and_actions_match_single_envs() -> None:
    envs = WebtwinTextVectorEnv(4, max_episode_steps=60)
    singles = [WebtwinTextEnv("mail", max_steps=60) for _ in range(4)]
    observations, _ = envs.reset(seed=50)
    for i, single in enumerate(singles):
        observation, _ = single.reset(seed=50 + i)
        assert observation == {k: v[i] for k, v in observations.items()}
    plans = envs.oracles()
    for t in range(6):  # a prefix of each oracle: no episode ends, so no autoreset
        actions = [plan[t] if t < len(plan) - 1 else "noop()" for plan in plans]
        observations, rewards, *_ = envs.step(actions)
        for i, single in enumerate(singles):
            observation, reward, *_ = single.step(actions[i])
            assert observation == {k: v[i] for k, v in observations.items()}
            assert reward == rewards[i]
    envs.close()
    for single in singles:
        single.close()


def test_oracle_actions_score_one_in_every_sub_env() -> None:
    envs = WebtwinTextVectorEnv(6, max_episode_steps=80)
    envs.reset(seed=60)
    _, outcomes = _oracle_run(envs)
    assert outcomes == [1.0] * 6
    envs.close()


def test_workers_give_identical_results_and_close_cleanly() -> None:
    kwargs: dict[str, Any] = {"max_episode_steps": 80, "autoreset_mode": "SameStep"}
    local = WebtwinTextVectorEnv(5, **kwargs)
    remote = gym.make_vec("webtwin/mail-text-vec-v0", num_envs=5, num_workers=2, **kwargs)
    assert isinstance(remote, WebtwinTextMultiprocVectorEnv)
    assert [b - a for a, b in remote.bounds] == [3, 2]
    assert _plain(local.reset(seed=70)) == _plain(remote.reset(seed=70))
    assert local.oracles() == remote.oracles()
    local_steps, local_outcomes = _oracle_run(local)
    remote_steps, remote_outcomes = _oracle_run(remote)
    assert local_outcomes == remote_outcomes == [1.0] * 5
    assert _plain(local_steps) == _plain(remote_steps)
    processes = list(remote._processes)
    remote.close()
    remote.close()  # closing twice is safe
    assert all(not p.is_alive() and p.exitcode == 0 for p in processes)
    local.close()
    local.close()


def test_worker_errors_reach_the_caller() -> None:
    envs = WebtwinTextMultiprocVectorEnv(2, task=TASK, num_workers=2, autoreset_mode="Disabled")
    envs.reset(seed=80)
    envs.step(["stop()", "noop()"])
    with pytest.raises(RuntimeError, match="autoreset is disabled"):
        envs.step(["noop()", "noop()"])
    assert envs.get_attr("site_set") == ("mail", "mail")  # the workers survived
    envs.close()
