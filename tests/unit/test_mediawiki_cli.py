"""``levain import-mediawiki`` and ``levain user password`` through Flask's CLI runner."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from recipes.community.accounts import authenticate
from recipes.models import Recipe

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mediawiki"
EXPORT = FIXTURES / "recettes-0.11.xml"


def invoke(app, *args, input=None):
    return app.test_cli_runner().invoke(args=[str(arg) for arg in args], input=input)


def recipes_in(app) -> int:
    with app.extensions["levain.sessions"]() as session:
        return session.scalar(select(func.count()).select_from(Recipe))


def test_the_import_prints_its_report_and_the_recipes_are_found_by_search(app):
    assert invoke(app, "region", "add", "Pays de Brest").output.strip() == "pays-de-brest"
    result = invoke(app, "import-mediawiki", EXPORT, "--region", "pays-de-brest", "--licence", "CC-BY-SA-4.0")
    assert result.exit_code == 0, result.output
    assert "Export of recettes@recettes.example.org: 8 pages." in result.output
    assert "Recipes created: 3; updated: 0." in result.output
    assert "Revisions imported: 9 (0 merged with edits made here); already imported: 0" in result.output
    assert "Accounts created: 6 (Admin, Anonyme, Jean-Éric_L-Hostis" in result.output
    assert "Old addresses kept from redirects: carto-partie → cartopartie." in result.output
    assert "  in namespace Discussion: 1 (Discussion:Copy party)" in result.output
    assert "  {{Ébauche}}: 1" in result.output
    assert invoke(app, "search", "check").exit_code == 0
    found = app.test_client().get("/api/v1/search?q=cartographier").get_json()
    assert [hit["slug"] for hit in found["hits"]] == ["cartopartie"]


def test_a_dry_run_says_so_and_writes_nothing(app):
    result = invoke(app, "import-mediawiki", EXPORT, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Dry run: nothing was written.")
    assert "Recipes created: 3" in result.output
    assert recipes_in(app) == 0


def test_the_recipes_imported_are_under_the_licence_asked_for_or_the_instance_default(app):
    assert invoke(app, "import-mediawiki", EXPORT, "--licence", "CC-BY-4.0").exit_code == 0
    with app.extensions["levain.sessions"]() as session:
        assert set(session.scalars(select(Recipe.licence))) == {"CC-BY-4.0"}


def test_without_licence_the_recipes_imported_get_the_instance_default(app):
    app.config["LICENCES"] = ("CC0-1.0",)
    assert invoke(app, "import-mediawiki", EXPORT).exit_code == 0
    with app.extensions["levain.sessions"]() as session:
        assert set(session.scalars(select(Recipe.licence))) == {"CC0-1.0"}


def test_a_truncated_export_exits_1_with_the_line_where_it_broke(app, tmp_path):
    truncated = tmp_path / "recettes.xml"
    truncated.write_bytes(EXPORT.read_bytes()[:9000])
    result = invoke(app, "import-mediawiki", truncated)
    assert result.exit_code == 1
    assert "Error: line 244: this is not a well-formed MediaWiki export" in result.output
    assert recipes_in(app) == 0


def test_an_imported_author_logs_in_once_given_a_password(app):
    invoke(app, "import-mediawiki", EXPORT)
    result = invoke(app, "user", "password", "Zoé", input="un-mot-de-passe\nun-mot-de-passe\n")
    assert result.exit_code == 0, result.output
    with app.extensions["levain.sessions"]() as session:
        assert authenticate(session, "Zoé", "un-mot-de-passe").name == "Zoé"
    unknown = invoke(app, "user", "password", "personne", "--password", "un-mot-de-passe")
    assert unknown.exit_code == 1 and "no user" in unknown.output
