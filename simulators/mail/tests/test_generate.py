"""The mail generator: the guarantees task families rely on, determinism, golden digests, size."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from webtwin.simulators import SITES
from webtwin.simulators.core import World, WorldFactory

SEEDS = range(30)
GOLDEN = Path(__file__).parents[3] / "seeds" / "golden" / "mail.json"
_FACTORY = WorldFactory(capacity=64)
_SIG_PHONE = re.compile(r"\+1 555 01\d\d \d{3}$")


@cache
def snapshot(seed: int) -> bytes:
    return _FACTORY.template([SITES["mail"]], seed)


@cache
def db(seed: int) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.deserialize(snapshot(seed))
    return conn


def rows(seed: int, sql: str, *args: object) -> list[tuple]:
    return db(seed).execute(sql, args).fetchall()


def one(seed: int, sql: str, *args: object) -> object:
    return rows(seed, sql, *args)[0][0]


@pytest.mark.parametrize("seed", SEEDS)
def test_invoices(seed: int) -> None:
    threads = rows(seed, """SELECT t.id, t.in_inbox, t.trashed, t.spam FROM mail_thread t
        WHERE EXISTS (SELECT 1 FROM mail_message m JOIN mail_attachment a ON a.message_id = m.id
                      WHERE m.thread_id = t.id AND a.filename LIKE 'invoice-INV-%.pdf')""")
    assert len(threads) >= 3
    unread_in_inbox = 0
    for thread_id, in_inbox, trashed, spam in threads:
        for message_id, is_read in rows(seed, "SELECT id, is_read FROM mail_message "
                                              "WHERE thread_id = ?", thread_id):
            files = rows(seed, "SELECT filename, mime_type, content FROM mail_attachment "
                               "WHERE message_id = ?", message_id)
            assert len(files) == 1
            name, mime, content = files[0]
            number = re.fullmatch(r"invoice-(INV-\d{5})\.pdf", name).group(1)
            assert mime == "application/pdf"
            assert number in content and "Amount due:" in content and "Due date:" in content
            assert "{" not in content
            unread_in_inbox += bool(in_inbox and not trashed and not spam and not is_read)
    assert unread_in_inbox >= 1


@pytest.mark.parametrize("seed", SEEDS)
def test_shipping_notices(seed: int) -> None:
    bodies = [b for (b,) in rows(seed, """SELECT m.body FROM mail_message m JOIN mail_thread t
        ON t.id = m.thread_id WHERE t.category = 'updates' AND m.body LIKE '%NWX%'""")]
    trackings = {re.search(r"NWX\d{10}", body).group(0) for body in bodies}
    assert len(bodies) >= 3 and len(trackings) == len(bodies)


@pytest.mark.parametrize("seed", SEEDS)
def test_promotions(seed: int) -> None:
    found = rows(seed, """SELECT m.sender_email, m.body FROM mail_message m JOIN mail_thread t
        ON t.id = m.thread_id WHERE t.category = 'promotions' AND NOT t.trashed""")
    assert len(found) >= 5
    assert len({email.split("@")[1] for email, _ in found}) >= 2
    assert sum(bool(re.search(r"\b[A-Z]+\d{2}\b", body)) for _, body in found) >= 2


@pytest.mark.parametrize("seed", SEEDS)
def test_work_threads(seed: int) -> None:
    owner = one(seed, "SELECT email FROM mail_account")
    threads = rows(seed, """SELECT t.id, COUNT(m.id), SUM(m.sender_email = ?) FROM mail_thread t
        JOIN mail_message m ON m.thread_id = t.id WHERE t.category = 'primary'
        AND m.status IN ('sent', 'received') GROUP BY t.id""", owner)
    work = [t for t in threads if 2 <= t[1] <= 5]
    assert len(work) >= 8
    assert sum(1 for t in work if t[2]) >= 4


@pytest.mark.parametrize("seed", SEEDS)
def test_trash_spam_flags(seed: int) -> None:
    trash = rows(seed, "SELECT subject, trashed_at FROM mail_thread WHERE trashed")
    assert len(trash) >= 4 and len({s for s, _ in trash}) == len(trash)
    assert all(at is not None for _, at in trash)
    assert one(seed, "SELECT COUNT(*) FROM mail_thread WHERE spam") >= 3
    assert one(seed, "SELECT COUNT(*) FROM mail_thread WHERE starred") >= 3
    assert one(seed, "SELECT COUNT(*) FROM mail_thread WHERE important") >= 3
    archived = """SELECT COUNT(*) FROM mail_thread t WHERE NOT in_inbox AND NOT trashed
        AND NOT spam AND EXISTS (SELECT 1 FROM mail_message m WHERE m.thread_id = t.id
        AND m.status = 'received')"""
    assert one(seed, archived) >= 10


@pytest.mark.parametrize("seed", SEEDS)
def test_labels(seed: int) -> None:
    names = {n for (n,) in rows(seed, "SELECT name FROM mail_label")}
    assert {"Clients", "Receipts", "Travel", "Projects"} <= names
    assert any(n.startswith("Clients/") for n in names)
    assert any(n.startswith("Projects/") for n in names)
    assert one(seed, "SELECT COUNT(DISTINCT thread_id) FROM mail_thread_label") >= 10
    for (name,) in rows(seed, "SELECT l.name FROM mail_label l WHERE l.name IN "
                              "('Receipts', 'Travel') OR l.name LIKE 'Clients/%'"):
        assert one(seed, "SELECT COUNT(*) FROM mail_thread_label tl JOIN mail_label l "
                         "ON l.id = tl.label_id WHERE l.name = ?", name) >= 1, name


@pytest.mark.parametrize("seed", SEEDS)
def test_drafts_and_scheduled(seed: int) -> None:
    assert one(seed, "SELECT COUNT(*) FROM mail_message WHERE status = 'draft'") >= 2
    scheduled = rows(seed, "SELECT id, scheduled_at FROM mail_message "
                           "WHERE status = 'scheduled'")
    assert len(scheduled) >= 1
    events = [json.loads(p) for (p,) in rows(
        seed, "SELECT payload FROM scheduled_event WHERE kind = 'send_scheduled'")]
    assert {e["message_id"] for e in events} >= {mid for mid, _ in scheduled}


@pytest.mark.parametrize("seed", SEEDS)
def test_strangers_with_signature(seed: int) -> None:
    found = rows(seed, """SELECT m.sender_email, m.body FROM mail_message m JOIN mail_thread t
        ON t.id = m.thread_id WHERE t.in_inbox AND NOT t.spam AND NOT t.trashed
        AND m.status = 'received' AND t.category = 'primary'
        AND m.sender_email NOT IN (SELECT email FROM mail_contact)""")
    signed = {email for email, body in found if _SIG_PHONE.search(body)}
    assert len(signed) >= 3


@pytest.mark.parametrize("seed", SEEDS)
def test_reply_rules(seed: int) -> None:
    rules = rows(seed, "SELECT contact_email, keyword, reply_body, fact, delay_seconds, "
                       "answered FROM mail_reply_rule")
    contacts = {e for (e,) in rows(seed, "SELECT email FROM mail_contact")}
    assert len({r[0] for r in rules}) >= 4 and len(rules) >= 4
    for email, keyword, body, fact, delay, answered in rules:
        assert email in contacts and keyword and fact and fact in body
        assert 240 <= delay <= 900 and not answered


@pytest.mark.parametrize("seed", SEEDS)
def test_future_deliveries(seed: int) -> None:
    now = int(one(seed, "SELECT value FROM world_meta WHERE key = 'now'"))
    events = rows(seed, "SELECT due_at, payload FROM scheduled_event WHERE kind = 'deliver'")
    assert len(events) >= 6
    for due, payload in events:
        assert now + 3600 <= due <= now + 6 * 3600
        assert "message_id" in json.loads(payload) and "thread_id" in json.loads(payload)


@pytest.mark.parametrize("seed", SEEDS)
def test_settings_and_counts(seed: int) -> None:
    signature, vacation = rows(seed, "SELECT signature, vacation_enabled FROM mail_account")[0]
    assert signature and not vacation
    assert one(seed, "SELECT COUNT(*) FROM mail_filter") >= 1
    assert one(seed, "SELECT COUNT(*) FROM mail_blocked_sender") >= 1
    assert 30 <= one(seed, "SELECT COUNT(*) FROM mail_contact") <= 45
    assert 180 <= one(seed, "SELECT COUNT(*) FROM mail_message") <= 320
    now = int(one(seed, "SELECT value FROM world_meta WHERE key = 'now'"))
    unread = one(seed, """SELECT COUNT(*) FROM mail_thread t WHERE t.in_inbox AND NOT t.spam
        AND NOT t.trashed AND t.category = 'primary' AND (t.snoozed_until IS NULL
        OR t.snoozed_until <= ?) AND EXISTS (SELECT 1 FROM mail_message m
        WHERE m.thread_id = t.id AND NOT m.is_read)""", now)
    assert 5 <= unread <= 40


@pytest.mark.parametrize("seed", SEEDS)
def test_sender_subject_identifies_thread(seed: int) -> None:
    pairs = rows(seed, """SELECT DISTINCT m.sender_email, t.subject, t.id FROM mail_thread t
        JOIN mail_message m ON m.thread_id = t.id WHERE m.status = 'received'""")
    counts = Counter((email, subject) for email, subject, _ in pairs)
    assert [key for key, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("seed", SEEDS)
def test_owner_and_text(seed: int) -> None:
    name, email = rows(seed, "SELECT name, email FROM mail_account")[0]
    assert email.isascii() and re.fullmatch(r"[a-z0-9.]+@[a-z0-9.-]+\.(example|test)", email)
    bodies = " ".join(b for (b,) in rows(seed, "SELECT body FROM mail_message"))
    assert "{" not in bodies and "}" not in bodies
    assert not all(ch.isascii() for ch in bodies)


@pytest.mark.parametrize("seed", [0, 7])
def test_deterministic(seed: int) -> None:
    first, second = (World.from_bytes([SITES["mail"]], WorldFactory().template(
        [SITES["mail"]], seed)) for _ in range(2))
    assert first.digest() == second.digest()


def test_golden_digests() -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    for seed, digest in golden.items():
        world = World.from_bytes([SITES["mail"]], snapshot(int(seed)))
        assert world.digest() == digest, f"seed {seed}: generation changed; bump the env " \
            "version and regenerate seeds/golden/mail.json"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_size(seed: int) -> None:
    assert len(snapshot(seed)) < 1_000_000
