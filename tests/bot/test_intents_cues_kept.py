"""The cues' latest reading is kept for the next read of the same words in the same situation only."""

from __future__ import annotations

from bot.intents import Situation, _cues
from bot.knowledge import KnowledgeBase


def test_the_same_words_in_another_situation_are_read_again(kb: KnowledgeBase) -> None:
    assert _cues("what about go instead", kb, Situation()) == {}
    # With a list on screen the same words narrow it.
    assert _cues("what about go instead", kb, Situation(openings_shown=True)) == {"openings": 0.92}
    assert _cues("what about go instead", kb, Situation()) == {}


def test_a_callers_changes_to_its_cues_stay_its_own(kb: KnowledgeBase) -> None:
    first = _cues("and kotlin?", kb, Situation())
    first["more"] = 0.0
    first["help"] = 1.0
    assert _cues("and kotlin?", kb, Situation()) == {"more": 0.9}
