"""Plain words read as changes to a profile: what is added, taken away, replaced or left alone."""

from __future__ import annotations

import pytest

from bot.knowledge import load_knowledge
from bot.openings import Level
from bot.ports import Profile
from bot.ports import RemotePreference as R
from bot.profiles import parse_statement, read_statement

VOCAB = load_knowledge().skills

BASE = Profile(skills=("Python", "Kubernetes", "PHP"), unknown_skills=("COBOL-ish",),
               level=Level.MID, remote=R.ANY, locations=("Berlin",), years=3)


@pytest.mark.parametrize("text,skills,level,years,remote,places", [
    # the level anywhere in the sentence, years (spelled out too), places with and without "in"
    ("I'm a platform engineer, 7 years: kubernetes, terraform, aws and some go",
     ("Kubernetes", "Terraform", "AWS", "Go"), None, 7, R.ANY, ()),
    ("i'm a java + spring boot developer, junior", ("Java", "Spring Boot"), Level.JUNIOR, None,
     R.ANY, ()),
    ("junior here. javascript, node.js and mongodb. I'd like remote",
     ("JavaScript", "Node.js", "MongoDB"), Level.JUNIOR, None, R.REMOTE, ()),
    ("I do PHP and Laravel, mid level", ("PHP", "Laravel"), Level.MID, None, R.ANY, ()),
    ("5 yrs python", ("Python",), None, 5, R.ANY, ()),
    ("I have two years of java and I'm 25 years old", ("Java",), None, 2, R.ANY, ()),
    ("I'm a python dev living in Berlin, looking for hybrid work", ("Python",), None, None,
     R.HYBRID, ("Berlin",)),
    ("i'm a second-year student in toronto, i can code a bit in python", ("Python",), None,
     None, R.ANY, ("Toronto",)),
    ("open to remote or Berlin", (), None, None, R.REMOTE, ("Berlin",)),
    ("Berlin or Munich, or fully remote", (), None, None, R.REMOTE, ("Berlin", "Munich")),
    ("I know go, not remote", ("Go",), None, None, R.ONSITE, ()),
    ("I don't want to work remotely", (), None, None, R.ONSITE, ()),
    ("I don't mind remote", (), None, None, R.REMOTE, ()),
    ("I'm a staff engineer with 10+ years in C# and .NET", ("C#", ".NET"), Level.STAFF, 10,
     R.ANY, ()),
    ("I can work in Berlin or remotely", (), None, None, R.REMOTE, ("Berlin",)),
])
def test_a_statement_on_an_empty_profile(text: str, skills: tuple[str, ...], level: Level | None,
                                         years: int | None, remote: R,
                                         places: tuple[str, ...]) -> None:
    p = parse_statement(text, VOCAB, Profile())
    assert (p.skills, p.level, p.years, p.remote, p.locations) == (
        skills, level, years, remote, places)


@pytest.mark.parametrize("text,changed", [
    # adding
    ("I also know docker", {"skills": ("Python", "Kubernetes", "PHP", "Docker")}),
    ("add prometheus and grafana to my skills",
     {"skills": ("Python", "Kubernetes", "PHP", "Prometheus", "Grafana")}),
    # taking away
    ("remove kubernetes", {"skills": ("Python", "PHP")}),
    ("I don't do PHP anymore", {"skills": ("Python", "Kubernetes")}),
    ("scratch kubernetes, I only used it once", {"skills": ("Python", "PHP")}),
    ("remove kubernetes, php", {"skills": ("Python",)}),
    ("forget about kubernetes, I haven't touched it in years", {"skills": ("Python", "PHP")}),
    ("take PHP off my skills", {"skills": ("Python", "Kubernetes")}),
    ("drop php and add go", {"skills": ("Python", "Kubernetes", "Go")}),
    ("I never used kubernetes, but I know go", {"skills": ("Python", "PHP", "Go")}),
    ("remove cobol-ish", {"unknown_skills": ()}),
    ("remove my location", {"locations": ()}),
    ("forget my level", {"level": None}),
    ("remove the years of experience", {"years": None}),
    # replacing
    ("actually I'm senior", {"level": Level.SENIOR}),
    ("I'm not mid, I'm senior", {"level": Level.SENIOR}),
    ("wait no, I've got 4 years, call me senior", {"level": Level.SENIOR, "years": 4}),
    ("I meant Munich not Berlin", {"locations": ("Munich",)}),
    ("Munich, not Berlin", {"locations": ("Munich",)}),
    ("not Berlin but Hamburg", {"locations": ("Hamburg",)}),
    ("oops, I wrote Berlin but I'm in London", {"locations": ("London",)}),
    ("I moved to Munich", {"locations": ("Munich",)}),
    ("I'm also open to Munich", {"locations": ("Berlin", "Munich")}),
    ("change my level to staff", {"level": Level.STAFF}),
    ("replace kubernetes with docker", {"skills": ("Python", "PHP", "Docker")}),
    # nothing to read: nothing changes
    ("what's my profile?", {}),
    ("no, keep it", {}),
])
def test_a_correction_changes_only_what_it_names(text: str, changed: dict[str, object]) -> None:
    import dataclasses

    assert parse_statement(text, VOCAB, BASE) == dataclasses.replace(BASE, **changed)


@pytest.mark.parametrize("before,text,after", [
    # "also fine" widens the wish: remote, then hybrid too (hybrid takes remote openings)
    (R.REMOTE, "hmm, actually hybrid is also fine", R.HYBRID),
    (R.REMOTE, "on-site is fine too", R.ANY),
    (R.ONSITE, "hybrid works as well", R.ONSITE),
    # without it the new wish replaces the old one
    (R.REMOTE, "I want hybrid", R.HYBRID),
    (R.ANY, "remote is fine", R.REMOTE),
])
def test_a_remote_wish_said_to_be_also_fine_widens_the_old_one(before: R, text: str,
                                                                after: R) -> None:
    assert parse_statement(text, VOCAB, Profile(remote=before)).remote is after


def test_remote_or_hybrid_in_munich_keeps_both_wishes() -> None:
    p = parse_statement("junior here. javascript, node.js and mongodb. I'd like remote", VOCAB,
                        Profile())
    p = parse_statement("hmm, actually hybrid is also fine, but in Munich", VOCAB, p)
    assert (p.remote, p.locations, p.level) == (R.HYBRID, ("Munich",), Level.JUNIOR)
    assert p.skills == ("JavaScript", "Node.js", "MongoDB")


def test_years_suggest_a_level_only_when_none_is_given() -> None:
    assert Profile(years=5).seniority is Level.SENIOR
    assert Profile(years=1).seniority is Level.JUNIOR
    assert Profile(years=5, level=Level.MID).seniority is Level.MID
    assert Profile().seniority is None
    told = parse_statement("5 yrs python", VOCAB, Profile())
    assert told.level is None and told.seniority is Level.SENIOR


def test_nothing_read_is_an_empty_statement() -> None:
    assert read_statement("what's my profile?", VOCAB, BASE).is_empty
    assert not read_statement("remove kubernetes", VOCAB, BASE).is_empty


@pytest.mark.parametrize("text,places,remote_from", [
    # Where the person lives beside a remote wish: remote work from there.
    ("I live in Canada and want remote", ("Canada",), True),
    ("remote, anywhere in Europe", ("Europe",), True),
    ("remote but I'm in Toronto", ("Toronto",), True),
    ("I want remote work, I'm based in Lisbon", ("Lisbon",), True),
    # A place to work in as well: either.
    ("remote or Berlin", ("Berlin",), False),
    ("open to remote or Berlin", ("Berlin",), False),
    # No remote wish: the places are where to work.
    ("I live in Berlin and prefer hybrid", ("Berlin",), False),
])
def test_where_the_person_lives_narrows_a_remote_wish(text: str, places: tuple[str, ...],
                                                     remote_from: bool) -> None:
    p = parse_statement(text, VOCAB, Profile())
    assert p.locations == places and p.remote_from is remote_from


def test_where_one_lives_said_after_the_remote_wish_and_undone_by_either() -> None:
    remote = parse_statement("remote only", VOCAB, Profile())
    lives = parse_statement("I live in Canada", VOCAB, remote)
    assert lives.remote is R.REMOTE and lives.locations == ("Canada",) and lives.remote_from
    assert parse_statement("I'm senior", VOCAB, lives).remote_from  # kept
    assert not parse_statement("remote or Berlin", VOCAB, lives).remote_from
    assert not parse_statement("hybrid please", VOCAB, lives).remote_from
