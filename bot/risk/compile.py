"""Compile escalation/risk.yml into a RiskDetector, reporting problems as file:line."""

from __future__ import annotations

from pathlib import Path

from bot.content.yamlsrc import LineDict, LineList, Problem
from bot.nlu.normalise import Normaliser
from bot.nlu.phrases import Pattern, compile_pattern
from bot.risk.lexicon import RiskDetector, Signal
from bot.risk.model import RiskModelSettings

LEVELS = ("acute", "high")


def build_detector(
    raw: LineDict, path: Path, normaliser: Normaliser, categories: set[str]
) -> tuple[RiskDetector, list[Problem]]:
    problems: list[Problem] = []
    negations = frozenset(normaliser(" ".join(str(n) for n in raw.get("negations") or [])).tokens)

    def patterns(node: object, line: int, what: str) -> tuple[Pattern, ...]:
        if not isinstance(node, LineList) or not node:
            problems.append(Problem(path, line, f"{what} must be a non-empty list of phrases"))
            return ()
        out = []
        for i, phrase in enumerate(node):
            pattern = compile_pattern(str(phrase), normaliser, negations)
            if not pattern.parts or pattern.parts[0].kind == "gap" or pattern.parts[-1].kind == "gap":
                problems.append(
                    Problem(
                        path,
                        node.line_of(i),
                        f"phrase '{phrase}' is empty or starts/ends with '...'",
                    )
                )
                continue
            out.append(pattern)
        return tuple(out)

    concepts_node = raw.get("concepts") or LineDict()
    concepts = {
        str(name): patterns(value, concepts_node.line_of(name), f"concept '{name}'")
        for name, value in concepts_node.items()
    }
    signals = []
    for i, node in enumerate(raw.get("signals") or []):
        line = raw["signals"].line_of(i)
        if not isinstance(node, LineDict):
            problems.append(Problem(path, line, "a signal must be a mapping"))
            continue
        signal = _signal(node, path, concepts, categories, patterns, problems)
        if signal is not None:
            signals.append(signal)
    idioms = patterns(raw.get("not_risk"), raw.line_of("not_risk"), "'not_risk'")
    for idiom in idioms:
        if any(p.kind == "gap" for p in idiom.parts):
            problems.append(
                Problem(path, raw.line_of("not_risk"), f"idiom '{idiom.source}' may not use '...'")
            )
    hypothetical = patterns(raw.get("hypothetical"), raw.line_of("hypothetical"), "'hypothetical'")
    return RiskDetector(signals, list(idioms), list(hypothetical), negations), problems


def read_model_settings(
    raw: LineDict, path: Path, topics: set[str]
) -> tuple[RiskModelSettings, list[Problem]]:
    """The 'model' section: thresholds between 0 and 1, and topics whose examples tell of risk."""
    node = raw.get("model")
    if not isinstance(node, LineDict):
        problem = Problem(path, raw.line, "'model' with 'acute', 'high' and 'disclosure_topics' is missing")
        return RiskModelSettings(1.0, 1.0, frozenset()), [problem]
    problems, values = [], {}
    for level in LEVELS:
        value = node.get(level)
        if not isinstance(value, int | float) or not 0 < value <= 1:
            problems.append(
                Problem(path, node.line_of(level), f"model: '{level}' must be a number in (0, 1]")
            )
            value = 1.0
        values[level] = float(value)
    disclosure = frozenset(str(t) for t in node.get("disclosure_topics") or [])
    for topic in sorted(disclosure - topics):
        problems.append(Problem(path, node.line_of("disclosure_topics"), f"model: unknown topic '{topic}'"))
    return RiskModelSettings(values["acute"], values["high"], disclosure), problems


def _signal(node, path, concepts, categories, patterns, problems) -> Signal | None:
    sid = str(node.get("id", ""))
    level, category = node.get("level"), node.get("category")
    if level not in LEVELS:
        problems.append(
            Problem(path, node.line_of("level"), f"signal '{sid}': level must be one of {LEVELS}")
        )
        return None
    if category not in categories:
        problems.append(
            Problem(
                path,
                node.line_of("category"),
                f"signal '{sid}': unknown risk category '{category}'",
            )
        )
        return None
    phrases = (
        patterns(node["phrases"], node.line_of("phrases"), f"signal '{sid}' phrases")
        if "phrases" in node
        else ()
    )
    groups = []
    for name in node.get("all") or []:
        if name not in concepts:
            problems.append(Problem(path, node.line_of("all"), f"signal '{sid}': unknown concept '{name}'"))
            return None
        groups.append(concepts[name])
    if not phrases and not groups:
        problems.append(Problem(path, node.line, f"signal '{sid}' needs 'phrases' or 'all'"))
        return None
    unless = (
        patterns(node["unless"], node.line_of("unless"), f"signal '{sid}' unless") if "unless" in node else ()
    )
    return Signal(sid, level, category, phrases, tuple(groups), unless)
