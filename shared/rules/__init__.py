"""One module per rule family; each lists its ``RULES``: functions ``(order, ctx, out)``, run in
order, that append what they find to ``Findings``. ``store`` holds the store rules, the same shape
over a store: ``(store, ctx, out)``, appending metrics."""
from ..build import compiled_path

__path__[:0] = compiled_path("rules")  # the compiled build first, when it is used (shared.build)
