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
