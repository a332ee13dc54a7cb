"""Who may do what, as a matrix: every action of the policy × every role, anonymous included."""

import pytest

from recipes.community.policy import MINIMUM_ROLE, allowed, require
from recipes.errors import Forbidden, Unauthorized
from recipes.models import User

ROLES = [None, "contributor", "editor", "moderator", "admin"]

# The expected answers, written out by hand: A = anonymous, C = contributor, E = editor,
# M = moderator, D = admin. A letter present means "allowed".
EXPECTED = {
    "read": "ACEMD",
    "create": "CEMD",
    "edit": "CEMD",
    "revert": "CEMD",
    "create_region": "CEMD",
    "fork": "CEMD",
    "sync": "CEMD",
    "propose": "CEMD",
    "comment": "CEMD",
    "decide_proposal": "EMD",
    "patrol": "EMD",
    "rename": "EMD",
    "watch": "CEMD",
    "record_event": "CEMD",
    "change_any_event": "EMD",
    "delete_any_event": "MD",
    "relicense": "MD",
    "see_deleted": "MD",
    "read_audit": "MD",
    "delete": "MD",
    "see_pending": "EMD",
    "review": "MD",
    "protect": "MD",
    "block": "MD",
    "rollback": "MD",
    "manage_users": "D",
}
LETTER = {None: "A", "contributor": "C", "editor": "E", "moderator": "M", "admin": "D"}


def user_with(role):
    return None if role is None else User(name=f"a-{role}", password_hash="x", role=role)


def test_every_action_of_the_policy_is_in_the_matrix():
    assert set(MINIMUM_ROLE) == set(EXPECTED)


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_the_policy_answers_as_the_matrix_says(action, role):
    assert allowed(user_with(role), action) is (LETTER[role] in EXPECTED[action])


def test_require_tells_anonymous_visitors_to_log_in_and_others_that_they_may_not():
    with pytest.raises(Unauthorized):
        require(None, "edit")
    with pytest.raises(Forbidden):
        require(user_with("editor"), "manage_users")


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError):
        allowed(None, "fly")
