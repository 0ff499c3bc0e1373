"""Ranking with hand-made openings and profiles: hard filters, the right opening first, gaps."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from bot.messages import SkillGap
from bot.openings import Level, Opening, Remote
from bot.ports import Profile, RemotePreference
from bot.recommend import OpeningIndex, Query, parse_request
from bot.skills import Skill, SkillVocabulary

NOW = datetime(2026, 11, 1, tzinfo=UTC)

VOCAB = SkillVocabulary([
    Skill(name="Python", aliases=("py",), topic="python"),
    Skill(name="Go", aliases=("golang",), topic="go"),
    Skill(name="PostgreSQL", aliases=("postgres",), topic="sql-databases"),
    Skill(name="Docker", topic="docker"),
    Skill(name="Kubernetes", aliases=("k8s",), topic="kubernetes"),
    Skill(name="Kafka"),
    Skill(name="Rust", topic=None),
])


def job(eid: str, *skills: str, remote: Remote = Remote.UNKNOWN, level: Level | None = None,
        location: str = "", days_old: int = 10, is_open: bool = True) -> Opening:
    return Opening(source="t", external_id=eid, title=f"Job {eid}", company="Acme",
                   url=f"https://example.org/{eid}", location=location, remote=remote,
                   level=level, skills=skills, posted_at=NOW - timedelta(days=days_old),
                   is_open=is_open)


OPENINGS = [
    job("py-pg-remote", "Python", "PostgreSQL", remote=Remote.YES, level=Level.SENIOR,
        location="Remote"),
    job("py-berlin", "Python", "Docker", remote=Remote.NO, level=Level.SENIOR,
        location="Berlin, Germany"),
    job("py-berlin-mid", "Python", remote=Remote.HYBRID, level=Level.MID,
        location="Berlin, Germany"),
    job("go-k8s", "Go", "Kubernetes", "Docker", remote=Remote.YES, level=Level.MID,
        location="Remote - EU"),
    job("go-onsite", "Go", remote=Remote.NO, level=Level.JUNIOR, location="Munich"),
    job("rust-only", "Rust", remote=Remote.YES, location="Remote"),
    job("closed-python", "Python", "PostgreSQL", remote=Remote.YES, is_open=False),
    job("py-kafka-old", "Python", "Kafka", "PostgreSQL", remote=Remote.YES, days_old=400),
]


@pytest.fixture
def index() -> OpeningIndex:
    return OpeningIndex(OPENINGS, VOCAB)


def ids(index: OpeningIndex, q: Query, limit: int = 20) -> list[str]:
    return [m.opening.external_id for m in index.rank(q, limit=limit, now=NOW).matches]


def test_the_obviously_right_opening_comes_first(index: OpeningIndex) -> None:
    q = Query.for_person(Profile(skills=("Python", "PostgreSQL"), level=Level.SENIOR))
    assert ids(index, q)[0] == "py-pg-remote"


def test_closed_openings_and_openings_sharing_no_skill_never_show(index: OpeningIndex) -> None:
    q = Query.for_person(Profile(skills=("Python",)))
    found = ids(index, q)
    assert "closed-python" not in found
    assert not {"go-k8s", "go-onsite", "rust-only"} & set(found)
    assert set(found) == {"py-pg-remote", "py-berlin", "py-berlin-mid", "py-kafka-old"}


@pytest.mark.parametrize("pref,allowed", [
    (RemotePreference.REMOTE, {Remote.YES}),
    (RemotePreference.HYBRID, {Remote.HYBRID}),
    (RemotePreference.ONSITE, {Remote.NO, Remote.HYBRID}),
])
def test_remote_filter_is_never_broken(index: OpeningIndex, pref: RemotePreference,
                                       allowed: set[Remote]) -> None:
    q = Query.for_person(Profile(), Query(skills=("Python", "Go", "Rust"), remote=pref))
    results = index.rank(q, limit=50, now=NOW)
    assert results.matches
    assert all(m.opening.remote in allowed for m in results.matches)


REMOTES = {"py-pg-remote", "go-k8s", "rust-only", "py-kafka-old"}


@pytest.mark.parametrize("pref,places,shown", [
    (RemotePreference.REMOTE, (), REMOTES),
    # Some office days, so no office at all suits too.
    (RemotePreference.HYBRID, (), REMOTES | {"py-berlin-mid"}),
    (RemotePreference.ONSITE, (), {"py-berlin", "py-berlin-mid", "go-onsite"}),
    (RemotePreference.ANY, (), REMOTES | {"py-berlin", "py-berlin-mid", "go-onsite"}),
    # "remote or Berlin": remote openings, or Berlin ones however they are worked.
    (RemotePreference.REMOTE, ("Berlin",), REMOTES | {"py-berlin", "py-berlin-mid"}),
    (RemotePreference.REMOTE, ("Berlin", "munich"),
     REMOTES | {"py-berlin", "py-berlin-mid", "go-onsite"}),
    (RemotePreference.HYBRID, ("Berlin",), REMOTES | {"py-berlin-mid"}),
    (RemotePreference.HYBRID, ("Munich",), REMOTES),
    (RemotePreference.ONSITE, ("Berlin",), {"py-berlin", "py-berlin-mid"}),
    (RemotePreference.ONSITE, ("Berlin", "Munich"), {"py-berlin", "py-berlin-mid", "go-onsite"}),
    (RemotePreference.ANY, ("Munich",), REMOTES | {"go-onsite"}),
    (RemotePreference.ANY, ("Germany",), REMOTES | {"py-berlin", "py-berlin-mid"}),
])
def test_the_profiles_remote_wish_and_places_combine_as_either(
        index: OpeningIndex, pref: RemotePreference, places: tuple[str, ...],
        shown: set[str]) -> None:
    q = Query.for_person(Profile(skills=("Python", "Go", "Rust"), remote=pref, locations=places))
    assert set(ids(index, q)) == shown


@pytest.mark.parametrize("request_text,profile,shown", [
    # A filter the request names is hard, and wins over the profile's.
    ("hybrid jobs", Profile(locations=("Berlin",)), {"py-berlin-mid"}),
    ("remote jobs", Profile(remote=RemotePreference.ONSITE, locations=("Berlin",)), REMOTES),
    ("jobs in Munich", Profile(remote=RemotePreference.REMOTE), {"go-onsite"}),
    ("jobs in Berlin or Munich", Profile(), {"py-berlin", "py-berlin-mid", "go-onsite"}),
    ("on-site jobs in Berlin", Profile(remote=RemotePreference.REMOTE), {"py-berlin",
                                                                        "py-berlin-mid"}),
    # Remote work asked for in a place: remote openings there, open to a region it is in
    # ("Remote - EU"), or naming no place.
    ("remote jobs in Berlin", Profile(), {"py-pg-remote", "rust-only", "py-kafka-old", "go-k8s"}),
    ("remote jobs in Toronto", Profile(), {"py-pg-remote", "rust-only", "py-kafka-old"}),
])
def test_a_requests_place_and_remote_wish_both_hold(
        index: OpeningIndex, request_text: str, profile: Profile, shown: set[str]) -> None:
    request = parse_request(request_text, VOCAB)
    q = Query.for_person(dataclasses.replace(profile, skills=("Python", "Go", "Rust")),
                         dataclasses.replace(request, known=("Python", "Go", "Rust")))
    assert set(ids(index, q)) == shown


def test_years_suggest_the_preferred_level_when_none_is_given() -> None:
    assert Query.for_person(Profile(years=6)).preferred_level is Level.SENIOR
    assert Query.for_person(Profile(years=6, level=Level.MID)).preferred_level is Level.MID
    assert Query.for_person(Profile()).preferred_level is None


def test_level_and_location_filters_from_a_request(index: OpeningIndex) -> None:
    q = parse_request("senior python roles in Berlin", VOCAB)
    assert (q.skills, q.level, q.locations) == (("Python",), Level.SENIOR, ("Berlin",))
    assert ids(index, Query.for_person(Profile(), q)) == ["py-berlin"]


def test_requested_skills_must_match_even_with_a_profile(index: OpeningIndex) -> None:
    profile = Profile(skills=("Python", "PostgreSQL", "Docker"))
    q = Query.for_person(profile, parse_request("any remote go jobs?", VOCAB))
    assert ids(index, q) == ["go-k8s"]


def test_rare_skills_weigh_more_than_common_ones(index: OpeningIndex) -> None:
    # Kafka appears once, Python six times: the Kafka opening wins despite being old.
    q = Query.for_person(Profile(skills=("Python", "Kafka")))
    assert ids(index, q)[0] == "py-kafka-old"
    assert index.idf["kafka"] > index.idf["python"]


def test_fresher_opening_wins_a_tie(index: OpeningIndex) -> None:
    fresh = job("fresh", "Go", remote=Remote.NO, level=Level.JUNIOR, location="Munich",
                days_old=1)
    idx = OpeningIndex([*OPENINGS, fresh], VOCAB)
    assert ids(idx, Query(skills=("Go",), remote=RemotePreference.ONSITE))[:2] == [
        "fresh", "go-onsite"]


def test_explanation_and_gap(index: OpeningIndex) -> None:
    q = Query.for_person(Profile(skills=("Go", "Docker")))
    first = index.rank(q, limit=1, now=NOW).matches[0]
    assert first.opening.external_id == "go-k8s"
    assert first.matched == ("Go", "Docker")
    assert first.missing == (SkillGap(skill="Kubernetes", topic="kubernetes"),)
    card = first.card()
    assert card.matched_skills == ("Go", "Docker")
    assert card.missing_skills[0].topic == "kubernetes"


def test_paging_is_stable_and_complete(index: OpeningIndex) -> None:
    q = Query.for_person(Profile(skills=("Python", "Go", "Rust", "Docker")))
    everything = ids(index, q)
    pages = [m.opening.external_id for off in range(0, len(everything), 2)
             for m in index.rank(q, offset=off, limit=2, now=NOW).matches]
    assert pages == everything
    assert len(set(everything)) == len(everything) == index.rank(q, now=NOW).total


def test_empty_query_or_index_finds_nothing(index: OpeningIndex) -> None:
    assert index.rank(Query(), now=NOW).total == 0
    assert OpeningIndex([], VOCAB).rank(Query(skills=("Python",))).total == 0


@pytest.mark.parametrize("text,skills,remote,places", [
    ("any remote go jobs?", ("Go",), RemotePreference.REMOTE, ()),
    ("golang jobs in new york please", ("Go",), RemotePreference.ANY, ("new york",)),
    ("hybrid k8s roles near Munich, thanks", ("Kubernetes",), RemotePreference.HYBRID,
     ("Munich",)),
    ("jobs in python", ("Python",), RemotePreference.ANY, ()),
    ("on-site postgres jobs", ("PostgreSQL",), RemotePreference.ONSITE, ()),
    ("python jobs, remote or Berlin or Munich", ("Python",), RemotePreference.REMOTE,
     ("Berlin", "Munich")),
])
def test_parse_request(text: str, skills: tuple[str, ...], remote: RemotePreference,
                       places: tuple[str, ...]) -> None:
    q = parse_request(text, VOCAB)
    assert (q.skills, q.remote, q.locations) == (skills, remote, places)


def test_a_level_keeps_openings_that_state_none_after_the_exact_ones() -> None:
    # Python alone, fresh, no level: it outscores both seniors, yet comes after them.
    unstated = job("py-unstated", "Python", remote=Remote.YES, location="Remote", days_old=1)
    idx = OpeningIndex([*OPENINGS, unstated], VOCAB)
    q = Query.for_person(Profile(skills=("Python",)), parse_request("senior python jobs", VOCAB))
    ranked = idx.rank(q, limit=20, now=NOW).matches
    found = [m.opening.external_id for m in ranked]
    assert found == ["py-pg-remote", "py-berlin", "py-unstated", "py-kafka-old"]
    assert ranked[2].score > ranked[0].score
    assert "py-berlin-mid" not in found  # a stated level that differs is still filtered out
    pages = [m.opening.external_id for off in range(4)
             for m in idx.rank(q, offset=off, limit=1, now=NOW).matches]
    assert pages == found


def test_generic_words_are_no_skills() -> None:
    vocab = SkillVocabulary([*VOCAB.skills, Skill(name="Backend development",
                                                  aliases=("backend",))])
    assert parse_request("any backend jobs for me?", vocab).skills == ()
    assert parse_request("backend python developer roles", vocab).skills == ("Python",)
    backend_only = job("generic", "Backend development", "Python")
    idx = OpeningIndex([backend_only], vocab)
    # The request names nothing: the person's own skills decide, and "Backend development" is
    # neither why it fits nor something to learn.
    q = Query.for_person(Profile(skills=("Backend development", "Go")),
                         parse_request("any backend jobs?", vocab))
    assert q.is_empty is False and idx.rank(q).total == 0
    m = idx.explain(backend_only, Query.for_person(Profile(skills=("Python",))))
    assert m.matched == ("Python",) and m.missing == ()
    assert Query(known=("Backend development",)).is_empty


def test_why_it_fits_names_only_skills_the_person_has(index: OpeningIndex) -> None:
    q = Query.for_person(Profile(skills=("Go",)), parse_request("remote docker jobs", VOCAB))
    for m in index.rank(q, limit=20, now=NOW).matches:
        assert set(m.matched) <= {"Go", "Docker"}
        assert {g.skill for g in m.missing} == set(m.opening.skills) - {"Go", "Docker"}


def test_a_follow_up_request_keeps_what_it_does_not_name() -> None:
    first = parse_request("senior go roles in Munich", VOCAB)
    later = first.refined_by(parse_request("and in Berlin, hybrid?", VOCAB))
    assert (later.skills, later.level, later.locations, later.remote) == (
        ("Go",), Level.SENIOR, ("Berlin",), RemotePreference.HYBRID)
    assert first.refined_by(parse_request("python ones?", VOCAB)).skills == ("Python",)


def test_companies_named_by_their_name_or_a_distinctive_first_word() -> None:
    def at(eid: str, company: str, location: str = "Remote") -> Opening:
        return Opening(source="t", external_id=eid, title="Engineer", company=company,
                       url="https://example.org", location=location)

    idx = OpeningIndex([at("1", "Sparrow Social"), at("2", "Go Labs"), at("3", "Stripe"),
                        at("4", "Berlin Bytes", "Berlin"), at("5", "Sparrow Social"),
                        at("6", "Docker"), at("7", "Remote")], VOCAB)
    assert idx.by_company("tell me about the sparrow social job") == [0, 4]
    assert idx.by_company("is sparrow remote?") == [0, 4]
    assert idx.by_company("what does Stripe pay?") == [2]
    assert idx.by_company("go labs, is it remote?") == [1]
    assert idx.by_company("any go jobs?") == []  # "go" alone is a skill, not Go Labs
    assert idx.by_company("jobs in berlin") == []  # a place, not Berlin Bytes
    assert idx.by_company("what is docker?") == []  # a skill before a company
    assert idx.by_company("any remote jobs?") == []  # a work mode before a company
    assert idx.position("t", "3") == 2 and idx.position("t", "9") is None


def test_a_role_named_by_its_title_when_no_skill_is_named() -> None:
    def titled(eid: str, title: str, *skills: str) -> Opening:
        return Opening(source="t", external_id=eid, title=title, company="Acme",
                       url="https://example.org", skills=skills, posted_at=NOW)

    idx = OpeningIndex([titled("sec", "Security Engineer, Identity", "Kafka"),
                        titled("py", "Python Developer", "Python"),
                        titled("plat", "Senior Platform Engineer", "Go")], VOCAB)
    request = parse_request("show me identity or auth jobs", VOCAB)
    anyone = idx.rank(Query.for_person(Profile(), request), browse=True)
    assert [m.opening.external_id for m in anyone.matches] == ["sec"]
    assert anyone.titled == ("identity",)
    # The person's skills only rank then: the security role shares none of them.
    pythonista = Query.for_person(Profile(skills=("Python",)), request)
    assert [m.opening.external_id for m in idx.rank(pythonista).matches] == ["sec"]
    # Words no title has filter nothing; a skill named wins over title words.
    assert idx.rank(Query.for_person(Profile(skills=("Go",)),
                                     parse_request("show me what fits", VOCAB))).total == 1
    assert [m.opening.external_id for m in idx.rank(Query.for_person(
        Profile(), parse_request("platform jobs with python", VOCAB))).matches] == ["py"]


def test_a_framework_implies_its_language() -> None:
    vocab = SkillVocabulary([*VOCAB.skills, Skill(name="Ruby", topic="ruby"),
                             Skill(name="Ruby on Rails", aliases=("rails",), topic="ruby",
                                   implies=("Ruby",))])
    rails = job("rails", "Ruby on Rails", "PostgreSQL", remote=Remote.YES, location="Remote")
    idx = OpeningIndex([rails, job("py", "Python", "PostgreSQL")], vocab)
    rubyist = Query.for_person(Profile(skills=("Ruby",)))
    [m] = idx.rank(rubyist, now=NOW).matches
    # The ad lists only the framework: the language fits, and only the framework is to learn.
    assert m.opening.external_id == "rails" and m.matched == ("Ruby",)
    assert m.missing == (SkillGap(skill="Ruby on Rails", topic="ruby"),
                         SkillGap(skill="PostgreSQL", topic="sql-databases"))
    # A request for the language finds it; one for the framework does not find a bare language.
    assert ids(idx, Query.for_person(Profile(), parse_request("ruby jobs", vocab))) == ["rails"]
    both = idx.explain(rails, Query.for_person(Profile(skills=("Ruby on Rails", "Ruby"))))
    assert both.matched == ("Ruby on Rails", "Ruby") and both.missing[0].skill == "PostgreSQL"
    ruby_only = idx.explain(job("r", "Ruby"), Query.for_person(Profile(skills=("Ruby on Rails",))))
    assert ruby_only.matched == ()


@pytest.mark.parametrize("text", ["at least senior level jobs", "staff-level roles",
                                  "senior and above roles", "roles by seniority"])
def test_words_about_a_level_name_no_role(text: str) -> None:
    # Once: "level" searched titles, so "Mid-level Python Engineer" alone passed, and no staff one.
    assert parse_request(text, VOCAB).titled == ()
