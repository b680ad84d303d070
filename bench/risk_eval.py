"""Risk figures per judge (lexicon, model, both) on the held-out sets; never trained on.

    .venv/bin/python bench/risk_eval.py

Recall of acute (must be acute), of high (high or acute counts), and the false-alarm rate
(a 'none' case judged risky). Cases whose expected risk is a list are left out.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_parts  # noqa: E402
from bot.common.settings import load_settings  # noqa: E402
from bot.risk.lexicon import RANK  # noqa: E402

SETS = [ROOT / "bench/risk_holdout.yml", ROOT / "tests/eval/holdout.yml", ROOT.parent / "shared/eval/dev.yml"]


def judges(parts):
    """Each judge maps a text to a level."""

    def inputs(text: str):
        return parts.normaliser.full_text(text), parts.features.vector(parts.normaliser(text).text)

    return {
        "lexicon": lambda t: parts.risk.lexicon.assess(inputs(t)[0]).level,
        "model": lambda t: parts.risk.model.assess(inputs(t)[1]).level,
        "both": lambda t: parts.risk.assess(*inputs(t)).level,
    }


def score(cases: list[dict], judge) -> str:
    hit = {"acute": [0, 0], "high": [0, 0], "none": [0, 0]}
    for case in cases:
        expected = case.get("risk") or "none"
        if isinstance(expected, list):
            continue
        got = judge(case["text"])
        ok = (
            got == "acute" if expected == "acute" else RANK[got] >= 1 if expected == "high" else got != "none"
        )
        hit[expected][0] += ok
        hit[expected][1] += 1
    (a, na), (h, nh), (f, nf) = hit["acute"], hit["high"], hit["none"]
    return (
        f"acute {a}/{na} ({100 * a / max(na, 1):.1f}%)  high {h}/{nh} ({100 * h / max(nh, 1):.1f}%)"
        f"  false alarms {f}/{nf} ({100 * f / max(nf, 1):.1f}%)"
    )


def main() -> None:
    parts, _ = build_parts(load_settings())
    for path in SETS:
        if not path.exists():
            continue
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        print(path.relative_to(ROOT.parent))
        for name, judge in judges(parts).items():
            print(f"  {name:8} {score(cases, judge)}")


if __name__ == "__main__":
    main()
