"""The decision half of a turn needs no database: given the message, its risk, the slots so
far and the case as it is, it returns the plan and the texts (bot/engine/decide.py)."""

from bot.engine.decide import Decider, TurnInput
from bot.engine.dialogue import TurnFacts
from bot.engine.messages import Incoming
from bot.engine.parts import judge_risk
from bot.nlu.intent import IntentGuess
from bot.risk.lexicon import NO_RISK
from bot.storage.cases import Case

# The acute case the desk opened (a snapshot: the decision only reads it).
ACUTE_CASE = Case(
    1,
    "c",
    "acute",
    "zelfdoding",
    None,
    "helmond",
    "open",
    "acute",
    None,
    None,
    "",
    None,
    "",
    0,
    0,
    0,
    None,
    0,
)


async def decide(parts, text: str, slots: dict | None, case: Case | None = None):
    message = parts.normaliser(text)
    vector, risk = judge_risk(parts, message, text)
    turn = TurnInput(Incoming("c", text=text), message, None, risk, vector, slots, case, None)
    return await Decider(parts).decide(turn)


async def test_a_follow_up_is_answered_from_the_topic_of_the_conversation(parts) -> None:
    decision = await decide(parts, "moet ik betalen", {"language": "nl", "last_topic": "sextortion"})
    assert decision.plan.topic == "sextortion"
    assert decision.plan.actions[0] == "action_answer_detail"
    assert "Betalen stopt het niet" in decision.texts[0].text


async def test_an_acute_message_starts_crisis_mode(parts) -> None:
    decision = await decide(parts, "ik wil niet meer leven", {"language": "nl"})
    assert decision.risk.level == "acute" and decision.slots["crisis"] is True
    assert "113" in decision.texts[0].text
    again = await decide(parts, "laat maar", decision.slots, ACUTE_CASE)
    assert "113" in again.texts[0].text and again.plan.topic != "onbegrepen"
    closed = await decide(parts, "laat maar", decision.slots, None)  # staff closed the case
    assert "crisis" not in closed.slots or not closed.slots["crisis"]


def test_someone_upset_is_never_told_not_understood(parts) -> None:
    """An unsure guess of a follow-up, with no topic to lean on, has nothing to answer; a
    person whose words are upset still gets support, anyone else the fallback."""
    unsure_follow_up = IntentGuess("vervolg/wat-nu", 0.4, (("vervolg", 0.4),), own=0.1)
    upset = TurnFacts(NO_RISK, unsure_follow_up, "ik durf morgen niet", upset=True)
    calm = TurnFacts(NO_RISK, unsure_follow_up, "hoe zit dat", upset=False)
    assert parts.policy.plan(upset, {"language": "nl"}).topic == "steun"
    assert parts.policy.plan(calm, {"language": "nl"}).topic == "onbegrepen"


async def test_a_question_asked_again_gets_its_answer_again(parts) -> None:
    """'Moet ik betalen?' twice is answered 'no' twice (with a lead-in), not with the next part."""
    first = await decide(parts, "moet ik betalen", {"language": "nl", "last_topic": "sextortion"})
    again = await decide(parts, "moet ik betalen", first.slots)
    assert again.plan.actions[0] == "action_answer_detail"
    assert "Betalen stopt het niet" in again.texts[0].text
    assert again.texts[0].text != first.texts[0].text  # a lead-in says it is said again


def test_after_a_disclosure_only_a_clear_goodbye_is_one(parts) -> None:
    """'Hij komt zaterdag weer logeren' after 'mijn oom zit aan me' is no goodbye: it gets the
    part on abuse (Veilig Thuis, Centrum Seksueel Geweld) again; a clear 'doei' is a goodbye."""
    slots = {"language": "nl", "last_topic": "steun", "risk_level": "high", "risk_seen": "misbruik"}
    unsure = TurnFacts(
        NO_RISK, IntentGuess("afscheid", 0.33, (("afscheid", 0.33),)), "hij komt zaterdag weer"
    )
    clear = TurnFacts(NO_RISK, IntentGuess("afscheid", 0.95, (("afscheid", 0.95),)), "doei")
    plan = parts.policy.plan(unsure, dict(slots))
    assert (plan.topic, plan.slot_changes.get("detail")) == ("steun", "misbruik")
    assert parts.policy.plan(clear, dict(slots)).topic == "afscheid"
