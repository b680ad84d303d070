"""Telegram: our own durable getUpdates/webhook ingestion, the worker, the staff group and
the transport the delivery loop sends through."""

__all__ = ["ingest", "runner", "staff_group", "topics", "transport", "updates", "webhook", "worker"]
