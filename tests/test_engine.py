"""The engine end to end on real content and a real SQLite file."""

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import Engine
from bot.engine.messages import Incoming
from bot.storage.conversations import ConversationStore
from bot.storage.db import open_database


async def say(engine: Engine, text: str = "", payload: str | None = None, who: str = "c1"):
    return await engine.handle(Incoming(who, text=text, payload=payload))


def rows(db_path, sql: str, *params: str) -> list[tuple]:
    with sqlite3.connect(db_path) as db:
        return db.execute(sql, params).fetchall()


def counted(db_path, metric: str) -> dict[str, int]:
    """The anonymous counters of one metric, by key (all the report reads)."""
    return dict(
        rows(db_path, "SELECT key, SUM(count) FROM daily_counts WHERE metric = ? GROUP BY key", metric)
    )


async def test_first_reply_says_it_is_a_computer(engine) -> None:
    outcome = await say(engine, "hoi")
    assert "computer" in outcome.text and "112" in outcome.text
    assert outcome.topic == "groet"
    second = await say(engine, "wat is sexting")
    assert "computer" not in second.text


async def test_acute_gives_numbers_first_and_alerts(engine, db_path) -> None:
    outcome = await say(engine, "ik wil niet meer leven")
    assert outcome.risk.level == "acute" and outcome.handover == "alerted"
    assert outcome.replies[0].text.index("113") < outcome.replies[0].text.index("computer")
    assert outcome.text.count("computer") == 1  # the crisis text says it; no second note below
    # staff hear at once, without a question: a case of its own and the alert waiting in the outbox
    assert rows(db_path, "SELECT level, category, consent, status FROM cases") == [
        ("acute", "zelfdoding", "acute", "open")
    ]
    assert rows(db_path, "SELECT case_id, kind FROM outbox WHERE recipient LIKE 'team:%'") == [(1, "alert")]
    assert counted(db_path, "risk") == {"acute/zelfdoding": 1}
    assert counted(db_path, "handover") == {"alerted": 1}


async def test_acute_wins_over_any_dialogue_state(engine) -> None:
    await say(engine, "wat is sexting")
    outcome = await say(engine, "/meer")
    assert outcome.risk.level == "none"
    outcome = await say(engine, "en ik wil dood")
    assert outcome.risk.level == "acute" and "113" in outcome.text


async def test_high_risk_answers_and_offers_a_human(engine, db_path) -> None:
    outcome = await say(engine, "iemand chanteert me met mn nudes")
    assert outcome.topic == "sextortion" and outcome.handover == "offered"
    assert [b.title for b in outcome.replies[-1].buttons] == ["Ja", "Nee", "Eerst meer uitleg"]
    # only offered: no case and no alert until the person says yes
    assert rows(db_path, "SELECT COUNT(*) FROM cases") == [(0,)]
    assert rows(db_path, "SELECT COUNT(*) FROM outbox WHERE recipient NOT LIKE 'user:%'") == [(0,)]
    assert counted(db_path, "handover") == {"offered": 1}
    accepted = await say(engine, payload="/handover_ja")
    assert "gemeente" in accepted.text and "Deurne" in [b.title for b in accepted.replies[-1].buttons]
    # "Ja": a case waits for the municipality question; counted once as accepted
    assert rows(db_path, "SELECT level, category, consent, status FROM cases") == [
        ("high", "sextortion", "asked", "routing")
    ]
    assert counted(db_path, "handover") == {"offered": 1, "accepted": 1}


async def test_more_parts_follow_one_by_one(engine) -> None:
    first = await say(engine, "wat is shame sexting")
    assert any(b.payload == "/meer" for r in first.replies for b in r.buttons)
    more = await say(engine, payload="/meer")
    assert more.topic == "shame-sexting" and more.text != first.text


async def test_follow_up_stays_on_the_topic(engine) -> None:
    await say(engine, "is sexting strafbaar")
    outcome = await say(engine, "en als ik 17 ben?")
    assert outcome.topic == "sexting-wet"


async def test_not_understood_twice_offers_menu_and_human(engine) -> None:
    first = await say(engine, "qwxz vbnm")
    assert first.topic == "onbegrepen" and first.handover is None
    second = await say(engine, "plof zoef")
    assert second.handover == "offered"
    assert any(b.payload == "/foto-verspreid" for r in second.replies for b in r.buttons)


async def test_audience_from_text_and_from_a_button(engine) -> None:
    parent = await say(engine, "mijn dochter heeft een naaktfoto gestuurd, hoe reageer ik", who="p")
    assert parent.audience == "ouder"
    await say(engine, "wat is sexting", who="q")
    chosen = await say(engine, payload='/kies_doelgroep{"audience": "professional"}', who="q")
    assert chosen.audience == "professional" and chosen.topic == "sexting-wat-is"


async def test_english_in_english(engine) -> None:
    outcome = await say(engine, "how do i say no to sending nudes")
    assert outcome.language == "en" and "computer" in outcome.text


async def test_state_lives_in_sqlite_not_memory(parts, db_path) -> None:
    first = Engine(parts, ConversationStore(open_database(db_path), "k"))
    await say(first, "is sexting strafbaar")
    restarted = Engine(parts, ConversationStore(open_database(db_path), "k"))
    outcome = await say(restarted, "/meer")
    assert outcome.topic == "sexting-wet"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\u200b\u200b",
        "😀😀😀",
        "مرحبا كيف حالك",
        "x" * 100_000,
        "\x00\x01\x1b[31m",
        "Bonjour, ça va?",
    ],
)
async def test_bad_input_gets_a_calm_answer(engine, text: str) -> None:
    outcome = await say(engine, text)
    assert outcome.replies and all(r.text.strip() for r in outcome.replies)
    assert "Traceback" not in outcome.text


async def test_long_input_is_still_risk_checked_past_the_cap(engine) -> None:
    outcome = await say(engine, "bla " * 2000 + "ik wil dood")
    assert outcome.risk.level == "acute"
    assert "lang" in outcome.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=500))
async def test_any_text_gets_an_answer(engine, text: str) -> None:
    outcome = await say(engine, text, who="fuzz")
    assert outcome.replies and outcome.topic
