"""The knowledge-base loader: the shipped base is valid, broken files name file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.intents import INTENTS, NONE
from bot.knowledge import (
    KnowledgeError,
    Severity,
    check,
    default_dir,
    load_knowledge,
    parse_openings,
)
from bot.openings import Remote
from tests.fakes.knowledge import topic, write_file, write_kb

CATALOGUE = Path(__file__).resolve().parents[3] / "shared" / "knowledge-catalogue.yaml"


def errors(root: Path) -> list[str]:
    kb, problems = check(root)
    assert kb is None
    return [str(p) for p in problems if p.severity is Severity.ERROR]


def test_shipped_knowledge_base_is_valid_and_complete() -> None:
    kb, problems = check(default_dir())
    assert kb is not None, [str(p) for p in problems]
    assert [str(p) for p in problems] == []
    if CATALOGUE.is_file():
        wanted = set(yaml.safe_load(CATALOGUE.read_text())["topics"])
        assert wanted - set(kb.topics) == set()
    assert len(kb.topics) >= 40
    assert len(kb.skills) >= 60
    companies = {o.company for o in kb.openings}
    assert {"Stripe", "Poggio"} <= companies


def test_every_shipped_topic_has_depth() -> None:
    kb = load_knowledge()
    for t in kb.topics.values():
        assert len(t.questions) >= 5, t.id
        assert t.details and t.answer and t.resources, t.id
        assert all(r in kb.topics for r in t.related), t.id


def test_skill_aliases_canonicalise() -> None:
    vocab = load_knowledge().skills
    for alias, name in [("postgres", "PostgreSQL"), ("k8s", "Kubernetes"), ("golang", "Go"),
                        ("RoR", "Ruby on Rails"), ("node", "Node.js"), ("psql", "PostgreSQL")]:
        skill = vocab.canonical(alias)
        assert skill is not None and skill.name == name, alias


def test_valid_minimal_base_loads(tmp_path: Path) -> None:
    write_kb(tmp_path, [topic("docker"), topic("kubernetes", related=["docker"])])
    kb = load_knowledge(tmp_path)
    assert list(kb.topics) == ["docker", "kubernetes"]
    assert kb.topics["kubernetes"].related == ("docker",)


def test_bad_yaml_names_file_and_line(tmp_path: Path) -> None:
    write_file(tmp_path / "topics" / "broken.yaml", """
        group: Broken
        topics:
          - id: docker
            title: [unclosed
        """)
    (msg,) = errors(tmp_path)
    assert "broken.yaml:" in msg and "bad YAML" in msg
    assert msg.split("broken.yaml:")[1].split(":")[0] in {"4", "5"}


def test_unknown_key_is_reported_with_line_and_field(tmp_path: Path) -> None:
    write_kb(tmp_path, [topic("docker", colour="blue")])
    (msg,) = errors(tmp_path)
    assert "basics.yaml:" in msg
    assert "topics[docker].colour" in msg and "unknown key" in msg
    line = int(msg.split("basics.yaml:")[1].split(":")[0])
    text = (tmp_path / "topics" / "basics.yaml").read_text().splitlines()
    assert text[line - 1].strip().startswith("colour:")


def test_missing_field(tmp_path: Path) -> None:
    t = topic("docker")
    del t["answer"]
    (msg,) = errors(tmp_path := write_kb(tmp_path, [t]))
    assert "topics[docker].answer: missing required field" in msg


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    write_kb(tmp_path, [topic("docker")])
    (tmp_path / "topics" / "more.yaml").write_text(
        yaml.safe_dump({"group": "More", "topics": [topic("docker")]}))
    (msg,) = errors(tmp_path)
    assert "duplicate topic id" in msg and "topics[docker].id" in msg


def test_related_to_unknown_topic(tmp_path: Path) -> None:
    write_kb(tmp_path, [topic("docker", related=["kubernetes"])])
    (msg,) = errors(tmp_path)
    assert "topics[docker].related: unknown topic id 'kubernetes'" in msg


def test_empty_answer(tmp_path: Path) -> None:
    write_kb(tmp_path, [topic("docker", answer="   ")])
    (msg,) = errors(tmp_path)
    assert "topics[docker].answer: must not be empty" in msg


def test_too_few_questions_and_bad_id(tmp_path: Path) -> None:
    write_kb(tmp_path, [topic("docker", questions=["what is docker"]), topic("Bad Id")])
    msgs = errors(tmp_path)
    assert any("needs at least 5 sample questions" in m for m in msgs)
    assert any("'Bad Id' is not a lower-case kebab-case id" in m for m in msgs)


def test_answer_length_is_a_warning_not_an_error(tmp_path: Path) -> None:
    write_kb(tmp_path, [topic("docker", answer="Too short.")])
    kb, problems = check(tmp_path)
    assert kb is not None
    assert [p.severity for p in problems] == [Severity.WARNING]
    assert "2 words; aim for 80-250" in str(problems[0])


def test_skills_and_openings_are_validated(tmp_path: Path) -> None:
    write_kb(
        tmp_path, [topic("docker")],
        skills=[{"name": "Docker", "aliases": ["containers"], "topic": "docker"},
                {"name": "Podman", "aliases": ["containers"], "topic": "nope"}],
        openings=[{"external_id": "a", "title": "T", "company": "C", "url": "https://c.example",
                   "remote": "sometimes"}],
    )
    msgs = errors(tmp_path)
    assert any("skills[Podman].topic: unknown topic id 'nope'" in m for m in msgs)
    assert any("'containers' already names skill 'Docker'" in m for m in msgs)
    assert any("openings[a].remote: 'sometimes' is not one of" in m for m in msgs)


def test_a_skill_implies_only_other_skills(tmp_path: Path) -> None:
    write_kb(tmp_path, [topic("docker")],
             skills=[{"name": "Ruby"}, {"name": "Rails", "implies": ["Ruby", "Rubyy", "Rails"]}])
    assert [m.removeprefix(f"{tmp_path}/") for m in errors(tmp_path) if "implies" in m] == [
        "skills.yaml:4: skills[Rails].implies: 'Rubyy' is not another skill's name",
        "skills.yaml:4: skills[Rails].implies: 'Rails' is not another skill's name"]


def test_load_knowledge_raises_with_every_problem(tmp_path: Path) -> None:
    write_kb(tmp_path, [topic("docker", related=["x", "y"])])
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(tmp_path)
    assert len(info.value.problems) == 2
    assert "2 problem(s)" in str(info.value)


def test_missing_folder(tmp_path: Path) -> None:
    (msg,) = errors(tmp_path / "nope")
    assert "knowledge folder not found" in msg


TOPIC = """\
group: Basics
topics:
  - id: docker
    title: Docker
    aliases: [containers]
    questions: [what is docker, docker?, explain docker, why docker, how docker works]
    answer: Docker packs an app with its dependencies.
    details: More about Docker.
    related: []
    resources:
      - title: Docs
        url: https://docs.docker.com
"""


@pytest.mark.parametrize("old,new,line,field,message", [
    ("title: Docker", "title: [Docker, Engine]", 4, "topics[docker].title",
     "expected text, got a list"),
    ("aliases: [containers]", "aliases: [containers, true]", 5, "topics[docker].aliases[1]",
     "expected text, got true/false"),
    ("    details: More about Docker.\n", "", 3, "topics[docker].details",
     "missing required field"),
    ("related: []", "related: []\n    colour: blue", 10, "topics[docker].colour",
     "unknown key (expected one of: aliases, answer, details, example, id, keywords, "
     "personal, questions, related, resources, title)"),
    ("related: []", "related: []\n    personal: salary", 10, "topics[docker].personal",
     "'salary' is not one of 'next-skills'"),
    ("url: https://docs.docker.com", "url: {href: x}", 12, "topics[docker].resources[0].url",
     "expected text, got a mapping"),
    ("      - title: Docs\n", "      - title: Docs\n        kind: manual\n", 12,
     "topics[docker].resources[0].kind", "unknown key (expected one of: title, url)"),
])
def test_schema_problems_name_file_line_and_field(
    tmp_path: Path, old: str, new: str, line: int, field: str, message: str,
) -> None:
    assert old in TOPIC
    path = write_file(tmp_path / "topics" / "basics.yaml", TOPIC.replace(old, new))
    assert errors(tmp_path) == [f"{path}:{line}: {field}: {message}"]


def test_opening_enum_and_date_problems_name_file_line_and_field(tmp_path: Path) -> None:
    write_kb(tmp_path, [topic("docker")])
    path = write_file(tmp_path / "openings.yaml", """
        openings:
          - external_id: a1
            title: Go Engineer
            company: Acme
            url: https://acme.example/a1
            remote: sometimes
            level: Boss
            posted: last week
        """)
    assert sorted(errors(tmp_path)) == [
        f"{path}:6: openings[a1].remote: 'sometimes' is not one of 'yes', 'no', 'hybrid' or "
        "'unknown'",
        f"{path}:7: openings[a1].level: 'boss' is not one of 'intern', 'junior', 'mid', "
        "'senior', 'staff' or 'manager'",
        f"{path}:8: openings[a1].posted: 'last week' is not a date (YYYY-MM-DD)",
    ]


def test_a_broken_topic_still_takes_part_in_the_checks_across_topics(tmp_path: Path) -> None:
    write_kb(tmp_path, [topic("docker", title=["Docker"], related=["nope"]),
                        topic("kubernetes", related=["docker"])])
    msgs = errors(tmp_path)
    assert len(msgs) == 2
    assert "topics[docker].title: expected text, got a list" in msgs[0]
    # docker is still known (no "unknown topic id 'docker'"), and its own references are checked
    assert "topics[docker].related: unknown topic id 'nope'" in msgs[1]


def test_parse_openings_reads_text_record_by_record() -> None:
    vocab = load_knowledge().skills
    parsed = parse_openings(
        "openings:\n"
        "  - external_id: a1\n    title: Go Engineer\n    company: Acme\n"
        "    url: https://acme.example/a1\n    skills: [golang, Cobol]\n    remote: yes\n"
        "  - external_id: a2\n    title: Python Engineer\n    company: Acme\n"
        "    url: ftp://acme.example/a2\n"
        "  - title: No id\n",
        "acme.yaml", vocab)
    assert parsed.problems == ()
    first, second, third = parsed.records
    assert first.opening is not None and first.opening.skills == ("Go", "Cobol")
    assert first.opening.remote is Remote.YES
    assert [str(p) for p in first.problems] == [
        "acme.yaml:6: openings[a1].skills: 'Cobol' is not in the skills vocabulary (warning)"]
    assert (second.index, second.external_id, second.opening) == (1, "a2", None)
    assert [str(p) for p in second.problems] == [
        "acme.yaml:11: openings[a2].url: 'ftp://acme.example/a2' is not an http(s) URL"]
    assert (third.external_id, third.opening) == ("", None)
    assert "acme.yaml:12: openings[2].external_id: missing required field" in map(str, third.problems)


@pytest.mark.parametrize("text,line,message", [
    ("openings: [unclosed", 2, "bad YAML"),  # the end of the text, where "]" is missing
    ("jobs: []", 1, "expected a mapping with an 'openings' list"),
    ("- external_id: a1", 1, "expected a mapping with an 'openings' list"),
])
def test_parse_openings_file_problems(text: str, line: int, message: str) -> None:
    parsed = parse_openings(text, "feed.yaml", load_knowledge().skills)
    assert parsed.records == ()
    assert any(p.line == line and message in p.message and str(p.path) == "feed.yaml"
               for p in parsed.problems), parsed.problems


INTENTS_YAML = """\
intents:
  - name: greeting
    examples: [hi there, hello bot, hey you, good morning all, howdy]
  - name: thanks
    examples: [thanks a lot, cheers mate, thank you kindly, much obliged, ta very much]
"""


def test_shipped_intents_give_every_intent_examples() -> None:
    kb = load_knowledge()
    assert tuple(kb.intents) == (*INTENTS, NONE)
    for intent in kb.intents.values():
        assert 15 <= len(intent.examples) <= 60, intent.name
        assert intent.description and intent.source.startswith(str(default_dir()))
    assert kb.export()["intents"][0]["name"] == "greeting"


def test_a_folder_without_intents_uses_the_shipped_ones(tmp_path: Path) -> None:
    kb = load_knowledge(write_kb(tmp_path, [topic("docker")]))
    assert tuple(kb.intents) == (*INTENTS, NONE)


def test_a_folder_with_intents_uses_its_own_and_warns_of_the_missing(tmp_path: Path) -> None:
    write_kb(tmp_path, [topic("docker")])
    path = write_file(tmp_path / "intents.yaml", INTENTS_YAML)
    kb, problems = check(tmp_path)
    assert kb is not None and list(kb.intents) == ["greeting", "thanks"]
    assert kb.intents["thanks"].examples[1] == "cheers mate"
    missing = [p for p in problems if "no examples for intent" in p.message]
    assert len(missing) == len(INTENTS) - 2
    assert all(p.severity is Severity.WARNING and p.path == path for p in missing)
    assert "intents.yaml" not in {p.path.name for p in problems if p.field.startswith("topics")}


@pytest.mark.parametrize("old,new,line,field,message", [
    ("name: thanks", "name: gratitude", 4, "intents[gratitude].name",
     "'gratitude' is not an intent the bot knows (greeting, thanks, help"),
    ("examples: [thanks a lot, cheers mate, thank you kindly, much obliged, ta very much]",
     "examples: [thanks a lot, cheers mate]", 5, "intents[thanks].examples",
     "needs at least 5 examples, has 2"),
    ("    examples: [hi there", "    tone: warm\n    examples: [hi there", 3, "intents[greeting].tone",
     "unknown key (expected one of: description, examples, name)"),
    ("cheers mate", "Hello bot!", 5, "intents[thanks].examples[1]",
     "'Hello bot!' is also an example of 'greeting' (line 3)"),
    ("intents:", "intent:", 1, "intent", "unknown key (expected one of: intents)"),
])
def test_intent_problems_name_file_line_and_field(
    tmp_path: Path, old: str, new: str, line: int, field: str, message: str,
) -> None:
    write_kb(tmp_path, [topic("docker")])
    assert old in INTENTS_YAML
    path = write_file(tmp_path / "intents.yaml", INTENTS_YAML.replace(old, new))
    found = errors(tmp_path)
    assert any(m.startswith(f"{path}:{line}: {field}: {message}") for m in found), found
