"""Browser mode and text mode are one game: for every task family, the oracle run in a real
Chromium reaches reward 1.0 and the same final world (digest) as in text mode, and every step
shows the same URL, page text and error in both modes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import webtwin.envs
from webtwin.envs import WebtwinTextEnv
from webtwin.envs.browser_env import WebtwinBrowserEnv

pytestmark = pytest.mark.browser

SEEDS = (0, 1)
TEXT_KEYS = ("url", "page", "last_action_error")


@pytest.fixture(scope="module")
def envs() -> Iterator[dict[str, tuple[WebtwinTextEnv, WebtwinBrowserEnv]]]:
    """One text env and one browser env per site set, shared by the module's tests."""
    made: dict[str, tuple[WebtwinTextEnv, WebtwinBrowserEnv]] = {}
    yield made
    for text, browser in made.values():
        text.close(), browser.close()


@pytest.mark.parametrize("task", webtwin.envs.list_tasks())
def test_oracle_in_the_browser_matches_text_mode(
        envs: dict[str, tuple[WebtwinTextEnv, WebtwinBrowserEnv]], task: str) -> None:
    site_set = task.split("/")[0]
    if site_set not in envs:
        envs[site_set] = (WebtwinTextEnv(site_set, max_steps=80),
                          WebtwinBrowserEnv(site_set, max_steps=80))
    text, browser = envs[site_set]
    for seed in SEEDS:
        expected, _ = text.reset(seed=seed, options={"task": task})
        observed, _ = browser.reset(seed=seed, options={"task": task})
        plan = text.oracle()
        assert browser.oracle() == plan
        rewards = {"text": 0.0, "browser": 0.0}
        for step, action in enumerate([None, *plan]):
            if action is not None:
                expected, rewards["text"], done, cut, _ = text.step(action)
                observed, rewards["browser"], *_ = browser.step(action)
            for key in TEXT_KEYS:
                assert observed[key] == expected[key], (seed, step, action, key)
            if action is not None and (done or cut):
                break
        assert rewards == {"text": 1.0, "browser": 1.0}, seed
        assert browser.world.digest() == text.world.digest(), seed
