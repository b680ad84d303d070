"""Kill -9 a real bot process at random moments, many times: nothing is lost or doubled.

Between a young person's message and the staff alert, and between a claim and a reply,
any moment may be the last. After every kill the worker restarts on the same SQLite
file; in the end every alert has gone out, every case is in its scripted state, no
message was handled twice, and staff replies reached each young person in order.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from crash_worker import CONVERSATIONS, script

WORKER = Path(__file__).with_name("crash_worker.py")
KILLS = 50


def test_kill_minus_nine_loses_nothing(parts, tmp_path: Path) -> None:
    db, log = tmp_path / "crash.db", tmp_path / "delivered.jsonl"
    env = {**os.environ, "BOT_PSEUDONYM_KEY": "ab" * 32}
    command = [sys.executable, str(WORKER), str(db), str(log), str(KILLS), "20261124"]
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    summary = json.loads(run.stdout.splitlines()[-1])
    assert summary["kills"] >= KILLS and summary["final_exit"] == 0
    assert summary["steps_done_when_killed_last"] < summary["steps"]  # the kills fell inside the work

    conn = sqlite3.connect(db)
    delivered = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    sent_ids = {d["id"] for d in delivered}

    assert conn.execute("SELECT COUNT(*) FROM outbox WHERE status != 'sent'").fetchone()[0] == 0
    assert {r[0] for r in conn.execute("SELECT id FROM outbox")} <= sent_ids

    expected_in = defaultdict(int)
    for _, conv, kind, _ in script():
        expected_in[conv] += kind == "say"
    counted = dict(
        conn.execute("SELECT conversation_id, COUNT(*) FROM messages WHERE direction = 'in' GROUP BY 1")
    )
    assert counted == dict(expected_in)  # every message handled exactly once

    cases = conn.execute("SELECT conversation_id, status, claimed_by FROM cases ORDER BY id").fetchall()
    assert len(cases) == 2 * CONVERSATIONS // 3  # one case per acute or consenting conversation
    assert all(status == "claimed" and who in ("anna", "sanne") for _, status, who in cases)
    for (case_id,) in conn.execute("SELECT id FROM cases"):
        assert any(d["case"] == case_id and d["kind"] == "alert" for d in delivered), case_id

    per_user = defaultdict(list)
    for d in delivered:
        kind, person = d["to"]
        if kind == "user":
            per_user[person].append(d["id"])
    assert all(ids == sorted(ids) for ids in per_user.values())  # in order (a repeat stays in place)

    created = dict(conn.execute("SELECT id, created_at FROM outbox WHERE kind = 'alert'"))
    first_sent = {}
    for d in delivered:
        first_sent.setdefault(d["id"], d["at"])
    delays = [first_sent[i] - datetime.fromisoformat(c).timestamp() for i, c in created.items()]
    assert max(delays) < 60
    print(f"\ncrash test: {summary} worst delay message -> alert {max(delays):.3f} s")
