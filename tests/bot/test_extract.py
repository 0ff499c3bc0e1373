"""Skills, level and remote status read from job-board text."""

from __future__ import annotations

from typing import Any

import pytest

from bot.extract import html_to_text, level_of, remote_of, skills_of, strip_tags
from bot.openings import Level, Remote
from bot.skills import Skill, SkillVocabulary


@pytest.mark.parametrize("title,level", [
    ("Senior Backend Engineer", Level.SENIOR),
    ("Sr. Software Engineer, Payments", Level.SENIOR),
    ("Software Engineer II", Level.MID),
    ("Software Engineer I", Level.JUNIOR),
    ("Graduate Software Developer", Level.JUNIOR),
    ("Backend Engineering Intern (Summer 2027)", Level.INTERN),
    ("Staff Engineer, Infrastructure", Level.STAFF),
    ("Principal Engineer", Level.STAFF),
    ("Senior Engineering Manager", Level.MANAGER),
    ("Head of Platform", Level.MANAGER),
    ("Backend Engineer", None),
])
def test_level_from_title(title: str, level: Level | None) -> None:
    assert level_of(title) is level


def test_level_from_description_only_when_the_title_says_nothing() -> None:
    assert level_of("Backend Engineer", "You have 6+ years of experience") is Level.SENIOR
    assert level_of("Backend Engineer", "Great for recent graduates") is Level.JUNIOR
    assert level_of("Junior Backend Engineer", "10+ years of experience") is Level.JUNIOR


@pytest.mark.parametrize("location,workplace,text,remote", [
    ("Remote - US", None, "", Remote.YES),
    ("Berlin (Hybrid)", None, "", Remote.HYBRID),
    ("New York", "remote", "", Remote.YES),
    ("Remote", "on-site", "", Remote.NO),
    ("London", None, "This is a fully remote role.", Remote.YES),
    ("London", None, "Sorry, remote is not possible.", Remote.NO),
    ("London", None, "", Remote.UNKNOWN),
    ("Anywhere", None, "", Remote.YES),
])
def test_remote(location: str, workplace: str | None, text: str, remote: Remote) -> None:
    assert remote_of(location, workplace, text) is remote


def test_html_entities_are_unescaped_and_tags_stripped() -> None:
    raw = ("&lt;p&gt;We use &lt;strong&gt;Python&lt;/strong&gt; &amp;amp; Go.&lt;/p&gt;"
           "&lt;ul&gt;&lt;li&gt;Kubernetes&lt;/li&gt;&lt;li&gt;caf&amp;eacute;&lt;/li&gt;&lt;/ul&gt;")
    assert html_to_text(raw) == "We use Python & Go.\nKubernetes\ncafé"


def test_skills_through_the_vocabulary_with_aliases() -> None:
    vocab = SkillVocabulary([Skill(name="Go", aliases=("golang",)),
                             Skill(name="PostgreSQL", aliases=("postgres",)),
                             Skill(name="Java")])
    found = skills_of(vocab, "Golang Engineer", "We use Postgres and JavaScript, and some Go.")
    assert found == ("Go", "PostgreSQL")


def test_english_words_count_as_skills_only_when_written_as_names() -> None:
    vocab = SkillVocabulary([Skill(name="Go", aliases=("golang",)), Skill(name="Rust")])
    assert skills_of(vocab, "Backend Engineer", "Ready to go? Fight rust and decay.") == ()
    assert skills_of(vocab, "Backend Engineer (Go)", "Rust is a plus") == ("Go", "Rust")
    assert skills_of(vocab, "Engineer", "we write golang") == ("Go",)


class _CountingText(str):
    """Text that counts the characters its find() calls look at."""

    looked = 0

    def find(self, sub: str, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        begin = 0 if start is None else start
        found = super().find(sub, begin)
        _CountingText.looked += (found if found >= 0 else len(self)) - begin + 1
        return found


@pytest.mark.parametrize("piece", ["<", "<a", "<>", "< <br", ">"])
def test_tag_stripping_looks_at_each_character_a_bounded_number_of_times(piece: str) -> None:
    # The pattern <[^>]+> scanned to the end of the text from every unclosed "<": 40,000 of
    # them took 1.1 s. Counted, not timed: the work per character stays the same as it grows.
    looked = []
    for n in (1_000, 10_000, 40_000):
        _CountingText.looked = 0
        text = _CountingText(piece * n + "<p>done</p>")
        assert strip_tags(text).endswith(" done\n")
        looked.append(_CountingText.looked / len(text))
    assert max(looked) <= 3 and looked[-1] <= looked[0] * 1.01


def test_tags_become_spaces_and_line_ends() -> None:
    assert strip_tags("a<b>b</b><br/>c<>d< br >e<x <y>f</li>") == "a b \nc<>d\ne f\n"
    assert html_to_text("&lt;p&gt;Go &amp;amp; Rust&lt;/p&gt;<ul><li>k8s</li></ul>") == \
        "Go & Rust\nk8s"
