"""The action language: BrowserGym-style calls, parsed (never evaluated).

An action is one call with literal arguments, e.g. `click("thread-12")` or
`fill("to", "ana@fernhill.test")`. The functions below only document each action; their
docstrings' `Examples:` blocks make the action description an agent reads
(`describe_actions()`). `parse_action` checks a string against their signatures.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from webtwin.simulators.core.lru import LruCache

__all__ = ["ActionError", "ParsedAction", "TEXT_ACTIONS", "describe_actions", "parse_action",
           "MAX_ACTION_CHARS"]

MAX_ACTION_CHARS = 64 * 1024


class ActionError(ValueError):
    """The action string is not a valid action; the message says why and how to fix it."""


@dataclass(frozen=True)
class ParsedAction:
    name: str
    args: tuple[Any, ...]


def click(bid: str) -> None:
    """Click an element: follow a link, press a button (submitting its form), toggle a checkbox.

    Examples:
        click("compose")
        click("thread-12")
    """


def fill(bid: str, text: str) -> None:
    """Replace the value of a text field (textbox, textarea, date) with `text`.

    Examples:
        fill("to", "ana@fernhill.test")
        fill("body", "Hi Ana,\\nSee you at 10.")
    """


def select_option(bid: str, option: str) -> None:
    """Choose an option of a drop-down by its value or its visible text.

    Examples:
        select_option("label-select", "Receipts")
    """


def check(bid: str) -> None:
    """Tick a checkbox (or choose a radio button).

    Examples:
        check("select-12")
    """


def uncheck(bid: str) -> None:
    """Untick a checkbox.

    Examples:
        uncheck("select-12")
    """


def press(bid: str, key: str) -> None:
    """Press a key in an element; "Enter" in a text field submits its form.

    Examples:
        press("search-input", "Enter")
    """


def goto(url: str) -> None:
    """Open a URL of a simulated site.

    Examples:
        goto("http://mail.localhost/inbox")
    """


def go_back() -> None:
    """Go back to the previous page.

    Examples:
        go_back()
    """


def go_forward() -> None:
    """Go forward again after going back.

    Examples:
        go_forward()
    """


def scroll(dx: int, dy: int) -> None:
    """Scroll the page by (dx, dy) pixels (the text page always shows everything).

    Examples:
        scroll(0, 500)
    """


def noop() -> None:
    """Do nothing for one step (time passes: new mail may arrive).

    Examples:
        noop()
    """


def send_msg_to_user(text: str) -> None:
    """Send a final message to the user; ends the episode.

    Examples:
        send_msg_to_user("Done: the invoice was forwarded.")
    """


def stop(answer: str = "") -> None:
    """End the episode, with an answer when the task asks a question.

    Examples:
        stop()
        stop("NWX4821930571")
    """


TEXT_ACTIONS: dict[str, Callable[..., None]] = {
    fn.__name__: fn
    for fn in (click, fill, select_option, check, uncheck, press, goto, go_back, go_forward,
               scroll, noop, send_msg_to_user, stop)
}


def describe_actions(actions: dict[str, Callable[..., None]] = TEXT_ACTIONS) -> str:
    """The action language as an agent reads it: signature, summary and examples per action."""
    parts = []
    for fn in actions.values():
        doc = inspect.getdoc(fn) or ""
        parts.append(f"{_signature_text(fn)}\n    " + doc.replace("\n", "\n    "))
    return "\n".join(parts)


def _signature_text(fn: Callable[..., None]) -> str:
    params = []
    for param in inspect.signature(fn).parameters.values():
        default = "" if param.default is inspect.Parameter.empty else f" = {param.default!r}"
        params.append(f"{param.name}: {param.annotation}{default}")
    return f"{fn.__name__}({', '.join(params)})"


def parse_action(text: str, actions: dict[str, Callable[..., None]] = TEXT_ACTIONS
                 ) -> ParsedAction:
    """Parse one action string; raises ActionError with a message an agent can act on.

    Agents repeat the same few action strings across steps and episodes, and `ast.parse` is
    a compile: parses of valid actions are kept (per action table, least recently used out).
    """
    if not isinstance(text, str):
        raise ActionError(f"an action is a string, got {type(text).__name__}")
    if len(text) > MAX_ACTION_CHARS:
        raise ActionError(f"action is {len(text)} characters long; the limit is "
                          f"{MAX_ACTION_CHARS}")
    _PINNED.setdefault(id(actions), actions)  # a pinned table's id is never reused
    key = (id(actions), text)
    parsed = _PARSED.get(key)
    if parsed is None:
        parsed = _parse_uncached(text, actions)
        _PARSED.put(key, parsed)
    return parsed


_PARSED: LruCache[tuple[int, str], ParsedAction] = LruCache(4096)
_PINNED: dict[int, dict[str, Callable[..., None]]] = {}


def _parse_uncached(text: str, actions: dict[str, Callable[..., None]]) -> ParsedAction:
    call = _parse_call(text.strip())
    name = call.func.id if isinstance(call.func, ast.Name) else ""
    if name not in actions:
        raise ActionError(f"unknown action {name or ast.unparse(call.func)!r}; "
                          f"valid actions: {', '.join(actions)}")
    args = [_literal(node) for node in call.args]
    kwargs = {kw.arg: _literal(kw.value) for kw in call.keywords if kw.arg is not None}
    return ParsedAction(name, _bind(actions[name], args, kwargs))


def _parse_call(text: str) -> ast.Call:
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise ActionError(f'cannot parse action {_clip(text)!r}: {error.msg}; write one call '
                          'like click("12")') from None
    if not isinstance(tree.body, ast.Call):
        raise ActionError(f'an action is one call like click("12"), got {_clip(text)!r}')
    return tree.body


def _literal(node: ast.expr) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float) \
            and not isinstance(node.value, bool):
        return node.value
    if (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
            and isinstance(node.operand, ast.Constant)
            and isinstance(node.operand.value, int | float)):
        return -node.operand.value
    raise ActionError("arguments must be string or number literals, got "
                      f"{_clip(ast.unparse(node))!r}")


def _bind(fn: Callable[..., None], args: list[Any], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    signature = inspect.signature(fn)
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as error:
        raise ActionError(f"{_signature_text(fn)}: {error}") from None
    bound.apply_defaults()
    if isinstance(bound.arguments.get("bid"), int):
        bound.arguments["bid"] = str(bound.arguments["bid"])  # click(12) means click("12")
    for name, value in bound.arguments.items():
        _check_type(fn.__name__, name, str(signature.parameters[name].annotation), value)
    return tuple(bound.arguments.values())


def _check_type(action: str, name: str, annotation: str, value: Any) -> None:
    expected = {"str": str, "int": int, "float": int | float}.get(annotation, object)
    if isinstance(value, bool) or not isinstance(value, expected):
        raise ActionError(f"{action}: argument {name} must be {annotation}, got {value!r:.40}")


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
