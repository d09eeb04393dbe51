"""Parts of the shop generator (`..generate`): profile, catalog picks, order history,
shopping state and mail."""
