"""Write a review of a delivered item: stars, headline and text."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import (
    Check,
    TaskFamily,
    TaskInstance,
    Verdict,
    agent_changes,
    inserted,
    is_insert,
)
from webtwin.simulators.core.world import World

from ..models import Order, OrderItem, Review
from ._orders import (
    OrderRef,
    open_order_actions,
    order_items,
    order_refs,
    orders,
    pick,
    same_text,
    verdict,
)

__all__ = ["REVIEW_TEXTS", "WriteReview"]

# (headline, text) a shopper might post, by star rating.
REVIEW_TEXTS: dict[int, tuple[tuple[str, str], ...]] = {
    1: (("Broke within a week", "Stopped working after a few days of normal use."),
        ("Not worth the money", "Cheaply made and nothing like the pictures.")),
    2: (("Disappointing", "It works, but the quality is well below what I expected."),
        ("Meh", "Smaller than described and the finish scratches easily.")),
    3: (("It's okay", "Does the job, nothing special. Fine for the price."),
        ("Average", "Decent quality, but delivery took longer than promised.")),
    4: (("Very good", "Solid build and works well. Would buy again."),
        ("Happy with it", "Good value for the money; one small flaw but nothing serious.")),
    5: (("Love it!", "Exactly as described and great quality. Highly recommend."),
        ("Perfect", "Works perfectly and arrived well packed. Five stars.")),
}


class WriteReview(TaskFamily):
    """Review a delivered item with a given star rating, headline and text.

    ## Description
    The item is one the shopper received (not returned) and has not reviewed yet. When the
    latest delivery brought exactly one such item, the instruction may call it "the last item
    delivered to me"; otherwise it names the item and the order's date. The agent opens the
    review form (from the order or the product page) and posts the review.

    ## Goal
    'Review the last item that was delivered to me: 4 stars, headline "Very good", text
    "Solid build and works well. Would buy again."'

    ## Parameters
    - `order_id`, `number`, `placed_at`, `item_id`, `product_id`, `item_name`: the item.
    - `rating` (1–5), `title`, `body`: the review; `last`: whether the instruction says
      "the last item delivered" instead of naming it.

    ## Success criteria
    Exactly one review was posted: of `product_id`, with `rating`, and headline and text
    equal to `title` and `body` (ignoring case and spacing); nothing else changed.
    """

    id = "shop/write_review"
    difficulty = "medium"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            reviewed = set(s.scalars(select(Review.product_id)))

            def reviewable(order: Order, item: OrderItem) -> bool:
                return (order.delivered_at is not None and item.returned_quantity == 0
                        and item.product_id not in reviewed)

            refs = order_refs(s, ("delivered",), reviewable)
            last = _last_delivered(s, refs)
        use_last = last is not None and rng.random() < 0.75
        ref = last if use_last and last is not None else pick(rng, refs, "unreviewed item")
        rating = rng.randint(1, 5)
        title, body = rng.choice(REVIEW_TEXTS[rating])
        what = ("the last item that was delivered to me" if use_last
                else f'the "{ref.item_name}" from {ref.order_label}')
        stars = "1 star" if rating == 1 else f"{rating} stars"
        return TaskInstance(
            family=self.id,
            params={**ref.params(), "rating": rating, "title": title, "body": body,
                    "last": use_last},
            instruction=f'Review {what}: {stars}, headline "{title}", text "{body}"')

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        rows = inserted(diff, "shop_review")
        row = rows[0] if len(rows) == 1 else None
        return verdict(
            [Check("exactly one review", row is not None, f"{len(rows)} reviews"),
             Check("of the item", row is not None and row["product_id"] == p["product_id"],
                   f"product {p['product_id']}"),
             Check("stars", row is not None and row["rating"] == p["rating"],
                   f"expected {p['rating']}, got {row and row['rating']}"),
             Check("headline", row is not None and same_text(row["title"], p["title"])),
             Check("text", row is not None and same_text(row["body"], p["body"]))],
            diff, is_insert("shop_review", lambda r: r["product_id"] == p["product_id"]))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [*open_order_actions(p["order_id"]), act.click(f"review-{p['item_id']}"),
                act.click(f"rating-{p['rating']}"), act.fill("review-title", p["title"]),
                act.fill("review-body", p["body"]), act.click("submit-review"), act.stop()]


def _last_delivered(s: Session, refs: list[OrderRef]) -> OrderRef | None:
    """The ref of the one item the latest delivery brought, if that is unambiguous and the
    item is still to be reviewed (`refs`)."""
    delivered = [o for o in orders(s) if o.delivered_at is not None]
    if not delivered:
        return None
    latest = max(o.delivered_at or 0 for o in delivered)
    newest = [o for o in delivered if o.delivered_at == latest]
    if len(newest) != 1:
        return None
    items = order_items(s, newest[0].id)
    if len(items) != 1:
        return None
    return next((ref for ref in refs if ref.item_id == items[0].id), None)
