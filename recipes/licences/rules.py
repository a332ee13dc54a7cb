"""The licence table: which licences Levain knows, and which may follow which.

A *licence* is an SPDX identifier (``CC-BY-SA-4.0``). An *adaptation* of a text may be published
under the licences its own permits (``ADAPTATIONS``): CC0 asks nothing, BY only credit (so an
adaptation may add share-alike or non-commercial terms), BY-SA and BY-NC-SA require the same licence,
BY-NC keeps the non-commercial term, and the no-derivatives licences permit no adaptation at all.

The same table answers three questions, so they can never disagree:
- which licence a fork may take (``fork_licences``),
- whether text may flow from one recipe to another, on a sync or an accepted proposal (``check_flow``),
- which new licence a moderator may give a recipe (``check_relicence``).
"""

from __future__ import annotations

from dataclasses import dataclass

from recipes.errors import Invalid, LicenceConflict

CC0, BY, BY_SA = "CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0"
BY_NC, BY_NC_SA, BY_ND, BY_NC_ND = "CC-BY-NC-4.0", "CC-BY-NC-SA-4.0", "CC-BY-ND-4.0", "CC-BY-NC-ND-4.0"
# What an instance offers for new recipes when it says nothing (the first is the default).
DEFAULT_OFFERED = (BY_SA, BY, CC0)


@dataclass(frozen=True)
class Licence:
    """A licence as readers see it: its SPDX identifier, its short name and the address of its deed."""

    spdx: str
    name: str
    deed: str


def _cc(spdx: str, name: str, path: str) -> Licence:
    return Licence(spdx, name, f"https://creativecommons.org/{path}/")


LICENCES: dict[str, Licence] = {
    licence.spdx: licence
    for licence in (
        _cc(CC0, "CC0 1.0", "publicdomain/zero/1.0"),
        _cc(BY, "CC BY 4.0", "licenses/by/4.0"),
        _cc(BY_SA, "CC BY-SA 4.0", "licenses/by-sa/4.0"),
        _cc(BY_NC, "CC BY-NC 4.0", "licenses/by-nc/4.0"),
        _cc(BY_NC_SA, "CC BY-NC-SA 4.0", "licenses/by-nc-sa/4.0"),
        _cc(BY_ND, "CC BY-ND 4.0", "licenses/by-nd/4.0"),
        _cc(BY_NC_ND, "CC BY-NC-ND 4.0", "licenses/by-nc-nd/4.0"),
    )
}

# The licences an adaptation of a text under each licence may be published under.
ADAPTATIONS: dict[str, frozenset[str]] = {
    CC0: frozenset(LICENCES),
    BY: frozenset({BY, BY_SA, BY_NC, BY_NC_SA, BY_NC_ND}),
    BY_SA: frozenset({BY_SA}),
    BY_NC: frozenset({BY_NC, BY_NC_SA, BY_NC_ND}),
    BY_NC_SA: frozenset({BY_NC_SA}),
    BY_ND: frozenset(),
    BY_NC_ND: frozenset(),
}


def licence(spdx: str) -> Licence:
    """The licence of an SPDX identifier Levain knows."""
    return LICENCES[spdx]


def clean_licence(value: object, offered: tuple[str, ...] | None = None) -> str:
    """A licence a person chose, checked against those known (and those ``offered``, when given)."""
    choices = offered if offered is not None else tuple(LICENCES)
    if not isinstance(value, str) or value not in choices:
        raise Invalid("The licence must be one of {choices}.", values={"choices": ", ".join(choices)})
    return value


def parse_offered(setting: object) -> tuple[str, ...]:
    """The licences an instance offers, from ``LEVAIN_LICENCES`` (comma-separated SPDX identifiers).

    Raises ValueError naming what is wrong: an unknown identifier or an empty list.
    """
    if setting is None:
        return DEFAULT_OFFERED
    items = setting if isinstance(setting, list | tuple) else str(setting).split(",")
    offered = tuple(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))
    unknown = [spdx for spdx in offered if spdx not in LICENCES]
    if unknown or not offered:
        raise ValueError(f"unknown licences {unknown}" if unknown else "no licence")
    return offered


def may_adapt(source: str, target: str) -> bool:
    """Whether text under ``source`` may be published, adapted, under ``target``."""
    return target in ADAPTATIONS.get(source, frozenset())


def fork_licences(parent: str) -> tuple[str, ...]:
    """The licences a fork of a recipe under ``parent`` may take, in the table's order (empty: no fork)."""
    return tuple(spdx for spdx in LICENCES if may_adapt(parent, spdx))


def fork_licence(parent: str, asked: str | None) -> str:
    """The licence of a new fork: the parent's, or the one asked for when the parent's permits it."""
    if not fork_licences(parent):
        raise LicenceConflict(
            "{parent} permits no adaptation: this recipe cannot be forked.", values={"parent": name(parent)}
        )
    chosen = parent if asked in (None, "") else clean_licence(asked)
    if not may_adapt(parent, chosen):
        raise LicenceConflict(
            "A variant of a recipe under {parent} cannot be published under {asked}: "
            "{parent} permits only {allowed}.",
            values={"parent": name(parent), "asked": name(chosen), "allowed": names(fork_licences(parent))},
        )
    return chosen


def check_flow(source: str, target: str) -> None:
    """Refuse to carry text from a recipe under ``source`` into one under ``target`` unless permitted."""
    if not may_adapt(source, target):
        raise LicenceConflict(
            "Text under {source} cannot be carried into a recipe under {target}: "
            "{source} permits adaptations only under {allowed}.",
            values={"source": name(source), "target": name(target), "allowed": names(fork_licences(source))},
        )


def check_relicence(current: str, new: str) -> None:
    """Refuse a change of licence that the current licence does not permit (BY → BY-SA, never back)."""
    if new != current and not may_adapt(current, new):
        raise LicenceConflict(
            "A recipe under {current} cannot be relicensed under {new}: {current} permits only {allowed}.",
            values={"current": name(current), "new": name(new), "allowed": names(fork_licences(current))},
        )


def name(spdx: str) -> str:
    """The short name of a licence ("CC BY-SA 4.0"), or its identifier when unknown."""
    known = LICENCES.get(spdx)
    return known.name if known is not None else spdx


def names(spdxs: tuple[str, ...]) -> str:
    return ", ".join(name(spdx) for spdx in spdxs) or "none"
