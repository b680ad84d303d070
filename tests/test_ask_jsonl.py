"""`ask --jsonl` never stops on a bad line: every line gets exactly one JSON answer.

The fuzz test sends 10,000 seeded lines through one process: valid questions, lone
surrogates, invalid JSON, bytes that are not UTF-8, a "text" that is not a string, empty
objects, arrays, long texts, odd conversation keys, and acute messages among them.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys

from bot.channels.jsonl import read_line
from bot.common.settings import PROJECT_ROOT

ENV = {"BOT_PSEUDONYM_KEY": "cd" * 32, "PATH": "/usr/bin:/bin"}
KEYS = {"topic", "confidence", "risk", "handover", "reply", "buttons", "language", "audience"}
ACUTE = ["ik wil dood", "ik wil niet meer leven", "i want to kill myself", "ikwildood", "zlfmrd"]
ORDINARY = ["hallo", "wat is sexting", "iemand chanteert me met een nude", "bedankt", "ja", "nee"]


def ask_jsonl(stdin: bytes) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--jsonl"],
        cwd=PROJECT_ROOT,
        env=ENV,
        input=stdin,
        capture_output=True,
        timeout=600,
    )


def random_text(rnd: random.Random) -> str:
    """Letters from many scripts, emoji, controls and invisible characters."""
    ranges = [(0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x600, 0x6FF), (0x200B, 0x206F)]
    ranges += [(0x1F300, 0x1F64F), (0x0, 0x1F), (0x4E00, 0x4E80)]
    chars = []
    for _ in range(rnd.randint(0, 40)):
        low, high = rnd.choice(ranges)
        chars.append(chr(rnd.randint(low, high)))
    return "".join(chars)


def fuzz_line(rnd: random.Random, i: int) -> tuple[bytes, str]:
    """One input line (without its newline) and what kind it is."""
    kinds = ["text", "text", "acute", "ordinary", "surrogate", "not-json", "bad-utf8", "non-string", "empty",
             "array", "scalar", "conversation", "odd-conversation"]  # fmt: skip
    kind = "long" if rnd.random() < 0.01 else rnd.choice(kinds)
    conversation = rnd.choice(["a", "b", "c"])
    value: object
    if kind == "text":
        value = {"text": random_text(rnd)}
    elif kind == "acute":
        value = {"text": rnd.choice(ACUTE)}
    elif kind == "ordinary":
        value = {"text": rnd.choice(ORDINARY)}
    elif kind == "surrogate":
        raw = '{"text": "help \\ud800 ' + rnd.choice(["", "\\udfff", "\\ud83d", "x\\udc00y"]) + '"}'
        return raw.encode(), kind
    elif kind == "not-json":
        garbage = random_text(rnd).replace("\n", " ")
        return ("x" + rnd.choice(["{", "[", '{"text": ', "", "}"]) + garbage).encode(
            "utf-8", "surrogatepass"
        ), kind
    elif kind == "bad-utf8":
        junk = bytes(rnd.choice([0x80, 0xFF, 0xFE, 0xC0, 0xED]) for _ in range(rnd.randint(1, 6)))
        return b'{"text": "hoi ' + junk + b'"}', kind
    elif kind == "non-string":
        value = {"text": rnd.choice([5, 3.5, None, True, [1, "a"], {"x": 1}, -0.0])}
    elif kind == "empty":
        value = {}
    elif kind == "array":
        value = [random_text(rnd)]
    elif kind == "scalar":
        value = rnd.choice([1, "text", None, 1e308, False])
    elif kind == "long":
        value = {"text": "bla " * rnd.randint(1000, 2000) + rnd.choice(ACUTE)}
    elif kind == "conversation":
        value = {"text": rnd.choice([*ORDINARY, *ACUTE]), "conversation": conversation}
    else:
        value = {"text": "hallo", "conversation": rnd.choice([7, [1], {"a": 1}, None, "", True])}
    return json.dumps(value, ensure_ascii=rnd.random() < 0.5).encode("utf-8", "surrogatepass"), kind


def test_every_bad_line_gets_one_answer_and_the_run_goes_on() -> None:
    lines = [
        '{"text": "\\ud800"}',
        "{not json",
        '{"text": 42}',
        "{}",
        '{"text": "ik wil dood"}',
    ]
    result = ask_jsonl(("\n".join(lines) + "\n").encode())
    assert result.returncode == 0, result.stderr.decode()
    answers = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(answers) == 5
    assert all(a.keys() >= KEYS for a in answers)
    assert answers[1]["error"] == "the line is not JSON"
    assert answers[2]["error"] == "'text' is not a string"
    assert "error" not in answers[0] and "error" not in answers[3]
    assert answers[4]["risk"]["level"] == "acute" and "113" in answers[4]["reply"]


def test_ten_thousand_fuzzed_lines_one_answer_each() -> None:
    rnd = random.Random(16)
    made = [fuzz_line(rnd, i) for i in range(10_000)]
    result = ask_jsonl(b"\n".join(line for line, _ in made) + b"\n")
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    assert b"Traceback" not in result.stderr
    answers = result.stdout.decode("utf-8").splitlines()
    assert len(answers) == len(made)
    for (_, kind), line in zip(made, answers, strict=True):
        answer = json.loads(line)
        assert answer.keys() >= KEYS, (kind, answer)
        if kind == "acute":
            assert answer["risk"]["level"] == "acute" and "113" in answer["reply"], answer
        if kind in ("not-json", "non-string", "array", "scalar"):
            assert "error" in answer, (kind, answer)


def test_a_line_is_read_as_text_and_key_or_says_what_is_wrong() -> None:
    assert read_line('{"text": "hoi", "conversation": 3}').conversation == "3"
    assert read_line('{"text": "a\\ud800"}').text == "a\ufffd"
    assert read_line('{"text": ["a"]}').problem == "'text' is not a string"
    assert read_line("[]").problem == "the line is not a JSON object"
    assert read_line('{"conversation": {"a": 1}}').conversation is None
