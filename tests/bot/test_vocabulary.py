"""The one vocabulary: its finders, and the same sentences read alike on every path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.bootstrap import build_bot
from bot.dialogue import Bot
from bot.extract import level_of, remote_of, skills_of
from bot.handlers.openings import describe_query
from bot.handlers.profile import parse_level, parse_remote, parse_skills
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.memory import MemoryStore
from bot.openings import Level, Remote
from bot.ports import Profile, RemotePreference
from bot.profiles import parse_statement
from bot.recommend import Query, parse_request
from bot.skills import Skill, SkillVocabulary
from bot.vocabulary import (
    Reading,
    find_level,
    find_places,
    find_skills,
    level_for_years,
    remote_in,
    remote_wish,
    stated_level,
    years_of_experience,
)
from tests.factories import say
from tests.fakes.knowledge import topic, write_kb

SKILLS = [
    {"name": "Python", "aliases": ["py"], "topic": "python"},
    {"name": "Go", "aliases": ["golang"], "topic": "go"},
    {"name": "Rust", "aliases": ["rustlang"]},
    {"name": "Java"},
    {"name": "PostgreSQL", "aliases": ["postgres"]},
    {"name": "Docker"},
    {"name": "Ruby"},
    {"name": "Ruby on Rails", "aliases": ["rails"]},
    {"name": "Distributed systems"},
]
VOCAB = SkillVocabulary(Skill(name=str(s["name"]), aliases=tuple(s.get("aliases", ())))
                        for s in SKILLS)


def names(text: str, *, listed: bool = False) -> tuple[str, ...]:
    return tuple(s.name for s in find_skills(VOCAB, text, listed=listed))


# --- skills ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,found", [
    # written as a name, or through an unambiguous alias
    ("Backend Engineer (Go)", ("Go",)),
    ("We use Python and Go to build services", ("Python", "Go")),
    ("we write golang", ("Go",)),
    ("Go-based services", ("Go",)),
    # lowercase, with a word next to it that makes it the skill
    ("i know go and python", ("Go", "Python")),
    ("written in go", ("Go",)),
    ("any remote go jobs?", ("Go",)),
    ("senior go developer", ("Go",)),
    ("switching to go", ("Go",)),
    ("migrating from java to go", ("Java", "Go")),
    # lowercase in a list with other skills, or on its own
    ("python, go, rust", ("Python", "Go", "Rust")),
    ("rust and go and python", ("Rust", "Go", "Python")),
    ("kubernetes, terraform, aws and some go", ("Go",)),
    ("I'm into ruby and rails", ("Ruby", "Ruby on Rails")),
    ("give it a go", ()),
    ("go vs python", ("Go", "Python")),
    # two undecided words listed together name each other's kind
    ("go or rust, berlin?", ("Go", "Rust")),
    ("rust and go", ("Rust", "Go")),
    ("go", ("Go",)),
    # used as a verb, or an English word
    ("I want to go remote with python", ("Python",)),
    ("let's go", ()),
    ("Let's Go!", ()),
    ("go for it", ()),
    ("Go to our careers page", ()),
    ("Ready to go? Fight rust and decay.", ()),
    ("I can go to the office 2 days a week", ()),
    ("moved from Berlin to go remote", ()),
    ("you will own our go-to-market tooling", ()),
    ("experience in go-to-market", ()),
    ("coffee on the go", ()),
    ("We go the extra mile. Python shop.", ("Python",)),
    # longest form wins; word edges keep skills out of longer words
    ("ruby on rails and postgres", ("Ruby on Rails", "PostgreSQL")),
    ("good javascript", ()),
])
def test_skills(text: str, found: tuple[str, ...]) -> None:
    assert names(text) == found


def test_a_list_of_skills_counts_lowercase_ambiguous_words_but_not_verbs() -> None:
    assert names("maybe go") == ()
    assert names("maybe go", listed=True) == ("Go",)
    assert names("want to go", listed=True) == ()


def test_case_is_read_at_the_mentions_place_after_spaces_collapse() -> None:
    # "Go" before "to" counts only as a name: its case is read in the tidied, unfolded text.
    assert names("Python   and\n\nGo to build services") == ("Python", "Go")
    assert names("Zürich:\u00a0Python and Go to build") == ("Python", "Go")
    assert names("Zürich:\u00a0python and go to build") == ("Python",)


def test_skills_in_order_of_first_mention_without_repeats() -> None:
    assert names("Postgres, Python, postgres and py") == ("PostgreSQL", "Python")


# --- levels ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,reading,level", [
    ("lead python", Reading.CHAT, Level.SENIOR),
    ("Tech Lead, Payments", Reading.LABEL, Level.SENIOR),
    ("lead", Reading.ANSWER, Level.SENIOR),
    ("senior-level python roles", Reading.CHAT, Level.SENIOR),
    ("Senior Engineering Manager", Reading.LABEL, Level.MANAGER),
    ("senior engineering manager jobs", Reading.CHAT, Level.MANAGER),
    ("Software Engineer II", Reading.LABEL, Level.MID),
    ("Software Engineer II", Reading.CHAT, None),
    ("Software Engineer I", Reading.LABEL, Level.JUNIOR),
    ("Backend Engineer (mid-sized startup)", Reading.LABEL, None),
    ("mid-level", Reading.ANSWER, Level.MID),
    ("middle", Reading.ANSWER, Level.MID),
    ("python jobs in the middle east", Reading.CHAT, None),
    ("Director of Engineering", Reading.LABEL, Level.MANAGER),
    ("management", Reading.CHAT, Level.MANAGER),
    ("beginner python jobs", Reading.CHAT, Level.JUNIOR),
    ("Great for recent graduates", Reading.BODY, Level.JUNIOR),
    ("Students currently enrolled in a degree", Reading.BODY, Level.INTERN),
    ("you will work with senior engineers", Reading.BODY, None),
])
def test_level(text: str, reading: Reading, level: Level | None) -> None:
    assert find_level(text, reading) is level


@pytest.mark.parametrize("text,level", [
    ("I'm a tech lead and I know Python", Level.SENIOR),
    ("I know Python and I'm a lead", Level.SENIOR),
    ("I am senior", Level.SENIOR),
    ("looking for senior python roles", Level.SENIOR),
    ("as a junior backend developer", Level.JUNIOR),
    ("I know Python and work with senior engineers", None),
    ("my manager is an engineer", None),
    ("I know Python", None),
])
def test_a_level_a_person_gives_themselves(text: str, level: Level | None) -> None:
    assert stated_level(text) is level


# --- years -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,years", [
    ("5 yrs python", 5),
    ("3+ years of experience", 3),
    ("2-4 years with Go, 6 years overall", 2),
    ("1 year of experience", 1),
    ("1.5 years", 1),
    ("we have 30 years of history", None),
    ("since 2025 years ago", None),
    ("no number here", None),
])
def test_years_of_experience(text: str, years: int | None) -> None:
    assert years_of_experience(text) == years


@pytest.mark.parametrize("years,level", [
    (0, Level.JUNIOR), (1, Level.JUNIOR), (2, Level.MID), (4, Level.MID), (5, Level.SENIOR),
    (7, Level.SENIOR), (8, Level.STAFF),
])
def test_level_for_years(years: int, level: Level) -> None:
    assert level_for_years(years) is level


def test_years_suggest_an_openings_level_only_when_words_do_not() -> None:
    assert level_of("Backend Engineer", "You have 3 yrs python") is Level.MID
    assert level_of("Lead Engineer", "You have 3 yrs python") is Level.SENIOR


# --- work modes --------------------------------------------------------------------------------

@pytest.mark.parametrize("text,reading,wish", [
    ("remote python jobs", Reading.CHAT, RemotePreference.REMOTE),
    ("remote-first python roles", Reading.CHAT, RemotePreference.REMOTE),
    ("partly remote python roles", Reading.CHAT, RemotePreference.HYBRID),
    ("not remote please", Reading.CHAT, RemotePreference.ONSITE),
    ("go jobs but I don't want remote", Reading.CHAT, RemotePreference.ONSITE),
    ("I'd rather not work remotely", Reading.CHAT, RemotePreference.ONSITE),
    ("not interested in fully remote", Reading.CHAT, RemotePreference.ONSITE),
    ("I don't mind remote", Reading.CHAT, RemotePreference.REMOTE),
    ("hybrid or on-site", Reading.CHAT, RemotePreference.ONSITE),
    ("in person", Reading.CHAT, RemotePreference.ONSITE),
    ("distributed systems jobs", Reading.CHAT, None),
    ("yes", Reading.CHAT, None),
    ("yes", Reading.ANSWER, RemotePreference.REMOTE),
    ("no", Reading.ANSWER, RemotePreference.ONSITE),
    ("no preference", Reading.ANSWER, RemotePreference.ANY),
    ("don't care", Reading.ANSWER, RemotePreference.ANY),
    ("flexible working", Reading.ANSWER, RemotePreference.HYBRID),
    ("anywhere", Reading.ANSWER, RemotePreference.REMOTE),
])
def test_remote_wish(text: str, reading: Reading, wish: RemotePreference | None) -> None:
    assert remote_wish(text, reading) is wish


@pytest.mark.parametrize("text,reading,remote", [
    ("Remote - US", Reading.LABEL, Remote.YES),
    ("Remote-EU", Reading.LABEL, Remote.YES),
    ("Berlin (Hybrid)", Reading.LABEL, Remote.HYBRID),
    ("Hybrid, no remote", Reading.LABEL, Remote.HYBRID),
    ("Remote not available", Reading.LABEL, Remote.NO),
    ("London Office", Reading.LABEL, Remote.UNKNOWN),
    ("Work with remote colleagues", Reading.BODY, Remote.UNKNOWN),
    ("This is a fully remote role.", Reading.BODY, Remote.YES),
    ("Office hours on Fridays", Reading.BODY, Remote.UNKNOWN),
    ("2 days a week in the office", Reading.BODY, Remote.HYBRID),
])
def test_remote_in_openings(text: str, reading: Reading, remote: Remote) -> None:
    assert remote_in(text, reading) is remote


# --- places ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,places", [
    ("python jobs in Berlin or Munich", ("Berlin", "Munich")),
    ("jobs in Berlin, Munich and Hamburg please", ("Berlin", "Munich", "Hamburg")),
    ("jobs in Berlin/Munich", ("Berlin", "Munich")),
    ("jobs in berlin or munich", ("berlin", "munich")),
    ("golang jobs in new york please", ("new york",)),
    ("jobs in Berlin and I want remote", ("Berlin",)),
    ("jobs in berlin and want remote", ("berlin",)),
    ("python jobs in the office in Berlin", ("Berlin",)),
    ("jobs in Berlin. Remote is fine", ("Berlin",)),
    ("jobs in python", ()),
    ("jobs in go or rust", ()),
    ("hybrid k8s roles near Munich, thanks", ("Munich",)),
    ("open to remote or Berlin", ("Berlin",)),
    ("Berlin or remote, both fine", ("Berlin",)),
    ("remote or berlin", ("berlin",)),
    ("remote, Berlin or Munich", ("Berlin", "Munich")),
    ("New York or remote", ("New York",)),
    ("remote, ideally", ()),
    ("I'm happy to relocate to Amsterdam", ("Amsterdam",)),
    ("sorry, I meant Munich", ("Munich",)),
    ("In Berlin please", ("Berlin",)),
    ("python jobs in senior roles", ()),
    ("jobs in hybrid mode", ()),
])
def test_places(text: str, places: tuple[str, ...]) -> None:
    assert find_places(text, VOCAB) == places


@pytest.mark.parametrize("text,places", [
    ("Munich, not Berlin", ("Munich", "Berlin")),
    ("not Berlin but Munich", ("Berlin", "Munich")),
    ("Oops, I wrote Berlin but I'm in London", ("Berlin", "London")),
    ("Sorry. Python, not Go", ()),
])
def test_names_count_as_places_where_the_text_is_about_places(
        text: str, places: tuple[str, ...]) -> None:
    assert find_places(text, VOCAB, names=True) == places


def test_a_request_keeps_every_place() -> None:
    assert parse_request("python jobs in Berlin or Munich", VOCAB).locations == ("Berlin",
                                                                                "Munich")


# --- the same sentences through every path -------------------------------------------------------

@dataclass(frozen=True, kw_only=True, slots=True)
class Expected:
    skills: tuple[str, ...]
    level: Level | None = None
    remote: RemotePreference = RemotePreference.ANY

    def query(self) -> Query:
        return Query(skills=self.skills, level=self.level, remote=self.remote)


AS_OPENING = {RemotePreference.REMOTE: Remote.YES, RemotePreference.HYBRID: Remote.HYBRID,
              RemotePreference.ONSITE: Remote.NO, RemotePreference.ANY: Remote.UNKNOWN}

# Job requests that also make sense as a statement and as a job ad's title or text.
SENTENCES = [
    ("I want to go remote with python, any jobs?", Expected(
        skills=("Python",), remote=RemotePreference.REMOTE)),
    ("I know go and python, any jobs?", Expected(skills=("Go", "Python"))),
    ("any lead python jobs?", Expected(skills=("Python",), level=Level.SENIOR)),
    ("tech lead roles in go, fully remote", Expected(
        skills=("Go",), level=Level.SENIOR, remote=RemotePreference.REMOTE)),
    ("hybrid rust jobs, let's go", Expected(skills=("Rust",), remote=RemotePreference.HYBRID)),
    ("senior go developer roles, not remote", Expected(
        skills=("Go",), level=Level.SENIOR, remote=RemotePreference.ONSITE)),
    ("Go to the careers page for junior python jobs", Expected(
        skills=("Python",), level=Level.JUNIOR)),
    ("partly remote postgres roles", Expected(
        skills=("PostgreSQL",), remote=RemotePreference.HYBRID)),
]
IDS = [s for s, _ in SENTENCES]


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    topics = [topic("python", questions=["what is python", "is python good for backend",
                                         "python vs java", "why learn python", "python tips"]),
              topic("go", title="Go", aliases=["golang"],
                    questions=["what is golang", "go vs python", "why learn golang",
                               "go concurrency", "is golang fast"])]
    openings = [{"external_id": "py", "title": "Lead Python Engineer", "company": "Acme",
                 "url": "https://example.org/py", "remote": "yes", "location": "Remote",
                 "skills": ["Python"], "level": "senior"}]
    return load_knowledge(write_kb(tmp_path / "kb", topics, skills=SKILLS, openings=openings))


@pytest.fixture
def store(kb: KnowledgeBase) -> MemoryStore:
    return MemoryStore(list(kb.openings))


@pytest.fixture
def bot(kb: KnowledgeBase, store: MemoryStore) -> Bot:
    return build_bot(kb, store.uow)


@pytest.mark.parametrize("text,want", SENTENCES, ids=IDS)
def test_chat_request(text: str, want: Expected) -> None:
    q = parse_request(text, VOCAB)
    assert (q.skills, q.level, q.remote) == (want.skills, want.level, want.remote)


@pytest.mark.parametrize("text,want", SENTENCES, ids=IDS)
async def test_chat_request_through_the_bot(bot: Bot, text: str, want: Expected) -> None:
    r = await say(bot, text)
    assert r.intent == "openings"
    assert describe_query(want.query()) in r.text


@pytest.mark.parametrize("text,want", SENTENCES, ids=IDS)
async def test_jobs_command_arguments(bot: Bot, text: str, want: Expected) -> None:
    r = await say(bot, "/jobs " + text)
    assert r.intent == "openings"
    assert describe_query(want.query()) in r.text


@pytest.mark.parametrize("text,want", SENTENCES, ids=IDS)
def test_profile_statement(text: str, want: Expected) -> None:
    p = parse_statement(text, VOCAB, Profile())
    assert (p.skills, p.level, p.remote) == (want.skills, want.level, want.remote)


@pytest.mark.parametrize("text,want", SENTENCES, ids=IDS)
def test_importer(text: str, want: Expected) -> None:
    assert skills_of(VOCAB, text) == want.skills
    assert skills_of(VOCAB, "Backend Engineer", text) == want.skills
    assert level_of(text) is want.level
    assert remote_of(text) is AS_OPENING[want.remote]


@pytest.mark.parametrize("text,skills,level,remote", [
    ("I know go and python", ("Go", "Python"), None, RemotePreference.ANY),
    ("I know python and want to go remote", ("Python",), None, RemotePreference.REMOTE),
    ("I'm a tech lead and I know go", ("Go",), Level.SENIOR, RemotePreference.ANY),
])
async def test_profile_statement_through_the_bot(bot: Bot, store: MemoryStore, text: str,
                                                 skills: tuple[str, ...], level: Level | None,
                                                 remote: RemotePreference) -> None:
    r = await say(bot, text)
    assert r.intent == "profile"
    p = store.profiles[("console", "u1")]
    assert (p.skills, p.level, p.remote) == (skills, level, remote)
    assert skills_of(VOCAB, text) == skills


@pytest.mark.parametrize("answer,level", [("lead", Level.SENIOR), ("tech lead", Level.SENIOR),
                                          ("senior", Level.SENIOR), ("junior", Level.JUNIOR)])
def test_level_answer_agrees_with_titles_and_requests(answer: str, level: Level) -> None:
    assert parse_level(answer) is level
    assert level_of(answer.title() + " Engineer") is level
    assert parse_request(answer + " python jobs", VOCAB).level is level


@pytest.mark.parametrize("words,wish", [
    ("fully remote", RemotePreference.REMOTE), ("hybrid", RemotePreference.HYBRID),
    ("on-site", RemotePreference.ONSITE), ("not remote", RemotePreference.ONSITE),
    ("partly remote", RemotePreference.HYBRID), ("in-office", RemotePreference.ONSITE),
])
def test_remote_answer_agrees_with_requests_and_openings(words: str,
                                                         wish: RemotePreference) -> None:
    assert parse_remote(words) is wish
    assert parse_request(words + " python jobs", VOCAB).remote is wish
    assert remote_of(words) is AS_OPENING[wish]
    assert remote_of("London", None, f"This role is {words}.") is AS_OPENING[wish]


def test_guided_skills_answer_reads_lowercase_go() -> None:
    assert parse_skills("python, maybe go, docker", VOCAB) == (("Python", "Go", "Docker"), ())
