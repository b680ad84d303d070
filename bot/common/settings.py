"""All settings in one declared table, read once at the edge (environment and .env).

Secrets come only from the environment or the git-ignored .env file. The pseudonym key
is generated into .env on first run so a newcomer needs no set-up, and kept outside
the database so a stolen .db cannot be linked back to Telegram accounts.

Where things live: the data folder (BOT_DATA_DIR) holds .env, var/bot.db and var/cache.
Run from a checkout it is the checkout itself (as always); installed with pip it is
$XDG_DATA_HOME/weerbaarheid-bot (~/.local/share/weerbaarheid-bot), never site-packages.
The content is the checkout's intents/, knowledge/, risk/, escalation/ and kwaliteitskompas/,
or the copy shipped
in the package (bot/_content), unless BOT_CONTENT_DIR names another folder. Relative
paths in the settings are relative to the data folder. A malformed setting is one clear
line (SettingsError), never a traceback.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PACKAGED_CONTENT = Path(__file__).resolve().parents[1] / "_content"
APP_NAME = "weerbaarheid-bot"
MIN_KEY_BYTES = 32
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True, slots=True)
class Setting:
    env: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "BOT_DATA_DIR",
        "",
        "folder for .env (the secret key), var/bot.db and var/cache; default: the checkout,"
        " or ~/.local/share/weerbaarheid-bot when installed (environment only)",
    ),
    Setting("BOT_DB_PATH", "var/bot.db", "SQLite file (relative to the data folder)"),
    Setting(
        "BOT_CONTENT_DIR",
        "",
        "folder holding intents/, knowledge/, risk/, escalation/ and kwaliteitskompas/;"
        " default: the checkout, or the copy in the package",
    ),
    Setting("BOT_PSEUDONYM_KEY", "", "hex key (>= 32 bytes) for pseudonymous ids"),
    Setting("BOT_CACHE_DIR", "var/cache", "where the trained intent model is cached"),
    Setting(
        "BOT_TEXT_RETENTION_HOURS", "24", "hours message text is kept without a case (a whole number >= 1)"
    ),
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
    data_dir: Path = PROJECT_ROOT  # .env, and the default place of var/

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
    """Generate a pseudonym key into .env on first run and return it (file readable by us only)."""
    key = secrets.token_hex(MIN_KEY_BYTES)
    try:
        dotenv.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(dotenv, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write("# generated on first run; keep it secret, losing it unlinks all conversations\n")
            fh.write(f"BOT_PSEUDONYM_KEY={key}\n")
    except OSError as exc:
        raise SettingsError(
            f"cannot write the secret key to {dotenv} ({exc.strerror}); "
            "set BOT_DATA_DIR to a folder you can write, or BOT_PSEUDONYM_KEY"
        ) from None
    return key


def is_checkout(root: Path = PROJECT_ROOT) -> bool:
    """Running from the project folder (./run, an editable install), not an installed copy."""
    return (root / "pyproject.toml").is_file() and (root / "knowledge").is_dir()


def default_data_dir(env: dict[str, str]) -> Path:
    if is_checkout():
        return PROJECT_ROOT
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP_NAME


def default_content_dir() -> Path:
    return PROJECT_ROOT if is_checkout() else PACKAGED_CONTENT


def load_settings(
    environ: dict[str, str] | None = None, root: Path | None = None, create_key: bool = True
) -> Settings:
    """Environment wins over .env, .env over defaults. `root`: the data folder (tests)."""
    env = dict(os.environ if environ is None else environ)
    data_dir = root or (
        Path(env["BOT_DATA_DIR"]).resolve() if env.get("BOT_DATA_DIR") else default_data_dir(env)
    )
    dotenv_path = data_dir / ".env"
    try:
        from_file = read_dotenv(dotenv_path)
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(
            f"cannot read {dotenv_path}: {getattr(exc, 'strerror', None) or 'not UTF-8 text'}"
        ) from None
    defaults = {s.env: s.default for s in SETTINGS}
    given = from_file | {k: v for k, v in env.items() if k in defaults}
    merged = defaults | {k: v for k, v in given.items() if v.strip() or not defaults[k]}  # empty = default
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
    content = merged["BOT_CONTENT_DIR"]
    return Settings(
        db_path=_under(data_dir, merged["BOT_DB_PATH"]),
        content_dir=_content_dir(_under(data_dir, content) if content else default_content_dir()),
        cache_dir=_under(data_dir, merged["BOT_CACHE_DIR"]),
        pseudonym_key=key,
        text_retention_hours=_whole_number(merged, "BOT_TEXT_RETENTION_HOURS", "hours", minimum=1),
        telegram_token=merged["TELEGRAM_BOT_TOKEN"].strip(),
        log_level=_log_level(merged["BOT_LOG_LEVEL"]),
        telegram_api_base_url=_http_url(merged, "TELEGRAM_API_BASE_URL", required=True),
        webhook_url=_http_url(merged, "TELEGRAM_WEBHOOK_URL", required=False),
        webhook_secret=merged["TELEGRAM_WEBHOOK_SECRET"],
        webhook_listen=_host_port(merged, "TELEGRAM_WEBHOOK_LISTEN"),
        data_dir=data_dir,
    )


def _whole_number(merged: dict[str, str], name: str, unit: str, minimum: int) -> int:
    value = merged[name].strip()
    if not value.isascii() or not value.isdigit() or int(value) < minimum:
        raise SettingsError(f"{name} must be a whole number of {unit}, at least {minimum} (for example 24)")
    return int(value)


def _log_level(value: str) -> str:
    level = value.strip().upper()
    if level not in LOG_LEVELS:
        raise SettingsError(f"BOT_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
    return level


def _http_url(merged: dict[str, str], name: str, required: bool) -> str:
    value = merged[name].strip()
    if (value or required) and not value.startswith(("https://", "http://")):
        raise SettingsError(f"{name} must be a web address starting with https://")
    return value


def _host_port(merged: dict[str, str], name: str) -> str:
    value = merged[name].strip()
    host, _, port = value.rpartition(":")
    if not host or not port.isascii() or not port.isdigit() or not 0 < int(port) < 65536:
        raise SettingsError(f"{name} must be host:port, for example 127.0.0.1:8080")
    return value


def _content_dir(path: Path) -> Path:
    if not (path / "knowledge").is_dir():
        raise SettingsError(
            f"BOT_CONTENT_DIR: no knowledge/ folder in {path}"
            " (it names the folder holding intents/, knowledge/, risk/, escalation/ and kwaliteitskompas/)"
        )
    return path


def _under(root: Path, value: str) -> Path:
    path = Path(value.strip()).expanduser()
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
