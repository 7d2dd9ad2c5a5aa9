"""One module per rule family; each lists its ``RULES``: functions ``(order, ctx, out)``, run in
order, that append what they find to ``Findings``."""
