"""Intent recognition measured: our model beside a plain Rasa-style baseline.

    .venv/bin/python bench/intent_cv.py

1. Stratified 5-fold cross-validation on intents/ at topic level: our model (bot/nlu: our n-gram
   features, logistic regression over intents, probabilities summed per topic) and the
   baseline (Rasa's default NLU pipeline in spirit: CountVectors on words and on character
   n-grams 1-4, logistic regression over intents). Two ways to score a follow-up intent
   vervolg/<detail>: strict, as a class "vervolg" of its own; and as the bot reports
   it, where a follow-up with no conversation before it is answered and reported as its
   home topic (intents/follow_ups.yml: "moet ik aangifte doen" is melden-politie), for
   the truth and the guess alike.
   Also grouped: examples worded alike (word tf-idf cosine >= 0.5, joined transitively)
   stay in one fold, so a test example's near-twin is never in training. Since the
   data holds a reworded variant of most examples, the plain figure is the optimistic
   one and the grouped figure the strict one.
2. The held-out real-style questions (tests/eval/realstyle.yml, never trained on): topic
   accuracy of both models trained on all of intents/ (the best topic), and how often ours
   falls below its threshold (the bot then asks which topic is meant). The bot itself is
   scored on the same set with ../shared/eval/score.py, which adds the dialogue policy.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scipy.sparse.csgraph import connected_components  # noqa: E402
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold  # noqa: E402
from sklearn.pipeline import FeatureUnion, make_pipeline  # noqa: E402

from bot.content.loader import load_content  # noqa: E402
from bot.content.taxonomy import FOLLOW_UP_GROUP  # noqa: E402
from bot.nlu.features import FeatureSpace  # noqa: E402
from bot.nlu.intent import DEFAULT_THRESHOLD, IntentClassifier, IntentGuess  # noqa: E402
from bot.nlu.linear import LinearModel  # noqa: E402
from bot.nlu.normalise import Normaliser  # noqa: E402
from bot.nlu.training import INTENT_C  # noqa: E402

HELD_OUT = ROOT / "tests" / "eval" / "realstyle.yml"
ALIKE = 0.5  # word tf-idf cosine from which two examples count as one wording


def topic(label: str) -> str:
    return label.split("/", 1)[0]


def as_reported(homes: dict[str, str]):
    """The topic the bot reports for an intent out of context: a follow-up's home topic."""

    def report(label: str) -> str:
        group, _, detail = label.partition("/")
        return homes.get(detail, group) if group == FOLLOW_UP_GROUP else group

    return report


class Ours:
    """The bot's own recipe: fit with scikit-learn, predict with bot.nlu (summed per topic)."""

    def fit(self, texts: list[str], labels: list[str]) -> Ours:
        self.features, matrix = FeatureSpace.fit(texts)
        # no threshold: the best topic is always named; the bot answers below its threshold
        # too (it asks which of the best topics is meant), so "not understood" is counted apart
        self.classifier = IntentClassifier(LinearModel.fit(matrix, labels, INTENT_C), threshold=0.0)
        return self

    def guesses(self, texts: list[str]) -> list[IntentGuess]:
        return [self.classifier.predict(self.features.vector(t)) for t in texts]

    def predict_intents(self, texts: list[str]) -> list[str]:
        """The best intent of the best topic."""
        return [g.intent for g in self.guesses(texts)]


class Baseline:
    """CountVectors on words and char n-grams 1-4, logistic regression, top intent's topic."""

    def fit(self, texts: list[str], labels: list[str]) -> Baseline:
        union = FeatureUnion(
            [
                ("words", CountVectorizer(analyzer="word")),
                ("chars", CountVectorizer(analyzer="char_wb", ngram_range=(1, 4))),
            ]
        )
        self.model = make_pipeline(union, LogisticRegression(max_iter=3000)).fit(texts, labels)
        return self

    def predict_intents(self, texts: list[str]) -> list[str]:
        return [str(p) for p in self.model.predict(texts)]


def alike_groups(texts: list[str]) -> list[int]:
    """A group number per example: examples worded alike share one (transitively)."""
    vectors = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    similar = vectors @ vectors.T
    similar.data[similar.data < ALIKE] = 0
    similar.eliminate_zeros()
    return list(connected_components(similar, directed=False)[1])


def cross_validate(
    model_class, texts: list[str], labels: list[str], report, groups: list[int] | None = None
) -> tuple[float, float, float]:
    """Strict and as-reported topic accuracy, and seconds per fold."""
    topics = [topic(x) for x in labels]
    strict = reported = 0
    t0 = time.perf_counter()
    if groups is None:
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(texts, topics)
    else:
        folds = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0).split(texts, topics, groups)
    for train, test in folds:
        model = model_class().fit([texts[i] for i in train], [labels[i] for i in train])
        for guess, i in zip(model.predict_intents([texts[i] for i in test]), test, strict=True):
            strict += topic(guess) == topics[i]
            reported += report(guess) == report(labels[i])
    n = len(texts)
    return 100 * strict / n, 100 * reported / n, (time.perf_counter() - t0) / 5


def held_out(model, normaliser: Normaliser, report) -> tuple[float, float, int]:
    cases = [c for c in yaml.safe_load(HELD_OUT.read_text(encoding="utf-8")) if c.get("topic")]
    texts = [normaliser(c["text"]).text for c in cases]
    if isinstance(model, Ours):  # one pass: the guesses hold both the intent and its confidence
        guesses = model.guesses(texts)
        intents = [g.intent for g in guesses]
        missed = sum(g.confidence < DEFAULT_THRESHOLD for g in guesses)
    else:
        intents, missed = model.predict_intents(texts), 0
    predicted = [report(x) for x in intents]
    accepted = [c["topic"] if isinstance(c["topic"], list) else [c["topic"]] for c in cases]
    ok = sum(p in a for p, a in zip(predicted, accepted, strict=True))
    return 100 * ok / len(cases), 100 * missed / len(cases), len(cases)


def main() -> None:
    content, _ = load_content(ROOT)
    report = as_reported(content.follow_up_homes)
    normaliser = Normaliser({w for ex in content.examples for w in ex.text.lower().split()})
    texts = [normaliser(ex.text).text for ex in content.examples]
    labels = [ex.intent for ex in content.examples]
    print(f"{len(texts)} examples, {len(set(labels))} intents, {len({topic(x) for x in labels})} topics")
    groups = alike_groups(texts)
    print(f"{max(groups) + 1} groups of alike wordings (kept in one fold when grouped)")
    print("5-fold topic accuracy: strict / as the bot reports it, then the same grouped")
    for name, model_class in (("ours", Ours), ("baseline", Baseline)):
        strict, reported, seconds = cross_validate(model_class, texts, labels, report)
        grouped_strict, grouped_reported, _ = cross_validate(model_class, texts, labels, report, groups)
        print(
            f"{name:9} {strict:.1f}% / {reported:.1f}%,"
            f" grouped {grouped_strict:.1f}% / {grouped_reported:.1f}%  (fit {seconds:.1f} s per fold)"
        )
    if HELD_OUT.exists():
        for name, model_class in (("ours", Ours), ("baseline", Baseline)):
            accuracy, missed, n = held_out(model_class().fit(texts, labels), normaliser, report)
            print(f"{name:9} held-out real-style ({n}): topic {accuracy:.1f}%, not understood {missed:.1f}%")


if __name__ == "__main__":
    main()
