"""Channels: thin adapters that turn their input into an Incoming and show an Outcome,
the delivery loop that sends the outbox, and what keeps them honest when things break:
faults (how errors are logged, where drills inject them), health and the watchdog."""

__all__ = ["delivery", "faults", "health", "jsonl", "staff_terminal", "telegram", "terminal", "watchdog"]
