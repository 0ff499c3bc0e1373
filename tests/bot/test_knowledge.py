"""The knowledge-base loader: the shipped base is valid, broken files name file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.knowledge import KnowledgeError, Severity, check, default_dir, load_knowledge
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


def test_load_knowledge_raises_with_every_problem(tmp_path: Path) -> None:
    write_kb(tmp_path, [topic("docker", related=["x", "y"])])
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(tmp_path)
    assert len(info.value.problems) == 2
    assert "2 problem(s)" in str(info.value)


def test_missing_folder(tmp_path: Path) -> None:
    (msg,) = errors(tmp_path / "nope")
    assert "knowledge folder not found" in msg
