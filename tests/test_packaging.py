"""Installable as a package: the declared dependencies are what bot/ imports, the content
ships in the wheel, the data folder is documented and never site-packages, and a bad
setting is one clear line. (The real install in a fresh venv is scripts/check-install,
run by ./run-tests.)"""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.common.settings import PROJECT_ROOT, SettingsError, load_settings

BOT = PROJECT_ROOT / "bot"
PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
KEY = {"BOT_PSEUDONYM_KEY": "cd" * 32}


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.-]+", requirement).group()).lower()


def third_party_imports() -> set[str]:
    """Top-level modules bot/ imports that are neither the standard library nor bot itself."""
    found = set()
    for path in BOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m not in ("bot", "__future__")}


def requirements_of(distribution: str) -> set[str]:
    """The distribution and everything it needs (extras left out), by normalised name."""
    seen, todo = set(), [distribution]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            needs = metadata.requires(name) or []
        except metadata.PackageNotFoundError:  # only needed on another platform (a marker)
            continue
        for requirement in needs:
            if "extra ==" not in requirement:
                todo.append(_name(requirement))
    return seen


def test_declared_dependencies_are_what_the_bot_imports() -> None:
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    providers = metadata.packages_distributions()
    imported = {m: {_name(d) for d in providers.get(m, [])} for m in third_party_imports()}
    unused = {d for d in declared if not any(d in dists for dists in imported.values())}
    assert not unused, f"declared but never imported by bot/: {sorted(unused)}"
    installed = set().union(*(requirements_of(d) for d in declared))
    missing = {m for m, dists in imported.items() if not dists & installed}
    assert not missing, f"imported by bot/ but not installed by the declared dependencies: {sorted(missing)}"


def test_only_the_extras_the_bot_uses() -> None:
    ptb = next(r for r in PYPROJECT["project"]["dependencies"] if r.startswith("python-telegram-bot"))
    assert "job-queue" not in ptb and "webhooks" not in ptb and "rate-limiter" in ptb
    assert not any("JobQueue" in p.read_text(encoding="utf-8") for p in BOT.rglob("*.py"))


def test_the_wheel_carries_the_content(tmp_path: Path) -> None:
    source = tmp_path / "src"  # a copy, so the build leaves nothing behind in the checkout
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in"):
        shutil.copy(PROJECT_ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "_content")
    for folder in ("bot", "intents", "knowledge", "risk", "escalation", "kwaliteitskompas"):
        shutil.copytree(PROJECT_ROOT / folder, source / folder, ignore=ignore)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path), str(source)],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    import zipfile

    (wheel,) = tmp_path.glob("weerbaarheid_bot-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "bot/taxonomy.yml" in names
    for expected in (
        "intents/rules.yml",
        "knowledge/contacts.yml",
        "risk/risk.yml",
        "risk/risk_languages.yml",
        "risk/risk_examples/zelfdoding.yml",
        "escalation/routes.yml",
        "kwaliteitskompas/kwaliteitskompas.yml",
    ):
        assert f"bot/_content/{expected}" in names
    assert not any(n.startswith("tests/") or n.endswith(".env") for n in names)


def test_the_data_folder_holds_the_key_and_the_database(tmp_path: Path) -> None:
    settings = load_settings({"BOT_DATA_DIR": str(tmp_path / "data")})
    dotenv = tmp_path / "data" / ".env"
    assert stat.S_IMODE(dotenv.stat().st_mode) == 0o600
    assert settings.db_path == tmp_path / "data" / "var" / "bot.db"
    assert settings.cache_dir == tmp_path / "data" / "var" / "cache"
    assert settings.data_dir == tmp_path / "data"
    again = load_settings({"BOT_DATA_DIR": str(tmp_path / "data")})
    assert again.pseudonym_key == settings.pseudonym_key  # the key is kept, not made anew
    moved = load_settings({"BOT_DATA_DIR": str(tmp_path / "data"), "BOT_DB_PATH": "/srv/x.db"})
    assert moved.db_path == Path("/srv/x.db")


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("BOT_TEXT_RETENTION_HOURS", "abc", "BOT_TEXT_RETENTION_HOURS must be a whole number of hours"),
        ("BOT_TEXT_RETENTION_HOURS", "-5", "BOT_TEXT_RETENTION_HOURS must be a whole number of hours"),
        ("BOT_TEXT_RETENTION_HOURS", "²", "BOT_TEXT_RETENTION_HOURS must be a whole number of hours"),
        ("BOT_LOG_LEVEL", "loud", "BOT_LOG_LEVEL must be one of"),
        ("TELEGRAM_WEBHOOK_LISTEN", "localhost", "TELEGRAM_WEBHOOK_LISTEN must be host:port"),
        ("TELEGRAM_API_BASE_URL", "api.telegram.org", "TELEGRAM_API_BASE_URL must be a web address"),
        ("BOT_CONTENT_DIR", "/nonexistent-content", "BOT_CONTENT_DIR: no knowledge/ folder"),
        ("BOT_PSEUDONYM_KEY", "zz", "BOT_PSEUDONYM_KEY must be hex"),
    ],
)
def test_a_bad_setting_is_one_clear_line(name: str, value: str, says: str, tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=re.escape(says)):
        load_settings({**KEY, name: value}, root=tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "hallo"],
        cwd=tmp_path,
        env={**KEY, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT), name: value},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert done.stderr.startswith("The bot cannot start: ") and says in done.stderr
    if name != "BOT_CONTENT_DIR":
        assert value not in done.stderr.removeprefix("The bot cannot start: ").replace(name, "")


def test_an_empty_setting_means_its_default(tmp_path: Path) -> None:
    settings = load_settings({**KEY, "BOT_TEXT_RETENTION_HOURS": "", "BOT_LOG_LEVEL": " "}, root=tmp_path)
    assert settings.text_retention_hours == 24 and settings.log_level == "INFO"
