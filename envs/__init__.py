"""Gymnasium environments of webtwin; importing this module registers their ids.

```python
import gymnasium as gym
import webtwin.envs

env = gym.make("webtwin/mail-text-v0", task="mail/star_thread")
obs, info = env.reset(seed=7)
env = gym.make("webtwin/mail-browser-v0", task="mail/star_thread")  # pip install webtwin[browser]
```
"""

from __future__ import annotations

from gymnasium.envs.registration import register, registry

from webtwin.simulators import site_sets, task_families

from .actions import ActionError, describe_actions, parse_action
from .base_env import DEFAULT_MAX_STEPS, EnvSnapshot, EpisodeVerdict, WebtwinEnvBase
from .text_env import WebtwinTextEnv

__all__ = [
    "ActionError", "BROWSER_ACTIONS", "EnvSnapshot", "WebtwinBrowserEnv",
    "WebtwinBrowserVectorEnv", "WebtwinEnvBase", "WebtwinTextEnv", "describe_actions",
    "env_ids", "list_tasks", "parse_action",
]
# Browser mode needs Playwright (`pip install webtwin[browser]`): imported on first use only.
_LAZY = {"WebtwinBrowserEnv": "browser_env", "WebtwinBrowserVectorEnv": "browser_vector",
         "BROWSER_ACTIONS": "pixel_actions"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

VERSION = 0


def list_tasks(site: str | None = None) -> list[str]:
    """Task family ids, for one site set (`"mail"`, `"workday"`, ...) or all of them."""
    return sorted(task_families(site))


def env_ids(mode: str = "text") -> list[str]:
    """Registered env ids of a mode: `"text"`, `"browser"`, or `"text-vec"` /
    `"browser-vec"` for the native vector envs."""
    return [f"webtwin/{name}-{mode}-v{VERSION}" for name in sorted(site_sets())]


def _register_all() -> None:
    for name in sorted(site_sets()):
        env_id = f"webtwin/{name}-text-v{VERSION}"
        if env_id in registry:
            continue
        register(id=env_id, entry_point="webtwin.envs.text_env:WebtwinTextEnv",
                 kwargs={"site_set": name}, max_episode_steps=DEFAULT_MAX_STEPS,
                 additional_wrappers=(EpisodeVerdict.wrapper_spec(),))
        # Gymnasium refuses `vector_entry_point` on a spec with `additional_wrappers`, so the
        # native vector env has its own id; `gym.make_vec(id)` builds it (sync/async stay on
        # the id above).
        register(id=f"webtwin/{name}-text-vec-v{VERSION}", entry_point=None,
                 vector_entry_point="webtwin.envs.vector:make_text_vector_env",
                 kwargs={"site_set": name}, max_episode_steps=DEFAULT_MAX_STEPS)
        # Browser mode: entry points are strings, so Playwright is imported only when a
        # browser env is made.
        register(id=f"webtwin/{name}-browser-v{VERSION}",
                 entry_point="webtwin.envs.browser_env:WebtwinBrowserEnv",
                 kwargs={"site_set": name}, max_episode_steps=DEFAULT_MAX_STEPS,
                 additional_wrappers=(EpisodeVerdict.wrapper_spec(),))
        register(id=f"webtwin/{name}-browser-vec-v{VERSION}", entry_point=None,
                 vector_entry_point="webtwin.envs.browser_vector:make_browser_vector_env",
                 kwargs={"site_set": name}, max_episode_steps=DEFAULT_MAX_STEPS)


_register_all()
