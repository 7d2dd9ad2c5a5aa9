"""Alembic's environment for the watch's store: the connection comes from ``watch.store.migrate``."""
from alembic import context

from watch.store import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
