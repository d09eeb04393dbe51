"""The browser-mode action language: the text-mode actions plus coordinate-level mouse and
keyboard actions for agents that only see pixels.

Coordinates are CSS pixels of the screenshot (`obs["screenshot"]`), origin at the top left.
Like the text actions, these functions only document; `BROWSER_ACTIONS` is what
`parse_action(text, BROWSER_ACTIONS)` checks against and `describe_actions` prints.
"""

from __future__ import annotations

from collections.abc import Callable

from .actions import TEXT_ACTIONS

__all__ = ["BROWSER_ACTIONS", "MOUSE_BUTTONS"]

MOUSE_BUTTONS = ("left", "right", "middle")


def mouse_click(x: float, y: float, button: str = "left") -> None:
    """Click at (x, y) of the screenshot with a mouse button ("left", "right", "middle").

    Examples:
        mouse_click(412, 96)
        mouse_click(640, 300, "right")
    """


def mouse_dblclick(x: float, y: float, button: str = "left") -> None:
    """Double-click at (x, y).

    Examples:
        mouse_dblclick(520, 233)
    """


def mouse_move(x: float, y: float) -> None:
    """Move the mouse pointer to (x, y) (hovering; `scroll` scrolls what is under it).

    Examples:
        mouse_move(700, 400)
    """


def mouse_drag(x1: float, y1: float, x2: float, y2: float) -> None:
    """Press the left button at (x1, y1), move to (x2, y2) and release (select text, drag).

    Examples:
        mouse_drag(300, 200, 600, 200)
    """


def keyboard_type(text: str) -> None:
    """Type text into the element that has focus (click a field first); "\\n" presses Enter.

    Examples:
        keyboard_type("ana@fernhill.test")
        keyboard_type("from:ana\\n")
    """


def keyboard_press(key_combo: str) -> None:
    """Press a key or a combination, named as in Playwright ("Enter", "Tab", "Control+A").

    Examples:
        keyboard_press("Enter")
        keyboard_press("Control+A")
    """


def scroll(dx: float, dy: float) -> None:
    """Scroll what is under the mouse pointer by (dx, dy) pixels (the pointer starts at the
    centre of the page).

    Examples:
        scroll(0, 500)
        scroll(0, -200)
    """


BROWSER_ACTIONS: dict[str, Callable[..., None]] = {
    **{name: scroll if name == "scroll" else fn for name, fn in TEXT_ACTIONS.items()},
    **{fn.__name__: fn for fn in (mouse_click, mouse_dblclick, mouse_move, mouse_drag,
                                  keyboard_type, keyboard_press)},
}
