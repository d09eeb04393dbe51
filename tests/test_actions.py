"""The action language parser: valid calls, and clear errors for everything else."""

from __future__ import annotations

import pytest

from webtwin.envs.actions import ActionError, describe_actions, parse_action
from webtwin.simulators.core import actions


@pytest.mark.parametrize("text, name, args", [
    ('click("12")', "click", ("12",)),
    ("click(12)", "click", ("12",)),
    ("  fill('to', 'a@b.test')  ", "fill", ("to", "a@b.test")),
    ('fill("body", "line 1\\nline 2 😀")', "fill", ("body", "line 1\nline 2 😀")),
    ("scroll(0, -300)", "scroll", (0, -300)),
    ("stop()", "stop", ("",)),
    ('stop(answer="42")', "stop", ("42",)),
    ("noop()", "noop", ()),
])
def test_valid_actions(text: str, name: str, args: tuple[object, ...]) -> None:
    parsed = parse_action(text)
    assert (parsed.name, parsed.args) == (name, args)


@pytest.mark.parametrize("text, message", [
    ("", "cannot parse"),
    ("click(", "cannot parse"),
    ("hover('x')", "unknown action"),
    ("__import__('os').system('id')", "unknown action"),
    ("click(open('/etc/passwd'))", "literals"),
    ("click('a', 'b')", "too many"),
    ("fill('a')", "missing"),
    ("click(x)", "literals"),
    ("1 + 1", "one call"),
    ("click(True)", "literals"),
    ("scroll('a', 1)", "must be"),
    ("x" * 70_000, "limit"),
])
def test_invalid_actions_explain_themselves(text: str, message: str) -> None:
    with pytest.raises(ActionError, match=message):
        parse_action(text)


def test_oracle_writers_round_trip() -> None:
    tricky = "Quote \" and ' and \\ and\nnewline, ünïcode 😀"
    assert parse_action(actions.fill("body", tricky)).args == ("body", tricky)
    assert parse_action(actions.stop(tricky)).args == (tricky,)


def test_description_lists_every_action_with_examples() -> None:
    text = describe_actions()
    for name in ("click", "fill", "select_option", "goto", "stop", "send_msg_to_user"):
        assert f"{name}(" in text
    assert "Examples:" in text
