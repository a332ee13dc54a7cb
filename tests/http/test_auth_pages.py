"""Register, log in and log out in the browser pages, through the test client.

What matters beyond the happy path: a failed login does not tell whether the name exists, ``next=``
only ever leads to a path of this site, logging out takes a POST with a CSRF token, and the session
cookie cannot be read by scripts nor sent by other sites' forms.
"""

from __future__ import annotations

import pytest

from recipes.community.accounts import find_user
from tests.conftest import PASSWORD, close_app, csrf_token_of


def logged_in_name(client) -> str | None:
    """The name the page header shows for the logged-in user, if any."""
    html = client.get("/").get_data(as_text=True)
    start = html.find('class="site-account__name">')
    if start < 0:
        return None
    return html[start + len('class="site-account__name">') :].split("<", 1)[0]


def post_login(client, name: str, password: str = PASSWORD, next_path: str | None = None):
    data = {"username": name, "password": password, "csrf_token": csrf_token_of(client)}
    if next_path is not None:
        data["next"] = next_path
    return client.post("/login", data=data)


def test_the_pages_carry_the_csrf_meta_tag_and_the_forms_fields(client):
    for path in ("/login", "/register"):
        html = client.get(path).get_data(as_text=True)
        assert '<meta name="csrf-token" content="' in html
        for field in ('name="username"', 'name="password"', 'name="csrf_token"'):
            assert field in html, (path, field)


def test_registering_makes_a_contributor_and_logs_in(app, client):
    response = client.post(
        "/register",
        data={
            "username": "Amélie",
            "password": "un mot de passe",
            "csrf_token": csrf_token_of(client, "/register"),
        },
    )
    assert response.status_code in (302, 303)
    assert response.headers["Location"] == "/"
    assert logged_in_name(client) == "Amélie"
    with app.extensions["levain.sessions"]() as session:
        assert find_user(session, "amélie").role == "contributor"


def test_registering_returns_to_next(client):
    token = csrf_token_of(client, "/register?next=/recipes/new")
    response = client.post(
        "/register",
        data={
            "username": "basile",
            "password": "un mot de passe",
            "csrf_token": token,
            "next": "/recipes/new",
        },
    )
    assert response.headers["Location"] == "/recipes/new"


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("a", "un mot de passe", "A user name has 2 to 40"),
        ("bad name!", "un mot de passe", "A user name has 2 to 40"),
        ("camille", "short", "A password has 8 to 200"),
        ("", "", "A user name"),
        ("nul\x00name", "un mot de passe", "A user name"),
    ],
)
def test_a_refused_registration_shows_the_form_again_with_the_reason(client, username, password, message):
    token = csrf_token_of(client, "/register")
    response = client.post(
        "/register", data={"username": username, "password": password, "csrf_token": token}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'class="form-error"' in html
    assert logged_in_name(client) is None


def test_a_taken_name_is_refused_whatever_its_case(client, make_user):
    make_user("dora")
    token = csrf_token_of(client, "/register")
    response = client.post(
        "/register", data={"username": "DORA", "password": "un mot de passe", "csrf_token": token}
    )
    assert response.status_code == 400
    assert "is taken" in response.get_data(as_text=True)


def test_logging_in_and_the_header_shows_the_name(client, make_user):
    make_user("dora")
    response = post_login(client, "dora")
    assert response.status_code in (302, 303)
    assert response.headers["Location"] == "/"
    assert logged_in_name(client) == "dora"


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(client, make_user):
    make_user("dora")
    wrong_password = post_login(client, "dora", "not the password")
    unknown_name = post_login(client, "nobody", "not the password")
    assert wrong_password.status_code == unknown_name.status_code == 401
    for response, name in ((wrong_password, "dora"), (unknown_name, "nobody")):
        html = response.get_data(as_text=True)
        assert "Wrong user name or password." in html
        assert f'value="{name}"' in html  # the name typed is kept, the password is not
        assert "not the password" not in html
    assert logged_in_name(client) is None


@pytest.mark.parametrize("username", ["", "x" * 5000, "nul\x00name", "<script>"])
def test_malformed_login_input_is_a_clear_refusal(client, username):
    response = post_login(client, username, "")
    assert response.status_code == 401
    assert "<script>" not in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, make_user):
    make_user("dora")
    response = client.post("/login", data={"username": "dora", "password": PASSWORD})
    assert response.status_code == 400
    assert logged_in_name(client) is None


def test_login_returns_to_a_path_of_this_site(client, make_user):
    make_user("dora")
    html = client.get("/login?next=/recipes/new%3Ftitle%3DPain").get_data(as_text=True)
    assert 'name="next" value="/recipes/new?title=Pain"' in html
    response = post_login(client, "dora", next_path="/recipes/new?title=Pain")
    assert response.headers["Location"] == "/recipes/new?title=Pain"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\t/evil",
    ],
)
def test_login_never_leaves_the_site(client, make_user, target):
    make_user("dora")
    assert f'value="{target}"' not in client.get("/login", query_string={"next": target}).get_data(
        as_text=True
    )
    response = post_login(client, "dora", next_path=target)
    assert response.headers["Location"] == "/"


def test_the_next_parameter_in_the_query_string_is_followed_too(client, make_user):
    make_user("dora")
    token = csrf_token_of(client)
    data = {"username": "dora", "password": PASSWORD, "csrf_token": token}
    assert client.post("/login?next=/recipes/new", data=data).headers["Location"] == "/recipes/new"
    assert client.post("/login?next=//evil.example", data=data).headers["Location"] == "/"


def test_logout_takes_a_post_with_a_csrf_token(client, login):
    login("dora")
    confirm = client.get("/logout")
    assert confirm.status_code == 200
    assert 'action="/logout"' in confirm.get_data(as_text=True)
    assert logged_in_name(client) == "dora"

    assert client.post("/logout").status_code == 400
    assert logged_in_name(client) == "dora"

    response = client.post("/logout", data={"csrf_token": csrf_token_of(client, "/")})
    assert response.status_code in (302, 303)
    assert logged_in_name(client) is None


def test_the_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    make_user("dora")
    response = post_login(client, "dora")
    session_cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie


def test_logging_in_is_rate_limited(db_url, tmp_path):
    from wiki import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "INSTANCE_PATH": str(tmp_path / "limited"),
            "SECRET_KEY": "limited",
            "RATELIMIT_ENABLED": True,
        }
    )
    client = app.test_client()
    data = {"username": "x", "password": "y", "csrf_token": csrf_token_of(client)}
    statuses = [client.post("/login", data=data).status_code for _ in range(11)]
    close_app(app)
    assert statuses == [401] * 10 + [429]


def _copied_session(app, client):
    """A second client holding a copy of ``client``'s session cookie, as a thief would."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def _reads_the_review_queue(client) -> bool:
    return client.get("/api/v1/review").status_code == 200


def test_logging_out_ends_every_copy_of_the_session(app, client, login):
    login("mo", role="moderator")
    thief = _copied_session(app, client)
    assert _reads_the_review_queue(thief)
    client.post("/logout", data={"csrf_token": csrf_token_of(client, "/")})
    assert not _reads_the_review_queue(thief)


@pytest.mark.parametrize("how", ["new password", "block"])
def test_a_new_password_or_a_block_ends_the_accounts_sessions(app, client, login, make_user, how):
    from recipes.community import accounts
    from recipes.moderation.blocks import block_user

    login("mo", role="moderator")
    assert _reads_the_review_queue(client)
    with app.extensions["levain.sessions"]() as session:
        if how == "new password":
            accounts.set_password(session, "mo", "another long password")
        else:
            block_user(session, "mo", moderator=make_user("ada", role="admin"), reason="compte volé")
    assert not _reads_the_review_queue(client)
