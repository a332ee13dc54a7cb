"""The licence table, case by case: what a fork may take, where text flows, which relicensing."""

import pytest

from recipes.errors import Invalid, LicenceConflict
from recipes.licences.rules import (
    BY,
    BY_NC,
    BY_NC_ND,
    BY_NC_SA,
    BY_ND,
    BY_SA,
    CC0,
    LICENCES,
    check_flow,
    check_relicence,
    fork_licence,
    fork_licences,
    parse_offered,
)


@pytest.mark.parametrize(
    ("parent", "allowed"),
    [
        (CC0, set(LICENCES)),
        (BY, {BY, BY_SA, BY_NC, BY_NC_SA, BY_NC_ND}),
        (BY_SA, {BY_SA}),
        (BY_NC, {BY_NC, BY_NC_SA, BY_NC_ND}),
        (BY_NC_SA, {BY_NC_SA}),
        (BY_ND, set()),
        (BY_NC_ND, set()),
    ],
)
def test_the_licences_a_fork_may_take(parent, allowed):
    assert set(fork_licences(parent)) == allowed


def test_a_fork_takes_its_parents_licence_unless_asked():
    assert fork_licence(BY, None) == BY
    assert fork_licence(BY, BY_SA) == BY_SA
    assert fork_licence(CC0, BY_NC_ND) == BY_NC_ND


def test_a_share_alike_recipe_cannot_become_cc0_on_a_fork_and_the_refusal_names_both():
    with pytest.raises(LicenceConflict) as refused:
        fork_licence(BY_SA, CC0)
    assert "CC BY-SA 4.0" in refused.value.message and "CC0 1.0" in refused.value.message
    assert refused.value.code == "licence_conflict"


@pytest.mark.parametrize("parent", [BY_ND, BY_NC_ND])
def test_a_no_derivatives_recipe_cannot_be_forked_at_all(parent):
    with pytest.raises(LicenceConflict):
        fork_licence(parent, None)


def test_an_unknown_licence_is_invalid_input():
    with pytest.raises(Invalid):
        fork_licence(CC0, "GPL-3.0")


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        (CC0, BY_SA, True),
        (BY, BY_SA, True),
        (BY_SA, BY, False),  # a proposal from a BY-SA variant into its BY parent
        (BY_SA, BY_SA, True),
        (BY_NC_SA, BY_SA, False),
        (BY_NC, BY, False),
        (BY_ND, BY_ND, False),
    ],
)
def test_which_way_text_may_flow(source, target, allowed):
    if allowed:
        check_flow(source, target)
    else:
        with pytest.raises(LicenceConflict):
            check_flow(source, target)


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [(BY, BY_SA, True), (BY_SA, BY, False), (CC0, BY, True), (BY, CC0, False), (BY_SA, BY_SA, True)],
)
def test_which_licence_a_moderator_may_give(current, new, allowed):
    if allowed:
        check_relicence(current, new)
    else:
        with pytest.raises(LicenceConflict):
            check_relicence(current, new)


def test_the_offered_licences_setting():
    assert parse_offered("CC-BY-4.0, CC0-1.0") == (BY, CC0)
    assert parse_offered(None)[0] == BY_SA
    for wrong in ("CC-BY-5.0", "", " , "):
        with pytest.raises(ValueError):
            parse_offered(wrong)
