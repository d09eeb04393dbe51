"""Mail task families over seeds 0..19: sampling, verification (effect, no-op, collateral), oracles.

The effect tests apply each task's intended change directly through the services, so they
check verifiers independently of the pages; the oracle tests run `solve()` through the text
env, so they check that the pages let an agent do it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators import SITES
from webtwin.simulators.core import TaskFamily, World, WorldFactory
from webtwin.simulators.core.testing import Effect, TaskHarness, assert_documented, play_oracle
from webtwin.simulators.mail import services as svc
from webtwin.simulators.mail.models import (
    Account,
    Attachment,
    Label,
    Message,
    ReplyRule,
    Thread,
)
from webtwin.simulators.mail.tasks import FAMILIES

SEEDS = range(20)
SPECS = [SITES["mail"]]
STEP = 60  # seconds the env's clock moves per step
IDS = [family.id for family in FAMILIES]


@pytest.fixture(scope="module")
def factory() -> WorldFactory:
    """One factory for the module, so each seed's world is generated once."""
    return WorldFactory(capacity=1024)


@pytest.fixture
def tasks(factory: WorldFactory) -> Iterator[TaskHarness]:
    with TaskHarness(SPECS, factory, step=STEP) as harness:
        yield harness


def test_families_are_registered_and_documented() -> None:
    assert IDS == sorted(IDS) and len(IDS) == len(set(IDS)) >= 18
    for family in FAMILIES:
        assert family.id.startswith("mail/") and family.difficulty in {"easy", "medium", "hard"}
        assert_documented(family)


# -- (a) sampling -------------------------------------------------------------------------------
@pytest.mark.parametrize("family_cls", FAMILIES, ids=IDS)
def test_sample_is_deterministic_and_names_real_entities(
        tasks: TaskHarness, family_cls: type[TaskFamily]) -> None:
    for world, instance in tasks.sampled(family_cls(), SEEDS):
        with world.session() as s:
            assert_entities_exist(s, instance.params)


def assert_entities_exist(s: Session, params: dict[str, Any]) -> None:
    tables = {"thread_id": Thread, "message_id": Message, "attachment_id": Attachment,
              "label_id": Label, "rule_id": ReplyRule}
    for key, model in tables.items():
        if key in params:
            assert s.get(model, params[key]) is not None, f"{key}={params[key]} missing"
    for thread_id in params.get("thread_ids", []):
        assert s.get(Thread, thread_id) is not None
    if "thread_ids" in params:
        assert params["thread_ids"], "a bulk task needs at least one target"


# -- (b) effects: the intended change made through the services ----------------------------------
def change(world: World, fn: Callable[[Session], object]) -> None:
    with world.transaction() as s:
        fn(s)


def op(world: World, ids: list[int], name: str, **kw: Any) -> None:
    change(world, lambda s: svc.thread_op(s, world, ids, name, **kw))


def read(world: World, thread_id: int) -> None:
    """Reading is allowed in every family but one: effects read too, to keep that honest."""
    change(world, lambda s: svc.open_thread(s, thread_id))


def star(world: World, p: dict[str, Any]) -> None:
    read(world, p["thread_id"])
    op(world, [p["thread_id"]], "star")


def archive(world: World, p: dict[str, Any]) -> None:
    op(world, p["thread_ids"], "archive")


def trash_promotions(world: World, p: dict[str, Any]) -> None:
    op(world, p["thread_ids"], "trash")


def mark_read(world: World, p: dict[str, Any]) -> None:
    op(world, p["thread_ids"], "read")


def snooze(world: World, p: dict[str, Any]) -> None:
    op(world, [p["thread_id"]], "snooze", until=p["until"])


def restore(world: World, p: dict[str, Any]) -> None:
    read(world, p["thread_id"])
    op(world, [p["thread_id"]], "restore")


def spam_block(world: World, p: dict[str, Any]) -> None:
    op(world, [p["thread_id"]], "spam")
    change(world, lambda s: svc.block_sender(s, world, p["sender_email"]))


def reply(world: World, p: dict[str, Any]) -> None:
    read(world, p["thread_id"])
    body = f"{p['text']}\n\n-- \nsignature\n\n> quoted"
    change(world, lambda s: svc.send(s, world, svc.Compose(
        to=p["sender_email"], subject=f"Re: {p['subject']}", body=body,
        in_reply_to=p["message_id"])))


def forward(world: World, p: dict[str, Any]) -> None:
    change(world, lambda s: svc.send(s, world, svc.Compose(
        to=p["to_email"], subject=f"Fwd: {p['subject']}", body=p["note"],
        forward_of=p["message_id"])))


def label(world: World, p: dict[str, Any]) -> None:
    def create(s: Session) -> None:
        parent = s.scalars(select(Label).where(Label.name == p["parent"])).one()
        made = svc.create_label(s, world, p["child"], parent.id)
        svc.thread_op(s, world, [p["thread_id"]], "add_label", label_id=made.id)
    change(world, create)


def make_filter(world: World, p: dict[str, Any]) -> None:
    change(world, lambda s: svc.create_filter(
        s, world, from_contains=p["sender_email"], label_id=p["label_id"], archive=True))


def vacation(world: World, p: dict[str, Any]) -> None:
    def save(s: Session) -> None:
        me = s.get(Account, 1)
        assert me is not None
        svc.update_settings(s, me.signature, True, p["start"], p["end"], p["subject"], p["body"])
    change(world, save)


def compose_cc(world: World, p: dict[str, Any]) -> None:
    change(world, lambda s: svc.send(s, world, svc.Compose(
        to=", ".join(p["to_emails"]), cc=p["cc_email"], subject=p["subject"], body=p["text"])))


def draft(world: World, p: dict[str, Any]) -> None:
    change(world, lambda s: svc.save_draft(s, world, svc.Compose(
        to=p["to_email"], subject=p["subject"], body=p["text"])))


def scheduled(world: World, p: dict[str, Any]) -> None:
    change(world, lambda s: svc.schedule(s, world, svc.Compose(
        to=p["to_email"], subject=p["subject"], body=p["text"]), p["at"]))


def add_contact(world: World, p: dict[str, Any]) -> None:
    read(world, p["thread_id"])
    change(world, lambda s: svc.add_contact(s, world, p["name"], p["email"], p["phone"],
                                            p["company"], p["title"]))


def ask(world: World, p: dict[str, Any]) -> None:
    """Ask the contact, then let time pass until the answer is in."""
    change(world, lambda s: svc.send(s, world, svc.Compose(
        to=p["contact_email"], subject=f"About the {p['keyword']}",
        body=f"Could you send me the {p['keyword']}?")))
    world.advance(p["delay_seconds"] + 2 * STEP)


def asked(world: World, p: dict[str, Any]) -> str:
    ask(world, p)
    return str(p["fact"])


def relay(world: World, p: dict[str, Any]) -> None:
    ask(world, p)
    change(world, lambda s: svc.send(s, world, svc.Compose(
        to=p["sender_email"], subject=f"Re: {p['subject']}",
        body=f"The {p['keyword']} is {p['fact']}.", in_reply_to=p["message_id"])))


def answering(field: str) -> Effect:
    def effect(world: World, p: dict[str, Any]) -> str:
        read(world, p["thread_id"])
        return str(p[field])
    return effect


EFFECTS: dict[str, Effect] = {
    "mail/add_contact_from_signature": add_contact,
    "mail/answer_invoice_amount": answering("amount"),
    "mail/answer_tracking_number": answering("tracking"),
    "mail/archive_from_sender": archive,
    "mail/ask_and_answer": asked,
    "mail/ask_and_relay": relay,
    "mail/compose_with_cc": compose_cc,
    "mail/create_filter": make_filter,
    "mail/create_label_apply": label,
    "mail/forward_invoice": forward,
    "mail/mark_read_category": mark_read,
    "mail/reply_with_content": reply,
    "mail/restore_from_trash": restore,
    "mail/save_draft": draft,
    "mail/schedule_send": scheduled,
    "mail/snooze_thread": snooze,
    "mail/spam_and_block": spam_block,
    "mail/star_thread": star,
    "mail/trash_promotions_from": trash_promotions,
    "mail/vacation_responder": vacation,
}


def test_every_family_has_an_effect() -> None:
    assert sorted(EFFECTS) == IDS


@pytest.mark.parametrize("family_cls", FAMILIES, ids=IDS)
def test_intended_change_passes(tasks: TaskHarness, family_cls: type[TaskFamily]) -> None:
    family = family_cls()
    for seed in SEEDS:
        instance, verdict = tasks.outcome(family, seed, EFFECTS[family.id])
        assert verdict.passed, (seed, instance.instruction, verdict.to_json())


# -- (c) doing nothing ---------------------------------------------------------------------------
@pytest.mark.parametrize("family_cls", FAMILIES, ids=IDS)
def test_doing_nothing_fails(tasks: TaskHarness, family_cls: type[TaskFamily]) -> None:
    family = family_cls()
    for seed in SEEDS:
        world, instance = tasks.start(family, seed)
        end = tasks.idle(world)
        for answer in (None, ""):
            verdict = tasks.verify(family, world, instance, end, answer)
            assert not verdict.passed, (seed, instance.instruction)
            assert verdict.reward == 0.0


# -- (d) the right change plus collateral damage -------------------------------------------------
def change_signature(world: World, p: dict[str, Any]) -> None:
    def save(s: Session) -> None:
        me = s.get(Account, 1)
        assert me is not None
        svc.update_settings(s, me.signature + "\nSent from my phone", me.vacation_enabled,
                            me.vacation_start, me.vacation_end, me.vacation_subject,
                            me.vacation_body)
    change(world, save)


def trash_unrelated(world: World, p: dict[str, Any]) -> None:
    """Trash a live conversation that shares no thread, sender or domain with the task."""
    involved = {p.get("thread_id"), *p.get("thread_ids", [])}
    people = {p.get(k) for k in ("sender_email", "contact_email", "to_email", "email")}
    domain = p.get("domain")
    with world.session() as s:
        threads = s.scalars(select(Thread).where(Thread.trashed.is_(False), Thread.spam.is_(False))
                            .order_by(Thread.id)).all()
        for thread in threads:
            senders = {m.sender_email for m in thread.messages}
            if thread.id in involved or senders & people:
                continue
            if domain and any(e.endswith(f"@{domain}") for e in senders):
                continue
            target = thread.id
            break
    op(world, [target], "trash")


COLLATERALS = (change_signature, trash_unrelated)


@pytest.mark.parametrize("family_cls", FAMILIES, ids=IDS)
def test_collateral_damage_fails(tasks: TaskHarness, family_cls: type[TaskFamily]) -> None:
    family = family_cls()
    for seed in SEEDS:
        damage = COLLATERALS[seed % len(COLLATERALS)]  # each kind on half the seeds
        instance, verdict = tasks.outcome(family, seed, EFFECTS[family.id], then=damage)
        assert not verdict.passed, (seed, instance.instruction)
        assert not verdict.checks[-1].passed, "the damage is what must fail"
        assert all(check.passed for check in verdict.checks[:-1]), verdict.to_json()


# -- (e) oracles through the text env ------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("family_id", IDS)
def test_oracle_solves_through_the_text_env(family_id: str) -> None:
    gym = pytest.importorskip("gymnasium")
    pytest.importorskip("webtwin.envs")
    with closing(gym.make("webtwin/mail-text-v0", task=family_id)) as env:
        for seed in SEEDS:
            reward, info, errors = play_oracle(env, seed)
            assert reward == 1.0 and info["verdict"]["passed"], (seed, errors, info.get("verdict"))
