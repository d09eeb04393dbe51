"""Schedule a message to be sent at a given future moment."""

from __future__ import annotations

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import Check, TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World

from ._common import DAY, compose_actions, day_start, fmt_when, to_datetime_local, verdict
from ._outgoing import (
    BODIES,
    SUBJECTS,
    message_checks,
    new_message_allowances,
    one_new,
    pick_contacts,
)

__all__ = ["ScheduleSend"]


class ScheduleSend(TaskFamily):
    """Schedule an email to a contact for a given day and time.

    ## Description
    The agent writes the message and schedules it (not sends it now) for a moment one to
    four days ahead, on the hour, UTC.

    ## Goal
    "Schedule an email to Ana Souza (ana.souza@fernhill.test) for Thursday 12 March 2026 at
    08:00 UTC, subject "Agenda for next week", saying "Please bring your laptop and the
    latest figures.""

    ## Parameters
    - `to_name`, `to_email`, `subject`, `text`: the message.
    - `at`: when it must go out, epoch seconds (UTC).

    ## Success criteria
    Exactly one new scheduled message, at `at`, to `to_email`, with the subject and a body
    containing `text`; nothing sent; nothing else changed except messages marked read.
    """

    id = "mail/schedule_send"
    difficulty = "medium"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        [(name, email)] = pick_contacts(world, rng, 1)
        subject, text = rng.choice(SUBJECTS), rng.choice(BODIES)
        at = day_start(world.now) + rng.randint(1, 4) * DAY + rng.choice([7, 8, 9, 14]) * 3600
        return TaskInstance(
            family=self.id,
            params={"to_name": name, "to_email": email, "subject": subject, "text": text,
                    "at": at},
            instruction=(f"Schedule an email to {name} ({email}) for {fmt_when(at)}, subject "
                         f'"{subject}", saying "{text}"'))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        row, exactly_one = one_new(diff, "scheduled")
        when = row["scheduled_at"] if row else None
        checks = message_checks(row, [p["to_email"]], [], p["subject"], p["text"])
        return verdict([exactly_one, Check("at the given time", when == p["at"], f"got {when}"),
                        *checks], diff, *new_message_allowances(row))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [*compose_actions(p["to_email"], p["subject"], p["text"]),
                act.fill("schedule-at", to_datetime_local(p["at"])), act.click("schedule-send"),
                act.stop()]
