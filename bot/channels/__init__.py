"""Channels: thin adapters that turn their input into an Incoming and show an Outcome."""
