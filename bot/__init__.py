"""Weerbaarheid chat bot: a channel-independent engine with terminal and Telegram adapters."""
