"""Honest about who is open now: at night a reply leads to what is open day and night."""

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

from bot.content.model import ALWAYS_OPEN, Contact, OpenSlot, Source, Where
from bot.content.render import contact_line, open_now
from bot.engine import Engine
from bot.engine.messages import Incoming
from bot.storage.conversations import ConversationStore
from bot.storage.db import open_database

NIGHT = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)  # 23:00 in Helmond
NOON = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)  # 12:00 in Helmond


def contact(slots) -> Contact:
    return Contact(
        "k", {"nl": "De Kindertelefoon"}, "0800-0432", None, {}, {}, False, Source("", "", "", ()),
        Where(Path("x"), 1), slots,
    )  # fmt: skip


def test_opening_slots_in_dutch_time() -> None:
    daily = contact((OpenSlot(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), "11:00", "21:00"),))
    assert open_now(daily, NOON) is True and open_now(daily, NIGHT) is False
    assert open_now(contact(ALWAYS_OPEN), NIGHT) is True
    assert open_now(contact(None), NIGHT) is None
    late = contact((OpenSlot(("mon",), "22:00", "02:00"),))  # past midnight
    assert open_now(late, NIGHT) is True


def test_unknown_hours_of_a_staffed_line_are_doubted_at_night_but_a_website_never() -> None:
    line = contact(None)
    website = dataclasses.replace(line, phone=None, url="https://takeitdown.ncmec.org")
    assert "misschien gesloten" in contact_line(line, "nl", NIGHT)
    assert "gesloten" not in contact_line(line, "nl", NOON)
    assert "gesloten" not in contact_line(website, "nl", NIGHT)


def test_a_closed_service_says_so() -> None:
    daily = contact((OpenSlot(("mon",), "11:00", "21:00"),))
    assert "nu gesloten" in contact_line(daily, "nl", NIGHT)
    assert "gesloten" not in contact_line(daily, "nl", NOON)
    assert "gesloten" not in contact_line(daily, "nl")  # no clock: the content check, the review pack


async def test_at_night_the_reply_leads_to_what_is_open(parts, tmp_path: Path) -> None:
    replies = {}
    for name, moment in (("night", NIGHT), ("noon", NOON)):
        store = ConversationStore(open_database(tmp_path / f"{name}.db"), "t")
        engine = Engine(parts, store, clock=lambda moment=moment: moment)
        outcome = await engine.handle(Incoming("c", text="ik durf niet te bellen naar de kindertelefoon"))
        replies[name] = outcome.text
    assert "Nu open, dag en nacht" in replies["night"] and "113" in replies["night"]
    assert "nu gesloten" in replies["night"]
    assert "Nu open, dag en nacht" not in replies["noon"]
