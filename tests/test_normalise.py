from hypothesis import given
from hypothesis import strategies as st

from bot.nlu.normalise import MAX_CHARS, Normaliser

normalise = Normaliser({"help", "dood"})


def test_chat_spellings_become_words() -> None:
    assert normalise("mn fotoos gaan rond pls").text == "mijn fotos gaan rond please"
    assert normalise("M'n nudes").text == "mijn naaktfotos"
    assert normalise("ff egt nie").text == "even echt niet"


def test_emphasis_uses_the_vocabulary() -> None:
    assert normalise("heeeeelp").text == "help"
    assert normalise("doooood").text == "dood"


def test_leetspeak_but_not_numbers() -> None:
    assert normalise("z3lfm00rd").text == "zelfmoord"
    assert normalise("ik ben 14 en bel 113").text == "ik ben 14 en bel 113"
    assert normalise("800mg").text == "800 mg"


def test_invisible_characters_and_accents() -> None:
    assert normalise("zelf\u200bmoord").text == "zelfmoord"
    assert normalise("één café").text == "een cafe"


def test_spelled_out_letters_are_joined() -> None:
    assert normalise("ik wil d o o d").text == "ik wil dood"


def test_long_input_is_capped_and_flagged() -> None:
    result = normalise("a" * (MAX_CHARS + 10))
    assert result.truncated and len(result.original) == MAX_CHARS


def test_emoji_means_words() -> None:
    assert "pillen" in normalise("💊💊").tokens


@given(st.text(max_size=300))
def test_any_text_normalises_to_plain_tokens(text: str) -> None:
    result = normalise(text)
    assert all(token and " " not in token for token in result.tokens)
    assert result.text == " ".join(result.tokens)
