"""SQLite storage: one file, WAL, explicit transactions, migrations in one place."""
