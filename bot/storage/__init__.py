"""SQLite storage: one file, WAL, explicit transactions, migrations in one place;
conversations, cases, outbox, counters, sealed addresses and the purge."""

__all__ = ["addresses", "cases", "conversations", "counters", "db", "migrations", "outbox", "purge"]
