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


words = Normaliser({"ik", "wil", "dood", "niet", "meer", "leven", "zelfmoord", "sexting", "naaktfoto"})


def test_look_alike_letters_from_other_scripts_are_folded() -> None:
    assert words("zеlfmооrd").text == "zelfmoord"  # Cyrillic е, о
    assert words("ΖΕLFMOORD").text == "zelfmoord"  # Greek Ζ, Ε
    assert words("ᴅᴏᴏᴅ").text == "dood"  # small capitals
    assert words("водка").text == "водка"  # a Russian word keeps its letters


def test_words_of_other_scripts_and_letters_without_accents() -> None:
    assert words("أريد أن أموت").tokens == ("اريد", "ان", "اموت")  # hamza and vowel marks dropped
    assert words("Łódź ıslak straße").text == "lodz islak strasse"
    assert words("chcę umrzeć").text == "chce umrzec"


def test_words_typed_without_vowels_when_one_known_word_fits() -> None:
    assert words("zlfmrd").text == "zelfmoord"
    assert words("nktft").text == "naaktfoto"
    assert words("hmmm pfff dd").text == "hmm pff dd"  # too short to be sure
    assert Normaliser({"strand", "strond"})("strnd").text == "strnd"  # two words fit: left alone


def test_joined_words_are_also_read_apart() -> None:
    joined = words("ikwildood")
    assert joined.tokens == ("ikwildood",) and joined.apart == (("ik", "wil", "dood"),)
    assert words("ikwilnietmeerleven").apart == (("ik", "wil", "niet", "meer", "leven"),)
    assert words("naaktfoto sexting").apart == ()  # known words stay whole
    assert words("kwildood").apart == (("ik", "wil", "dood"),)  # a chat word inside
    context = words("een twee drie vier vijf zes zeven acht negen tien ikwildood elf").apart
    assert context == (
        ("drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "ik", "wil", "dood", "elf"),
    )
    assert len(words("ikwildood " * 50).apart) == 17  # 50 joined words; the same passage is read once


def test_a_lone_surrogate_is_replaced_not_fatal() -> None:
    result = words("hoi \ud800 ik wil dood")
    assert "\ud800" not in result.original and result.original.encode("utf-8")
    assert result.tokens[-3:] == ("ik", "wil", "dood")
