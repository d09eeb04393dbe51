"""The one exception mail services raise for requests a user can fix."""

from __future__ import annotations

from webtwin.simulators.core.world import UserError

__all__ = ["MailError"]


class MailError(UserError):
    """A mail request the site refuses; the message says what to change."""
