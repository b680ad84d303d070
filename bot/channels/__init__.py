"""Channels: thin adapters that turn their input into an Incoming and show an Outcome,
and the delivery loop that sends the outbox."""

__all__ = ["delivery", "staff_terminal", "telegram", "terminal"]
