"""One module per rule family; each lists its ``RULES``: functions ``(order, ctx, out)``, run in
order, that append what they find to ``Findings``. ``store`` holds the store rules, the same shape
over a store: ``(store, ctx, out)``, appending metrics."""
