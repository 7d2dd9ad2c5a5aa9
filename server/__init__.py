"""JD Promo Guard's HTTP API (``create_app``), and the export-file command beside it.

``create_app`` lives in ``server.app`` and is imported on first use: the export command and its
worker processes need no web framework, and each would otherwise spend about half a second
loading one."""


def __getattr__(name):
    if name == "create_app":
        from .app import create_app
        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
