"""The content rules a young person's safety rests on, checked in every text of every article
(all audiences, both languages, the first answer and every "meer" part), as rendered."""

import re

import pytest

from bot.engine.messages import Incoming

# Passing on or showing someone else's nude is never made acceptable "with permission" (for
# anyone under 18 it is distributing images of child sexual abuse, art. 252 Sr).
WITH_PERMISSION = re.compile(
    r"vraag het eerst|vraag (eerst )?toestemming|vraag (eerst )?of (het|dat|die|hij|zij|ze) (mag|goed)"
    r"|als (die|hij|zij|ze) het goed vindt|ask (them )?first|ask (for )?permission|if they (say it is|agree)"
    r"|(alleen|only) (strafbaar|a crime|punishable) (als|if|when)[^.]{0,40}(zonder toestemming|without)",
    re.IGNORECASE,
)
SUICIDE = re.compile(r"zelfdoding|zelfmoord|suïcid|suicid", re.IGNORECASE)


def texts(parts):
    knowledge = parts.knowledge
    for topic, article in knowledge.content.articles.items():
        for (audience, language), text in article.texts.items():
            yield f"{topic} {audience}/{language} answer", knowledge.renderer.render(text.answer, language)
            for part in text.more:
                where = f"{topic} {audience}/{language} '{part.title}'"
                yield where, knowledge.renderer.render(part.text, language)


def test_no_text_allows_passing_on_a_nude_with_permission(parts) -> None:
    wrong = [where for where, text in texts(parts) if WITH_PERMISSION.search(text)]
    assert not wrong, wrong


def test_every_text_that_mentions_suicide_carries_113(parts) -> None:
    wrong = [where for where, text in texts(parts) if SUICIDE.search(text) and "113" not in text]
    assert not wrong, wrong


@pytest.mark.parametrize("phrase", ["vraag het eerst", "alleen strafbaar als het zonder toestemming gebeurt"])
def test_the_permission_rule_catches_the_old_wording(phrase: str) -> None:
    assert WITH_PERMISSION.search(f"Wil je iemands foto doorsturen? {phrase}.")


async def test_users_hear_that_the_content_awaits_the_werkgroeps_review(engine) -> None:
    """Until every article is signed, /privacy and "wat kan jij" say so (check --reviews lists them)."""
    unsigned = [
        a for a in engine.parts.knowledge.content.articles.values() if "te bevestigen" in a.reviewed_by
    ]
    assert unsigned  # today: the werkgroep has not signed yet
    outcome = await engine.handle(Incoming("c", text="/privacy"))
    assert "nog goedkeuren" in outcome.text
