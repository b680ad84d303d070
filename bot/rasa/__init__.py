"""Rasa interoperability: our actions behind rasa-sdk's action server, our content as a Rasa project.

server.py serves the same Action instances the engine runs in-process; export.py writes a Rasa 3.x
project from our content, checked by schema.py because Rasa itself cannot be installed beside us.
"""

__all__ = [
    "actions",
    "adapter",
    "checker",
    "consistency",
    "domain",
    "escalation",
    "executor",
    "export",
    "intents",
    "reply",
    "schema",
    "server",
]
