"""Compile risk/risk.yml into a RiskDetector, reporting problems as file:line.

risk.yml may name phrase lists in other files (`phrase_lists:`, beside risk.yml): acute
phrases in more languages, each list with the signal it adds to and its sources.
"""

from __future__ import annotations

from pathlib import Path

from bot.content.yamlsrc import ContentError, LineDict, LineList, Problem, load_yaml
from bot.nlu.normalise import Normaliser, squeeze
from bot.nlu.phrases import Pattern, compile_pattern
from bot.risk.lexicon import RiskDetector, Signal
from bot.risk.model import RiskModelSettings

LEVELS = ("acute", "high")


def build_detector(
    raw: LineDict, path: Path, normaliser: Normaliser, categories: set[str]
) -> tuple[RiskDetector, list[Problem]]:
    problems: list[Problem] = []
    negations = frozenset(
        squeeze(t) for t in normaliser(" ".join(str(n) for n in raw.get("negations") or [])).tokens
    )

    def patterns(node: object, line: int, what: str, where: Path = path) -> tuple[Pattern, ...]:
        if not isinstance(node, LineList) or not node:
            problems.append(Problem(where, line, f"{what} must be a non-empty list of phrases"))
            return ()
        out = []
        for i, phrase in enumerate(node):
            pattern = compile_pattern(str(phrase), normaliser, negations)
            if not pattern.parts or pattern.parts[0].kind == "gap" or pattern.parts[-1].kind == "gap":
                problems.append(
                    Problem(
                        where,
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
    signal_ids = {str(n.get("id", "")) for n in raw.get("signals") or [] if isinstance(n, LineDict)}
    extra = _phrase_lists(raw, path, signal_ids, patterns, problems)
    signals = []
    for i, node in enumerate(raw.get("signals") or []):
        line = raw["signals"].line_of(i)
        if not isinstance(node, LineDict):
            problems.append(Problem(path, line, "a signal must be a mapping"))
            continue
        signal = _signal(node, path, concepts, categories, patterns, problems)
        if signal is not None:
            signals.append(signal)
            # a list in another language is a signal of its own, right after the one it extends,
            # so an alert says the language ("suicidal-thoughts:tr")
            for language, phrases in extra.get(signal.id, {}).items():
                signals.append(
                    Signal(
                        f"{signal.id}:{language}", signal.level, signal.category, phrases, (), signal.unless
                    )
                )
    idioms = patterns(raw.get("not_risk"), raw.line_of("not_risk"), "'not_risk'")
    for idiom in idioms:
        if any(p.kind == "gap" for p in idiom.parts):
            problems.append(
                Problem(path, raw.line_of("not_risk"), f"idiom '{idiom.source}' may not use '...'")
            )
    hypothetical = patterns(raw.get("hypothetical"), raw.line_of("hypothetical"), "'hypothetical'")
    frames = patterns(raw["frames"], raw.line_of("frames"), "'frames'") if "frames" in raw else ()
    return RiskDetector(signals, list(idioms), list(hypothetical), negations, list(frames)), problems


LIST_SOURCE_FIELDS = ("organisation", "url", "checked")


def _phrase_lists(
    raw: LineDict, path: Path, signal_ids: set[str], patterns, problems
) -> dict[str, dict[str, tuple[Pattern, ...]]]:
    """Phrases from the files named under `phrase_lists`, by the signal they extend and language.

    Every list says its language, its signal and where its phrases come from (at least one
    source with organisation, url and the date it was checked).
    """
    out: dict[str, dict[str, tuple[Pattern, ...]]] = {}
    names = raw.get("phrase_lists") or LineList()
    if not isinstance(names, LineList):
        problems.append(
            Problem(path, raw.line_of("phrase_lists"), "'phrase_lists' must be a list of file names")
        )
        return out
    for i, name in enumerate(names):
        file = path.parent / str(name)
        try:
            data = load_yaml(file)
        except ContentError as exc:
            problems.extend(
                exc.problems
                if file.exists()
                else [Problem(path, names.line_of(i), f"phrase list '{name}' not found")]
            )
            continue
        lists = data.get("lists") if isinstance(data, LineDict) else None
        if not isinstance(lists, LineList) or not lists:
            problems.append(Problem(file, getattr(data, "line", 1), "'lists' must be a non-empty list"))
            continue
        for j, node in enumerate(lists):
            if not isinstance(node, LineDict):
                problems.append(Problem(file, lists.line_of(j), "a phrase list must be a mapping"))
                continue
            signal = str(node.get("signal", ""))
            if signal not in signal_ids:
                problems.append(Problem(file, node.line_of("signal"), f"unknown signal '{signal}'"))
                continue
            language = str(node.get("language") or "").strip()
            if not language:
                problems.append(Problem(file, node.line, "a phrase list needs its 'language'"))
                continue
            _check_sources(node, file, problems)
            found = patterns(node.get("phrases"), node.line_of("phrases"), f"'{signal}' phrases", file)
            lists_of = out.setdefault(signal, {})
            lists_of[language] = (*lists_of.get(language, ()), *found)
    return out


def _check_sources(node: LineDict, file: Path, problems: list[Problem]) -> None:
    sources = node.get("sources")
    if not isinstance(sources, LineList) or not sources:
        problems.append(
            Problem(
                file, node.line_of("sources"), "a phrase list needs 'sources' (where its phrases come from)"
            )
        )
        return
    for k, source in enumerate(sources):
        missing = [f for f in LIST_SOURCE_FIELDS if not isinstance(source, LineDict) or not source.get(f)]
        if missing:
            problems.append(Problem(file, sources.line_of(k), f"source needs {', '.join(missing)}"))


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
