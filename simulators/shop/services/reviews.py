"""The shopper's own product reviews."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core.world import World

from ..models import Order, OrderItem, Review
from .common import clean_text, clock, get_product
from .errors import ShopError

__all__ = ["can_review", "write_review"]


def can_review(s: Session, product_id: int) -> bool:
    """True when the product came in a delivered order (returned later counts too)."""
    found = s.scalars(select(OrderItem.id).join(Order, Order.id == OrderItem.order_id)
                      .where(OrderItem.product_id == product_id,
                             Order.delivered_at.is_not(None)).order_by(OrderItem.id)).first()
    return found is not None


def write_review(s: Session, world: World, product_id: int, rating: int, title: str,
                 body: str) -> Review:
    """Review a product delivered to the shopper, once per product.

    Text is stored as typed (pages escape it).
    """
    product = get_product(s, product_id)
    if not can_review(s, product.id):
        raise ShopError("You can review a product once it has been delivered to you")
    if s.scalars(select(Review.id).where(Review.product_id == product.id)).first() is not None:
        raise ShopError("You have already reviewed this product")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ShopError("Choose a rating from 1 to 5 stars")
    clean_title = clean_text(title, 200, "a title for your review")
    clean_body = clean_text(body, 5000, "your review")
    review = Review(id=World.next_id(s, Review.__tablename__), product_id=product.id,
                    rating=rating, title=clean_title, body=clean_body,
                    created_at=clock(s, world))
    s.add(review)
    s.flush()
    return review
