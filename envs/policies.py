"""Built-in policies for rollouts: oracle, random, noop, and any `module:callable`."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any, Protocol

from webtwin.simulators.core import actions, substream

__all__ = ["Policy", "OraclePolicy", "RandomPolicy", "NoopPolicy", "load_policy"]

_BID = re.compile(r"\[([^\]\s]+)\] (link|button|checkbox|radio|textbox|textarea|date|combobox)")
_WORDS = ("hello", "invoice", "2026-05-01", "ana@fernhill.test", "Thanks!", "<script>x</script>",
          "' OR 1=1 --", "Ünïcödé 😀", "from:me", "")


class Policy(Protocol):
    def begin(self, env: Any, seed: int) -> None:
        """Called after each reset with the (wrapped) env and the episode's seed."""

    def act(self, observation: dict[str, str], info: dict[str, Any]) -> str:
        """The next action string."""


class OraclePolicy:
    """Replays the task's oracle solution, then stops."""

    def __init__(self) -> None:
        self._plan: list[str] = []

    def begin(self, env: Any, seed: int) -> None:
        self._plan = list(env.unwrapped.oracle())

    def act(self, observation: dict[str, str], info: dict[str, Any]) -> str:
        return self._plan.pop(0) if self._plan else actions.stop()


class NoopPolicy:
    """Stops at once: a do-nothing agent must score 0."""

    def begin(self, env: Any, seed: int) -> None:
        pass

    def act(self, observation: dict[str, str], info: dict[str, Any]) -> str:
        return actions.stop()


class RandomPolicy:
    """Random but plausible actions on the elements of the current page (seeded)."""

    def __init__(self) -> None:
        self._rng = substream(0, "random-policy")

    def begin(self, env: Any, seed: int) -> None:
        self._rng = substream(seed, "random-policy")

    def act(self, observation: dict[str, str], info: dict[str, Any]) -> str:
        found = _BID.findall(observation["page"])
        if not found or self._rng.random() < 0.05:
            return self._rng.choice([actions.noop(), actions.go_back()])
        bid, role = self._rng.choice(found)
        if role in {"textbox", "textarea", "date"}:
            return actions.fill(bid, self._rng.choice(_WORDS))
        if role == "combobox":
            return actions.select_option(bid, str(self._rng.randrange(1, 5)))
        return actions.click(bid)


class CallablePolicy:
    """Wraps a function `(obs, info) -> action`."""

    def __init__(self, fn: Callable[[dict[str, str], dict[str, Any]], str]):
        self.fn = fn

    def begin(self, env: Any, seed: int) -> None:
        pass

    def act(self, observation: dict[str, str], info: dict[str, Any]) -> str:
        return self.fn(observation, info)


BUILTIN: dict[str, Callable[[], Policy]] = {
    "oracle": OraclePolicy, "random": RandomPolicy, "noop": NoopPolicy}


def load_policy(spec: str) -> Policy:
    """`oracle`, `random`, `noop`, or `package.module:name` (a function or a Policy class)."""
    if spec in BUILTIN:
        return BUILTIN[spec]()
    if ":" not in spec:
        raise ValueError(f"unknown policy {spec!r}: use {', '.join(BUILTIN)} or module:callable")
    module_name, _, attribute = spec.partition(":")
    target = getattr(importlib.import_module(module_name), attribute)
    if isinstance(target, type):
        instance: Policy = target()
        return instance
    return CallablePolicy(target)
