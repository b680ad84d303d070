"""While a werkgroep member reads along, chat goes to them; but typed requests about the
person's own data are still the bot's: "verwijder mijn gegevens" asks the erase question and a
typed "ja" erases, as the buttons would."""

from bot.engine import Engine
from bot.engine.messages import Incoming
from bot.storage.db import immediate


async def test_erase_can_be_typed_while_staff_read_along(engine: Engine) -> None:
    for text in ("iemand chanteert me met mn nudes", "ja", "Helmond"):
        await engine.handle(Incoming("c", text=text))
    case = engine.desk.active_case("c")
    assert case is not None
    with immediate(engine.store.db):
        engine.desk.claim("coordinator", case.id, engine.clock())
    relayed = await engine.handle(Incoming("c", text="hoe lang duurt het nog"))
    assert relayed.topic == "praten-met-iemand"  # ordinary chat goes to the staff member
    asked = await engine.handle(Incoming("c", text="verwijder mijn gegevens"))
    assert asked.topic == "privacy" and "wis" in asked.text.lower()
    erased = await engine.handle(Incoming("c", text="ja"))
    assert "gewist" in erased.text
    assert engine.store.db.execute(
        "SELECT count(*) FROM messages WHERE conversation_id = 'c'"
    ).fetchone() == (0,)
