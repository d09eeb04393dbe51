"""The exceptions shop services raise for requests a user can fix."""

from __future__ import annotations

from webtwin.simulators.core.world import UserError

__all__ = ["ShopError", "ShopNotFound"]


class ShopError(UserError):
    """A shop request the site refuses; the message says what to change (pages answer 400)."""


class ShopNotFound(ShopError):
    """The request names an id that does not exist ("No such order 12"; pages answer 404)."""
