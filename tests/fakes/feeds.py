"""Job feeds as boards publish them, written for tests that import them through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def greenhouse_job(job_id: int, title: str, company: str, location: str, content: str
                   ) -> dict[str, Any]:
    """One job of a Greenhouse job board response (content is the ad's HTML)."""
    return {"id": job_id, "title": title, "company_name": company,
            "updated_at": "2026-11-20T09:00:00+00:00", "location": {"name": location},
            "absolute_url": f"https://boards.greenhouse.io/{company.lower().replace(' ', '')}"
                            f"/jobs/{job_id}",
            "content": content}


def write_greenhouse(path: Path, jobs: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"jobs": jobs, "meta": {"total": len(jobs)}}), encoding="utf-8")
    return path


# Imported openings that the shipped knowledge base's seed openings are not: a Rust ad, a mid
# Python ad and one whose title, like most in real feeds, states no level.
SAMPLE_JOBS = [
    greenhouse_job(7001, "Rust Backend Engineer", "Ferrowind", "Remote - EU",
                   "<p>Ferrowind builds trading engines in Rust and Kafka.</p>"
                   "<p>Fully remote within EU time zones.</p>"),
    greenhouse_job(7002, "Mid-level Python Developer", "Tidemark", "Berlin, Germany",
                   "<p>Tidemark makes tide tables for sailors. Python, Django and PostgreSQL."
                   "</p><p>On-site in our Berlin office.</p>"),
    greenhouse_job(7003, "Backend Engineer (Python/Django)", "Quaystone",
                   "Hamburg, Germany (Hybrid)",
                   "<p>Quaystone builds invoicing software with Python, Django and Redis.</p>"
                   "<p>Hybrid: two days a week in our Hamburg office.</p>"),
    greenhouse_job(7004, "Senior Python Engineer", "Sablewood", "London, UK",
                   "<p>Sablewood runs a marketplace for vintage bikes in Python.</p>"),
]
