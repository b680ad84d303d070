"""The case desk: opening, routing, claiming, handing over and closing cases, office hours
and re-alerts. Writes through storage/; its settings come from content/escalation.py."""

__all__ = ["desk", "hours", "notify", "places", "reading"]
