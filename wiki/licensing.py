"""A recipe's licence and attribution for readers: the ready-to-paste credit and its JSON-LD.

The facts come from ``recipes.licences.attribution``; here they become the sentences a person pastes
under a printed or copied recipe (title, authors, source, licence: "TASL"), in the reader's language,
as text and as HTML (the macro in ``templates/licences/_macros.html``), and the schema.org
``CreativeWork`` that search engines read.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, get_template_attribute, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from recipes.licences.attribution import Attribution, Credit
from recipes.licences.rules import LICENCES, may_adapt, name

from .api.serializers import iso_time


def recipe_url(credit: Credit) -> str:
    return url_for("recipes.show", slug=credit.recipe.slug, _external=True)


def deed(spdx: str) -> str | None:
    known = LICENCES.get(spdx)
    return known.deed if known is not None else None


def _work(credit: Credit) -> str:
    """“Title” (Region) by A, B — CC BY-SA 4.0."""
    work = f"“{credit.recipe.title}”"
    if credit.region_name:
        work += f" ({credit.region_name})"
    if credit.authors:
        work = _("%(work)s by %(authors)s", work=work, authors=", ".join(credit.authors))
    return f"{work} — {name(credit.licence)}"


def chain_text(chain: list[Credit]) -> str:
    """“Adapted from X (Brest) by A, B — CC BY-SA 4.0, from Y by C — CC BY 4.0”, or '' for an original."""
    if not chain:
        return ""
    first, *rest = chain
    parts = [_("Adapted from %(work)s", work=_work(first))]
    parts += [_("from %(work)s", work=_work(credit)) for credit in rest]
    return ", ".join(parts)


def attribution_text(attribution: Attribution) -> str:
    """The credit to paste under the recipe: itself (with its address and deed), then its sources."""
    itself = attribution.itself
    lines = [f"{_work(itself)} — {recipe_url(itself)}"]
    if deed(itself.licence):
        lines.append(_("Licence: %(deed)s", deed=deed(itself.licence)))
    if attribution.chain:
        lines.append(chain_text(attribution.chain) + ".")
    return "\n".join(lines)


def attribution_html(attribution: Attribution) -> Markup:
    return get_template_attribute("licences/_macros.html", "attribution")(attribution)


def credit_dict(credit: Credit) -> dict[str, Any]:
    """One recipe of the chain as the API gives it."""
    recipe = credit.recipe
    return {
        "slug": recipe.slug,
        "title": recipe.title,
        "region": recipe.region.slug if recipe.region is not None else None,
        "revision": credit.revision,
        "licence": credit.licence,
        "authors": credit.authors,
    }


def json_ld(attribution: Attribution) -> dict[str, Any]:
    """The recipe as a schema.org CreativeWork: licence, authors and the works it is based on."""
    return {"@context": "https://schema.org", **_creative_work(attribution.itself, attribution.chain)}


def _creative_work(credit: Credit, chain: list[Credit]) -> dict[str, Any]:
    recipe = credit.recipe
    work: dict[str, Any] = {
        "@type": "CreativeWork",
        "name": recipe.title,
        "url": recipe_url(credit),
        "license": deed(credit.licence) or credit.licence,
        "author": [{"@type": "Person", "name": author} for author in credit.authors],
        "inLanguage": recipe.language,
        "dateModified": iso_time(recipe.updated_at),
    }
    if credit.revision is not None:
        work["version"] = credit.revision
    if chain:
        work["isBasedOn"] = _creative_work(chain[0], chain[1:])
    return work


def init_app(app: Flask) -> None:
    # A global rather than a context value: macros imported by other templates see globals only.
    names = {spdx: known.name for spdx, known in LICENCES.items()}
    app.jinja_env.globals.update(licences=LICENCES, licence_names=names, may_adapt=may_adapt)
