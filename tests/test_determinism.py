"""Same seed + same actions → byte-identical observations, rewards and digests, across
processes with different PYTHONHASHSEED (every site set: the shared catalog is built in each
process and must come out the same)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import webtwin.envs

SCRIPT = r"""
import hashlib, json, sys
import webtwin.envs
from webtwin.envs import WebtwinTextEnv
from webtwin.envs.policies import RandomPolicy
digest = hashlib.sha256()
for task in sys.argv[1:]:
    env = WebtwinTextEnv(task.split("/")[0], task=task, max_steps=40)
    obs, info = env.reset(seed=13)
    plan = env.oracle()
    random = RandomPolicy(); random.begin(env, 13)
    actions = plan[:-1] + [random.act(obs, info) for _ in range(5)] + ["stop()"]
    digest.update(json.dumps([obs, info], sort_keys=True).encode())
    for action in actions:
        if action.startswith("stop") and action != actions[-1]:
            continue
        obs, reward, term, trunc, info = env.step(action)
        digest.update(json.dumps([obs, reward, term, trunc, info], sort_keys=True).encode())
        digest.update(env.world.digest().encode())
        if term or trunc:
            break
    env.close()
print(digest.hexdigest())
"""


def _run(hash_seed: str, tasks: list[str]) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run([sys.executable, "-c", SCRIPT, *tasks], env=env, check=True,
                          capture_output=True, text=True, timeout=300)
    return done.stdout.strip()


@pytest.mark.slow
def test_two_processes_with_different_hash_seeds_agree() -> None:
    tasks = webtwin.envs.list_tasks()  # every family of every site set
    first, second = _run("1", tasks), _run("2024", tasks)
    assert len(first) == 64 and first == second


@pytest.mark.parametrize("site", ["mail", "shop", "workday"])
def test_episodes_after_a_restore_in_place_match_a_fresh_connection(
        site: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`World.restore` keeps a world's SQLite connection across episodes (its schema, its
    prepared statements, mail's index). Consecutive episodes in one env, each starting after
    the one before wrote, must see exactly what they see when every restore takes a fresh
    connection: observations, rewards, infos and world digests."""
    import functools
    import hashlib
    import json

    from webtwin.envs import WebtwinTextEnv
    from webtwin.envs.policies import RandomPolicy
    from webtwin.simulators.core import World

    def episodes() -> tuple[str, int]:
        env = WebtwinTextEnv(site, max_steps=20)
        digest, connections = hashlib.sha256(), []  # kept alive: ids are never reused
        for seed in (3, 1, 3, 2):
            for oracle in (True, False):
                obs, info = env.reset(seed=seed)
                connections.append(env.world.conn)
                plan = env.oracle() if oracle else None
                random = RandomPolicy()
                random.begin(env, seed)
                digest.update(json.dumps([obs, info], sort_keys=True).encode())
                for step in range(20):
                    action = (plan[step] if plan is not None and step < len(plan)
                              else random.act(obs, info))
                    obs, reward, terminated, truncated, info = env.step(action)
                    digest.update(json.dumps([action, obs, reward, terminated, truncated,
                                              info], sort_keys=True).encode())
                    digest.update(env.world.digest().encode())
                    if terminated or truncated:
                        break
        env.close()
        return digest.hexdigest(), len({id(connection) for connection in connections})

    kept, kept_connections = episodes()
    monkeypatch.setattr(World, "restore", functools.partialmethod(World.restore, trusted=False))
    fresh, fresh_connections = episodes()
    assert kept_connections == 1 and fresh_connections > 1
    assert kept == fresh
