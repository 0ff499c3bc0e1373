"""The knowledge base: topics, skills and seed openings loaded from YAML and validated."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from bot import markup
from bot.openings import Level, Opening, Remote
from bot.skills import Skill, SkillVocabulary
from bot.yamlsource import LineDict, LineList, YamlSyntaxError, load

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ANSWER_WORDS = (80, 250)
MIN_QUESTIONS = 5


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, kw_only=True, slots=True)
class Problem:
    path: Path
    line: int
    field: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        what = f" {self.field}:" if self.field else ""
        tag = "" if self.severity is Severity.ERROR else " (warning)"
        return f"{where}:{what} {self.message}{tag}"


class KnowledgeError(Exception):
    """The knowledge base has errors; each one names file, line and field."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity is Severity.ERROR]
        head = f"{len(errors)} problem(s) in the knowledge base"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in errors))


@dataclass(frozen=True, kw_only=True, slots=True)
class Resource:
    title: str
    url: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Topic:
    id: str
    title: str
    group: str
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]
    questions: tuple[str, ...]
    answer: tuple[markup.Block, ...]
    details: tuple[markup.Block, ...]
    example: tuple[markup.Block, ...]
    related: tuple[str, ...]
    resources: tuple[Resource, ...]
    source: str = ""

    def export(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "group": self.group,
            "aliases": list(self.aliases),
            "keywords": list(self.keywords),
            "questions": list(self.questions),
            "answer": markup.to_markdown(self.answer),
            "details": markup.to_markdown(self.details),
            "example": markup.to_markdown(self.example),
            "related": list(self.related),
            "resources": [{"title": r.title, "url": r.url} for r in self.resources],
        }


@dataclass(frozen=True, kw_only=True)
class KnowledgeBase:
    topics: Mapping[str, Topic]
    skills: SkillVocabulary
    openings: tuple[Opening, ...] = ()
    root: Path | None = None
    warnings: tuple[Problem, ...] = field(default=())

    def groups(self) -> dict[str, list[Topic]]:
        out: dict[str, list[Topic]] = {}
        for topic in self.topics.values():
            out.setdefault(topic.group, []).append(topic)
        return out

    def export(self) -> dict[str, Any]:
        return {
            "topics": [t.export() for t in self.topics.values()],
            "skills": [
                {"name": s.name, "aliases": list(s.aliases), "topic": s.topic}
                for s in self.skills.skills
            ],
            "openings": [
                {
                    "external_id": o.external_id,
                    "title": o.title,
                    "company": o.company,
                    "location": o.location,
                    "remote": o.remote.value,
                    "level": o.level.value if o.level else None,
                    "skills": list(o.skills),
                    "url": o.url,
                    "description": o.description,
                    "posted": o.posted_at.date().isoformat() if o.posted_at else None,
                }
                for o in self.openings
            ],
        }


def default_dir() -> Path:
    """The knowledge base shipped inside the package."""
    import knowledge

    return Path(knowledge.__file__).resolve().parent


# --- validation -----------------------------------------------------------------

_TOPIC_REQUIRED = ("id", "title", "aliases", "questions", "answer", "details", "related", "resources")
_TOPIC_OPTIONAL = ("keywords", "example")
_OPENING_REQUIRED = ("external_id", "title", "company", "url")
_OPENING_OPTIONAL = ("location", "remote", "level", "skills", "description", "posted")


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(
        self, path: Path, line: int, fld: str, msg: str, severity: Severity = Severity.ERROR
    ) -> None:
        self.problems.append(Problem(path=path, line=line, field=fld, message=msg, severity=severity))


def _line_of(obj: Any, key: str | None = None, default: int = 1) -> int:
    if isinstance(obj, LineDict):
        if key is not None and key in obj.key_lines:
            return obj.key_lines[key]
        return obj.line
    if isinstance(obj, LineList):
        return obj.line
    return default


def _check_keys(
    c: _Collector, path: Path, obj: LineDict, required: Iterable[str], optional: Iterable[str],
    prefix: str,
) -> bool:
    ok = True
    allowed = set(required) | set(optional)
    for key in obj:
        if key not in allowed:
            c.add(path, _line_of(obj, key), f"{prefix}{key}",
                  f"unknown key (expected one of: {', '.join(sorted(allowed))})")
    for key in required:
        if key not in obj:
            c.add(path, obj.line, f"{prefix}{key}", "missing required field")
            ok = False
    return ok


def _text(c: _Collector, path: Path, obj: LineDict, key: str, prefix: str, *,
          required: bool = True) -> str:
    value = obj.get(key)
    if value is None:
        if required and key in obj:
            c.add(path, _line_of(obj, key), prefix + key, "must not be empty")
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        c.add(path, _line_of(obj, key), prefix + key, f"expected text, got {type(value).__name__}")
        return ""
    text = str(value).strip()
    if required and not text:
        c.add(path, _line_of(obj, key), prefix + key, "must not be empty")
    return text


def _str_list(c: _Collector, path: Path, obj: LineDict, key: str, prefix: str) -> tuple[str, ...]:
    value = obj.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        c.add(path, _line_of(obj, key), prefix + key, f"expected a list, got {type(value).__name__}")
        return ()
    out: list[str] = []
    for i, item in enumerate(value):
        line = value.item_lines[i] if isinstance(value, LineList) else _line_of(obj, key)
        if not isinstance(item, str | int | float) or isinstance(item, bool) or not str(item).strip():
            c.add(path, line, f"{prefix}{key}[{i}]", "expected non-empty text")
            continue
        out.append(str(item).strip())
    return tuple(out)


def _parse_markup(c: _Collector, path: Path, obj: LineDict, key: str, prefix: str,
                  required: bool) -> tuple[markup.Block, ...]:
    text = _text(c, path, obj, key, prefix, required=required)
    return markup.parse(text) if text else ()


def _load_topics(
    c: _Collector, path: Path, data: Any, field_lines: dict[tuple[str, str], int]
) -> list[Topic]:
    if not isinstance(data, LineDict):
        c.add(path, 1, "", "expected a mapping with 'group' and 'topics'")
        return []
    _check_keys(c, path, data, ("topics",), ("group",), "")
    group = str(data.get("group") or path.stem.replace("-", " ").replace("_", " ").title())
    raw = data.get("topics")
    if raw is None:
        return []
    if not isinstance(raw, list):
        c.add(path, _line_of(data, "topics"), "topics", "expected a list of topics")
        return []
    topics: list[Topic] = []
    for i, item in enumerate(raw):
        if not isinstance(item, LineDict):
            line = raw.item_lines[i] if isinstance(raw, LineList) else data.line
            c.add(path, line, f"topics[{i}]", "expected a mapping")
            continue
        tid = str(item.get("id", "")).strip()
        prefix = f"topics[{tid or i}]."
        if not _check_keys(c, path, item, _TOPIC_REQUIRED, _TOPIC_OPTIONAL, prefix):
            continue
        if not ID_PATTERN.match(tid):
            c.add(path, _line_of(item, "id"), prefix + "id",
                  f"{tid!r} is not a lower-case kebab-case id")
            continue
        field_lines[(tid, "related")] = _line_of(item, "related")
        answer = _parse_markup(c, path, item, "answer", prefix, True)
        words = len(markup.to_plain(answer, with_urls=False).split())
        if answer and not ANSWER_WORDS[0] <= words <= ANSWER_WORDS[1]:
            c.add(path, _line_of(item, "answer"), prefix + "answer",
                  f"{words} words; aim for {ANSWER_WORDS[0]}-{ANSWER_WORDS[1]}", Severity.WARNING)
        questions = _str_list(c, path, item, "questions", prefix)
        if len(questions) < MIN_QUESTIONS:
            c.add(path, _line_of(item, "questions"), prefix + "questions",
                  f"needs at least {MIN_QUESTIONS} sample questions, has {len(questions)}")
        resources: list[Resource] = []
        raw_res = item.get("resources") or []
        if not isinstance(raw_res, list):
            c.add(path, _line_of(item, "resources"), prefix + "resources", "expected a list")
            raw_res = []
        for j, res in enumerate(raw_res):
            rprefix = f"{prefix}resources[{j}]."
            if not isinstance(res, LineDict):
                c.add(path, _line_of(item, "resources"), rprefix[:-1], "expected {title, url}")
                continue
            if not _check_keys(c, path, res, ("title", "url"), (), rprefix):
                continue
            url = _text(c, path, res, "url", rprefix)
            if url and not url.startswith(("https://", "http://")):
                c.add(path, _line_of(res, "url"), rprefix + "url", f"{url!r} is not an http(s) URL")
                continue
            resources.append(Resource(title=_text(c, path, res, "title", rprefix), url=url))
        topics.append(Topic(
            id=tid,
            title=_text(c, path, item, "title", prefix),
            group=group,
            aliases=_str_list(c, path, item, "aliases", prefix),
            keywords=_str_list(c, path, item, "keywords", prefix),
            questions=questions,
            answer=answer,
            details=_parse_markup(c, path, item, "details", prefix, True),
            example=_parse_markup(c, path, item, "example", prefix, False),
            related=_str_list(c, path, item, "related", prefix),
            resources=tuple(resources),
            source=f"{path}:{item.line}",
        ))
    return topics


def _load_skills(c: _Collector, path: Path, data: Any, topic_ids: set[str]) -> list[Skill]:
    if not isinstance(data, LineDict) or not isinstance(data.get("skills"), list):
        c.add(path, _line_of(data), "skills", "expected a mapping with a 'skills' list")
        return []
    _check_keys(c, path, data, ("skills",), (), "")
    skills: list[Skill] = []
    owner: dict[str, tuple[str, int]] = {}
    for i, item in enumerate(data["skills"]):
        if not isinstance(item, LineDict):
            c.add(path, data["skills"].item_lines[i], f"skills[{i}]", "expected a mapping")
            continue
        name = str(item.get("name", "")).strip()
        prefix = f"skills[{name or i}]."
        if not _check_keys(c, path, item, ("name",), ("aliases", "topic"), prefix):
            continue
        aliases = tuple(a.lower() for a in _str_list(c, path, item, "aliases", prefix))
        topic = item.get("topic")
        if topic is not None and str(topic) not in topic_ids:
            c.add(path, _line_of(item, "topic"), prefix + "topic", f"unknown topic id {topic!r}")
            topic = None
        for form in {name.lower(), *aliases}:
            if form in owner and owner[form][0] != name:
                other, line = owner[form]
                c.add(path, _line_of(item, "aliases"), prefix + "aliases",
                      f"{form!r} already names skill {other!r} (line {line})")
            owner.setdefault(form, (name, item.line))
        skills.append(Skill(name=name, aliases=aliases, topic=str(topic) if topic else None))
    return skills


def _parse_date(value: str) -> datetime | None:
    try:
        d = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def _load_openings(c: _Collector, path: Path, data: Any, vocab: SkillVocabulary) -> list[Opening]:
    if not isinstance(data, LineDict) or not isinstance(data.get("openings"), list):
        c.add(path, _line_of(data), "openings", "expected a mapping with an 'openings' list")
        return []
    _check_keys(c, path, data, ("openings",), (), "")
    out: list[Opening] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(data["openings"]):
        if not isinstance(item, LineDict):
            c.add(path, data["openings"].item_lines[i], f"openings[{i}]", "expected a mapping")
            continue
        ext = str(item.get("external_id", "")).strip()
        prefix = f"openings[{ext or i}]."
        if not _check_keys(c, path, item, _OPENING_REQUIRED, _OPENING_OPTIONAL, prefix):
            continue
        if ext in seen:
            c.add(path, _line_of(item, "external_id"), prefix + "external_id",
                  f"duplicate external_id (first at line {seen[ext]})")
            continue
        seen[ext] = _line_of(item, "external_id")
        remote_raw = str(item.get("remote", "unknown")).lower()
        if remote_raw in ("true", "false"):
            remote_raw = "yes" if remote_raw == "true" else "no"
        try:
            remote = Remote(remote_raw)
        except ValueError:
            c.add(path, _line_of(item, "remote"), prefix + "remote",
                  f"{remote_raw!r} is not one of {', '.join(r.value for r in Remote)}")
            continue
        level: Level | None = None
        if item.get("level") is not None:
            try:
                level = Level(str(item["level"]).lower())
            except ValueError:
                c.add(path, _line_of(item, "level"), prefix + "level",
                      f"{item['level']!r} is not one of {', '.join(lv.value for lv in Level)}")
                continue
        skills: list[str] = []
        for name in _str_list(c, path, item, "skills", prefix):
            skill = vocab.canonical(name)
            if skill is None:
                c.add(path, _line_of(item, "skills"), prefix + "skills",
                      f"{name!r} is not in the skills vocabulary", Severity.WARNING)
                skills.append(name)
            else:
                skills.append(skill.name)
        posted = None
        if item.get("posted"):
            posted = _parse_date(str(item["posted"]))
            if posted is None:
                c.add(path, _line_of(item, "posted"), prefix + "posted",
                      f"{item['posted']!r} is not a date (YYYY-MM-DD)")
        url = _text(c, path, item, "url", prefix)
        if url and not url.startswith(("https://", "http://")):
            c.add(path, _line_of(item, "url"), prefix + "url", f"{url!r} is not an http(s) URL")
        out.append(Opening(
            source="seed",
            external_id=ext,
            title=_text(c, path, item, "title", prefix),
            company=_text(c, path, item, "company", prefix),
            url=url,
            location=_text(c, path, item, "location", prefix, required=False),
            remote=remote,
            level=level,
            skills=tuple(skills),
            description=_text(c, path, item, "description", prefix, required=False),
            posted_at=posted,
            updated_at=posted,
        ))
    return out


def check(root: Path) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Load and validate a knowledge-base folder; returns the base (if usable) and every problem."""
    c = _Collector()
    root = Path(root)
    if not root.is_dir():
        c.add(root, 1, "", "knowledge folder not found")
        return None, c.problems
    files = sorted(p for p in root.rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))
    parsed: dict[Path, Any] = {}
    for path in files:
        try:
            parsed[path] = load(path)
        except YamlSyntaxError as exc:
            c.add(path, exc.line, "", exc.reason)
    special = {"skills.yaml", "skills.yml", "openings.yaml", "openings.yml"}
    topics: dict[str, Topic] = {}
    field_lines: dict[tuple[str, str], int] = {}
    for path, data in parsed.items():
        if path.name in special and path.parent == root:
            continue
        for topic in _load_topics(c, path, data, field_lines):
            if topic.id in topics:
                c.add(path, int(topic.source.rsplit(":", 1)[1]), f"topics[{topic.id}].id",
                      f"duplicate topic id (first defined at {topics[topic.id].source})")
                continue
            topics[topic.id] = topic
    if not topics and not any(p.severity is Severity.ERROR for p in c.problems):
        c.add(root, 1, "topics", "no topics found")
    for topic in topics.values():
        path = Path(topic.source.rsplit(":", 1)[0])
        for rid in topic.related:
            if rid not in topics:
                c.add(path, field_lines.get((topic.id, "related"), 1), f"topics[{topic.id}].related",
                      f"unknown topic id {rid!r}")
    skills_path = next((root / n for n in ("skills.yaml", "skills.yml") if (root / n) in parsed),
                       None)
    vocab = SkillVocabulary(
        _load_skills(c, skills_path, parsed[skills_path], set(topics)) if skills_path else []
    )
    openings_path = next(
        (root / n for n in ("openings.yaml", "openings.yml") if (root / n) in parsed), None
    )
    openings = (
        _load_openings(c, openings_path, parsed[openings_path], vocab) if openings_path else []
    )
    problems = c.problems
    if any(p.severity is Severity.ERROR for p in problems):
        return None, problems
    kb = KnowledgeBase(
        topics=topics, skills=vocab, openings=tuple(openings), root=root,
        warnings=tuple(problems),
    )
    return kb, problems


def load_knowledge(root: Path | None = None) -> KnowledgeBase:
    """Load a knowledge base or raise KnowledgeError listing every problem."""
    kb, problems = check(root or default_dir())
    if kb is None:
        raise KnowledgeError(problems)
    return kb
