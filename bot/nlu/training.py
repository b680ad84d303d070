"""Fit the intent and risk models on one feature space, or load the cached fit of this data.

Fitting needs scikit-learn and takes seconds; loading the cache needs only numpy. The
cache file is keyed by a hash of the training data, the settings below and the
scikit-learn version, so changed content or a new version retrains by itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from bot.content.model import NO_RISK_LABEL
from bot.nlu.features import FeatureSpace
from bot.nlu.linear import LinearModel

MODEL_VERSION = "3"
INTENT_C = 20.0  # chosen on cross-validation (bench/intent_cv.py)
RISK_C = 10.0


@dataclass(frozen=True, slots=True)
class Labelled:
    text: str  # normalised
    label: str


@dataclass(frozen=True, slots=True)
class Models:
    features: FeatureSpace
    intent: LinearModel
    risk: LinearModel | None  # None when risk/ holds no risk examples


def train_models(
    intents: Sequence[Labelled],
    risks: Sequence[Labelled],
    disclosure_topics: frozenset[str] = frozenset(),
    cache_dir: Path | None = None,
) -> Models:
    """The intent model learns the intents; the risk model learns the risk examples against
    the intent examples as "none" (ordinary questions teach it what is not risk), leaving
    out the topics whose examples often tell of a risk happening now."""
    safe_rows = [i for i, x in enumerate(intents) if x.label.split("/", 1)[0] not in disclosure_topics]
    safe = [intents[i] for i in safe_rows]
    cached = cache_dir / f"models-{_digest(intents, [*safe, *risks])}.pkl" if cache_dir else None
    if cached and cached.exists():
        # a cache written by other code is refitted, never fatal
        with contextlib.suppress(Exception), cached.open("rb") as fh:
            return pickle.load(fh)
    features, matrix = FeatureSpace.fit([x.text for x in (*intents, *risks)])
    intent = LinearModel.fit(matrix[: len(intents)], [x.label for x in intents], INTENT_C)
    risk = None
    if risks:
        rows = safe_rows + list(range(len(intents), matrix.shape[0]))
        labels = [NO_RISK_LABEL] * len(safe) + [x.label for x in risks]
        risk = LinearModel.fit(matrix[rows], labels, RISK_C, balanced=True)
    models = Models(features, intent, risk)
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")  # processes fitting at once do not collide
        with tmp.open("wb") as fh:
            pickle.dump(models, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cached)
    return models


def _digest(intents: Sequence[Labelled], risks: Sequence[Labelled]) -> str:
    h = hashlib.sha256(f"{MODEL_VERSION}:{version('scikit-learn')}:{INTENT_C}:{RISK_C}".encode())
    for group in (intents, risks):
        for x in group:
            h.update(f"{x.label}\t{x.text}\n".encode())
        h.update(b"\x00")
    return h.hexdigest()[:16]
