"""Tests of the ``levain`` command line: through Flask's CLI runner, and once as the real console script."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from recipes.community.accounts import get_user, list_tokens, user_for_token
from recipes.community.regions import get_region
from recipes.models import Change
from recipes.queries import list_recipes
from recipes.search.outbox import has_pending
from tests.conftest import close_app
from wiki import create_app

PASSWORD = "correct horse battery"
LEVAIN = Path(sys.executable).with_name("levain")


@pytest.fixture
def levain(app):
    """Run a ``levain`` command on the test app; returns click's result."""
    runner = app.test_cli_runner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(args=list(args), input=input)

    return run


@pytest.fixture
def domain(app):
    """A domain session on the test app's database, for checking what a command did."""
    with app.extensions["levain.sessions"]() as session:
        yield session


def assert_refused(result, message: str, exit_code: int = 1) -> None:
    """A refusal is a clear message and a non-zero exit, never a traceback."""
    assert result.exit_code == exit_code, result.output
    assert isinstance(result.exception, SystemExit)
    assert message in result.output
    assert "Traceback" not in result.output


def test_init_twice(levain):
    for _ in range(2):
        result = levain("init")
        assert result.exit_code == 0, result.output
        assert "ready" in result.output


def test_user_add_with_a_password_option(levain, domain):
    result = levain(
        "user", "add", "camille", "--role", "moderator", "--email", "c@example.org", "--password", PASSWORD
    )

    assert result.exit_code == 0, result.output
    assert "camille" in result.output
    user = get_user(domain, "camille")
    assert (user.role, user.email) == ("moderator", "c@example.org")


def test_user_add_prompts_for_the_password_twice(levain, domain):
    result = levain("user", "add", "yann", input=f"{PASSWORD}\n{PASSWORD}\n")

    assert result.exit_code == 0, result.output
    assert get_user(domain, "yann").role == "contributor"


def test_user_add_refuses_a_taken_name(levain):
    levain("user", "add", "Marc", "--password", PASSWORD)

    assert_refused(levain("user", "add", "marc", "--password", PASSWORD), "taken")


@pytest.mark.parametrize(
    "args, message",
    [
        (("user", "add", "x y", "--password", PASSWORD), "user name"),
        (("user", "add", "ines", "--password", "short"), "password"),
    ],
)
def test_user_add_refuses_bad_input(levain, args, message):
    assert_refused(levain(*args), message)


def test_user_add_refuses_an_unknown_role_before_asking_the_password(levain):
    assert_refused(levain("user", "add", "ines", "--role", "king"), "'king' is not one of", exit_code=2)


def test_user_role(levain, domain):
    levain("user", "add", "ines", "--password", PASSWORD)

    result = levain("user", "role", "ines", "editor")

    assert result.exit_code == 0, result.output
    assert get_user(domain, "ines").role == "editor"
    change = domain.scalars(select(Change).where(Change.type == "role")).one()
    assert (change.user_id, change.target_user.name, change.summary) == (None, "ines", "contributor → editor")


def test_user_role_refuses_an_unknown_user_or_role(levain):
    levain("user", "add", "ines", "--password", PASSWORD)

    assert_refused(levain("user", "role", "nobody", "editor"), "no user named 'nobody'")
    assert_refused(levain("user", "role", "ines", "king"), "'king' is not one of", exit_code=2)


def test_user_token_prints_a_working_token_alone_on_one_line(levain, domain):
    levain("user", "add", "bot", "--password", PASSWORD)

    result = levain("user", "token", "bot")

    assert result.exit_code == 0, result.output
    assert result.output.count("\n") == 1
    assert user_for_token(domain, result.output.strip()).name == "bot"


def test_user_token_takes_a_label_its_owner_sees(levain, domain):
    levain("user", "add", "bot", "--password", PASSWORD)
    result = levain("user", "token", "bot", "--label", "import nocturne")
    assert result.exit_code == 0, result.output
    user = user_for_token(domain, result.output.strip())
    assert [token.name for token in list_tokens(domain, user)] == ["import nocturne"]


def test_user_token_of_an_unknown_user(levain):
    assert_refused(levain("user", "token", "nobody"), "no user named 'nobody'")


def test_region_add_prints_the_slug_alone(levain, domain):
    result = levain("region", "add", "La Roche-sur-Yon")

    assert result.exit_code == 0, result.output
    assert result.output == "la-roche-sur-yon\n"
    assert get_region(domain, "la-roche-sur-yon").name == "La Roche-sur-Yon"


@pytest.mark.parametrize(
    "name, message", [("Genève", "exists already"), ("!!!", "letter or digit"), (" ", "needs a name")]
)
def test_region_add_refuses_a_taken_or_bad_name(levain, name, message):
    levain("region", "add", "Geneve")

    assert_refused(levain("region", "add", name), message)


def test_demo_loads_once_and_if_empty_then_skips(levain, domain):
    first = levain("demo", "--if-empty")
    second = levain("demo", "--if-empty")

    assert first.exit_code == 0, first.output
    assert "levain user add NAME --role admin" in first.output
    assert second.exit_code == 0, second.output
    assert "not loaded again" in second.output
    assert len(list_recipes(domain).items) == 9
    # The demo is searchable at once: the command brought its saves into the index.
    assert not has_pending(domain)


def test_demo_refuses_a_wiki_that_has_recipes(levain):
    levain("demo")

    assert_refused(levain("demo"), "only into an empty wiki")


def test_a_database_that_was_never_initialised_gets_a_hint_not_a_traceback(tmp_path):
    unmigrated = f"sqlite:///{tmp_path / 'levain.db'}"
    app = create_app(
        {"TESTING": True, "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": unmigrated, "SECRET_KEY": "test"}
    )
    runner = app.test_cli_runner()
    try:
        for args in (["user", "token", "bot"], ["region", "add", "Brest"], ["demo", "--if-empty"]):
            assert_refused(runner.invoke(args=args), "levain init")
    finally:
        close_app(app)


def levain_env(instance: Path) -> dict[str, str]:
    """The environment of a ``levain`` process whose whole instance (SQLite included) is ``instance``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEVAIN_")}
    env["LEVAIN_INSTANCE_PATH"] = str(instance)
    return env


def run_levain(instance: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LEVAIN), *args], env=levain_env(instance), cwd=instance.parent, capture_output=True, text=True,
        timeout=120,
    )


def test_the_console_script(tmp_path):
    instance = tmp_path / "instance"
    steps = [
        ("init",),
        ("init",),
        ("user", "add", "camille", "--role", "admin", "--password", PASSWORD),
        ("user", "token", "camille"),
        ("demo", "--if-empty"),
        ("demo", "--if-empty"),
    ]
    results = [run_levain(instance, *args) for args in steps]

    for args, result in zip(steps, results, strict=True):
        assert result.returncode == 0, (args, result.stdout, result.stderr)
    token = results[3].stdout
    assert token.startswith("lvn_") and token.count("\n") == 1
    assert "not loaded again" in results[5].stdout
    assert (instance / "levain.db").exists()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_serve_answers_on_the_given_host_and_port(tmp_path):
    instance, port = tmp_path / "instance", free_port()
    assert run_levain(instance, "init").returncode == 0
    server = subprocess.Popen(
        [str(LEVAIN), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=levain_env(instance), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for_status(f"http://127.0.0.1:{port}/") == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_for_status(url: str, seconds: float = 30) -> int:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
