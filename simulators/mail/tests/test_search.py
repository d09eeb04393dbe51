"""Gmail-operator search: each operator on a small hand-built mailbox, and hostile input."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mailweb import Browser, bids
from sqlalchemy import delete, select

from webtwin.simulators.core import World
from webtwin.simulators.mail import SITE
from webtwin.simulators.mail.models import (
    Account,
    Attachment,
    Contact,
    Label,
    Message,
    Thread,
    ThreadLabel,
)
from webtwin.simulators.mail.queries import _search_reads
from webtwin.simulators.mail.search import (
    PENDING_TABLE,
    And,
    Not,
    Or,
    SearchContext,
    Term,
    parse,
    search_condition,
)

ME = "me@corp.example"
DAY = 86400


def _message(id: int, thread: int, sender: tuple[str, str], subject: str, body: str, at: int,
             **extra: object) -> Message:
    return Message(id=id, thread_id=thread, sender_name=sender[0], sender_email=sender[1],
                   subject=subject, body=body, sent_at=at, **extra)


@pytest.fixture(scope="module")
def mailbox() -> Iterator[World]:
    """Five threads: an invoice (labelled, attachment), spam, trash, a sent one, a snoozed one."""
    world = World.empty([SITE], 1)
    now = world.now
    dana, me = ("Dana Ortiz", "dana@northwind.test"), ("Me Owner", ME)
    with world.transaction() as s:
        s.add(Account(id=1, name="Me Owner", email=ME))
        s.add(Contact(id=1, name="Dana Ortiz", email="dana@northwind.test"))
        s.add(Label(id=1, name="Clients/Northwind"))
        s.add_all([
            Thread(id=1, subject="Invoice March", last_message_at=now - 100, starred=True),
            Thread(id=2, subject="Cheap pills", last_message_at=now - 5 * DAY, spam=True,
                   category="promotions"),
            Thread(id=3, subject="Old lunch", last_message_at=now - 400 * DAY, trashed=True),
            Thread(id=4, subject="Quarterly report", last_message_at=now - 2 * DAY,
                   in_inbox=False, important=True),
            Thread(id=5, subject="Later please", last_message_at=now - 3 * DAY,
                   snoozed_until=now + DAY, category="social"),
        ])
        s.flush()
        s.add_all([
            _message(1, 1, dana, "Invoice March", "Please find the invoice attached. PO 4471",
                     now - 100, to_addrs=ME),
            _message(2, 2, ("Spammer", "x@spam.test"), "Cheap pills", "cheap pills now",
                     now - 5 * DAY, to_addrs=ME, is_read=True),
            _message(3, 3, dana, "Old lunch", "lunch on friday?", now - 400 * DAY, to_addrs=ME,
                     is_read=True),
            _message(4, 4, me, "Quarterly report", "the quarterly numbers look good",
                     now - 2 * DAY, to_addrs="sam@partner.test", cc_addrs="dana@northwind.test",
                     status="sent", is_read=True),
            _message(5, 5, ("Lee", "lee@friends.test"), "Later please", "see you soon",
                     now - 3 * DAY, to_addrs=ME, is_read=True),
        ])
        s.add(Attachment(id=1, message_id=1, filename="invoice-4471.pdf", content="total"))
        s.add(ThreadLabel(thread_id=1, label_id=1))
    yield world
    world.close()


def find(world: World, query: str) -> list[int]:
    ctx = SearchContext(world.now, ME)
    with world.session() as s:
        found = s.scalars(select(Thread.id).where(search_condition(query, ctx))
                          .order_by(Thread.id))
        return list(found)


OPERATORS = [
    ("invoice", [1]), ("INVOICE", [1]), ("pills", []), ("pills in:spam", [2]),
    ("lunch", []), ("lunch in:trash", [3]), ("lunch in:anywhere", [3]),
    ('"find the invoice"', [1]), ('"the find"', []),
    ("from:dana", [1]), ("from:Ortiz", [1]), ("from:me", [4]), ("to:sam@partner.test", [4]),
    ("to:me", [1, 5]), ("cc:dana", [4]), ("to:dana", [4]), ("subject:quarterly", [4]),
    ("subject:invoice", [1]), ("subject:(pills)", []),
    ("label:clients-northwind", [1]), ("label:Clients/Northwind", [1]), ("label:nope", []),
    ("in:inbox", [1]), ("in:sent", [4]), ("in:snoozed", [5]), ("in:starred", [1]),
    ("is:unread", [1]), ("is:read", [4, 5]), ("is:starred", [1]), ("is:important", [4]),
    ("is:snoozed", [5]), ("has:attachment", [1]), ("filename:pdf", [1]),
    ("filename:docx", []), ("category:primary", [1, 4]), ("category:social", [5]),
    ("older_than:1d", [4, 5]), ("newer_than:1d", [1]), ("older_than:1y in:anywhere", [3]),
    ("before:2000/01/01", []), ("after:2000-01-01", [1, 4, 5]), ("after:2999/1/1", []),
    ("invoice OR quarterly", [1, 4]), ("invoice | quarterly", [1, 4]),
    ("-invoice", [4, 5]), ("-from:dana in:inbox", []), ("(invoice OR report) -is:unread", [4]),
    ("is:bogus", []), ("foo:bar", []), ("label:", []),
]
HOSTILE = [
    "' OR 1=1 --", '"unbalanced', '"; DROP TABLE mail_message; --', "<script>alert(1)</script>",
    "NEAR(invoice march)", "invoice*", "*", "^invoice", "subject:\"", "from:\"a", "(((", ")))",
    "OR", "- - -", "label:%", "from:_", "older_than:999999999y", "before:9999/99/99",
    "in:", "\x00", "😀 émoji", "a" * 5000, " ".join(["word"] * 2000), "((a OR b) -(c OR d))",
]


@pytest.mark.parametrize("query,expected", OPERATORS)
def test_operators(mailbox: World, query: str, expected: list[int]) -> None:
    assert find(mailbox, query) == expected


@pytest.mark.parametrize("query", [query for query, _ in OPERATORS] + HOSTILE)
def test_search_pages_statement_finds_what_the_condition_finds(mailbox: World,
                                                                query: str) -> None:
    """The search page compiles a query once (`queries._search_reads`), the clock a parameter:
    two days on, `newer_than:1d` and `is:snoozed` must find what they find then."""
    page_read, count_read = _search_reads(query, ME)
    for now in (mailbox.now, mailbox.now + 2 * DAY):
        with mailbox.session() as s:
            condition = search_condition(query, SearchContext(now, ME))
            expected = list(s.scalars(select(Thread.id).where(condition).order_by(Thread.id)))
            rows = page_read.rows(s, now=now, limit=10_000, offset=0)
            counted = count_read.rows(s, now=now)[0][0]
        assert sorted(row[0] for row in rows) == expected
        assert counted == len(expected) and all(row[-1] == len(expected) for row in rows)


def test_only_statements_on_the_index_are_prepared_per_image() -> None:
    """A search that reads the full-text index is prepared again for each image of the
    connection (`World.restore`); one that does not (`from:` is a LIKE) keeps its statement."""
    assert all(read.virtual for read in _search_reads('"invoice march"', ME))
    assert all(read.virtual for read in _search_reads("subject:invoice", ME))
    assert not any(read.virtual for read in _search_reads("from:dana is:unread", ME))


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_error(mailbox: World, query: str) -> None:
    before = mailbox.digest()
    find(mailbox, query)
    assert mailbox.digest() == before
    assert find(mailbox, "' OR 1=1 --") == []


def test_like_wildcards_are_literal(mailbox: World) -> None:
    assert find(mailbox, "from:%") == [] and find(mailbox, "from:_") == []


def test_parser_shapes() -> None:
    assert parse("a") == Term("", "a")
    assert parse("a b") == And((Term("", "a"), Term("", "b")))
    assert parse("a OR b") == Or((Term("", "a"), Term("", "b")))
    assert parse("-from:x") == Not(Term("from", "x"))
    assert parse('subject:"two words"') == Term("subject", "two words", True)
    assert parse("unknown:op") == Term("", "unknown:op")


def queued(world: World) -> int:
    return int(world.conn.execute(f"SELECT count(*) FROM {PENDING_TABLE}").fetchone()[0])


def test_index_follows_updates_and_deletes() -> None:
    """Changed messages are queued by triggers and indexed after each commit; a transaction
    that writes a message several times is indexed once, as it ends."""
    world = World.empty([SITE], 2)
    with world.transaction() as s:
        s.add(Account(id=1, name="Me", email=ME))
        s.add(Thread(id=1, subject="s", last_message_at=world.now))
        s.flush()
        s.add(_message(1, 1, ("A", "a@x.test"), "hello", "alpha", world.now, to_addrs=ME))
    assert find(world, "alpha") == [1] and queued(world) == 0
    with world.transaction() as s:
        message = s.get(Message, 1)
        assert message is not None
        message.body = "beta"
        s.flush()
        message.body = "omega"
        s.flush()
        s.add(_message(2, 1, ("A", "a@x.test"), "again", "gamma", world.now, to_addrs=ME))
        s.flush()
        s.execute(delete(Message).where(Message.id == 2))
    assert find(world, "alpha") == find(world, "beta") == find(world, "gamma") == []
    assert find(world, "omega") == [1] and queued(world) == 0
    snapshot = world.snapshot()
    with world.transaction() as s:
        s.execute(delete(Message))
    assert find(world, "omega") == []
    world.restore(snapshot)  # a fresh connection (this world was built, not restored)
    assert find(world, "omega") == [1]
    with world.transaction() as s:
        s.execute(delete(Message))
    before = world.conn
    world.restore(snapshot)
    assert world.conn is before  # the same connection, its index instance included
    assert find(world, "omega") == [1]
    with world.transaction() as s:
        s.get(Message, 1).body = "sigma"  # type: ignore[union-attr]
    assert find(world, "omega") == [] and find(world, "sigma") == [1]
    world.close()


@pytest.mark.parametrize("query", ["' OR 1=1 --", '"unbalanced', "<script>alert(1)</script>",
                                   "x" * 5000, "from:", "label:clients-"])
def test_search_page_with_hostile_input(browser: Browser, query: str) -> None:
    before = browser.world.digest()
    response = browser.get("/search", params={"q": query})
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert browser.world.digest() == before


def test_search_page_finds_and_excludes_trash(browser: Browser) -> None:
    with browser.world.session() as s:
        thread = s.scalars(select(Thread).where(Thread.trashed.is_(True))
                           .order_by(Thread.id)).first()
        assert thread is not None
        word = next(w for w in thread.subject.split() if len(w) > 3 and w.isalpha())
    default = browser.get("/search", params={"q": word}).text
    anywhere = browser.get("/search", params={"q": f"{word} in:anywhere"}).text
    assert f"thread-{thread.id}" not in bids(default)
    assert f"thread-{thread.id}" in bids(anywhere)
    assert browser.get("/search?q=").status_code == 303
