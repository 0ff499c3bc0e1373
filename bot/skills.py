"""The skills vocabulary: canonical skill names, their aliases and the topic that teaches each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.text import normalize


@dataclass(frozen=True, kw_only=True, slots=True)
class Skill:
    name: str
    aliases: tuple[str, ...] = ()
    topic: str | None = None
    # Skills this one entails (a framework its language: Ruby on Rails → Ruby), canonical names.
    implies: tuple[str, ...] = ()


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

    def implied(self, names: Sequence[str]) -> tuple[str, ...]:
        """The skills names entail and do not already name (Django → Python), in order."""
        have = {normalize(n) for n in names}
        out: dict[str, None] = {}
        for name in names:
            skill = self.canonical(name)
            for other in skill.implies if skill else ():
                if normalize(other) not in have:
                    out.setdefault(other, None)
        return tuple(out)
