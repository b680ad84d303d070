"""The bottom layer: time, settings from the environment, keyed pseudonyms, logging.
Imports nothing of the bot."""

__all__ = ["clock", "logs", "pseudonym", "settings"]
