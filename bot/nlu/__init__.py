"""Understanding text: normalising chat spelling, n-gram features, the linear intent model
and its training. Knows nothing of risk, cases or channels."""

__all__ = ["features", "intent", "linear", "normalise", "phrases", "training"]
