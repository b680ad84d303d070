import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, make_pipeline

from bot.nlu.features import ANALYZERS, FeatureSpace, char_ngrams, word_ngrams
from bot.nlu.linear import LinearModel

SAMPLE = [
    ("iemand chanteert me met een foto", "sextortion"),
    ("hij wil geld anders zet hij mijn filmpje online", "sextortion"),
    ("wat doet halt", "halt"),
    ("moet ik naar halt", "halt"),
    ("mijn dochter heeft een naaktfoto gestuurd", "ouder-kind-sexting"),
    ("mijn zoon stuurde een nude", "ouder-kind-sexting"),
]


@given(st.text(alphabet="abcdé 1", max_size=40))
def test_our_analyzers_are_scikit_learns(text: str) -> None:
    assert char_ngrams(text) == TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()(text)
    words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"\S+", lowercase=False)
    assert word_ngrams(text) == words.build_analyzer()(text)


def test_runtime_scores_equal_the_scikit_learn_pipeline() -> None:
    texts, labels = zip(*SAMPLE, strict=True)
    features, matrix = FeatureSpace.fit(texts)
    ours = LinearModel.fit(matrix, labels, c=20.0)
    union = FeatureUnion(
        [(f"b{i}", TfidfVectorizer(analyzer=a, sublinear_tf=True)) for i, a in enumerate(ANALYZERS)]
    )
    theirs = make_pipeline(union, LogisticRegression(C=20.0, max_iter=3000)).fit(texts, labels)
    for text in ["iemand chanteert me", "halt", "naaktfoto dochter", "zzz", "filmpje online halt"]:
        expected = theirs.predict_proba([text])[0]
        assert np.allclose(ours.probabilities(features.vector(text)), expected, atol=1e-5), text


def test_two_classes_still_give_both_probabilities() -> None:
    texts, labels = ["ik wil dood", "wat is sexting"], ["risk", "none"]
    features, matrix = FeatureSpace.fit(texts)
    model = LinearModel.fit(matrix, labels, c=10.0)
    probs = model.probabilities(features.vector("ik wil dood"))
    assert model.classes == ("none", "risk") and probs[1] > 0.5 and np.isclose(probs.sum(), 1.0)


def test_typos_and_word_order_still_find_the_topic(parts) -> None:
    normalise = parts.normaliser
    for text, topic in [
        ("wat is sexten egt", "sexting-wat-is"),
        ("chanteerd iemand mij met naakfotos", "sextortion"),
        ("halt wat is dat", "halt"),
    ]:
        vector = parts.features.vector(normalise(text).text)
        assert parts.classifier.predict(vector).topic == topic, text


def test_the_running_bot_does_not_import_scikit_learn(parts, tmp_path) -> None:
    """Memory and start-up: scikit-learn (about 80 MB) is only needed to fit, not to answer.

    The `parts` fixture has fitted the models into the shared cache, as `./run` does once.
    """
    import subprocess
    import sys

    code = (
        "import sys, asyncio, pathlib\n"
        "from bot.app import build_engine\nfrom bot.engine.messages import Incoming\n"
        "from bot.common.settings import load_settings\n"
        f"e = build_engine(load_settings(), db_path=pathlib.Path({str(tmp_path)!r}) / 'b.db')\n"
        "asyncio.run(e.handle(Incoming('x', text='hoi')))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
