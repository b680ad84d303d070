"""Intent recognition measured: our model beside a plain Rasa-style baseline.

    .venv/bin/python bench/intent_cv.py

1. Stratified 5-fold cross-validation on intents/ at topic level (a follow-up intent
   vervolg/<detail> counts as the topic "vervolg"): our model (bot/nlu: our n-gram
   features, logistic regression over intents, probabilities summed per topic) and the
   baseline (Rasa's default NLU pipeline in spirit: CountVectors on words and on character
   n-grams 1-4, logistic regression over intents).
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

from sklearn.feature_extraction.text import CountVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from sklearn.pipeline import FeatureUnion, make_pipeline  # noqa: E402

from bot.content.loader import load_content  # noqa: E402
from bot.nlu.features import FeatureSpace  # noqa: E402
from bot.nlu.intent import IntentClassifier  # noqa: E402
from bot.nlu.linear import LinearModel  # noqa: E402
from bot.nlu.normalise import Normaliser  # noqa: E402
from bot.nlu.training import INTENT_C  # noqa: E402

HELD_OUT = ROOT / "tests" / "eval" / "realstyle.yml"


def topic(label: str) -> str:
    return label.split("/", 1)[0]


class Ours:
    """The bot's own recipe: fit with scikit-learn, predict with bot.nlu (summed per topic)."""

    def fit(self, texts: list[str], labels: list[str]) -> Ours:
        self.features, matrix = FeatureSpace.fit(texts)
        self.classifier = IntentClassifier(LinearModel.fit(matrix, labels, INTENT_C))
        return self

    def predict(self, texts: list[str]) -> list[str]:
        """The best topic; the bot answers below its threshold too (it asks which of the best
        topics is meant), so "not understood" is counted apart, in unsure()."""
        return [self._guess(t).ranking[0][0] for t in texts]

    def unsure(self, texts: list[str]) -> int:
        return sum(self._guess(t).topic == "onbegrepen" for t in texts)

    def _guess(self, text: str):
        return self.classifier.predict(self.features.vector(text))


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

    def predict(self, texts: list[str]) -> list[str]:
        return [topic(str(p)) for p in self.model.predict(texts)]


def cross_validate(model_class, texts: list[str], labels: list[str]) -> tuple[float, float]:
    topics = [topic(x) for x in labels]
    correct, t0 = 0, time.perf_counter()
    for train, test in StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(texts, topics):
        model = model_class().fit([texts[i] for i in train], [labels[i] for i in train])
        predicted = model.predict([texts[i] for i in test])
        correct += sum(p == topics[i] for p, i in zip(predicted, test, strict=True))
    return 100 * correct / len(texts), (time.perf_counter() - t0) / 5


def held_out(model, normaliser: Normaliser) -> tuple[float, float, int]:
    cases = [c for c in yaml.safe_load(HELD_OUT.read_text(encoding="utf-8")) if c.get("topic")]
    texts = [normaliser(c["text"]).text for c in cases]
    predicted = model.predict(texts)
    accepted = [c["topic"] if isinstance(c["topic"], list) else [c["topic"]] for c in cases]
    ok = sum(p in a for p, a in zip(predicted, accepted, strict=True))
    missed = model.unsure(texts) if isinstance(model, Ours) else 0
    return 100 * ok / len(cases), 100 * missed / len(cases), len(cases)


def main() -> None:
    content, _ = load_content(ROOT)
    normaliser = Normaliser({w for ex in content.examples for w in ex.text.lower().split()})
    texts = [normaliser(ex.text).text for ex in content.examples]
    labels = [ex.intent for ex in content.examples]
    print(f"{len(texts)} examples, {len(set(labels))} intents, {len({topic(x) for x in labels})} topics")
    for name, model_class in (("ours", Ours), ("baseline", Baseline)):
        accuracy, seconds = cross_validate(model_class, texts, labels)
        print(f"{name:9} 5-fold topic accuracy {accuracy:.1f}%  (fit {seconds:.1f} s per fold)")
    if HELD_OUT.exists():
        for name, model_class in (("ours", Ours), ("baseline", Baseline)):
            accuracy, missed, n = held_out(model_class().fit(texts, labels), normaliser)
            print(f"{name:9} held-out real-style ({n}): topic {accuracy:.1f}%, not understood {missed:.1f}%")


if __name__ == "__main__":
    main()
