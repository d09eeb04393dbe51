"""Seeded generation of the shopper's world (about 150 days of shopping up to `now`).

## Description
One shopper (the mailbox owner when the world has a mailbox) with an address book, saved
cards, the store's promo codes, world stock overrides, a history of orders in every state,
a cart, wish lists, a few reviews and the notices all of that produced. Every draw comes from
a named substream (`substream(seed, "shop", <what>)`), so adding a kind of data never shifts
the others; products come from the shared catalog, identical in every process.

## Guarantees (tested over many seeds in `tests/test_shop_generate.py`)
2–4 addresses (one default); 2–3 cards (the default valid, one expired); 5–8 promo codes
(≥ 2 valid without minimum, 1 valid with a minimum, ≥ 1 expired, 1 not started); ~40 stock
overrides (some sold out); 10–16 orders (most delivered, 1–2 cancelled, 1 with a return,
1–2 in transit and 1–2 just placed, with their next events scheduled), one delivered order
still returnable and one past its return window; a cart with 1–3 lines and one saved for
later; 2–3 wish lists of 2–6 items; 1–2 own reviews; a notice for every order step and two
newsletters naming codes valid now. With a mailbox, the recent notices are also emails.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.seeds import load_corpus
from webtwin.simulators.core.crosssite import email_owner
from webtwin.simulators.core.models import IdCounter, ScheduledEvent, WorldMeta
from webtwin.simulators.core.rng import Random, substream
from webtwin.simulators.core.world import World

from .generation import history, mailing, picks, profile, shopping
from .models import Account, ShopBase

__all__ = ["generate_shop"]

STOCK_OVERRIDES = 40


def generate_shop(world: World, seed: int) -> None:
    """Fill a fresh world's shop tables from `seed` (deterministic)."""
    corpus = load_corpus("shop_world")
    people = load_corpus("people")
    with world.transaction() as s:
        _create_counters(s)
        # No autoflush: generation mostly appends, and flushing before every query costs
        # time; services flush where they read back what they wrote.
        with s.no_autoflush:
            clock = s.get(WorldMeta, "now")  # held: services read it hundreds of times
            _fill(s, world, seed, corpus, people)
            del clock


def _create_counters(s: Session) -> None:
    """Id counters of every shop table up front, so the counter rows (part of the digest) are
    the same whichever tables a seed happens to write."""
    tables = [name for name, table in sorted(ShopBase.metadata.tables.items())
              if "id" in table.c and name != Account.__tablename__]
    existing = set(s.scalars(select(IdCounter.table)).all())
    for table in (*tables, ScheduledEvent.__tablename__):
        if table not in existing:
            s.add(IdCounter(table=table, next_id=1))
    s.flush()


def _rng(seed: int, *what: str) -> Random:
    return substream(seed, "shop", *what)


def _fill(s: Session, world: World, seed: int, corpus: dict[str, Any],
          people: list[dict[str, str]]) -> None:
    owner = profile.make_account(s, world, _rng(seed, "account"), corpus, people)
    addresses = profile.make_addresses(s, world, _rng(seed, "addresses"), corpus, owner, people)
    cards = profile.make_cards(s, world, _rng(seed, "cards"), owner.name)
    promos = profile.make_promos(s, world, _rng(seed, "promos"), corpus)
    shared = world.sites["shop"].shared
    pool = picks.load_pool(s, shared.uri if shared is not None else "")
    stock = picks.override_stock(s, _rng(seed, "stock"), pool, STOCK_OVERRIDES)
    used: set[int] = set()
    plans = history.make_plans(s, _rng(seed, "orders"), world.now, pool, used, addresses, cards)
    history.use_old_promos(plans, promos, world.now)
    history.write_history(s, world, _rng(seed, "orders", "steps"), plans,
                          corpus["return_comments"])
    shopping.write_reviews(s, world, _rng(seed, "reviews"), corpus)
    shopping.fill_cart(s, world, _rng(seed, "cart"), pool, used)
    sold_out = sorted(v for v, n in stock.items() if n == 0)
    shopping.fill_wishlists(s, world, _rng(seed, "wishlists"), pool, used, corpus, sold_out)
    mailing.newsletters(s, world, _rng(seed, "newsletters"), corpus, owner, promos)
    if email_owner(s, world) is not None:
        mailing.mail_recent(s, world)
