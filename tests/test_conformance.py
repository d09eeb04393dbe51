"""Every task family proves itself over many seeds: oracle → 1.0, do-nothing → 0.0,
random actions → 0.0 (in at least 99% of episodes)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import webtwin.envs
from webtwin.envs import WebtwinTextEnv
from webtwin.envs.policies import RandomPolicy
from webtwin.simulators.core import actions

SEEDS = range(20)
TASKS = webtwin.envs.list_tasks()


@pytest.fixture(scope="module")
def envs() -> Iterator[dict[str, WebtwinTextEnv]]:
    made: dict[str, WebtwinTextEnv] = {}
    yield made
    for env in made.values():
        env.close()


def _env(envs: dict[str, WebtwinTextEnv], task: str, max_steps: int) -> WebtwinTextEnv:
    key = f"{task}/{max_steps}"
    if key not in envs:
        site_set = task.split("/")[0]
        envs[key] = WebtwinTextEnv(site_set, task=task, max_steps=max_steps)
    return envs[key]


@pytest.mark.slow
@pytest.mark.parametrize("task", TASKS)
def test_oracle_solves_every_seed(envs: dict[str, WebtwinTextEnv], task: str) -> None:
    env = _env(envs, task, max_steps=80)
    failures = []
    for seed in SEEDS:
        env.reset(seed=seed)
        plan = env.oracle()
        assert plan and plan[-1].startswith(("stop(", "send_msg_to_user(")), plan
        for step, action in enumerate(plan):
            observation, reward, terminated, truncated, info = env.step(action)
            if observation["last_action_error"]:
                failures.append(f"seed {seed} step {step} {action}: "
                                f"{observation['last_action_error']}")
            if terminated or truncated:
                break
        if reward != 1.0:
            failures.append(f"seed {seed}: reward {reward}, {info.get('verdict')}")
    assert not failures, "\n".join(failures[:5])


@pytest.mark.slow
@pytest.mark.parametrize("task", TASKS)
def test_stopping_at_once_scores_zero(envs: dict[str, WebtwinTextEnv], task: str) -> None:
    env = _env(envs, task, max_steps=80)
    for seed in SEEDS:
        env.reset(seed=seed)
        _, reward, terminated, _, info = env.step(actions.stop())
        assert terminated and reward == 0.0, (seed, info["verdict"])


@pytest.mark.slow
@pytest.mark.parametrize("task", TASKS)
def test_random_actions_score_zero(envs: dict[str, WebtwinTextEnv], task: str) -> None:
    env = _env(envs, task, max_steps=30)
    policy, wins = RandomPolicy(), 0
    for seed in SEEDS:
        observation, info = env.reset(seed=seed)
        policy.begin(env, seed)
        done = False
        while not done:
            observation, reward, terminated, truncated, info = env.step(
                policy.act(observation, info))
            assert "HTTP 500" not in observation["last_action_error"], observation["url"]
            done = terminated or truncated
        wins += reward == 1.0
    assert wins <= 0.01 * len(SEEDS), f"{wins} random successes"
