"""Knowledge folders in the shipped schema, written into a temporary directory."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import yaml

WORDS = (
    "Docker packages an application with its dependencies into an image that runs the same "
    "way on a laptop, in CI and in production. "
)


def answer_text(words: int = 100) -> str:
    base = WORDS.split()
    return " ".join(base[i % len(base)] for i in range(words))


def topic(tid: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": tid,
        "title": tid.replace("-", " ").title(),
        "aliases": [tid.replace("-", " ")],
        "keywords": [],
        "questions": [f"what is {tid}?", f"tell me about {tid}", f"explain {tid}",
                      f"how does {tid} work", f"why learn {tid}"],
        "answer": answer_text(),
        "details": "More detail about " + tid + ".",
        "example": "An example of " + tid + ".",
        "related": [],
        "resources": [{"title": "Docs", "url": "https://example.org/" + tid}],
    }
    data.update(overrides)
    return data


def write_kb(
    root: Path,
    topics: list[dict[str, Any]],
    *,
    group: str = "Basics",
    skills: list[dict[str, Any]] | None = None,
    openings: list[dict[str, Any]] | None = None,
) -> Path:
    (root / "topics").mkdir(parents=True, exist_ok=True)
    (root / "topics" / "basics.yaml").write_text(
        yaml.safe_dump({"group": group, "topics": topics}, sort_keys=False), encoding="utf-8"
    )
    if skills is not None:
        (root / "skills.yaml").write_text(yaml.safe_dump({"skills": skills}, sort_keys=False))
    if openings is not None:
        (root / "openings.yaml").write_text(yaml.safe_dump({"openings": openings},
                                                           sort_keys=False))
    return root


def write_file(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def write_small_kb(root: Path) -> Path:
    """Two topics (Docker, Kubernetes): enough for a server to start and answer."""
    return write_kb(root, [
        topic("docker", title="Docker", aliases=["docker", "containers"],
              questions=["what is docker", "why use containers", "docker image vs container",
                         "how to write a dockerfile", "docker for beginners"]),
        topic("kubernetes", title="Kubernetes", aliases=["kubernetes", "k8s"],
              questions=["what does kubernetes do", "what is a pod", "k8s basics",
                         "kubernetes autoscaling", "do I need kubernetes"]),
    ], group="Tools")
