"""Scoring a passage question file: phrase matching as the file's header defines it, and the score."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from bot.passages_eval import contains_any, is_passage_file, score_passages

DATA = {
    "specific": [
        {"q": "why does = NULL match nothing?", "topics": ["sql-databases"],
         "text_any": ["NULL = NULL is not true", "use IS NULL"]},
        {"q": "what causes goroutine leaks?", "topics": ["go"], "text_any": ["goroutine leaks"]},
    ],
    "general": [
        {"q": "python in a nutshell", "topics": ["python"], "text_any": ["enormous ecosystem"]},
    ],
}


def answers(replies: Mapping[str, str]) -> Any:
    def answer(questions: Sequence[str]) -> list[dict[str, Any]]:
        return [{"intent": "topic", "topic": "t", "text": replies.get(q, "")} for q in questions]

    return answer


@pytest.mark.parametrize("text", [
    "**NULL semantics:** NULL = NULL is not true",
    "• NULL =   NULL\nis NOT true",
    "`NULL = NULL` __is not true__",
])
def test_phrases_match_ignoring_case_spacing_and_marks(text: str) -> None:
    assert contains_any(text, ["NULL = NULL is not true"])


def test_a_phrase_must_be_there_whole() -> None:
    assert not contains_any("NULL is not true", ["NULL = NULL is not true"])
    assert not contains_any("", ["anything"])


def test_the_score_counts_each_kind_and_keeps_the_misses() -> None:
    replies = {
        "why does = NULL match nothing?": "SQL\n\nNULL semantics: NULL = NULL is not true; use IS NULL.",
        "what causes goroutine leaks?": "Go\n\nGo is a language created at Google.",
        "python in a nutshell": "Python\n\nAn enormous ecosystem, readable syntax.",
    }
    score = score_passages(answers(replies), DATA)
    assert (score.specific.right, score.specific.total, score.specific.accuracy) == (1, 2, 0.5)
    assert (score.general.right, score.general.total, score.general.accuracy) == (1, 1, 1.0)
    assert score.specific.median_chars == (len(replies["why does = NULL match nothing?"])
                                           + len(replies["what causes goroutine leaks?"])) / 2
    (miss,) = score.misses
    assert (miss.kind, miss.q, miss.topics, miss.expected) == (
        "specific", "what causes goroutine leaks?", ("go",), ("goroutine leaks",))
    assert score.summary() == ("specific 1/2 = 0.500 (median reply 48 chars); "
                               "general 1/1 = 1.000 (median reply 47 chars)")
    assert score.as_json()["misses"][0]["q"] == "what causes goroutine leaks?"


def test_a_file_with_one_kind_and_a_wrong_answerer() -> None:
    score = score_passages(answers({}), {"general": DATA["general"]})
    assert score.specific.accuracy is None and score.specific.median_chars is None
    assert "specific 0/0 = n/a" in score.summary()
    with pytest.raises(ValueError, match="3 questions but 0 replies"):
        score_passages(lambda questions: [], DATA)
    assert is_passage_file(DATA) and not is_passage_file({"in_scope": []})
