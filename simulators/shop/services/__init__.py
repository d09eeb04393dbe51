"""Shop services: the only code that changes the shop's state.

Every function validates first and raises `ShopError` (a `UserError`; `ShopNotFound` for
unknown ids) with a message a user can act on, before changing anything. Pages, the JSON API,
the generator and tasks call these. Money is integer cents; times come from the world clock.
"""

from __future__ import annotations

from .account import (
    AddressFields,
    add_address,
    add_card,
    delete_address,
    delete_card,
    set_default_address,
    set_default_card,
    update_address,
    update_profile,
)
from .cart import (
    add_to_cart,
    apply_promo,
    move_to_cart,
    remove_from_cart,
    remove_promo,
    save_for_later,
    set_quantity,
)
from .checkout import place_order
from .common import account, stock_of
from .errors import ShopError, ShopNotFound
from .notify import notify
from .orders import EVENT_HANDLERS, cancel_order
from .pricing import Quote, QuoteLine, quote, shipping_options
from .returns import return_item
from .reviews import write_review
from .wishlists import (
    add_to_wishlist,
    create_wishlist,
    delete_wishlist,
    move_wishlist_item,
    remove_wishlist_item,
    rename_wishlist,
    wishlist_item_to_cart,
)

__all__ = [
    "EVENT_HANDLERS", "AddressFields", "Quote", "QuoteLine", "ShopError", "ShopNotFound",
    "account", "add_address", "add_card", "add_to_cart", "add_to_wishlist", "apply_promo",
    "cancel_order", "create_wishlist", "delete_address", "delete_card", "delete_wishlist",
    "move_to_cart", "move_wishlist_item", "notify", "place_order", "quote", "remove_from_cart",
    "remove_promo", "remove_wishlist_item", "rename_wishlist", "return_item", "save_for_later",
    "set_default_address", "set_default_card", "set_quantity", "shipping_options", "stock_of",
    "update_address", "update_profile", "wishlist_item_to_cart", "write_review",
]
