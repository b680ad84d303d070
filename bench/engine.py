"""Engine benchmark: latency per message (SQLite write included), throughput, memory, start-up.

    .venv/bin/python bench/engine.py

Corpus: every training example, both evaluation samples and the risk hold-out set,
mixed and repeated to at least 2,000 messages, each sent by one of 200 conversations.
Targets (issue 2): p99 <= 5 ms, >= 1,000 messages/s, RSS <= 150 MB, first answer <= 1.5 s.
"""

from __future__ import annotations

import asyncio
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST_ANSWER = """
import asyncio, time
t0 = time.perf_counter()
from bot.app import build_engine
from bot.engine.messages import Incoming
from bot.common.settings import load_settings
import tempfile, pathlib
engine = build_engine(load_settings(), db_path=pathlib.Path(tempfile.mkdtemp()) / "b.db")
asyncio.run(engine.handle(Incoming("x", text="hoi")))
print(time.perf_counter() - t0)
"""


def corpus(minimum: int = 2000) -> list[str]:
    from bot.content.loader import load_content

    content, _ = load_content(ROOT)
    texts = [ex.text for ex in content.examples]
    for path in (
        ROOT / "tests/eval/holdout.yml",
        ROOT / "bench/risk_holdout.yml",
        ROOT.parent / "shared/eval/dev.yml",
    ):
        if path.exists():
            texts += [c["text"] for c in yaml.safe_load(path.read_text(encoding="utf-8"))]
    random.Random(0).shuffle(texts)
    while len(texts) < minimum:
        texts += texts
    return texts


async def measure(texts: list[str]) -> tuple[list[float], float]:
    from bot.app import build_engine
    from bot.common.settings import load_settings
    from bot.engine.messages import Incoming

    with tempfile.TemporaryDirectory() as tmp:
        engine = build_engine(load_settings(), db_path=Path(tmp) / "bench.db")
        await engine.handle(Incoming("warm-up", text="hoi"))
        latencies = []
        t_all = time.perf_counter()
        for i, text in enumerate(texts):
            t0 = time.perf_counter()
            await engine.handle(Incoming(f"user-{i % 200}", text=text))
            latencies.append(time.perf_counter() - t0)
        return latencies, time.perf_counter() - t_all


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main() -> None:
    starts = [
        float(
            subprocess.run(
                [sys.executable, "-c", FIRST_ANSWER], cwd=ROOT, capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(3)
    ]
    texts = corpus()
    latencies, total = asyncio.run(measure(texts))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"messages            {len(texts)}")
    print(f"p50 latency         {percentile(latencies, 50) * 1000:.2f} ms")
    print(f"p99 latency         {percentile(latencies, 99) * 1000:.2f} ms")
    print(f"max latency         {max(latencies) * 1000:.2f} ms")
    print(f"throughput          {len(texts) / total:.0f} messages/s (one process)")
    print(f"peak RSS            {rss_mb:.0f} MB")
    print(f"start to 1st answer {min(starts):.2f} s (best of 3, model cached)")


if __name__ == "__main__":
    main()
