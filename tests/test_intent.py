import numpy as np


def test_fast_scorer_equals_the_sklearn_pipeline(parts) -> None:
    classifier = parts.classifier
    for text in [
        "iemand chanteert me",
        "hoi",
        "wat doet halt",
        "mijn dochter heeft een naaktfoto gestuurd",
        "zzz",
    ]:
        expected = classifier.pipeline.predict_proba([text])[0]
        assert np.allclose(classifier.scorer.probabilities(text), expected, atol=1e-9)


def test_typos_and_word_order_still_find_the_topic(parts) -> None:
    normalise = parts.normaliser
    for text, topic in [
        ("wat is sexten egt", "sexting-wat-is"),
        ("chanteerd iemand mij met naakfotos", "sextortion"),
        ("halt wat is dat", "halt"),
    ]:
        assert parts.classifier.predict(normalise(text).text).topic == topic, text
