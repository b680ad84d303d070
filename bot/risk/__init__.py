"""Judging risk on every message: the phrase lexicon, the risk model, and the judge that
takes the higher of the two. Built on nlu/; compiled from the YAML risk lexicon."""

__all__ = ["compile", "judge", "lexicon", "model"]
