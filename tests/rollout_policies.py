"""Policies the rollout tests load by name (`rollout_policies:...`); not a test module."""

from __future__ import annotations

import os
import time
from typing import Any

from webtwin.envs.policies import OraclePolicy, RandomPolicy
from webtwin.simulators.core import actions

GATE_ENV = "WEBTWIN_TEST_GATE"


def stop_at_once(observation: dict[str, str], info: dict[str, Any]) -> str:
    """A function policy: `(obs, info) -> action`."""
    return actions.stop()


class OracleObject:
    """A class policy with `begin` and `act` (loaded as `rollout_policies:OracleObject`)."""

    def __init__(self) -> None:
        self._oracle = OraclePolicy()

    def begin(self, env: Any, seed: int) -> None:
        self._oracle.begin(env, seed)

    def act(self, observation: dict[str, str], info: dict[str, Any]) -> str:
        return self._oracle.act(observation, info)


class ActOnly:
    """A class policy with only `act`: clicks the inbox, then stops."""

    def act(self, observation: dict[str, str], info: dict[str, Any]) -> str:
        return actions.stop() if info["step"] else actions.click("nav-inbox")


class RandomAndNoop(RandomPolicy):
    """Random actions with a `noop()` after each, so that a step log has steps that change
    nothing (written as back-references) and steps that do."""

    def act(self, observation: dict[str, str], info: dict[str, Any]) -> str:
        return actions.noop() if info["step"] % 2 else super().act(observation, info)


class GatedOracle(OracleObject):
    """The oracle, but while $WEBTWIN_TEST_GATE names a missing file, each worker process
    finishes two episodes and then holds the third in flight (so a test can kill the run
    with some episodes written and some not)."""

    def __init__(self) -> None:
        super().__init__()
        self._started = 0

    def begin(self, env: Any, seed: int) -> None:
        self._started += 1
        gate = os.environ.get(GATE_ENV)
        while gate and self._started > 2 and not os.path.exists(gate):
            time.sleep(0.05)  # held on purpose until the test kills this process
        super().begin(env, seed)


DIE_ENV = "WEBTWIN_TEST_DIE"


class DieOnceOracle(OracleObject):
    """The oracle, but while $WEBTWIN_TEST_DIE is `<marker file>:<seed>` and the marker file
    is missing, the episode of that world seed creates the marker and kills this worker's
    process (`os._exit(1)`, as a lost node would): once per marker, however often it runs."""

    def begin(self, env: Any, seed: int) -> None:
        marker, _, die_seed = os.environ.get(DIE_ENV, "").rpartition(":")
        if marker and int(die_seed) == seed and not os.path.exists(marker):
            with open(marker, "x") as handle:
                handle.write(f"{os.getpid()}\n")
            os._exit(1)
        super().begin(env, seed)
