"""A plain (non-editable) install of the built wheel works on its own, knowledge base included."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.heavy

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_knowledge_and_migrations_and_runs_outside_the_repo(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    # No build isolation: the test environment's setuptools builds it, with nothing to download.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(dist), str(ROOT)], check=True, capture_output=True, timeout=300)
    (wheel,) = dist.glob("careerbot-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "knowledge/skills.yaml" in names and "knowledge/openings.yaml" in names
    assert any(n.startswith("knowledge/topics/") and n.endswith(".yaml") for n in names)
    assert any(n.startswith("storage/migrations/") for n in names)
    assert "adapters/admin/templates/overview.html" in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    # The test environment's pip installs into the new venv: seeding a pip of its own costs seconds.
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps",
                    str(wheel)], check=True, capture_output=True, timeout=300)
    # Dependencies come from the test environment's site-packages (appended after the fresh
    # venv's own), so the wheel's packages, not the working tree, are what runs.
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CAREERBOT_KNOWLEDGE_DIR")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'bot.db'}"
    where = subprocess.run([str(py), "-c", "import knowledge, bot; print(knowledge.__file__)"],
                           check=True, capture_output=True, text=True, cwd=tmp_path, env=env)
    assert str(venv) in where.stdout

    res = subprocess.run([str(venv / "bin" / "careerbot"), "ask", "--json", "what is kubernetes"],
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["topic"] == "kubernetes"

    chat = subprocess.run([str(venv / "bin" / "careerbot"), "chat"], input="what is docker\n/quit\n",
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert chat.returncode == 0, chat.stderr
    assert "Docker" in chat.stdout


def test_constraints_pin_every_dependency_within_the_bounds_of_pyproject() -> None:
    """constraints.txt (what bootstrap installs, offline-checkable) pins each requirement of
    pyproject.toml, runtime and dev, at a version its lower bound admits."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        spec = line.split("#", 1)[0].split(";", 1)[0].strip()
        if spec:
            name, _, version = spec.partition("==")
            pins[canonicalize_name(name)] = version.strip()
    for text in (*project["dependencies"], *project["optional-dependencies"]["dev"]):
        req = Requirement(text)
        if req.marker is not None and not req.marker.evaluate():
            continue
        pinned = pins.get(canonicalize_name(req.name))
        assert pinned is not None, f"{req.name} is not pinned in constraints.txt"
        assert req.specifier.contains(pinned, prereleases=True), (req, pinned)
