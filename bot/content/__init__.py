"""Content: typed models of the YAML that werkgroep members edit (intents/, knowledge/,
escalation/, risk/), loading, checking, rendering, the werkgroep's review and the shared
taxonomy."""

__all__ = [
    "check",
    "comments",
    "escalation",
    "escalation_schema",
    "knowledge",
    "loader",
    "model",
    "placeholders",
    "readability",
    "render",
    "reviewpack",
    "reviews",
    "schema",
    "signoff",
    "taxonomy",
    "typed",
    "yamlsrc",
]
