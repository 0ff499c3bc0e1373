"""The CLI contracts of DESIGN.md: ask --json, ask --json -, kb check/export, eval, chat."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes.cli import FORKING_CLI
from tests.fakes.feeds import SAMPLE_JOBS, write_greenhouse
from tests.fakes.knowledge import topic, write_kb

pytestmark = pytest.mark.heavy

ROOT = Path(__file__).resolve().parents[3]
CAREERBOT = [sys.executable, "-m", "adapters.cli"]
KEYS = {"intent", "topic", "confidence", "text", "suggestions"}


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
        cwd: Path = ROOT, new_interpreter: bool = False) -> subprocess.CompletedProcess[str]:
    """`python -m adapters.cli ARGS` in a process of its own: forked from one that has imported
    the CLI already (tests/fakes/cli.py), or with `new_interpreter` started from nothing."""
    full_env = {**os.environ, "DATABASE_URL": "sqlite:///:memory:", **(env or {})}
    full_env.pop("CAREERBOT_KNOWLEDGE_DIR", None) if env is None else None
    if not new_interpreter:
        return FORKING_CLI.run(args, stdin=stdin, env=full_env, cwd=cwd, timeout=120)
    return subprocess.run([*CAREERBOT, *args], input=stdin, capture_output=True, text=True,
                          env=full_env, cwd=cwd, timeout=120)


def test_ask_json_one_question() -> None:
    res = run("ask", "--json", "what is a reverse proxy", new_interpreter=True)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert set(out) == KEYS
    assert out["intent"] == "topic" and out["topic"] == "server-management"
    assert 0 <= out["confidence"] <= 1 and out["text"]
    assert all(isinstance(s, str) for s in out["suggestions"])


FRESH_LINES = ["hey", "what is docker", "tell me more", "how do I make pancakes", "/jobs"]
# U+2028, U+2029, U+0085 and friends end a line for str.splitlines(); printed raw, one
# answer became several broken lines. Escaped, each answer is one ASCII (so UTF-8) line.
LINE_BREAKING = ["what is docker\u2028really", "caf\u00e9 \u2029 kubernetes \x85 \x1c",
                 "how do I become a senior engineer? \U0001F680 \u2014 — tell me"]


@pytest.fixture(scope="module")
def stdin_answers() -> str:
    """`ask --json -` on the lines of the two tests below, in one process: each line is a fresh
    conversation anyway, and a start-up of the bot is most of a run."""
    res = run("ask", "--json", "-", stdin="\n".join(FRESH_LINES + LINE_BREAKING) + "\n")
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_ask_json_stdin_answers_each_line_in_a_fresh_conversation(stdin_answers: str) -> None:
    outs = [json.loads(line) for line in stdin_answers.splitlines()[:len(FRESH_LINES)]]
    assert [o["intent"] for o in outs] == ["greeting", "topic", "more", "fallback", "openings"]
    # "tell me more" has no earlier topic in its own fresh conversation
    assert outs[2]["topic"] is None
    assert all(set(o) == KEYS for o in outs)


def test_ask_json_stdin_lines_are_ascii_json_that_splitlines_keeps_whole(
        stdin_answers: str) -> None:
    assert stdin_answers.isascii()
    lines = stdin_answers.splitlines()
    assert len(lines) == len(FRESH_LINES) + len(LINE_BREAKING)
    outs = [json.loads(line) for line in lines[len(FRESH_LINES):]]
    assert len(outs) == 3 and all(set(o) == KEYS for o in outs)


def test_ask_answers_job_questions_from_the_database_read_only(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    env = {"DATABASE_URL": f"sqlite:///{db}", "HOME": str(tmp_path)}
    assert run("db", "upgrade", env=env).returncode == 0
    feed = write_greenhouse(tmp_path / "feed.json", SAMPLE_JOBS)
    assert run("openings", "import", str(feed), "--format", "greenhouse", env=env).returncode == 0
    before = db.read_bytes()
    questions = ["rust jobs", "tell me about the Ferrowind job", "is it remote?"]
    res = run("ask", "--json", "-", stdin="\n".join(questions) + "\n", env=env)
    assert res.returncode == 0 and not res.stderr, res.stderr
    rust, ferrowind, alone = (json.loads(line) for line in res.stdout.splitlines())
    # Imported, not one of the knowledge base's two seed openings.
    assert rust["intent"] == "openings" and rust["text"].startswith("Openings for Rust (1-1")
    assert ferrowind["intent"] == "opening"
    assert "Rust Backend Engineer at Ferrowind" in ferrowind["text"]
    assert "Remote - EU" in ferrowind["text"] and "Salary: the ad doesn't say." in ferrowind["text"]
    assert alone["intent"] != "opening"  # each question is a conversation of its own
    assert db.read_bytes() == before


def test_ask_without_a_database_says_so_and_uses_the_seed_openings(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "bot.db"
    res = run("ask", "--json", "rust jobs", env={"DATABASE_URL": f"sqlite:///{missing}"})
    assert res.returncode == 0, res.stderr
    assert res.stderr.count("\n") == 1 and "no database at" in res.stderr
    assert "seed openings" in res.stderr
    assert json.loads(res.stdout)["text"].startswith("No open positions match Rust")
    assert not missing.parent.exists()
    unreachable = run("ask", "--json", "rust jobs",
                      env={"DATABASE_URL": "postgresql://u:p@127.0.0.1:1/careerbot"})
    assert unreachable.returncode == 0 and "cannot reach the database" in unreachable.stderr


def test_ask_plain_prints_text() -> None:
    res = run("ask", "what is graphql")
    assert res.returncode == 0 and "GraphQL" in res.stdout


def test_kb_check_ok_and_broken(tmp_path: Path) -> None:
    ok = run("kb", "check")
    assert ok.returncode == 0 and "ok:" in ok.stdout
    write_kb(tmp_path, [topic("docker", related=["nope"], colour="red")])
    bad = run("kb", "check", str(tmp_path))
    assert bad.returncode == 1
    assert "basics.yaml:" in bad.stderr and "topics[docker].colour: unknown key" in bad.stderr
    assert "unknown topic id 'nope'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_broken_knowledge_never_starts_with_a_traceback(tmp_path: Path) -> None:
    write_kb(tmp_path, [topic("docker", related=["nope"])])
    res = run("ask", "--json", "hi", env={"CAREERBOT_KNOWLEDGE_DIR": str(tmp_path)})
    assert res.returncode == 1
    assert "unknown topic id 'nope'" in res.stderr and "Traceback" not in res.stderr


def test_kb_export_json() -> None:
    res = run("kb", "export", "--json")
    assert res.returncode == 0
    data = json.loads(res.stdout)
    ids = {t["id"] for t in data["topics"]}
    assert {"kubernetes", "sql-vs-nosql", "interview-prep"} <= ids
    assert any(s["name"] == "PostgreSQL" for s in data["skills"])
    assert {o["company"] for o in data["openings"]} >= {"Stripe", "Poggio"}


def test_eval_reports_accuracies_and_misses(tmp_path: Path) -> None:
    qs = tmp_path / "q.yaml"
    qs.write_text(
        "in_scope:\n  - {q: 'what is docker', expect: [docker]}\n"
        "  - {q: 'what is docker', expect: [kubernetes]}\n"
        "in_scope_intents:\n  - {q: 'hello', intent: greeting}\n"
        "out_of_scope:\n  - 'how do I make pancakes'\n"
    )
    res = run("eval", str(qs), "--json",
              env={"DATABASE_URL": f"sqlite:///{tmp_path / 'nowhere' / 'bot.db'}"})
    assert res.returncode == 0, res.stderr
    # The note on stderr names the command that was run.
    assert res.stderr.startswith("careerbot eval: no database at")
    data = json.loads(res.stdout)
    assert data["topic_accuracy"] == 0.5
    assert data["intent_accuracy"] == 1.0 and data["out_of_scope_rejection"] == 1.0
    assert data["misses"] == [{"kind": "topic", "q": "what is docker", "expected": ["kubernetes"],
                               "got": "docker", "confidence": data["misses"][0]["confidence"]}]


def test_eval_compares_the_words_only_matcher_with_the_hybrid(tmp_path: Path) -> None:
    qs = tmp_path / "q.yaml"
    qs.write_text(
        "in_scope:\n  - {q: 'what is docker', expect: [docker]}\n"
        "  - {q: 'my boss wants everything containerized but I do not get what that buys us',"
        " expect: [docker]}\n"
        "in_scope_intents:\n  - {q: 'hello', intent: greeting}\n  - {q: 'thanks a lot', intent: thanks}\n"
        "out_of_scope:\n  - 'best pizza topping'\n"
    )
    res = run("eval", str(qs), "--compare", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert set(data) == {"words only", "hybrid"}
    words, hybrid = data["words only"], data["hybrid"]
    assert words["topic_accuracy"] == 0.5 and hybrid["topic_accuracy"] == 1.0
    assert hybrid["out_of_scope_rejection"] == 1.0
    assert hybrid["intent_accuracy_by_intent"]["greeting"] == {"right": 1, "total": 1, "accuracy": 1.0}
    assert set(hybrid["intent_accuracy_by_intent"]) == {"greeting", "thanks"}
    assert any(c["expected"] == "docker" and c["count"] == 1 for c in words["confusions"])
    assert not any(c["expected"] == "docker" for c in hybrid["confusions"])

    table = run("eval", str(qs), "--compare")
    assert table.returncode == 0, table.stderr
    assert "words only" in table.stdout and "hybrid" in table.stdout and "greeting" in table.stdout


def test_eval_reads_passage_and_conversation_files_or_says_what_it_holds(tmp_path: Path) -> None:
    passages = tmp_path / "p.yaml"
    passages.write_text("specific:\n  - {q: 'how often should I back up', topics: [database-management],"
                        " text_any: [restore]}\ngeneral: []\n")
    res = run("eval", str(passages))
    assert res.returncode == 0, res.stderr
    assert "specific" in res.stdout
    conversations = tmp_path / "c.yaml"
    conversations.write_text("conversations:\n  - turns: [{say: hi, expect: {intent: greeting}}]\n")
    res = run("eval", str(conversations))
    assert res.returncode == 0 and "Traceback" not in res.stderr
    assert "turns passed:            1.000  (1/1)" in res.stdout
    neither = tmp_path / "n.yaml"
    neither.write_text("colours: [red]\n")
    res = run("eval", str(neither))
    assert res.returncode == 2 and "holds neither" in res.stderr


def test_eval_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    res = run("eval", str(tmp_path / "none.yaml"))
    assert res.returncode == 2 and "no question set" in res.stderr


@pytest.mark.parametrize("args", [["ask"], ["kb", "frobnicate"], ["nosuchcommand"]])
def test_bad_arguments_say_what_was_expected(args: list[str]) -> None:
    res = run(*args)
    assert res.returncode == 2
    assert "Usage:" in res.stderr or "Usage:" in res.stdout


def test_chat_piped(tmp_path: Path) -> None:
    res = run("chat", "--memory", stdin="what is docker\n1\n/quit\n", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "Docker" in res.stdout
    assert "[1]" in res.stdout  # buttons are numbered
    assert "in more depth" in res.stdout or "an example" in res.stdout  # "1" pressed a button


def test_chat_user_names_that_do_not_fit_the_database_are_refused_clearly() -> None:
    res = run("chat", "--json", "--user", "n" * 129, stdin="hi\n")
    assert res.returncode == 2 and "--user: expected a name of 1-128 characters" in res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""
