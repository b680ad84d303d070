"""The service files in deploy/: systemd accepts the units (where systemd-analyze exists),
their hardening scores well, and every command they run is a real command of the CLI;
the container file copies what exists and runs the installed entry point."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.cli import build_parser
from bot.common.settings import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
UNITS = ["weerbaarheid-bot.service", "weerbaarheid-bot-backup.service", "weerbaarheid-bot-backup.timer"]
ENTRY = "/opt/weerbaarheid-bot/bin/weerbaarheid-bot"


def exec_lines(unit: str) -> list[list[str]]:
    text = (DEPLOY / unit).read_text(encoding="utf-8")
    return [shlex.split(m) for m in re.findall(r"^ExecStart=(.+)$", text, flags=re.M)]


@pytest.mark.parametrize("unit", [u for u in UNITS if u.endswith(".service")])
def test_the_units_run_real_commands(unit: str) -> None:
    (command,) = exec_lines(unit)
    assert command[0] == ENTRY
    args = build_parser().parse_args(command[1:])  # argparse exits on an unknown command
    assert args.command in ("run", "backup")
    text = (DEPLOY / unit).read_text(encoding="utf-8")
    assert "Environment=BOT_DATA_DIR=/var/lib/weerbaarheid-bot" in text
    assert "StateDirectory=weerbaarheid-bot" in text and "UMask=0077" in text


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze on this machine")
def test_systemd_accepts_the_units_and_their_hardening(tmp_path: Path) -> None:
    for unit in UNITS:  # the entry point is not installed here: verify with a stand-in
        (tmp_path / unit).write_text((DEPLOY / unit).read_text(encoding="utf-8").replace(ENTRY, "/bin/true"))
    done = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / u) for u in UNITS)], capture_output=True, text=True
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    security = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", str(tmp_path / "weerbaarheid-bot.service")],
        capture_output=True,
        text=True,
    )
    exposure = float(re.search(r"Overall exposure level for \S+: ([\d.]+)", security.stdout).group(1))
    assert exposure <= 2.0, security.stdout[-500:]


def test_the_container_file_copies_what_exists() -> None:
    text = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    for line in re.findall(r"^COPY (?!--from)(.+)$", text, flags=re.M):
        *sources, _target = line.split()
        for source in sources:
            assert (PROJECT_ROOT / source).exists(), source
    assert 'ENTRYPOINT ["weerbaarheid-bot"]' in text and 'CMD ["run"]' in text
    assert "ENV BOT_DATA_DIR=/data" in text and "USER bot" in text
