"""Action server benchmark: seconds from process start to the first /health 200, peak RSS, webhook latency.

    .venv/bin/python bench/action_server.py

Starts `python -m bot actions` on a free loopback port (model cache warm, throwaway database)
three times, then sends 300 webhook calls of our actions and reads the server's VmHWM.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    ("action_answer_topic", "sextortion", "iemand chanteert me met een naaktfoto"),
    ("action_answer_topic", "sexting-wet", "is sexting strafbaar"),
    ("action_topic_menu", "onderwerpen", "/onderwerpen"),
    ("action_crisis", "risk_zelfdoding", "ik wil niet meer leven"),
    ("action_reply", "groet", "hoi"),  # a response-only rule, served so the message is risk-checked
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(port: int, db: Path) -> tuple[subprocess.Popen, float]:
    env = {**os.environ, "BOT_DB_PATH": str(db)}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "actions", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                if r.status == 200:
                    return proc, time.perf_counter() - t0
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.02)
    raise SystemExit(f"action server exited with {proc.returncode}")


def call(port: int, i: int, action: str, intent: str, text: str) -> float:
    body = {
        "next_action": action,
        "sender_id": f"bench-{i % 50}",
        "version": "3.21.0",
        "tracker": {
            "sender_id": f"bench-{i % 50}",
            "slots": {"language": "nl"},
            "latest_message": {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": {},
    }
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhook", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    t0 = time.perf_counter()
    with urllib.request.urlopen(request, timeout=10) as r:
        r.read()
    return time.perf_counter() - t0


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        starts = []
        for n in range(3):
            proc, seconds = start(free_port(), Path(tmp) / f"start{n}.db")
            starts.append(seconds)
            stop(proc)
        port = free_port()
        proc, _ = start(port, Path(tmp) / "bench.db")
        try:
            latencies = [call(port, i, *TEXTS[i % len(TEXTS)]) for i in range(300)]
            rss = peak_rss_mb(proc.pid)
        finally:
            stop(proc)
    print(f"start to first /health 200: {min(starts):.2f}-{max(starts):.2f} s (3 starts)")
    print(f"peak RSS of the server process: {rss:.0f} MB")
    print(
        f"webhook latency: p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"max {max(latencies) * 1000:.1f} ms ({len(latencies)} calls, 1 in {len(TEXTS)} writes an alert)"
    )


if __name__ == "__main__":
    main()
