"""CareLine's own tables (identities, SMS bookkeeping, escalations), SQLAlchemy 2 on SQLite or PostgreSQL."""
