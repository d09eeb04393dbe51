"""An LLM agent over an OpenAI-compatible chat-completions endpoint (vLLM, llama.cpp, ...).

`openai:<model>` with `--base-url http://host:port/v1` POSTs `{base}/chat/completions` with
the model and the messages:
- system: the goal and the action language (`describe_actions()`, from the actions' own
  docstrings) and how to answer;
- for earlier steps (the last `history` of them): the assistant's action and a user turn
  with the URL and error it led to (pages are left out to keep the context short);
- user: the current observation (URL, last action error, the page).

The first line of the reply that parses as an action is the action. When the reply holds
none, or the endpoint keeps failing (connection errors, 429 and 5xx are retried up to
`retries` times, honouring `Retry-After`), the policy acts `noop()` and records why; the
records go to the episode's `policy` field in `episodes.jsonl`.
"""

from __future__ import annotations

import os
import time
from typing import Any

import httpx

from webtwin.simulators.core import actions

from .actions import ActionError, describe_actions, parse_action
from .policies import PolicyConfig

__all__ = ["OpenAIChatPolicy", "build_messages", "extract_action"]

_RETRY_STATUS = {408, 409, 429, 500, 502, 503, 504}
_MAX_BACKOFF = 8.0

SYSTEM_TEMPLATE = """You operate a web app through text actions, one per turn.

Goal: {goal}

Each page is shown as text; elements you can act on carry ids in brackets, like [compose].
Actions (write exactly one per reply, as a single line, e.g. click("compose")):
{actions}

When the goal is done, reply stop() — or stop("the answer") if the goal asks a question."""


class EndpointError(RuntimeError):
    """The chat-completions endpoint failed after every retry."""


class OpenAIChatPolicy:
    """A chat-completions agent; stateless between episodes, its history is the episode's."""

    def __init__(self, model: str, base_url: str, api_key: str | None = None,
                 timeout: float = 120.0, retries: int = 3, temperature: float | None = None,
                 history: int = 20):
        self.model, self.url = model, base_url.rstrip("/") + "/chat/completions"
        self.retries, self.temperature, self.history = retries, temperature, history
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(timeout=timeout, headers=headers)
        self._turns: list[tuple[str, dict[str, str]]] = []
        self._notes: dict[str, Any] = {}

    @classmethod
    def from_config(cls, config: PolicyConfig) -> OpenAIChatPolicy:
        if not config.base_url:
            raise ValueError(f"policy {config.spec!r} needs --base-url (e.g. "
                             "http://127.0.0.1:8000/v1 for a vLLM server)")
        model = config.spec.partition(":")[2]
        if not model:
            raise ValueError("write the model after the colon: openai:<model>")
        return cls(model, config.base_url, os.environ.get("OPENAI_API_KEY"), config.timeout,
                   config.retries, config.temperature)

    def begin(self, env: Any, seed: int) -> None:
        self._turns = []
        self._notes = {"calls": 0, "errors": [], "usage": {}}

    def act(self, observation: dict[str, str], info: dict[str, Any]) -> str:
        messages = build_messages(observation, self._turns[-self.history:])
        try:
            reply = self._complete(messages)
        except EndpointError as error:
            self._notes["errors"].append({"step": info.get("step"), "error": str(error)})
            action = actions.noop()
        else:
            found = extract_action(reply)
            if found is None:
                self._notes["errors"].append({"step": info.get("step"),
                                              "error": "no action in reply",
                                              "reply": reply[:2000]})
            action = found or actions.noop()
        self._turns.append((action, observation))
        return action

    def report(self) -> dict[str, Any]:
        """Calls, errors and token usage of the episode, for its record."""
        return dict(self._notes)

    def close(self) -> None:
        self._client.close()

    def _complete(self, messages: list[dict[str, str]]) -> str:
        body: dict[str, Any] = {"model": self.model, "messages": messages}
        if self.temperature is not None:
            body["temperature"] = self.temperature
        last = ""
        for attempt in range(self.retries + 1):
            self._notes["calls"] += 1
            try:
                response = self._client.post(self.url, json=body)
            except httpx.HTTPError as error:
                last, delay = f"{type(error).__name__}: {error}", _backoff(attempt, None)
            else:
                if response.status_code == 200:
                    return self._content(response)
                last = f"HTTP {response.status_code}: {response.text[:500]}"
                if response.status_code not in _RETRY_STATUS:
                    break
                delay = _backoff(attempt, response.headers.get("retry-after"))
            if attempt < self.retries:
                time.sleep(delay)  # backoff between retries of a failing endpoint
        raise EndpointError(f"{self.url}: {last} (after {attempt + 1} attempts)")

    def _content(self, response: httpx.Response) -> str:
        try:
            payload = response.json()
            content = payload["choices"][0]["message"]["content"] or ""
        except (ValueError, KeyError, IndexError, TypeError) as error:
            raise EndpointError(f"{self.url}: malformed reply ({error!r})") from error
        for key, value in (payload.get("usage") or {}).items():
            if isinstance(value, int):
                self._notes["usage"][key] = self._notes["usage"].get(key, 0) + value
        return str(content)


def build_messages(observation: dict[str, str],
                   turns: list[tuple[str, dict[str, str]]]) -> list[dict[str, str]]:
    """The chat messages for one step: system prompt, recent actions, current page."""
    system = SYSTEM_TEMPLATE.format(goal=observation["goal"], actions=describe_actions())
    messages = [{"role": "system", "content": system}]
    for action, before in turns:
        messages.append({"role": "user", "content": _brief(before)})
        messages.append({"role": "assistant", "content": action})
    messages.append({"role": "user", "content": _full(observation)})
    return messages


def _brief(observation: dict[str, str]) -> str:
    error = observation["last_action_error"]
    return f"URL: {observation['url']}" + (f"\nError: {error}" if error else "")


def _full(observation: dict[str, str]) -> str:
    return f"{_brief(observation)}\nPage:\n{observation['page']}\n\nYour next action:"


def extract_action(reply: str) -> str | None:
    """The first line of `reply` that parses as an action (code fences and quotes stripped)."""
    for raw in reply.splitlines():
        line = raw.strip().strip("`").strip()
        for prefix in ("Action:", "action:", "- ", "> "):
            if line.startswith(prefix):
                line = line[len(prefix):].strip()
        if not line or "(" not in line:
            continue
        try:
            parse_action(line)
        except ActionError:
            continue
        return line
    return None


def _backoff(attempt: int, retry_after: str | None) -> float:
    if retry_after is not None:
        try:
            return min(_MAX_BACKOFF, max(0.0, float(retry_after)))
        except ValueError:
            pass
    return float(min(_MAX_BACKOFF, 0.5 * 2 ** attempt))
