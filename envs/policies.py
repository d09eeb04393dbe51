"""Policies for rollouts: oracle, random, noop, `module:callable` and `openai:<model>`."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from webtwin.simulators.core import actions, substream

__all__ = ["Policy", "PolicyConfig", "OraclePolicy", "RandomPolicy", "NoopPolicy",
           "CallablePolicy", "load_policy"]

_BID = re.compile(r"\[([^\]\s]+)\] (link|button|checkbox|radio|textbox|textarea|date|combobox)")
_WORDS = ("hello", "invoice", "2026-05-01", "ana@fernhill.test", "Thanks!", "<script>x</script>",
          "' OR 1=1 --", "Ünïcödé 😀", "from:me", "")


class Policy(Protocol):
    """What the launcher drives. A policy may also define `report() -> dict` (per-episode
    notes such as LLM errors, stored in the episode's record) and `close()`."""

    def begin(self, env: Any, seed: int) -> None:
        """Called after each reset with the (wrapped) env and the episode's world seed."""

    def act(self, observation: dict[str, str], info: dict[str, Any]) -> str:
        """The next action string."""


@dataclass(frozen=True)
class PolicyConfig:
    """How to build a policy in any worker (picklable; holds no secrets).

    `spec` is `oracle`, `random`, `noop`, `package.module:name` or `openai:<model>`; the other
    fields configure `openai:` policies (the API key comes from `OPENAI_API_KEY`).
    """

    spec: str
    base_url: str | None = None
    timeout: float = 120.0
    retries: int = 3
    temperature: float | None = None


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


class _ObjectPolicy:
    """Adapts an object with `act` (and optionally `begin`, `report`, `close`)."""

    def __init__(self, target: Any):
        if not callable(getattr(target, "act", None)):
            raise TypeError(f"{type(target).__name__} has no act(obs, info) method")
        self.target = target
        for name in ("report", "close"):
            if callable(getattr(target, name, None)):
                setattr(self, name, getattr(target, name))

    def begin(self, env: Any, seed: int) -> None:
        begin = getattr(self.target, "begin", None)
        if begin is not None:
            begin(env, seed)

    def act(self, observation: dict[str, str], info: dict[str, Any]) -> str:
        action: str = self.target.act(observation, info)
        return action


BUILTIN: dict[str, Callable[[], Policy]] = {
    "oracle": OraclePolicy, "random": RandomPolicy, "noop": NoopPolicy}


def load_policy(config: PolicyConfig | str) -> Policy:
    """Build the policy a `PolicyConfig` (or a bare spec string) names."""
    config = PolicyConfig(config) if isinstance(config, str) else config
    spec = config.spec
    if spec in BUILTIN:
        return BUILTIN[spec]()
    if spec.startswith("openai:"):
        from .llm_policy import OpenAIChatPolicy

        return OpenAIChatPolicy.from_config(config)
    if ":" not in spec:
        raise ValueError(f"unknown policy {spec!r}: use {', '.join(BUILTIN)}, "
                         "package.module:callable or openai:<model>")
    return _load_callable(spec)


def _load_callable(spec: str) -> Policy:
    module_name, _, attribute = spec.partition(":")
    try:
        target = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise ValueError(f"cannot load policy {spec!r}: {error}") from error
    if isinstance(target, type):
        return _ObjectPolicy(target())
    if callable(getattr(target, "act", None)):
        return _ObjectPolicy(target)
    if callable(target):
        return CallablePolicy(target)
    raise ValueError(f"policy {spec!r} is neither a function (obs, info) -> action nor an "
                     "object with act(obs, info)")
