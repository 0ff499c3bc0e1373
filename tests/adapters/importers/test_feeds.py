"""Feed parsing on realistic Greenhouse, Lever and YAML feeds: entities, gaps, malformed records."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.importers.feeds import FeedFormat, parse_feed
from adapters.importers.records import FeedError
from bot.openings import Level, Remote
from bot.skills import Skill, SkillVocabulary

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
VOCAB = SkillVocabulary([
    Skill(name="Python", topic="python"), Skill(name="Go", aliases=("golang",), topic="go"),
    Skill(name="PostgreSQL", aliases=("postgres",)), Skill(name="Kubernetes", aliases=("k8s",)),
    Skill(name="Docker"), Skill(name="Kafka"), Skill(name="Java"), Skill(name="Kotlin"),
    Skill(name="Ruby on Rails", aliases=("rails",)), Skill(name="Terraform"),
    Skill(name="Django"), Skill(name="Redis"), Skill(name="Airflow"),
])


def greenhouse() -> str:
    return (FIXTURES / "greenhouse_jobs.json").read_text()


def lever() -> str:
    return (FIXTURES / "lever_postings.json").read_text()


def test_greenhouse_records_unescaped_and_read() -> None:
    feed = parse_feed(greenhouse(), FeedFormat.GREENHOUSE, VOCAB)
    assert feed.source == "greenhouse:acmepay"
    by_id = {o.external_id: o for o in feed.openings}
    pay = by_id["4012345"]
    assert pay.company == "AcmePay" and pay.title == "Senior Backend Engineer, Payments"
    assert pay.level is Level.SENIOR and pay.remote is Remote.YES
    assert pay.skills == ("Python", "Go", "PostgreSQL", "Kubernetes")
    assert "Build APIs in Python & Go" in pay.description
    assert "<" not in pay.description and "&amp;" not in pay.description
    assert "$180k – $220k" in pay.description
    assert pay.updated_at == datetime(2026, 11, 20, 19, 3, 11, tzinfo=UTC)
    platform = by_id["4012346"]
    assert platform.remote is Remote.HYBRID and platform.level is Level.MID
    assert platform.company == "AcmePay"  # company_name of the feed's first record
    assert set(platform.skills) == {"Docker", "Kafka", "Java", "Kotlin"}
    intern = by_id["4012347"]
    assert intern.level is Level.INTERN and intern.location == "" and intern.updated_at is None
    manager = by_id["4012350"]
    assert manager.level is Level.MANAGER and manager.remote is Remote.YES


def test_greenhouse_malformed_records_are_reported_and_skipped() -> None:
    feed = parse_feed(greenhouse(), FeedFormat.GREENHOUSE, VOCAB)
    assert [(p.index, p.external_id) for p in feed.problems] == [(3, "4012348"), (4, None)]
    assert "title" in feed.problems[0].reason and "id" in feed.problems[1].reason
    assert len(feed.openings) == 4 and feed.total == 6
    # A malformed record still counts as listed, so it is not closed as "gone".
    assert "4012348" in feed.listed_ids


def test_company_option_wins() -> None:
    feed = parse_feed(greenhouse(), FeedFormat.GREENHOUSE, VOCAB, company="Acme Payments Inc.")
    assert feed.source == "greenhouse:acme-payments-inc"
    assert {o.company for o in feed.openings} == {"Acme Payments Inc."}


def test_lever_postings() -> None:
    feed = parse_feed(lever(), FeedFormat.LEVER, VOCAB)
    assert feed.source == "lever:shipfast"
    by_id = {o.external_id: o for o in feed.openings}
    go = by_id["5f1c2a7e-0b1d-4c55-9d1e-6a1a2b3c4d5e"]
    assert go.remote is Remote.YES and go.level is Level.SENIOR  # "5+ years" in the lists
    assert go.skills[0] == "Go" and {"Kubernetes", "Terraform", "PostgreSQL"} <= set(go.skills)
    assert "Operate Kubernetes & Terraform" in go.description
    assert go.posted_at == datetime(2025, 11, 13, 8, 0, tzinfo=UTC)
    student = by_id["8a8b8c8d-1111-2222-3333-444455556666"]
    assert student.level is Level.INTERN and student.remote is Remote.NO
    senior = by_id["9f9f9f9f-aaaa-bbbb-cccc-ddddeeeeffff"]
    assert senior.remote is Remote.HYBRID and senior.level is Level.SENIOR
    assert set(senior.skills) == {"Python", "Django", "Redis"}
    assert [p.index for p in feed.problems] == [3, 4]


def test_lever_sites_merged_keep_their_companies_and_side_facts() -> None:
    def posting(pid: str, site: str, **more: object) -> dict[str, object]:
        return {"id": pid, "text": "Backend Engineer", "descriptionPlain": "Build Go services.",
                "hostedUrl": f"https://jobs.lever.co/{site}/{pid}", **more}

    feed = parse_feed(json.dumps([
        posting("a1", "kestrelpay", categories={"team": "Payments Core", "commitment": "Contract"},
                salaryRange={"currency": "EUR", "interval": "per-year-salary",
                             "min": 85000, "max": 105000}),
        posting("b2", "owlgate", salaryRange={"currency": "USD", "interval": "per-hour-wage",
                                              "min": 60, "max": None}),
    ]), FeedFormat.LEVER, VOCAB)
    pay, hourly = feed.openings
    # The feed is named after its first site; each posting keeps its own company.
    assert feed.source == "lever:kestrelpay"
    assert (pay.company, hourly.company) == ("kestrelpay", "owlgate")
    # What Lever shows beside the ad is part of the ad's text, for questions about it.
    assert pay.description.endswith(
        "Team: Payments Core.\nCommitment: Contract.\nSalary: EUR 85,000 - 105,000 a year.")
    assert hourly.description.endswith("Salary: USD 60 an hour.")
    # The option still wins for every posting.
    forced = parse_feed(json.dumps([posting("c3", "owlgate")]), FeedFormat.LEVER, VOCAB,
                        company="Acme")
    assert forced.openings[0].company == "Acme"


@pytest.mark.parametrize("fmt,text,reason", [
    (FeedFormat.GREENHOUSE, "{not json", "not JSON"),
    (FeedFormat.GREENHOUSE, json.dumps([{"id": 1}]), "jobs"),
    (FeedFormat.LEVER, json.dumps({"jobs": []}), "array"),
    (FeedFormat.YAML, "openings: [unclosed", "line"),
    (FeedFormat.YAML, "jobs: []", "'openings' list"),
])
def test_malformed_file_imports_nothing(fmt: FeedFormat, text: str, reason: str) -> None:
    with pytest.raises(FeedError, match=reason):
        parse_feed(text, fmt, VOCAB)


def test_yaml_feed_reports_bad_records_by_index(tmp_path: Path) -> None:
    text = """\
openings:
  - external_id: a1
    title: Senior Go Engineer
    company: Acme
    url: https://example.org/a1
    description: We run golang services on Kubernetes. Fully remote role.
  - external_id: a2
    title: Python Developer
    company: Acme
    url: https://example.org/a2
    remote: sometimes
  - external_id: a3
    title: Backend Engineer
    company: Acme
    url: https://example.org/a3
    skills: [postgres, Cobol]
    remote: no
"""
    feed = parse_feed(text, FeedFormat.YAML, VOCAB, origin=str(tmp_path / "acme.yaml"))
    assert feed.source == "yaml:acme"
    assert [o.external_id for o in feed.openings] == ["a1", "a3"]
    a1 = feed.openings[0]
    assert (a1.skills, a1.level, a1.remote) == (("Go", "Kubernetes"), Level.SENIOR, Remote.YES)
    assert feed.openings[1].skills == ("PostgreSQL", "Cobol")
    assert [(p.index, p.external_id) for p in feed.problems] == [(1, "a2")]
    assert "remote" in feed.problems[0].reason


async def test_feeds_are_fetched_over_http() -> None:
    from aiohttp import web

    from adapters.importers.feeds import read_feed
    from adapters.importers.fetch import FetchLimits, parse_networks

    local = FetchLimits(allow_networks=parse_networks("127.0.0.1"))

    async def jobs(request: web.Request) -> web.Response:
        return web.Response(text=greenhouse(), content_type="application/json")

    app = web.Application()
    app.router.add_get("/v1/boards/acmepay/jobs", jobs)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    base = f"http://{host}:{port}"
    try:
        url = f"{base}/v1/boards/acmepay/jobs?content=true"
        feed = parse_feed(await read_feed(url, local), FeedFormat.GREENHOUSE, VOCAB, origin=url)
        assert len(feed.openings) == 4 and feed.source == "greenhouse:acmepay"
        with pytest.raises(FeedError, match="HTTP 404"):
            await read_feed(f"{base}/v1/boards/nobody/jobs", local)
    finally:
        await runner.cleanup()
    with pytest.raises(FeedError, match="cannot fetch"):
        await read_feed(base + "/gone", local)
