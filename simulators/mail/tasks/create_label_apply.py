"""Create a nested label and apply it to a conversation."""

from __future__ import annotations

from sqlalchemy import select

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import (
    Check,
    TaskFamily,
    TaskInstance,
    TaskUnavailable,
    Verdict,
    agent_changes,
)
from webtwin.simulators.core.world import World

from ..models import Contact, Label
from ._common import (
    all_threads,
    domain_of,
    inserted,
    is_insert,
    live_threads,
    nameable,
    open_thread_actions,
    owner,
    pick,
    verdict,
)

__all__ = ["CreateLabelApply"]


def parents(labels: list[str], companies: set[str]) -> list[str]:
    """Top-level labels, best first: those whose nested labels are company names ("Clients"),
    then those with nested labels at all, then the rest; ties by name."""
    def score(parent: str) -> tuple[int, int, str]:
        children = [name.split("/", 1)[1] for name in labels if name.startswith(f"{parent}/")]
        return (-sum(child in companies for child in children), -len(children), parent)
    return sorted((name for name in labels if "/" not in name), key=score)


class CreateLabelApply(TaskFamily):
    """Create a label nested under an existing one, named after a company, and apply it.

    ## Description
    The agent creates the label `<parent>/<company>` (on the labels page, choosing the
    parent) and applies it to the named conversation from someone at that company.

    ## Goal
    "Create a label "Fernhill Analytics" nested under "Clients" and apply it to the email
    from Ana Souza about "Question about the Q3 budget"."

    ## Parameters
    - `thread_id`, `message_id`, `subject`, `sender_name`, `sender_email`: the conversation.
    - `parent`, `child`: the existing parent label and the new label's own name.
    - `label_name`: the full name, `parent/child`.

    ## Success criteria
    A new label named `label_name` exists and is on the thread; no other label was created or
    applied; nothing else changed except messages marked read.
    """

    id = "mail/create_label_apply"
    difficulty = "medium"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            labels = list(s.scalars(select(Label.name).order_by(Label.name)))
            home = domain_of(owner(s).email)
            # Other companies' people: a label for the owner's own employer would be odd.
            companies = {c.email: c.company for c in s.scalars(select(Contact).order_by(Contact.id))
                         if c.company and domain_of(c.email) != home}
            refs = [r for r in nameable(live_threads(s, inbox=True, now=world.now), all_threads(s))
                    if r.sender_email in companies]
        ranked = parents(labels, set(companies.values()))
        if not ranked:
            raise TaskUnavailable("this world has no top-level label")
        parent = ranked[0]
        refs = [r for r in refs if f"{parent}/{companies[r.sender_email]}".casefold()
                not in {name.casefold() for name in labels}]
        if not refs:
            raise TaskUnavailable("no conversation from a company without a label")
        ref = pick(rng, refs, "conversation from a contact with a company")
        child = companies[ref.sender_email]
        return TaskInstance(
            family=self.id,
            params={**ref.params(), "parent": parent, "child": child,
                    "label_name": f"{parent}/{child}"},
            instruction=(f'Create a label "{child}" nested under "{parent}" and apply it to the '
                         f'email from {ref.sender_name} about "{ref.subject}".'))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        wanted = p["label_name"].casefold()
        created = [row for row in inserted(diff, "mail_label") if row["name"].casefold() == wanted]
        label_id = created[0]["id"] if created else None
        applied = any(row["thread_id"] == p["thread_id"] and row["label_id"] == label_id
                      for row in inserted(diff, "mail_thread_label"))
        return verdict(
            [Check("label created", label_id is not None, f"expected {p['label_name']!r}"),
             Check("label applied", applied, f"thread {p['thread_id']}")],
            diff, is_insert("mail_label", lambda row: row["id"] == label_id),
            is_insert("mail_thread_label", lambda row: (row["thread_id"], row["label_id"])
                      == (p["thread_id"], label_id)))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [act.click("nav-labels"), act.fill("new-label-name", p["child"]),
                act.select_option("new-label-parent", p["parent"]), act.click("create-label"),
                *open_thread_actions(f'from:{p["sender_email"]}', p["thread_id"]),
                act.select_option("label-select", p["label_name"]), act.click("label-add"),
                act.stop()]
