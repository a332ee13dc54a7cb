"""The built package works on its own: a wheel installed into a new virtual environment, outside the
source tree, sets up and serves the same wiki, in French and in English."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.system.conftest import REPO_ROOT, free_port

# What a wheel is built from: the project's files, without what a working copy adds (compiled
# catalogues included, so that the build has to compile them itself).
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "instance", "__pycache__", ".*_cache", ".hypothesis",
    "*.mo", "tests", "bench", "docs",
)
SERVE_TIMEOUT_SECONDS = 60

pytestmark = pytest.mark.slow  # builds a wheel and installs it with its dependencies


def run(command: list[str], **options) -> subprocess.CompletedProcess:
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600, **options)
    assert completed.returncode == 0, f"{command}\n{completed.stdout}\n{completed.stderr}"
    return completed


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built, as a release is, from a copy of the sources."""
    folder = tmp_path_factory.mktemp("build")
    shutil.copytree(REPO_ROOT, folder / "src", ignore=NOT_SOURCES)
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(folder / "dist"),
         str(folder / "src")])
    [built] = (folder / "dist").glob("levain-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The bin folder of a new virtual environment with the wheel and the tested versions installed."""
    venv = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", str(venv)])
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    run([*pip, "--constraint", str(REPO_ROOT / "constraints.txt"), str(wheel)], env=clean_environment())
    return venv / "bin"


def clean_environment(**variables: str) -> dict[str, str]:
    """This process's environment without Levain's settings or a path leading to the sources."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith("LEVAIN_") and k != "PYTHONPATH"}
    return kept | variables


def test_the_wheel_carries_templates_static_files_migrations_and_compiled_catalogues(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "wsgi.py",
        "wiki/templates/base.html",
        "wiki/static/css/levain.css",
        "wiki/translations/fr/LC_MESSAGES/messages.mo",
        "recipes/migrations/env.py",
        "recipes/migrations/script.py.mako",
        "recipes/migrations/versions/0001_recipes_revisions_blobs_and_accounts.py",
        "recipes/demo/copy-party.1.md",
    }
    assert expected <= names
    sources = {str(p.relative_to(REPO_ROOT)) for p in (REPO_ROOT / "wiki").rglob("*.py")}
    sources |= {str(p.relative_to(REPO_ROOT)) for p in (REPO_ROOT / "recipes").rglob("*.py")}
    assert sources <= names, sorted(sources - names)
    metadata = zipfile.ZipFile(wheel).read(f"{wheel.name.split('-')[0]}-0.1.0.dist-info/METADATA").decode()
    assert "License-File: LICENSE" in metadata and "Provides-Extra: postgres" in metadata


def get(port: int, path: str, language: str) -> str:
    asked = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Accept-Language": language})
    with urllib.request.urlopen(asked, timeout=30) as response:
        return response.read().decode()


def wait_for(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVE_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, "levain serve stopped"
        try:
            get(port, "/healthz", "en")
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError(f"levain serve did not answer within {SERVE_TIMEOUT_SECONDS} s")


def test_the_installed_package_sets_up_and_serves_the_wiki_in_both_languages(installed, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    environment = clean_environment(LEVAIN_INSTANCE_PATH=str(elsewhere / "instance"))
    levain = [str(installed / "levain")]
    where = run([str(installed / "python"), "-c", "import wiki; print(wiki.__file__)"], cwd=elsewhere,
                env=environment)
    assert str(installed.parent) in where.stdout
    assert "The database is ready." in run([*levain, "init"], cwd=elsewhere, env=environment).stdout
    assert "Loaded" in run([*levain, "demo"], cwd=elsewhere, env=environment).stdout
    port = free_port()
    server = subprocess.Popen(
        [*levain, "serve", "--port", str(port)], cwd=elsewhere, env=environment,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port, server)
        french, english = get(port, "/", "fr"), get(port, "/", "en")
        assert '<html lang="fr"' in french and "partagées comme un levain" in french
        assert '<html lang="en"' in english and "shared like a sourdough starter" in english
        stylesheet = re.search(r'href="(/static/css/levain\.css\?v=\w+)"', english).group(1)
        assert "body" in get(port, stylesheet, "en")
        assert "Copy party" in get(port, "/recipes/copy-party", "en")
    finally:
        server.terminate()
        server.wait(timeout=10)
