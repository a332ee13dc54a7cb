"""Tests of recipes.community.accounts: names, passwords (scrypt), roles and personal API tokens."""

import hashlib

import pytest
from sqlalchemy import select

from recipes.community import accounts
from recipes.errors import Invalid, NotFound
from recipes.models import ApiToken, User

PASSWORD = "correct horse battery"


def user_count(session) -> int:
    return len(session.scalars(select(User)).all())


def test_create_user_stores_an_scrypt_hash_and_defaults_to_contributor(session):
    user = accounts.create_user(session, "camille", PASSWORD, email="camille@example.org")

    assert (user.name, user.role, user.email) == ("camille", "contributor", "camille@example.org")
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash
    assert user.created_at.tzinfo is not None


def test_the_same_password_gives_different_hashes(session):
    first = accounts.create_user(session, "yann", PASSWORD)
    second = accounts.create_user(session, "ines", PASSWORD)

    assert first.password_hash != second.password_hash


def test_names_are_unique_without_regard_to_case(session):
    accounts.create_user(session, "Marc", PASSWORD)

    with pytest.raises(Invalid, match="taken"):
        accounts.create_user(session, "marc", PASSWORD)
    assert user_count(session) == 1
    assert accounts.find_user(session, "MARC").name == "Marc"
    assert accounts.get_user(session, " marc ").name == "Marc"


@pytest.mark.parametrize("name", ["", "a", "x" * 41, "two words", "slash/name", "<script>", None])
def test_bad_names_are_refused(session, name):
    with pytest.raises(Invalid, match="user name"):
        accounts.create_user(session, name, PASSWORD)
    assert user_count(session) == 0


def test_names_may_have_accents_dots_hyphens_and_underscores(session):
    user = accounts.create_user(session, "  élise.le-gall_2 ", PASSWORD)

    assert user.name == "élise.le-gall_2"


@pytest.mark.parametrize("password", ["", "short", "x" * 201, None, 12345678])
def test_bad_passwords_are_refused(session, password):
    with pytest.raises(Invalid, match="password"):
        accounts.create_user(session, "camille", password)
    assert user_count(session) == 0


def test_unknown_roles_are_refused(session):
    with pytest.raises(Invalid, match="role"):
        accounts.create_user(session, "camille", PASSWORD, role="king")
    assert user_count(session) == 0


def test_authenticate_checks_the_password(session):
    accounts.create_user(session, "Camille", PASSWORD)

    assert accounts.authenticate(session, "camille", PASSWORD).name == "Camille"
    assert accounts.authenticate(session, "camille", PASSWORD.upper()) is None
    assert accounts.authenticate(session, "camille", "") is None
    assert accounts.authenticate(session, "camille", None) is None


def test_authenticate_an_unknown_user_is_none(session):
    assert accounts.authenticate(session, "nobody", PASSWORD) is None
    assert accounts.authenticate(session, None, None) is None


def test_a_token_finds_its_user_and_only_its_hash_is_stored(session):
    accounts.create_user(session, "bot", PASSWORD)

    token = accounts.issue_token(session, "bot")

    assert token.startswith("lvn_") and len(token) > 40
    assert accounts.user_for_token(session, token).name == "bot"
    stored = session.scalars(select(ApiToken)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash


def test_each_token_is_new_and_keeps_working(session):
    accounts.create_user(session, "bot", PASSWORD)

    first, second = accounts.issue_token(session, "bot"), accounts.issue_token(session, "bot")

    assert first != second
    assert accounts.user_for_token(session, first).name == "bot"
    assert accounts.user_for_token(session, second).name == "bot"


def test_wrong_tokens_find_nobody(session):
    accounts.create_user(session, "bot", PASSWORD)
    token = accounts.issue_token(session, "bot")

    assert accounts.user_for_token(session, token + "x") is None
    assert accounts.user_for_token(session, "") is None
    assert accounts.user_for_token(session, hashlib.sha256(token.encode()).hexdigest()) is None


def test_no_token_for_an_unknown_user(session):
    with pytest.raises(NotFound):
        accounts.issue_token(session, "nobody")
    assert session.scalars(select(ApiToken)).all() == []
