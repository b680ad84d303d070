"""`ask --jsonl`: JSON lines in, exactly one JSON answer out for every line, whatever it holds.

Evaluation scripts (../shared/eval/score.py, dialogues.py) pipe thousands of lines through
one process, so one bad line must never end the run: text that is not JSON, not an object,
a "text" that is not a string, a lone surrogate ("\\ud800") or bytes that are not UTF-8
each get an answer with an "error" field, and the next line is read as usual. Lines with
the same "conversation" key continue one conversation; a line without it is a fresh one.
Blank lines are skipped. Nothing of a line's content is ever logged.
"""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TextIO

from bot.engine import Engine, judge_risk
from bot.engine.messages import Incoming, Outcome
from bot.nlu.normalise import without_lone_surrogates

log = logging.getLogger(__name__)


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    return {
        "topic": outcome.topic,
        "confidence": outcome.confidence,
        "risk": {"level": outcome.risk.level, "category": outcome.risk.category},
        "handover": outcome.handover,
        "reply": outcome.text,
        "buttons": [b.title for r in outcome.replies for b in r.buttons],
        "language": outcome.language,
        "audience": outcome.audience,
    }


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    conversation: str | None = None
    problem: str | None = None  # why the line could not be read as asked; it is answered anyway


def read_line(raw: str) -> Line:
    """One input line as text and conversation key, or what is wrong with it."""
    try:
        data = json.loads(raw)
    except ValueError:
        return Line("", problem="the line is not JSON")
    if not isinstance(data, dict):
        return Line("", problem="the line is not a JSON object")
    key = data.get("conversation")
    conversation = None if key is None or isinstance(key, dict | list) else str(key)
    text = data.get("text", "")
    if not isinstance(text, str):
        return Line("", conversation, "'text' is not a string")
    return Line(without_lone_surrogates(text), conversation)


def stdin_lines() -> io.TextIOWrapper:
    """Standard input split on newlines only; bytes that are not UTF-8 become U+FFFD."""
    import sys

    return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline="\n")


def stdout_text() -> io.TextIOWrapper:
    import sys

    return io.TextIOWrapper(
        sys.stdout.buffer, encoding="utf-8", errors="replace", newline="\n", write_through=True
    )


async def answer_lines(engine: Engine, lines: Iterable[str], out: TextIO) -> int:
    """Answer every non-blank line with one JSON line; returns how many were answered."""
    conversations: dict[str, str] = {}
    answered = 0
    for raw in lines:
        if not raw.strip():
            continue
        line = read_line(raw)
        conversation = (
            conversations.setdefault(line.conversation, uuid.uuid4().hex)
            if line.conversation
            else uuid.uuid4().hex
        )
        answer = await _answer(engine, Incoming(conversation, text=line.text))
        if line.problem:
            answer["error"] = line.problem
        out.write(json.dumps(answer, ensure_ascii=False) + "\n")
        answered += 1
    out.flush()
    return answered


async def _answer(engine: Engine, incoming: Incoming) -> dict[str, Any]:
    try:
        return outcome_json(await engine.handle(incoming))
    except Exception as error:  # one line's failure is that line's answer, never the run's end
        log.error("ask --jsonl: a line could not be answered: %s", type(error).__name__)
        return _failed(engine, incoming.text, type(error).__name__)


def _failed(engine: Engine, text: str, reason: str) -> dict[str, Any]:
    """The answer for a line the engine failed on: its risk where it can still be judged."""
    level, category = "none", None
    try:
        _, risk = judge_risk(engine.parts, engine.parts.normaliser(text), text)
        level, category = risk.level, risk.category
    except Exception as error:
        log.error("ask --jsonl: its risk could not be judged either: %s", type(error).__name__)
    return {
        "topic": "onbegrepen",
        "confidence": 0.0,
        "risk": {"level": level, "category": category},
        "handover": None,
        "reply": "",
        "buttons": [],
        "language": "nl",
        "audience": None,
        "error": f"the bot failed on this line ({reason})",
    }
