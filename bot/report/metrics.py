"""The counters the bot writes (bot/storage/counters.py), their keys and their Dutch labels.

One catalogue, so the YAML check, the report tables and the demo data agree on what
a metric is called and which keys it can have.
"""

from __future__ import annotations

from bot.content.taxonomy import Taxonomy

RISK_LEVELS = ("acute", "high")
DURATION_KINDS = ("alert_to_claim", "alert_to_first_reply")

# Metrics whose keys do not depend on content; '' is the key of a plain count.
FIXED_KEYS: dict[str, tuple[str, ...]] = {
    "conversations": ("",),
    "messages": ("",),
    "media_refused": ("",),
    "erasures": ("",),  # a conversation erased at the user's request (/wis)
    "language": ("nl", "en"),
    "audience": ("jongere", "ouder", "professional", "onbekend"),
    "handover": ("offered", "accepted", "alerted"),
    "feedback": ("nuttig", "niet-nuttig", "weet-wat-ik-kan-doen"),
    "next_step": ("praten-vertrouwd", "melden", "niets"),
}
CONTENT_METRICS = ("topic", "risk", "outcome")
METRICS = (*FIXED_KEYS, *CONTENT_METRICS)

LABELS: dict[str, dict[str, str]] = {
    "language": {"nl": "Nederlands", "en": "Engels"},
    "audience": {
        "jongere": "Jongeren",
        "ouder": "Ouders en verzorgers",
        "professional": "Professionals",
        "onbekend": "Niet bekend",
    },
    "handover": {
        "offered": "Gesprek met een mens aangeboden",
        "accepted": "Aanbod aangenomen",
        "alerted": "Acuut: werkgroep direct gewaarschuwd",
    },
    "feedback": {
        "nuttig": "Ja, ik heb er iets aan",
        "niet-nuttig": "Nee, niet geholpen",
        "weet-wat-ik-kan-doen": "Ik weet wat ik nu kan doen",
    },
    "next_step": {
        "praten-vertrouwd": "Praten met iemand die ik vertrouw",
        "melden": "Melden",
        "niets": "Niets",
    },
    "topic": {
        "sexting-wat-is": "Wat is sexting",
        "sexting-wet": "Sexting en de wet",
        "shame-sexting": "Shame-sexting (doorsturen)",
        "foto-verspreid": "Foto wordt verspreid",
        "foto-verwijderen": "Foto laten verwijderen",
        "sextortion": "Sextortion (chantage)",
        "druk-om-foto": "Druk om een foto te sturen",
        "foto-ontvangen": "Foto van een ander ontvangen",
        "zelf-doorgestuurd": "Zelf een foto doorgestuurd",
        "grooming": "Grooming",
        "loverboy-signalen": "Loverboy: signalen",
        "loverboy-hulp": "Loverboy: hulp",
        "melden-politie": "Melden bij de politie",
        "halt": "Halt",
        "praten-met-iemand": "Praten met een mens",
        "hulplijnen": "Hulplijnen",
        "ouder-kind-sexting": "Ouder: kind en sexting",
        "ouder-gesprek": "Ouder: het gesprek aangaan",
        "ouder-signalen": "Ouder: signalen",
        "school-route": "School: route na incident",
        "aanbod": "Aanbod van de werkgroep",
        "privacy": "Privacy",
        "groet": "Groet",
        "bedankt": "Bedankt",
        "afscheid": "Afscheid",
        "wat-kan-jij": "Wat kan de bot",
        "buiten-scope": "Buiten het thema",
        "onbegrepen": "Niet begrepen",
        "steun": "Steun (iemand van streek)",
        "knoppen": "Knoppen en opdrachten (geen onderwerp)",
    },
    "risk_level": {"acute": "Acuut", "high": "Hoog"},
    "risk_category": {
        "zelfdoding": "Gedachten aan zelfdoding",
        "acuut-gevaar": "Nu in gevaar",
        "sextortion": "Sextortion (chantage)",
        "verspreiding": "Beeld wordt verspreid",
        "uitbuiting": "Uitbuiting / loverboy",
        "grooming": "Grooming",
        "misbruik": "Seksueel misbruik",
    },
    "duration": {
        "alert_to_claim": "Van alarm tot oppakken",
        "alert_to_first_reply": "Van alarm tot eerste antwoord",
    },
}


def known_keys(metric: str, taxonomy: Taxonomy, outcomes: dict[str, str]) -> tuple[str, ...] | None:
    """Every key `metric` can have; None for a metric the bot does not count."""
    if metric in FIXED_KEYS:
        return FIXED_KEYS[metric]
    if metric == "topic":
        return taxonomy.topics
    if metric == "outcome":
        return tuple(outcomes)
    if metric == "risk":
        return tuple(f"{level}/{cat}" for level in RISK_LEVELS for cat in taxonomy.risk_categories)
    return None


def label(metric: str, key: str) -> str:
    """A Dutch label for a key; other keys read as words ("foto-verspreid": "Foto verspreid")."""
    known = LABELS.get(metric, {}).get(key)
    return known or key.replace("-", " ").capitalize()
