"""`python -m bot actions`: rasa-sdk's own action server app, serving our actions.

Bound to 127.0.0.1 unless told otherwise, because rasa-sdk binds every interface by default and
these actions answer people in crisis; put Rasa on the same host or behind a private network.
One process, not rasa-sdk's worker processes: the models load once and SQLite has one writer.
"""

from __future__ import annotations

from rasa_sdk.constants import DEFAULT_SERVER_PORT
from rasa_sdk.endpoint import create_app_for_serve
from sanic import Sanic

from bot.app import build_parts
from bot.common.settings import Settings
from bot.desk.desk import Desk
from bot.rasa.escalation import EscalationRecorder
from bot.rasa.executor import BotExecutor
from bot.storage.conversations import ConversationStore
from bot.storage.db import open_database

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = DEFAULT_SERVER_PORT


def build_app(settings: Settings) -> Sanic:
    """The Sanic app rasa-sdk builds for `python -m rasa_sdk`, with our executor; raises ContentError."""
    parts, _ = build_parts(settings)
    store = ConversationStore(open_database(settings.db_path), settings.key_id)
    desk = Desk.beside(store, parts.escalation, parts.knowledge)
    executor = BotExecutor(parts, EscalationRecorder(store, desk, settings.pseudonym_key))
    return create_app_for_serve(executor, cors_origins=None)  # None: rasa-sdk's CLI default, no CORS


def serve(settings: Settings, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    app = build_app(settings)
    print(f"action server on http://{host}:{port}/webhook", flush=True)
    app.run(host=host, port=port, single_process=True, access_log=False, motd=False)
