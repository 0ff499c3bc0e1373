"""The skills vocabulary: canonical skill names, their aliases and the topic that teaches each."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.text import normalize


@dataclass(frozen=True, kw_only=True, slots=True)
class Skill:
    name: str
    aliases: tuple[str, ...] = ()
    topic: str | None = None


class SkillVocabulary:
    """Canonicalises skill names (postgres → PostgreSQL); bot.vocabulary finds them in text."""

    def __init__(self, skills: Iterable[Skill]) -> None:
        self.skills: tuple[Skill, ...] = tuple(skills)
        self._by_form: dict[str, Skill] = {}
        for skill in self.skills:
            for form in (skill.name, *skill.aliases):
                self._by_form.setdefault(normalize(form), skill)

    def __len__(self) -> int:
        return len(self.skills)

    def canonical(self, name: str) -> Skill | None:
        return self._by_form.get(normalize(name))
