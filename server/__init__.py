"""JD Promo Guard's server side: the HTTP API (``server.app.create_app``) and the offline
commands over the rules core (``server.export_files``, ``python -m server annotate``).

This package's ``__init__`` imports nothing, so the export command and its worker processes
load no web framework; the API's factory is imported from ``server.app`` by what serves it."""
