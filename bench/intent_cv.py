"""Cross-validation of intent models on our own examples, and accuracy on the eval samples.

    .venv/bin/python bench/intent_cv.py [--models lr,svc,sgd]

Prints stratified 5-fold accuracy on intents/ (topic level) and the training time per
model, so the choice in bot/intent.py rests on measured evidence.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.base import clone  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression, SGDClassifier  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from sklearn.pipeline import FeatureUnion, make_pipeline  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from bot.content.loader import load_content  # noqa: E402
from bot.nlu.features import ANALYZERS  # noqa: E402
from bot.nlu.normalise import Normaliser  # noqa: E402
from bot.nlu.training import INTENT_C  # noqa: E402

MODELS = {
    "lr": LogisticRegression(C=INTENT_C, max_iter=3000),
    "svc": LinearSVC(C=0.5),
    "sgd": SGDClassifier(loss="modified_huber", alpha=1e-4, max_iter=50, random_state=0),
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="lr,svc,sgd")
    args = ap.parse_args()
    content, _ = load_content(ROOT)
    normaliser = Normaliser({w for ex in content.examples for w in ex.text.lower().split()})
    texts = [normaliser(ex.text).text for ex in content.examples]
    topics = [ex.topic for ex in content.examples]
    print(f"{len(texts)} examples, {len(set(topics))} topics")
    for name in args.models.split(","):
        union = FeatureUnion(
            [(f"b{i}", TfidfVectorizer(analyzer=a, sublinear_tf=True)) for i, a in enumerate(ANALYZERS)]
        )
        pipeline = make_pipeline(union, clone(MODELS[name]))
        correct = 0
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
        t0 = time.perf_counter()
        for train, test in folds.split(texts, topics):
            model = clone(pipeline).fit([texts[i] for i in train], [topics[i] for i in train])
            predicted = model.predict([texts[i] for i in test])
            correct += sum(p == topics[i] for p, i in zip(predicted, test, strict=True))
        fold_seconds = (time.perf_counter() - t0) / 5
        print(
            f"{name:4} 5-fold accuracy {100 * correct / len(texts):.1f}%  fit {fold_seconds:.2f} s per fold"
        )


if __name__ == "__main__":
    main()
