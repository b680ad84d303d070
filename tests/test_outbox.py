"""The outbox's typed recipient. Its stored text is the form rows always had, so rows written
before Recipient existed are read, ordered and filtered the same (no migration)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.common.clock import iso
from bot.storage.db import immediate, open_database
from bot.storage.outbox import Outbox, Recipient, recipient_of, stored_text
from tests.conftest import MONDAY_10


@pytest.mark.parametrize(
    ("recipient", "text"),
    [
        (Recipient.user("c1"), "user:c1"),
        (Recipient.team("helmond"), "team:helmond"),
        (Recipient.staff("anna"), "staff:anna"),
        (Recipient.group(-1001, 7), "group:-1001:7"),
        (Recipient.group(-1001, None), "group:-1001:0"),  # no forum thread
    ],
)
def test_a_recipient_is_stored_in_the_text_form_rows_always_had(recipient: Recipient, text: str) -> None:
    assert stored_text(recipient) == text
    assert recipient_of(text) == recipient
    assert recipient.to_user == text.startswith("user:")


@pytest.mark.parametrize("text", ["", "user:", "helmond", "teams:helmond", "group:-1001:x"])
def test_text_that_names_no_recipient_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        recipient_of(text)


def test_old_rows_and_the_old_string_form_are_delivered_as_typed_recipients(db_path: Path) -> None:
    db = open_database(db_path)
    outbox = Outbox(db)
    now = MONDAY_10
    with immediate(db):
        outbox.add(Recipient.team("helmond"), "alert", "a", now)
        outbox.add(Recipient.user("c1"), "reply", "b", now)
        db.conn.execute(  # a row as an older version wrote it
            "INSERT INTO outbox (recipient, kind, text, buttons, status, due_at, created_at)"
            " VALUES ('group:-1001:7', 'staff_answer', 'c', '[]', 'pending', ?, ?)",
            [iso(now), iso(now)],
        )
    stored = [r[0] for r in db.execute("SELECT recipient FROM outbox ORDER BY id")]
    assert stored == ["team:helmond", "user:c1", "group:-1001:7"]
    # staff messages first, then the young person's
    due = outbox.due(now)
    assert [m.recipient for m in due] == [
        Recipient.team("helmond"),
        Recipient.group(-1001, 7),
        Recipient.user("c1"),
    ]
    assert [m.to_user for m in due] == [False, False, True]
    assert [m.text for m in outbox.due(now, recipients=[Recipient.user("c1")])] == ["b"]
    assert [m.text for m in outbox.due(now, busy={Recipient.team("helmond"), Recipient.group(-1001, 7)})] == [
        "b"
    ]
    assert [m.text for m in outbox.due(now, accepts=lambda r: r.kind == "group")] == ["c"]
