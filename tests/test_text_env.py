"""The text-mode env: Gymnasium conformance, observations, branching, bad input, isolation."""

from __future__ import annotations

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

import webtwin.envs
from webtwin.envs import WebtwinTextEnv
from webtwin.simulators.core import actions

ENV_IDS = webtwin.envs.env_ids("text")


def _mail_env(task: str | None = None, **kwargs: object) -> WebtwinTextEnv:
    return WebtwinTextEnv("mail", task=task, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_check_env_passes(env_id: str) -> None:
    env = gym.make(env_id)
    check_env(env.unwrapped, skip_render_check=True)
    env.close()
    env.close()  # closing twice is safe


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_reset_gives_goal_page_and_info(env_id: str) -> None:
    env = gym.make(env_id)
    observation, info = env.reset(seed=7)
    assert observation["goal"] and observation["page"] and observation["url"].startswith("http")
    assert observation["last_action_error"] == ""
    assert info["seed"] == 7 and info["task_id"] in webtwin.envs.list_tasks()
    assert env.observation_space.contains(observation)
    env.close()


def test_same_seed_same_task_and_page() -> None:
    a, b = _mail_env(), _mail_env()
    assert a.reset(seed=11)[0] == b.reset(seed=11)[0]
    assert a.world.digest() == b.world.digest()
    a.reset(seed=12)
    assert a.world.digest() != b.world.digest(), "another seed is another world"
    a.close(), b.close()


def test_unicode_survives_into_observations() -> None:
    env = _mail_env("mail/reply_with_content")
    env.reset(seed=3)
    observation, *_ = env.step(actions.goto("http://mail.localhost/compose"))
    observation, *_ = env.step(actions.fill("subject", "Zoë — 😀 — 中文"))
    assert 'value="Zoë — 😀 — 中文"' in observation["page"]
    assert env.observation_space.contains(observation)
    env.close()


def test_click_follows_links_and_fill_then_submit_changes_state() -> None:
    env = _mail_env("mail/reply_with_content")
    env.reset(seed=4)
    observation, *_ = env.step(actions.click("compose"))
    assert observation["url"].endswith("/compose"), observation["last_action_error"]
    env.step(actions.fill("to", "someone@fernhill.test"))
    env.step(actions.fill("subject", "Hello"))
    env.step(actions.fill("body", "Body text"))
    before = env.world.digest()
    observation, *_ = env.step(actions.click("send"))
    assert observation["last_action_error"] == ""
    assert env.world.digest() != before
    env.close()


def test_snapshot_and_restore_branch_identically() -> None:
    env = _mail_env("mail/star_thread")
    env.reset(seed=5)
    env.step(actions.click("nav-starred"))
    snapshot = env.snapshot()
    first = [env.step(actions.click("nav-inbox"))[0], env.step(actions.noop())[0]]
    digest = env.world.digest()
    env.restore(snapshot)
    second = [env.step(actions.click("nav-inbox"))[0], env.step(actions.noop())[0]]
    assert first == second and env.world.digest() == digest
    env.close()


def test_oracle_solves_from_reset() -> None:
    env = gym.make("webtwin/mail-text-v0", task="mail/star_thread")
    env.reset(seed=2)
    reward, info = 0.0, {}
    for action in env.unwrapped.oracle():  # type: ignore[attr-defined]
        _, reward, terminated, truncated, info = env.step(action)
        if terminated or truncated:
            break
    assert reward == 1.0, info.get("verdict")
    env.close()


def test_truncation_is_verified() -> None:
    env = gym.make("webtwin/mail-text-v0", task="mail/star_thread", max_episode_steps=3)
    env.reset(seed=2)
    for _ in range(3):
        _, reward, terminated, truncated, info = env.step(actions.noop())
    assert truncated and not terminated and reward == 0.0
    assert info["verdict"]["passed"] is False
    env.close()


@pytest.mark.parametrize("bad", [
    "click(", "hover('x')", 'click("no-such-element")', "fill('nav-inbox', 'x')",
    "x" * 1_000_000, 'goto("http://example.com/")', 'goto("file:///etc/passwd")',
    'goto("javascript:alert(1)")', 'select_option("search-input", "x")',
    'goto("http://mail.localhost/thread/999999")', 'goto("http://mail.localhost/thread/abc")',
    'goto("http://mail.localhost/../../etc/passwd")',
])
def test_bad_actions_explain_and_change_nothing(bad: str) -> None:
    env = _mail_env("mail/star_thread")
    env.reset(seed=6)
    fork = env.world.fork()
    observation, reward, terminated, truncated, _ = env.step(bad)
    fork.advance(env.step_seconds)
    assert observation["last_action_error"], f"no error for {bad[:60]!r}"
    assert "HTTP 500" not in observation["last_action_error"]
    assert env.world.digest() == fork.digest()
    assert (reward, terminated, truncated) == (0.0, False, False)
    env.close()


@pytest.mark.parametrize("hostile", [
    "<script>alert('x')</script>", "' OR 1=1; DROP TABLE mail_message; --",
    "\"unbalanced", "../../../../etc/passwd", "a" * 5000, "NEAR(a b) * ^ : -",
])
def test_hostile_text_in_forms_is_escaped_and_harmless(hostile: str) -> None:
    env = _mail_env("mail/star_thread")
    env.reset(seed=8)
    env.step(actions.fill("search-input", hostile))
    observation, *_ = env.step(actions.click("search-submit"))
    assert "HTTP 500" not in observation["last_action_error"]
    env.step(actions.goto("http://mail.localhost/compose"))
    env.step(actions.fill("to", "ana@fernhill.test"))
    env.step(actions.fill("subject", hostile))
    env.step(actions.fill("body", hostile))
    observation, *_ = env.step(actions.click("send"))
    assert observation["last_action_error"] == ""
    observation, *_ = env.step(actions.click("nav-sent"))
    assert "HTTP 500" not in observation["last_action_error"]
    assert "<script>alert" not in env._browser.state.html  # type: ignore[union-attr]
    env.close()


def test_worlds_never_see_each_other() -> None:
    a, b = _mail_env("mail/star_thread"), _mail_env("mail/star_thread")
    a.reset(seed=9), b.reset(seed=9)
    digest_b = b.world.digest()
    a.step(actions.goto("http://mail.localhost/compose"))
    a.step(actions.fill("to", "ana@fernhill.test"))
    a.step(actions.fill("subject", "Only in world A"))
    a.step(actions.click("send"))
    assert b.world.digest() == digest_b
    observation, *_ = b.step(actions.goto("http://mail.localhost/sent"))
    assert "Only in world A" not in observation["page"]
    a.close(), b.close()


def test_make_vec_runs_eight_worlds() -> None:
    envs = gym.make_vec("webtwin/mail-text-v0", num_envs=8, vectorization_mode="sync")
    observations, infos = envs.reset(seed=list(range(8)))
    assert len(observations["page"]) == 8
    observations, rewards, terminated, truncated, infos = envs.step(["noop()"] * 8)
    assert len(rewards) == 8 and not terminated.any()
    envs.close()


def test_async_vector_env_across_processes() -> None:
    envs = gym.make_vec("webtwin/mail-text-v0", num_envs=2, vectorization_mode="async",
                        vector_kwargs={"shared_memory": False})
    observations, _ = envs.reset(seed=[1, 2])
    assert len(observations["goal"]) == 2
    envs.step(["noop()", "stop()"])
    envs.close()


def test_env_steps_from_inside_a_running_event_loop() -> None:
    """Notebooks and async agents call the env from inside an asyncio loop."""
    import asyncio

    async def episode() -> float:
        env = _mail_env("mail/star_thread")
        env.reset(seed=2)
        reward = 0.0
        for action in env.oracle():
            _, reward, terminated, truncated, _ = env.step(action)
            if terminated or truncated:
                break
        env.close()
        return float(reward)

    assert asyncio.run(episode()) == 1.0
