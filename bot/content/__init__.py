"""Content: typed models of the YAML that werkgroep members edit (intents/, knowledge/,
escalation/, risk/), loading, checking, rendering and the shared taxonomy."""

__all__ = [
    "check",
    "escalation",
    "knowledge",
    "loader",
    "model",
    "placeholders",
    "readability",
    "render",
    "reviews",
    "taxonomy",
    "yamlsrc",
]
