"""The skills vocabulary: canonical skill names, their aliases and the topic that teaches each."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.text import normalize


@dataclass(frozen=True, kw_only=True, slots=True)
class Skill:
    name: str
    aliases: tuple[str, ...] = ()
    topic: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class SkillMention:
    skill: Skill
    start: int
    end: int


class SkillVocabulary:
    """Finds skills in free text and canonicalises names (postgres → PostgreSQL)."""

    def __init__(self, skills: Iterable[Skill]) -> None:
        self.skills: tuple[Skill, ...] = tuple(skills)
        self._by_form: dict[str, Skill] = {}
        for skill in self.skills:
            for form in (skill.name, *skill.aliases):
                self._by_form.setdefault(normalize(form), skill)
        forms = sorted(self._by_form, key=len, reverse=True)
        # Longest form first so "ruby on rails" wins over "ruby"; word edges keep
        # "go" out of "good" and "java" out of "javascript".
        self._pattern = re.compile(
            r"(?<![\w.+#])(" + "|".join(re.escape(f) for f in forms if f) + r")(?![\w+#])"
        ) if forms else None

    def __len__(self) -> int:
        return len(self.skills)

    def canonical(self, name: str) -> Skill | None:
        return self._by_form.get(normalize(name))

    def find(self, text: str) -> list[Skill]:
        """Skills mentioned in text, in order of first mention, without repeats."""
        found: list[Skill] = []
        seen: set[str] = set()
        for m in self.mentions(text):
            if m.skill.name not in seen:
                seen.add(m.skill.name)
                found.append(m.skill)
        return found

    def mentions(self, text: str) -> list[SkillMention]:
        if self._pattern is None:
            return []
        norm = normalize(text)
        return [
            SkillMention(skill=self._by_form[m.group(1)], start=m.start(1), end=m.end(1))
            for m in self._pattern.finditer(norm)
        ]
