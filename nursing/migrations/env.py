"""Alembic environment: run with the connection that nursing.db hands over."""

from alembic import context

from nursing import models  # noqa: F401 - registers the tables
from nursing.db import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
