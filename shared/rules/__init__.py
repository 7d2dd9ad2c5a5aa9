"""One module per rule family; each ``evaluate(order, ctx, out)`` appends to ``Findings``."""
