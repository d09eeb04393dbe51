"""Writers of action strings, for oracles: `click("star")` etc., quoted so the parser reads them.

The env's action parser (in `webtwin.envs`) reads Python-literal arguments; `repr` of a str is
exactly such a literal (quotes, newlines and Unicode escaped as needed).
"""

from __future__ import annotations

__all__ = [
    "check", "click", "fill", "go_back", "goto", "noop", "press", "select_option",
    "send_msg_to_user", "stop", "uncheck",
]


def _call(name: str, *args: object) -> str:
    return f"{name}({', '.join(repr(arg) for arg in args)})"


def click(bid: str) -> str:
    return _call("click", bid)


def fill(bid: str, text: str) -> str:
    return _call("fill", bid, text)


def select_option(bid: str, option: str) -> str:
    return _call("select_option", bid, option)


def check(bid: str) -> str:
    return _call("check", bid)


def uncheck(bid: str) -> str:
    return _call("uncheck", bid)


def press(bid: str, key: str) -> str:
    return _call("press", bid, key)


def goto(url: str) -> str:
    return _call("goto", url)


def go_back() -> str:
    return _call("go_back")


def noop() -> str:
    return _call("noop")


def stop(answer: str | None = None) -> str:
    return _call("stop") if answer is None else _call("stop", answer)


def send_msg_to_user(text: str) -> str:
    return _call("send_msg_to_user", text)
