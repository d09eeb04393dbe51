"""Browser mode against real Chromium: conformance, text-mode parity of element actions,
pixel actions, determinism, the clock, confinement, crash recovery, vector envs."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from typing import Any

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from playwright.sync_api import Error as PlaywrightError

import webtwin.envs
from webtwin.envs import WebtwinTextEnv
from webtwin.envs.browser_env import WebtwinBrowserEnv
from webtwin.envs.browser_runtime import _descendants, browser_runtime
from webtwin.simulators.core import actions

pytestmark = pytest.mark.browser

BROWSER_IDS = webtwin.envs.env_ids("browser")
TASK = "mail/star_thread"


@pytest.fixture(scope="module")
def pair() -> Iterator[tuple[WebtwinTextEnv, WebtwinBrowserEnv]]:
    """A text env and a browser env of the mail site, reset by each test."""
    text, browser = WebtwinTextEnv("mail", task=TASK), WebtwinBrowserEnv("mail", task=TASK)
    yield text, browser
    text.close(), browser.close()


@pytest.fixture(scope="module")
def env(pair: tuple[WebtwinTextEnv, WebtwinBrowserEnv]) -> WebtwinBrowserEnv:
    return pair[1]


def _page(env: WebtwinBrowserEnv, script: str, arg: Any = None) -> Any:
    """Evaluate `script` in the env's live page (tests look behind the observation)."""
    tab = env._tab
    assert tab is not None and tab.page is not None
    return env.runtime.run(tab.page.evaluate(script, arg))


def _renderer_pids() -> set[int]:
    """Chromium's renderer processes under this process (Chromium rewrites their command
    lines into one string, so search it)."""
    found = set()
    for pid in _descendants(os.getpid()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if b"--type=renderer" in handle.read():
                    found.add(pid)
        except OSError:
            continue
    return found


def _centre(env: WebtwinBrowserEnv, bid: str) -> tuple[float, float]:
    box = _page(env, """(bid) => { const r = document.querySelector(`[data-bid="${bid}"]`)
        .getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }""", bid)
    return float(box[0]), float(box[1])


@pytest.mark.parametrize("env_id", BROWSER_IDS)
def test_check_env_passes(env_id: str) -> None:
    made = gym.make(env_id)
    check_env(made.unwrapped, skip_render_check=True)
    made.close()
    made.close()  # closing twice is safe


def test_reset_observes_what_text_mode_observes(
        pair: tuple[WebtwinTextEnv, WebtwinBrowserEnv]) -> None:
    text, browser = pair
    expected, _ = text.reset(seed=3)
    observation, info = browser.reset(seed=3)
    assert {k: observation[k] for k in expected} == expected
    screenshot = observation["screenshot"]
    assert screenshot.shape == (720, 1280, 3) and screenshot.dtype == np.uint8
    assert screenshot.std() > 10, "a rendered page, not a blank image"
    assert browser.observation_space.contains(observation)
    assert info == {"task_id": TASK, "seed": 3, "step": 0}


def test_reset_reuses_the_browser_and_the_page(env: WebtwinBrowserEnv) -> None:
    env.reset(seed=1)
    tab = env._tab
    assert tab is not None
    page, generation, pid = tab.page, env.runtime.generation, env.runtime.browser_pid()
    for seed in (2, 3, 2):
        env.reset(seed=seed)
    assert tab.page is page and env.runtime.generation == generation
    assert env.runtime.browser_pid() == pid


ELEMENT_SCRIPT = [
    actions.fill("search-input", "from:ana in:inbox"), actions.press("search-input", "Enter"),
    actions.go_back(), "go_forward()", actions.click("nav-settings"),
    actions.check("vacation-enabled"), actions.fill("vacation-start", "2026-03-14"),
    actions.uncheck("vacation-enabled"), actions.check("vacation-enabled"),
    actions.click("compose"), actions.fill("subject", "Zoë — 😀 — 中文"),
    actions.fill("body", "Line one\nLine two"), actions.click("nav-labels"),
    actions.select_option("new-label-parent", "Clients"), actions.go_back(), actions.noop(),
]
BAD_ACTIONS = [
    "click(", "hover('x')", 'click("no-such-element")', "fill('nav-inbox', 'x')",
    "x" * 1_000_000, 'goto("http://example.com/")', 'goto("file:///etc/passwd")',
    'goto("javascript:alert(1)")', 'select_option("search-input", "x")',
    'goto("http://mail.localhost/thread/999999")', 'goto("http://mail.localhost/thread/abc")',
    'goto("http://mail.localhost/../../etc/passwd")', "go_forward()", "uncheck('nav-inbox')",
    "fill('search-input', '" + "x" * 2001 + "')",
]


def test_element_actions_behave_as_in_text_mode(
        pair: tuple[WebtwinTextEnv, WebtwinBrowserEnv]) -> None:
    text, browser = pair
    text.reset(seed=4), browser.reset(seed=4)
    # (Chromium resolves "/../" in a URL; text mode keeps it: left out here.)
    bad = [action for action in BAD_ACTIONS if "/../" not in action]
    for action in ELEMENT_SCRIPT + bad + [actions.go_back()]:
        expected = text.step(action)[0]
        observed = browser.step(action)[0]
        if expected["last_action_error"].startswith("unknown action"):  # more actions here
            expected["last_action_error"] = observed["last_action_error"][:40]
            observed["last_action_error"] = observed["last_action_error"][:40]
        assert {k: observed[k] for k in expected} == expected, action[:60]
    assert browser.world.digest() == text.world.digest()


def test_bad_actions_change_nothing(env: WebtwinBrowserEnv) -> None:
    env.reset(seed=6)
    for bad in BAD_ACTIONS[:8] + ["mouse_click(5000, 5)", "keyboard_press('NoSuchKey')"]:
        fork = env.world.fork()
        observation, reward, terminated, truncated, _ = env.step(bad)
        fork.advance(env.step_seconds)
        assert observation["last_action_error"], f"no error for {bad[:60]!r}"
        assert env.world.digest() == fork.digest()
        assert (reward, terminated, truncated) == (0.0, False, False)
        fork.close()


def test_pixel_actions_drive_the_page(env: WebtwinBrowserEnv) -> None:
    observation, _ = env.reset(seed=5)
    first = observation["screenshot"]
    x, y = _centre(env, "search-input")
    observation, *_ = env.step(f"mouse_click({x}, {y})")
    assert observation["last_action_error"] == ""
    observation, *_ = env.step('keyboard_type("from:ana")')
    assert 'value="from:ana"' in observation["page"]
    observation, *_ = env.step('keyboard_press("Enter")')
    assert "/search?q=from%3Aana" in observation["url"], observation["last_action_error"]
    x, y = _centre(env, "nav-sent")
    observation, *_ = env.step(f"mouse_move({x}, {y})")
    hovered = observation["screenshot"]
    observation, *_ = env.step(f"mouse_dblclick({x}, {y})")
    assert observation["url"].endswith("/sent") and observation["last_action_error"] == ""
    observation, *_ = env.step("mouse_drag(700, 300, 900, 300)")
    assert observation["last_action_error"] == ""
    env.step("mouse_move(700, 400)")
    before = observation["screenshot"]
    observation, *_ = env.step("scroll(0, 400)")
    assert observation["last_action_error"] == ""
    assert not np.array_equal(before, observation["screenshot"]), "the list scrolled"
    assert not np.array_equal(first, hovered)


@pytest.mark.parametrize("miss", [
    "mouse_click(1280, 10)", "mouse_click(-1, 10)", "mouse_click(10, 10, 'sideways')",
    "mouse_move(10, 99999)", "mouse_drag(10, 10, 2000, 10)", "keyboard_type('lost')",
    "keyboard_press('NoSuchKey')", "keyboard_press('Control+Nope')",
])
def test_pixel_actions_that_miss_explain(env: WebtwinBrowserEnv, miss: str) -> None:
    env.reset(seed=7)
    observation, *_ = env.step(miss)
    assert observation["last_action_error"], miss


def test_hidden_or_covered_elements_are_clicked_like_text_mode(
        pair: tuple[WebtwinTextEnv, WebtwinBrowserEnv]) -> None:
    text, browser = pair
    text.reset(seed=8), browser.reset(seed=8)
    _page(browser, "() => { const a = document.querySelector('[data-bid=nav-sent]');"
                   " a.style.visibility = 'hidden'; }")
    expected = text.step(actions.click("nav-sent"))[0]
    observed = browser.step(actions.click("nav-sent"))[0]
    assert observed["url"] == expected["url"] and observed["last_action_error"] == ""


def test_same_seed_and_actions_give_identical_screenshots() -> None:
    a, b = WebtwinBrowserEnv("mail", task=TASK), WebtwinBrowserEnv("mail", task=TASK)
    script = ["noop()", "click('compose')", "fill('subject', 'Hello 😀')", "mouse_move(600, 300)",
              "go_back()", "scroll(0, 300)", "click('nav-sent')"]
    try:
        shots = []
        for env in (a, b, a):
            observation, _ = env.reset(seed=9)
            run = [observation["screenshot"]]
            run += [env.step(action)[0]["screenshot"] for action in script]
            shots.append(run)
        for step, (x, y, z) in enumerate(zip(*shots, strict=True)):
            assert x.tobytes() == y.tobytes() == z.tobytes(), f"step {step} differs"
    finally:
        a.close(), b.close()


def test_page_clock_is_the_world_clock(env: WebtwinBrowserEnv) -> None:
    env.reset(seed=2)
    assert _page(env, "() => Date.now()") == env.world.now * 1000
    env.step("noop()")
    assert _page(env, "() => Date.now()") == env.world.now * 1000
    env.step(actions.click("nav-sent"))  # a new document gets the new time before it runs
    assert _page(env, "() => new Date().getTime()") == env.world.now * 1000


def test_pages_cannot_reach_the_control_api_or_the_internet(env: WebtwinBrowserEnv) -> None:
    env.reset(seed=2)
    observation, *_ = env.step('goto("http://mail.localhost/__control__/worlds")')
    assert "control API" in observation["last_action_error"]
    status = _page(env, "() => fetch('/__control__/worlds').then(r => r.status)")
    assert status == 404
    for target in ("http://example.com/", f"http://127.0.0.1:{env.runtime.port}/",
                   f"http://mail.localhost:{env.runtime.port}/"):
        reached = _page(env, "(url) => fetch(url).then(() => true, () => false)", target)
        assert reached is False, target
    _page(env, "() => { location.href = 'http://example.com/'; }")
    observation, *_ = env.step("noop()")
    assert observation["url"] == "http://example.com/"
    token = env.runtime.server.client.app.state.control_token
    assert token not in observation["page"] and token not in env.snapshot().browser.html


def test_a_new_window_opens_in_the_same_tab(env: WebtwinBrowserEnv) -> None:
    env.reset(seed=2)
    _page(env, "() => { window.open('http://mail.localhost/sent', '_blank'); }")
    observation, *_ = env.step("noop()")
    if not observation["url"].endswith("/sent"):  # the popup was announced after the step
        observation, *_ = env.step("noop()")
    assert observation["url"] == "http://mail.localhost/sent"
    tab = env._tab
    assert tab is not None and tab.context is not None and len(tab.context.pages) == 1


def test_shop_pages_load_only_from_the_simulated_sites() -> None:
    env = WebtwinBrowserEnv("shop")
    try:
        env.reset(seed=1)
        tab = env._tab
        assert tab is not None and tab.context is not None
        seen: list[str] = []
        context = tab.context

        async def listen() -> None:
            # Playwright objects belong to the runtime's loop thread: subscribe there.
            context.on("request", lambda request: seen.append(request.url))

        env.runtime.run(listen())
        env.reset(seed=2)
        for action in env.oracle()[:4]:
            env.step(action)
        network = [url for url in seen if not url.startswith(("data:", "about:"))]
        assert network and all(url.startswith("http://shop.localhost/") for url in network), seen
    finally:
        env.close()


def _finish(env: WebtwinBrowserEnv, plan: list[str]) -> float:
    reward = 0.0
    for action in plan:
        _, reward, terminated, truncated, _ = env.step(action)
        if terminated or truncated:
            break
    return float(reward)


def test_a_crashed_page_is_replaced_and_the_episode_goes_on(env: WebtwinBrowserEnv) -> None:
    env.reset(seed=2)
    plan = env.oracle()
    env.step(plan[0])
    digest = env.world.digest()
    tab = env._tab
    assert tab is not None and tab.page is not None
    page = tab.page

    async def crash() -> None:  # the renderer dies (Chromium's debug URL)
        with pytest.raises(PlaywrightError):
            await page.goto("chrome://crash")

    env.runtime.run(crash())
    assert env.world.digest() == digest
    observation, *_ = env.step(plan[1])
    assert "crashed" in observation["last_action_error"]
    assert observation["url"] == "http://mail.localhost/inbox"  # where it was, typing lost
    assert _finish(env, plan) == 1.0


def test_a_killed_browser_is_relaunched_and_the_episode_goes_on(env: WebtwinBrowserEnv) -> None:
    before, _ = env.reset(seed=2)
    plan = env.oracle()
    env.step(plan[0])
    generation, pid = env.runtime.generation, env.runtime.browser_pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    observation, *_ = env.step(plan[1])
    assert "crashed" in observation["last_action_error"]
    assert env.runtime.generation == generation + 1
    assert _finish(env, plan) == 1.0
    after, _ = env.reset(seed=2)  # a new Chromium draws the same pixels
    assert after["screenshot"].tobytes() == before["screenshot"].tobytes()


def test_snapshot_and_restore_branch_identically(env: WebtwinBrowserEnv) -> None:
    env.reset(seed=5)
    env.step(actions.click("nav-starred"))
    env.step(actions.fill("search-input", "typed, not sent"))
    snapshot = env.snapshot()
    first = [env.step(actions.noop())[0], env.step(actions.click("nav-inbox"))[0]]
    digest = env.world.digest()
    restored = env.restore(snapshot)
    assert 'value="typed, not sent"' in restored["page"]
    second = [env.step(actions.noop())[0], env.step(actions.click("nav-inbox"))[0]]
    for x, y in zip(first, second, strict=True):
        assert {k: v for k, v in x.items() if k != "screenshot"} == \
            {k: v for k, v in y.items() if k != "screenshot"}
        assert np.array_equal(x["screenshot"], y["screenshot"])
    assert env.world.digest() == digest


def test_vector_env_steps_contexts_of_one_browser_concurrently() -> None:
    envs = gym.make_vec("webtwin/mail-browser-vec-v0", num_envs=3, task=TASK)
    try:
        observations, _ = envs.reset(seed=[1, 2, 3])
        assert observations["screenshot"].shape == (3, 720, 1280, 3)
        assert envs.observation_space.contains(observations)
        plans = envs.unwrapped.oracles()  # type: ignore[attr-defined]
        renderers = _renderer_pids()
        rewards = [0.0] * 3
        for t in range(max(map(len, plans))):
            step = envs.step([plan[t] if t < len(plan) else "noop()" for plan in plans])
            for i in range(3):
                if t == len(plans[i]) - 1:
                    rewards[i] = float(step[1][i])
        assert rewards == [1.0, 1.0, 1.0]
        # Page loads reuse each context's renderer: no process is started or ended per step.
        assert _renderer_pids() == renderers
        assert len({id(e._tab.page) for e in envs.unwrapped.envs}) == 3  # type: ignore[attr-defined]
        assert browser_runtime().browser_pid() is not None
    finally:
        envs.close()


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_make_vec_over_browser_envs(mode: str) -> None:
    kwargs: dict[str, Any] = {"shared_memory": False, "context": "spawn"} if mode == "async" \
        else {}
    envs = gym.make_vec("webtwin/mail-browser-v0", num_envs=2, vectorization_mode=mode,
                        vector_kwargs=kwargs)
    try:
        observations, _ = envs.reset(seed=[1, 2])
        assert observations["screenshot"].shape == (2, 720, 1280, 3)
        _, rewards, terminated, _, _ = envs.step(["noop()", "stop()"])
        assert list(terminated) == [False, True]
    finally:
        envs.close()


def test_render_modes() -> None:
    env = WebtwinBrowserEnv("mail", task=TASK, render_mode="rgb_array", viewport=(800, 600))
    try:
        observation, _ = env.reset(seed=1)
        frame = env.render()
        assert isinstance(frame, np.ndarray) and frame.shape == (600, 800, 3)
        assert np.array_equal(frame, observation["screenshot"])
    finally:
        env.close()
