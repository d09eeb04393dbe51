"""The `openai:<model>` policy against a local fake chat-completions server (never the net)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import gymnasium as gym
import pytest

import webtwin.envs  # noqa: F401  (registers the ids)
from webtwin.envs.cli import main
from webtwin.envs.llm_policy import extract_action
from webtwin.envs.rollout import plan_episodes

ENV = "webtwin/mail-text-v0"


@dataclass
class Script:
    """What the fake server answers: the oracle's action for (goal, step), after `fail_first`
    503s; or always `status` when it is not 200."""

    plans: dict[str, list[str]] = field(default_factory=dict)
    fail_first: int = 0
    status: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


def reply_for(script: Script, body: dict[str, Any]) -> str:
    system = body["messages"][0]["content"]
    goal = system.split("Goal: ", 1)[1].split("\n", 1)[0]
    step = sum(message["role"] == "assistant" for message in body["messages"])
    action = script.plans[goal][step]
    return f"Next I will do this.\n```\n{action}\n```\nThat should work."


def make_handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802  (http.server's name)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            script.requests.append(body)
            script.headers.append(dict(self.headers))
            if self.path != "/v1/chat/completions":
                return self.send(404, {"error": "not found"})
            if script.status != 200 or len(script.requests) <= script.fail_first:
                return self.send(script.status if script.status != 200 else 503,
                                 {"error": "overloaded"})
            self.send(200, {"choices": [{"message": {"role": "assistant",
                                                     "content": reply_for(script, body)}}],
                            "usage": {"prompt_tokens": 10, "completion_tokens": 3}})

        def send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def base_url(script: Script) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(script))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def oracle_plans(count: int) -> dict[str, list[str]]:
    """The oracle's actions per goal for the first `count` planned episodes."""
    env = gym.make(ENV)
    plans = {}
    for spec in plan_episodes([ENV], count):
        observation, _ = env.reset(seed=spec.seed)
        plans[observation["goal"]] = env.unwrapped.oracle()  # type: ignore[attr-defined]
    env.close()
    return plans


def rollout(out: Path, base_url: str, *extra: str) -> int:
    return main(["rollout", "--env", ENV, "--num-envs", "1", "--policy", "openai:fake-model",
                 "--base-url", base_url, "--out", str(out), *extra])


def records(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "episodes.jsonl").read_text().splitlines()]


def test_llm_policy_solves_tasks_with_scripted_replies_and_retries(
        tmp_path: Path, script: Script, base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    script.plans, script.fail_first = oracle_plans(2), 1
    assert rollout(tmp_path, base_url, "--episodes", "2", "--max-steps", "30") == 0
    done = records(tmp_path)
    assert [r["reward"] for r in done] == [1.0, 1.0]
    assert all(r["policy"]["errors"] == [] for r in done)
    assert sum(r["policy"]["calls"] for r in done) == sum(r["steps"] for r in done) + 1
    assert done[0]["policy"]["usage"]["completion_tokens"] == 3 * done[0]["steps"]
    first = script.requests[0]
    assert first["model"] == "fake-model"
    assert "click(bid: str)" in first["messages"][0]["content"]      # the action language
    assert "[compose]" in first["messages"][-1]["content"]           # the page
    assert script.headers[0]["Authorization"] == "Bearer sk-test"


def test_llm_policy_acts_noop_and_records_errors_when_the_endpoint_fails(
        tmp_path: Path, script: Script, base_url: str) -> None:
    script.status = 500
    assert rollout(tmp_path, base_url, "--episodes", "1", "--max-steps", "3",
                   "--llm-retries", "1") == 0
    (record,) = records(tmp_path)
    assert record["actions"] == ["noop()"] * 3 and record["reward"] == 0.0
    assert record["truncated"] is True
    assert len(record["policy"]["errors"]) == 3 and record["policy"]["calls"] == 6
    assert "HTTP 500" in record["policy"]["errors"][0]["error"]


def test_openai_policy_needs_a_base_url(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rollout", "--policy", "openai:m", "--episodes", "1",
                 "--out", str(tmp_path)]) == 2
    assert "--base-url" in capsys.readouterr().err


@pytest.mark.parametrize(("reply", "action"), [
    ('click("compose")', 'click("compose")'),
    ("I will open it.\n```\nclick('thread-3')\n```", "click('thread-3')"),
    ("Action: fill('to', 'a@b.test')\nstop()", "fill('to', 'a@b.test')"),
    ("`stop(\"BC-6620\")`", 'stop("BC-6620")'),
    ("click(compose)\nexplode()\nnoop()", "noop()"),
    ("I am not sure what to do.", None),
])
def test_extract_action_takes_the_first_line_that_parses(reply: str, action: str | None
                                                         ) -> None:
    assert extract_action(reply) == action
