"""The knowledge base: topics, intents, skills and seed openings loaded from YAML and validated."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, TypeVar, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    ValidationError,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from bot import markup
from bot.intents import INTENTS, NONE, example_key
from bot.openings import Level, Opening, Remote
from bot.skills import Skill, SkillVocabulary
from bot.yamlsource import LineDict, LineList, YamlSyntaxError, load
from bot.yamlsource import parse as parse_yaml

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ANSWER_WORDS = (80, 250)
MIN_QUESTIONS = 5
MIN_EXAMPLES = 5
INTENTS_FILES = ("intents.yaml", "intents.yml")


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


# What a topic's answer can add from the person's own data, asked in the first person:
# "next-skills", the skills that the open openings fitting their profile ask for and they lack.
Personal = Literal["next-skills"]


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
    # What a first-person question about it adds from the person's own data ("what should I
    # learn next?": the skills the openings that fit them ask for), if anything.
    personal: Personal | None = None

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
            "personal": self.personal,
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class Intent:
    """What people want from the bot besides a topic, and example messages that say it."""

    name: str
    description: str
    examples: tuple[str, ...]
    source: str = ""

    def export(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "examples": list(self.examples)}


@dataclass(frozen=True, kw_only=True)
class KnowledgeBase:
    topics: Mapping[str, Topic]
    skills: SkillVocabulary
    openings: tuple[Opening, ...] = ()
    intents: Mapping[str, Intent] = field(default_factory=dict)
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
            "intents": [i.export() for i in self.intents.values()],
            "skills": [
                {"name": s.name, "aliases": list(s.aliases), "topic": s.topic,
                 "implies": list(s.implies)}
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


# --- the schema: field checks (types, required and unknown keys, enums) by pydantic ------------
# Lax mode, as before pydantic: text may be written as a number but not as true/false, a list or
# a mapping. Every error is reworded by _message() and placed by _line_at().


def _blank_if_none(value: Any) -> Any:
    return "" if value is None else value


def _empty_if_none(value: Any) -> Any:
    # An empty key (`aliases:`) reads as null in YAML and means an empty list.
    return () if value is None else value


def _kebab_id(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise PydanticCustomError("topic_id", "{id} is not a lower-case kebab-case id",
                                  {"id": repr(value)})
    return value


def _http_url(value: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise PydanticCustomError("http_url", "{url} is not an http(s) URL", {"url": repr(value)})
    return value


def _enough_questions(value: tuple[str, ...]) -> tuple[str, ...]:
    if len(value) < MIN_QUESTIONS:
        raise PydanticCustomError("few_questions", "needs at least {least} sample questions, has {count}",
                                  {"least": MIN_QUESTIONS, "count": len(value)})
    return value


def _remote_word(value: Any) -> Any:
    # YAML reads a bare `remote: yes` as true.
    if isinstance(value, bool):
        return Remote.YES if value else Remote.NO
    if isinstance(value, str):
        value = value.lower()
        return {"true": Remote.YES, "false": Remote.NO}.get(value, value)
    return value


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _day(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        raise PydanticCustomError("date", "{value} is not a date (YYYY-MM-DD)",
                                  {"value": repr(value)}) from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


_Text = Annotated[str, StringConstraints(min_length=1)]
_OptionalText = Annotated[str, BeforeValidator(_blank_if_none)]
_TextList = Annotated[tuple[_Text, ...], BeforeValidator(_empty_if_none)]
_HttpUrl = Annotated[_Text, AfterValidator(_http_url)]


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True,
                              coerce_numbers_to_str=True)


class _Envelope(_Schema):
    """A file's top-level mapping; `records` names its list, `shape` is said when that is wrong."""

    records: ClassVar[str]
    shape: ClassVar[str]


class _TopicFile(_Envelope):
    records: ClassVar[str] = "topics"
    shape: ClassVar[str] = "expected a mapping with a 'topics' list (and an optional 'group')"
    group: _OptionalText = ""
    topics: Annotated[list[Any], BeforeValidator(_empty_if_none)]


class _SkillsFile(_Envelope):
    records: ClassVar[str] = "skills"
    shape: ClassVar[str] = "expected a mapping with a 'skills' list"
    skills: list[Any]


class _OpeningsFile(_Envelope):
    records: ClassVar[str] = "openings"
    shape: ClassVar[str] = "expected a mapping with an 'openings' list"
    openings: list[Any]


class _IntentsFile(_Envelope):
    records: ClassVar[str] = "intents"
    shape: ClassVar[str] = "expected a mapping with an 'intents' list"
    intents: list[Any]


def _known_intent(value: str) -> str:
    if value not in (*INTENTS, NONE):
        raise PydanticCustomError("intent_name", "{name} is not an intent the bot knows ({known})",
                                  {"name": repr(value), "known": ", ".join((*INTENTS, NONE))})
    return value


def _enough_examples(value: tuple[str, ...]) -> tuple[str, ...]:
    if len(value) < MIN_EXAMPLES:
        raise PydanticCustomError("few_examples", "needs at least {least} examples, has {count}",
                                  {"least": MIN_EXAMPLES, "count": len(value)})
    return value


class _Intent(_Schema):
    name: Annotated[_Text, AfterValidator(_known_intent)]
    description: _OptionalText = ""
    examples: Annotated[_TextList, AfterValidator(_enough_examples)]


class _Resource(_Schema):
    title: _Text
    url: _HttpUrl


class _TopicRefs(_Schema):
    """What other topics rely on, read even when the rest of the topic is broken."""

    model_config = ConfigDict(extra="ignore")
    id: Annotated[_Text, AfterValidator(_kebab_id)]
    related: _TextList


class _Topic(_TopicRefs):
    model_config = ConfigDict(extra="forbid")
    title: _Text
    aliases: _TextList
    keywords: _TextList = ()
    questions: Annotated[_TextList, AfterValidator(_enough_questions)]
    answer: _Text
    details: _Text
    example: _OptionalText = ""
    resources: Annotated[tuple[_Resource, ...], BeforeValidator(_empty_if_none)]
    personal: Personal | None = None


class _Skill(_Schema):
    name: _Text
    aliases: _TextList = ()
    topic: _Text | None = None
    implies: _TextList = ()


class _OpeningRefs(_Schema):
    """What the duplicate check relies on, read even when the rest of the opening is broken."""

    model_config = ConfigDict(extra="ignore")
    external_id: _Text


class _Opening(_OpeningRefs):
    model_config = ConfigDict(extra="forbid")
    title: _Text
    company: _Text
    url: _HttpUrl
    location: _OptionalText = ""
    remote: Annotated[Remote, BeforeValidator(_remote_word)] = Remote.UNKNOWN
    level: Annotated[Level | None, BeforeValidator(_lower)] = None
    skills: _TextList = ()
    description: _OptionalText = ""
    posted: Annotated[datetime | None, BeforeValidator(_day)] = None


_M = TypeVar("_M", bound=_Schema)
_E = TypeVar("_E", bound=_Envelope)
_Loc = tuple[int | str, ...]


def _validate(model: type[_M], data: Any, salvage: type[_M] | None = None
              ) -> tuple[_M | None, list[ErrorDetails]]:
    """`data` as `model`, or else its errors and what `salvage` (default: the model without the
    unknown keys) can still read, so that one broken field does not hide the checks across records."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    known = {k: v for k, v in data.items() if k in model.model_fields} if isinstance(data, dict) else data
    try:
        return (salvage or model).model_validate(known), errors
    except ValidationError:
        return None, errors


def _types_in(annotation: Any) -> Iterator[Any]:
    yield annotation
    for arg in get_args(annotation):
        yield from _types_in(arg)


def _model_at(model: type[BaseModel], loc: _Loc) -> type[BaseModel]:
    """The schema model describing the node at `loc` inside a `model` record."""
    for part in loc:
        if isinstance(part, str) and part in model.model_fields:
            for t in _types_in(model.model_fields[part].annotation):
                if isinstance(t, type) and issubclass(t, BaseModel):
                    model = t
                    break
    return model


_KINDS: dict[type, str] = {type(None): "nothing", bool: "true/false", str: "text", int: "a number",
                           float: "a number", LineDict: "a mapping", LineList: "a list"}


def _kind(value: Any) -> str:
    return _KINDS.get(type(value), type(value).__name__)


def _message(error: ErrorDetails, model: type[BaseModel]) -> str:
    """A pydantic error in a knowledge maintainer's words."""
    kind, value = error["type"], error.get("input")
    if kind == "missing":
        return "missing required field"
    if kind == "extra_forbidden":
        keys = _model_at(model, error["loc"][:-1]).model_fields
        return f"unknown key (expected one of: {', '.join(sorted(keys))})"
    if kind == "string_too_short" or (kind == "string_type" and value is None):
        return "must not be empty"
    if kind == "string_type":
        return f"expected text, got {_kind(value)}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list, got {_kind(value)}"
    if kind in ("model_type", "dict_type"):
        return f"expected a mapping, got {_kind(value)}"
    if kind in ("enum", "literal_error"):
        return f"{value!r} is not one of {error.get('ctx', {}).get('expected', '')}"
    return error["msg"]  # our own PydanticCustomErrors are worded for maintainers already


def _line_at(node: Any, loc: _Loc) -> int:
    """The line of the YAML node at `loc` under `node`; a missing key points at its mapping."""
    line = node.line if isinstance(node, LineDict | LineList) else 1
    for part in loc:
        if isinstance(node, LineDict) and isinstance(part, str):
            if part not in node:
                return node.line
            line, node = node.key_lines[part], node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line, node = node.item_lines[part], node[part]
        else:
            break
    return line


def _field(prefix: str, loc: _Loc) -> str:
    out = prefix
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else part
    return out


def _key_text(item: Any, key: str) -> str:
    """A record's identifying key as written, to name the record in problems ('' if none)."""
    value = item.get(key) if isinstance(item, dict) else None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return str(value).strip()


def _envelope(model: type[_E], path: Path, data: Any, problems: list[Problem]) -> _E | None:
    envelope, errors = _validate(model, data)
    for error in errors:
        loc = error["loc"]
        shape = error["type"] != "extra_forbidden" and (not loc or loc[0] == model.records)
        problems.append(Problem(path=path, line=_line_at(data, loc), field=_field("", loc),
                                message=model.shape if shape else _message(error, model)))
    return envelope


def _record(model: type[_M], path: Path, data: Any, key: str, index: int, ident: str,
            problems: list[Problem], salvage: type[_M] | None = None) -> _M | None:
    """Record `index` of the file's `key` list; problems name it by its `ident` key or index."""
    item = data[key][index]
    name = f"{key}[{_key_text(item, ident) or index}]"
    record, errors = _validate(model, item, salvage)
    for error in errors:
        loc = error["loc"]
        problems.append(Problem(path=path, line=_line_at(data, (key, index, *loc)),
                                field=_field(name, loc), message=_message(error, model)))
    return record


# --- reading the files into values, and the checks across records ----------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class _TopicEntry:
    """A topic as the checks across files see it; `topic` is None when it has errors."""

    id: str
    related: tuple[str, ...]
    path: Path
    line: int
    related_line: int
    topic: Topic | None


def _topics(path: Path, data: Any, problems: list[Problem]) -> list[_TopicEntry]:
    envelope = _envelope(_TopicFile, path, data, problems)
    if envelope is None:
        return []
    group = envelope.group or path.stem.replace("-", " ").replace("_", " ").title()
    entries: list[_TopicEntry] = []
    for i in range(len(envelope.topics)):
        refs = _record(_Topic, path, data, "topics", i, "id", problems, salvage=_TopicRefs)
        if refs is None:
            continue
        line = _line_at(data, ("topics", i))
        topic = None
        if isinstance(refs, _Topic):
            topic = _topic(refs, group, f"{path}:{line}")
            words = len(markup.to_plain(topic.answer, with_urls=False).split())
            if not ANSWER_WORDS[0] <= words <= ANSWER_WORDS[1]:
                problems.append(Problem(
                    path=path, line=_line_at(data, ("topics", i, "answer")),
                    field=f"topics[{refs.id}].answer", severity=Severity.WARNING,
                    message=f"{words} words; aim for {ANSWER_WORDS[0]}-{ANSWER_WORDS[1]}"))
        entries.append(_TopicEntry(id=refs.id, related=refs.related, path=path, line=line,
                                   related_line=_line_at(data, ("topics", i, "related")),
                                   topic=topic))
    return entries


def _topic(t: _Topic, group: str, source: str) -> Topic:
    return Topic(
        id=t.id, title=t.title, group=group, aliases=t.aliases, keywords=t.keywords,
        questions=t.questions, answer=markup.parse(t.answer), details=markup.parse(t.details),
        example=markup.parse(t.example), related=t.related,
        resources=tuple(Resource(title=r.title, url=r.url) for r in t.resources), source=source,
        personal=t.personal,
    )


def _skills(path: Path, data: Any, topic_ids: set[str], problems: list[Problem]) -> list[Skill]:
    envelope = _envelope(_SkillsFile, path, data, problems)
    if envelope is None:
        return []
    skills: list[Skill] = []
    implies_lines: dict[str, int] = {}
    owner: dict[str, tuple[str, int]] = {}
    for i in range(len(envelope.skills)):
        s = _record(_Skill, path, data, "skills", i, "name", problems)
        if s is None:
            continue
        aliases = tuple(a.lower() for a in s.aliases)
        topic = s.topic
        if topic is not None and topic not in topic_ids:
            problems.append(Problem(path=path, line=_line_at(data, ("skills", i, "topic")),
                                    field=f"skills[{s.name}].topic",
                                    message=f"unknown topic id {topic!r}"))
            topic = None
        for form in dict.fromkeys((s.name.lower(), *aliases)):
            if form in owner and owner[form][0] != s.name:
                other, line = owner[form]
                problems.append(Problem(path=path, line=_line_at(data, ("skills", i, "aliases")),
                                        field=f"skills[{s.name}].aliases",
                                        message=f"{form!r} already names skill {other!r} (line {line})"))
            owner.setdefault(form, (s.name, _line_at(data, ("skills", i))))
        skills.append(Skill(name=s.name, aliases=aliases, topic=topic, implies=s.implies))
        implies_lines[s.name] = _line_at(data, ("skills", i, "implies"))
    names = {s.name for s in skills}
    for j, skill in enumerate(skills):
        unknown = [n for n in skill.implies if n not in names or n == skill.name]
        for n in unknown:
            problems.append(Problem(path=path, line=implies_lines[skill.name],
                                    field=f"skills[{skill.name}].implies",
                                    message=f"{n!r} is not another skill's name"))
        if unknown:
            skills[j] = dataclasses.replace(
                skill, implies=tuple(n for n in skill.implies if n not in unknown))
    return skills


def _intents(path: Path, data: Any, problems: list[Problem]) -> dict[str, Intent]:
    envelope = _envelope(_IntentsFile, path, data, problems)
    if envelope is None:
        return {}
    intents: dict[str, Intent] = {}
    first_line: dict[str, int] = {}
    named = {_key_text(item, "name") for item in envelope.intents}
    seen: dict[str, tuple[str, int]] = {}  # example key -> (intent, line)
    for i in range(len(envelope.intents)):
        record = _record(_Intent, path, data, "intents", i, "name", problems)
        if record is None:
            continue
        name, line = record.name, _line_at(data, ("intents", i))
        if name in intents:
            problems.append(Problem(path=path, line=_line_at(data, ("intents", i, "name")),
                                    field=f"intents[{name}].name",
                                    message=f"duplicate intent (first at line {first_line[name]})"))
            continue
        for j, example in enumerate(record.examples):
            key, at = example_key(example), _line_at(data, ("intents", i, "examples", j))
            other = seen.get(key)
            if other is None:
                seen[key] = (name, at)
            elif other[0] != name:
                problems.append(Problem(
                    path=path, line=at, field=f"intents[{name}].examples[{j}]",
                    message=f"{example!r} is also an example of {other[0]!r} (line {other[1]})"))
            else:
                problems.append(Problem(
                    path=path, line=at, field=f"intents[{name}].examples[{j}]",
                    severity=Severity.WARNING,
                    message=f"{example!r} repeats the example at line {other[1]}"))
        first_line[name] = line
        intents[name] = Intent(name=name, description=record.description,
                               examples=record.examples, source=f"{path}:{line}")
    for name in INTENTS:
        if name not in named:
            problems.append(Problem(
                path=path, line=1, field="intents", severity=Severity.WARNING,
                message=f"no examples for intent {name!r}: only its built-in cues find it"))
    return intents


@dataclass(frozen=True, kw_only=True, slots=True)
class OpeningRecord:
    """One record of an openings file: its Opening, or None when `problems` has an error."""

    index: int
    external_id: str  # as written, '' when missing
    opening: Opening | None
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class OpeningsFile:
    """An openings file read record by record; `problems` are about the file as a whole."""

    records: tuple[OpeningRecord, ...] = ()
    problems: tuple[Problem, ...] = ()


def parse_openings(text: str, origin: str, vocab: SkillVocabulary) -> OpeningsFile:
    """Openings YAML (the format of knowledge/openings.yaml) checked as `kb check` checks it;
    every problem names `origin`, the line and the field."""
    path = Path(origin)
    try:
        data = parse_yaml(text, path)
    except YamlSyntaxError as exc:
        return OpeningsFile(problems=(Problem(path=path, line=exc.line, field="", message=exc.reason),))
    return _openings(path, data, vocab)


def _openings(path: Path, data: Any, vocab: SkillVocabulary) -> OpeningsFile:
    problems: list[Problem] = []
    envelope = _envelope(_OpeningsFile, path, data, problems)
    if envelope is None:
        return OpeningsFile(problems=tuple(problems))
    records: list[OpeningRecord] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(envelope.openings):
        found: list[Problem] = []
        refs = _record(_Opening, path, data, "openings", i, "external_id", found, salvage=_OpeningRefs)
        opening = None
        if refs is not None:
            ext, line = refs.external_id, _line_at(data, ("openings", i, "external_id"))
            if ext in seen:
                found.append(Problem(path=path, line=line, field=f"openings[{ext}].external_id",
                                     message=f"duplicate external_id (first at line {seen[ext]})"))
            else:
                seen[ext] = line
                if isinstance(refs, _Opening):
                    skills_line = _line_at(data, ("openings", i, "skills"))
                    opening = _opening(refs, vocab, path, skills_line, found)
        records.append(OpeningRecord(index=i, external_id=_key_text(item, "external_id"),
                                     opening=opening, problems=tuple(found)))
    return OpeningsFile(records=tuple(records), problems=tuple(problems))


def _opening(o: _Opening, vocab: SkillVocabulary, path: Path, skills_line: int,
             problems: list[Problem]) -> Opening:
    skills: list[str] = []
    for name in o.skills:
        skill = vocab.canonical(name)
        if skill is None:
            problems.append(Problem(path=path, line=skills_line, field=f"openings[{o.external_id}].skills",
                                    message=f"{name!r} is not in the skills vocabulary",
                                    severity=Severity.WARNING))
        skills.append(skill.name if skill else name)
    return Opening(
        source="seed", external_id=o.external_id, title=o.title, company=o.company, url=o.url,
        location=o.location, remote=o.remote, level=o.level, skills=tuple(skills),
        description=o.description, posted_at=o.posted, updated_at=o.posted,
    )


def _has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)


def check(root: Path) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Load and validate a knowledge-base folder; returns the base (if usable) and every problem."""
    problems: list[Problem] = []
    root = Path(root)
    if not root.is_dir():
        return None, [Problem(path=root, line=1, field="", message="knowledge folder not found")]
    files = sorted(p for p in root.rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))
    parsed: dict[Path, Any] = {}
    for path in files:
        try:
            parsed[path] = load(path)
        except YamlSyntaxError as exc:
            problems.append(Problem(path=path, line=exc.line, field="", message=exc.reason))
    special = {"skills.yaml", "skills.yml", "openings.yaml", "openings.yml", *INTENTS_FILES}
    entries: dict[str, _TopicEntry] = {}
    for path, data in parsed.items():
        if path.name in special and path.parent == root:
            continue
        for entry in _topics(path, data, problems):
            first = entries.get(entry.id)
            if first is not None:
                problems.append(Problem(
                    path=path, line=entry.line, field=f"topics[{entry.id}].id",
                    message=f"duplicate topic id (first defined at {first.path}:{first.line})"))
                continue
            entries[entry.id] = entry
    if not entries and not _has_errors(problems):
        problems.append(Problem(path=root, line=1, field="topics", message="no topics found"))
    for entry in entries.values():
        for rid in entry.related:
            if rid not in entries:
                problems.append(Problem(path=entry.path, line=entry.related_line,
                                        field=f"topics[{entry.id}].related",
                                        message=f"unknown topic id {rid!r}"))
    skills_path = next((root / n for n in ("skills.yaml", "skills.yml") if (root / n) in parsed),
                       None)
    vocab = SkillVocabulary(
        _skills(skills_path, parsed[skills_path], set(entries), problems) if skills_path else []
    )
    openings_path = next(
        (root / n for n in ("openings.yaml", "openings.yml") if (root / n) in parsed), None
    )
    openings: list[Opening] = []
    if openings_path:
        found = _openings(openings_path, parsed[openings_path], vocab)
        problems.extend(found.problems)
        for record in found.records:
            problems.extend(record.problems)
            if record.opening is not None:
                openings.append(record.opening)
    intents = _intents_of(root, parsed, problems)
    if _has_errors(problems):
        return None, problems
    topics = {tid: e.topic for tid, e in entries.items() if e.topic is not None}
    kb = KnowledgeBase(
        topics=topics, skills=vocab, openings=tuple(openings), intents=intents, root=root,
        warnings=tuple(problems),
    )
    return kb, problems


def _intents_of(root: Path, parsed: dict[Path, Any], problems: list[Problem]) -> dict[str, Intent]:
    """The folder's intents.yaml; without one, the shipped file (intents are about the bot's own
    features, which every knowledge base has)."""
    path = next((root / n for n in INTENTS_FILES if (root / n).is_file()), None)
    if path is not None and path not in parsed:
        return {}  # there, but not YAML: reported already
    if path is None:
        path = default_dir() / INTENTS_FILES[0]
        try:
            data = load(path)
        except YamlSyntaxError as exc:
            problems.append(Problem(path=path, line=exc.line, field="", message=exc.reason))
            return {}
    else:
        data = parsed[path]
    return _intents(path, data, problems)


def load_knowledge(root: Path | None = None) -> KnowledgeBase:
    """Load a knowledge base or raise KnowledgeError listing every problem."""
    kb, problems = check(root or default_dir())
    if kb is None:
        raise KnowledgeError(problems)
    return kb
