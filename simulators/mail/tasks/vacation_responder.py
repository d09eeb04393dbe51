"""Turn on the vacation responder for given dates with a subject and message."""

from __future__ import annotations

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import (
    Check,
    TaskFamily,
    TaskInstance,
    Verdict,
    agent_changes,
    normalize_answer,
)
from webtwin.simulators.core.world import World

from ..models import Account
from ._common import DAY, day_start, fmt_date, has_text, is_update, owner, to_date, verdict

__all__ = ["VacationResponder"]

VACATION_FIELDS = {"vacation_enabled", "vacation_start", "vacation_end", "vacation_subject",
                   "vacation_body"}
SUBJECTS = ("Out of office", "On holiday", "Away until further notice", "Annual leave")
BODIES = (
    "I am away with limited access to email and will reply when I am back.",
    "I am on leave and will answer your message after my return.",
    "Thanks for your email. I am travelling and will get back to you next week.",
)


def within_day(value: int | None, day: int) -> bool:
    """A stored date matches a calendar day however the service stores it (start or end)."""
    return value is not None and day <= value <= day + DAY


class VacationResponder(TaskFamily):
    """Enable the vacation responder for a date range, with a subject and a message.

    ## Description
    The agent opens the settings, turns the vacation responder on, and sets its first and
    last day (inclusive, UTC), subject and message; the signature stays as it is.

    ## Goal
    "I'm off from Monday 16 March 2026 to Friday 20 March 2026. Turn on the vacation
    responder for those days with the subject "Out of office" and the message "I am away
    with limited access to email and will reply when I am back.""

    ## Parameters
    - `start`, `end`: first and last day, epoch seconds of their midnight (UTC).
    - `subject`, `body`: the auto-reply's subject and message.

    ## Success criteria
    The responder is on, its dates are those days, its subject equals `subject` and its
    message contains `body`; nothing else changed except messages marked read.
    """

    id = "mail/vacation_responder"
    difficulty = "medium"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        # Starting at least two days ahead keeps the responder from answering the mail that
        # arrives during the episode.
        start = day_start(world.now) + rng.randint(2, 9) * DAY
        end = start + rng.randint(2, 12) * DAY
        subject, body = rng.choice(SUBJECTS), rng.choice(BODIES)
        return TaskInstance(
            family=self.id, params={"start": start, "end": end, "subject": subject, "body": body},
            instruction=(f"I'm off from {fmt_date(start)} to {fmt_date(end)}. Turn on the "
                         f'vacation responder for those days with the subject "{subject}" '
                         f'and the message "{body}"'))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        with after.session() as s:
            me: Account = owner(s)
            checks = [
                Check("responder on", bool(me.vacation_enabled)),
                Check("first day", within_day(me.vacation_start, p["start"]),
                      f"got {me.vacation_start}"),
                Check("last day", within_day(me.vacation_end, p["end"]), f"got {me.vacation_end}"),
                Check("subject", normalize_answer(me.vacation_subject)
                      == normalize_answer(p["subject"]), f"got {me.vacation_subject!r}"),
                Check("message", has_text(me.vacation_body, p["body"])),
            ]
        return verdict(checks, diff, is_update("mail_account", [1], VACATION_FIELDS))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [act.click("nav-settings"), act.check("vacation-enabled"),
                act.fill("vacation-start", to_date(p["start"])),
                act.fill("vacation-end", to_date(p["end"])),
                act.fill("vacation-subject", p["subject"]), act.fill("vacation-body", p["body"]),
                act.click("save-settings"), act.stop()]
