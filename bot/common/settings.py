"""All settings in one declared table, read once at the edge (environment and .env).

Secrets come only from the environment or the git-ignored .env file. The pseudonym key
is generated into .env on first run so a newcomer needs no set-up, and kept outside
the database so a stolen .db cannot be linked back to Telegram accounts.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MIN_KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class Setting:
    env: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("BOT_DB_PATH", "var/bot.db", "SQLite file (relative to the project root)"),
    Setting("BOT_CONTENT_DIR", ".", "folder holding intents/, knowledge/ and escalation/"),
    Setting("BOT_PSEUDONYM_KEY", "", "hex key (>= 32 bytes) for pseudonymous ids"),
    Setting("BOT_CACHE_DIR", "var/cache", "where the trained intent model is cached"),
    Setting("BOT_TEXT_RETENTION_HOURS", "24", "hours message text is kept without a case"),
    Setting("TELEGRAM_BOT_TOKEN", "", "Telegram bot token; empty runs the terminal"),
    Setting(
        "TELEGRAM_API_BASE_URL",
        "https://api.telegram.org/bot",
        "Bot API base URL (a self-hosted Bot API server, or a local test server)",
    ),
    Setting("TELEGRAM_WEBHOOK_URL", "", "public https URL for webhook mode; empty uses long polling"),
    Setting("TELEGRAM_WEBHOOK_SECRET", "", "secret_token Telegram sends with every webhook call"),
    Setting(
        "TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1:8080", "where the webhook server listens, behind the proxy"
    ),
    Setting("BOT_LOG_LEVEL", "INFO", "DEBUG, INFO, WARNING; never logs message text or tokens"),
)


@dataclass(frozen=True, slots=True)
class Settings:
    db_path: Path
    content_dir: Path
    cache_dir: Path
    pseudonym_key: bytes = field(repr=False)
    text_retention_hours: int = 24
    telegram_token: str = field(default="", repr=False)
    log_level: str = "INFO"
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    webhook_url: str = ""
    webhook_secret: str = field(default="", repr=False)
    webhook_listen: str = "127.0.0.1:8080"

    @property
    def key_id(self) -> str:
        """Short fingerprint stored beside pseudonyms, so a rotated key can be recognised."""
        return hashlib.sha256(self.pseudonym_key).hexdigest()[:8]


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse KEY=value lines; comments and blank lines are skipped."""
    values: dict[str, str] = {}
    if not path.exists():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


def ensure_local_key(dotenv: Path) -> str:
    """Generate a pseudonym key into .env on first run and return it."""
    key = secrets.token_hex(MIN_KEY_BYTES)
    with dotenv.open("a", encoding="utf-8") as fh:
        fh.write("# generated on first run; keep it secret, losing it unlinks all conversations\n")
        fh.write(f"BOT_PSEUDONYM_KEY={key}\n")
    return key


def load_settings(
    environ: dict[str, str] | None = None, root: Path = PROJECT_ROOT, create_key: bool = True
) -> Settings:
    """Environment wins over .env, .env over defaults."""
    env = dict(os.environ if environ is None else environ)
    dotenv_path = root / ".env"
    merged = (
        {s.env: s.default for s in SETTINGS}
        | read_dotenv(dotenv_path)
        | {k: v for k, v in env.items() if k in {s.env for s in SETTINGS}}
    )
    key_hex = merged["BOT_PSEUDONYM_KEY"]
    if not key_hex:
        if not create_key:
            raise SettingsError("BOT_PSEUDONYM_KEY is not set")
        key_hex = ensure_local_key(dotenv_path)
    try:
        key = bytes.fromhex(key_hex)
    except ValueError as exc:
        raise SettingsError("BOT_PSEUDONYM_KEY must be hex") from exc
    if len(key) < MIN_KEY_BYTES:
        raise SettingsError(f"BOT_PSEUDONYM_KEY must be at least {MIN_KEY_BYTES} bytes")
    return Settings(
        db_path=_under(root, merged["BOT_DB_PATH"]),
        content_dir=_under(root, merged["BOT_CONTENT_DIR"]),
        cache_dir=_under(root, merged["BOT_CACHE_DIR"]),
        pseudonym_key=key,
        text_retention_hours=int(merged["BOT_TEXT_RETENTION_HOURS"]),
        telegram_token=merged["TELEGRAM_BOT_TOKEN"],
        log_level=merged["BOT_LOG_LEVEL"],
        telegram_api_base_url=merged["TELEGRAM_API_BASE_URL"],
        webhook_url=merged["TELEGRAM_WEBHOOK_URL"],
        webhook_secret=merged["TELEGRAM_WEBHOOK_SECRET"],
        webhook_listen=merged["TELEGRAM_WEBHOOK_LISTEN"],
    )


def _under(root: Path, value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else root / path


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it, never its value."""


def placeholder_settings(text_retention_hours: int, case_retention_days: int) -> dict[str, str]:
    """The settings content texts may quote as {setting.name}."""
    return {
        "text_retention_hours": str(text_retention_hours),
        "case_retention_days": str(case_retention_days),
    }


def default_placeholder_settings(case_retention_days: int) -> dict[str, str]:
    """Placeholder values from the declared defaults, for checking content without a .env.

    Case retention is the werkgroep's choice, in escalation/routes.yml.
    """
    defaults = {s.env: s.default for s in SETTINGS}
    return placeholder_settings(int(defaults["BOT_TEXT_RETENTION_HOURS"]), case_retention_days)
