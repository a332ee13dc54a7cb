"""An import refuses a file it cannot trust, with the line and the reason, and imports nothing of it."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from recipes.community import accounts
from recipes.errors import Invalid
from recipes.exchange import ImportRefused, import_wiki
from recipes.exchange.plan import export_plan
from tests.unit.exchange_wiki import Databases, build_wiki, export_text


@pytest.fixture(scope="module")
def exported(sqlite_template, tmp_path_factory):
    """One export (made on SQLite) that each case spoils in its own way."""
    from tests.conftest import plain_render

    databases = Databases("sqlite", sqlite_template, tmp_path_factory.mktemp("export"))
    session = databases.session(databases.empty_sqlite())
    build_wiki(session, plain_render)
    text = export_text(session)
    databases.close()
    return text


def line_of(lines, table, predicate=lambda row: True):
    """The index (0-based) of the first record of ``table`` whose row satisfies ``predicate``."""
    return next(
        i
        for i, line in enumerate(lines)
        if (r := json.loads(line)).get("table") == table and predicate(r["row"])
    )


def edited(lines, index, change):
    record = json.loads(lines[index])
    change(record)
    return lines[:index] + [json.dumps(record, ensure_ascii=False)] + lines[index + 1 :]


def spoil(case: str, lines: list[str]) -> tuple[list[str], int, str]:
    """The spoiled lines, the line number the refusal must name, and words of its reason."""
    users = line_of(lines, "users")
    revision = line_of(lines, "revisions", lambda row: row["number"] == 2)
    if case == "truncated between lines":
        return lines[:-3], len(lines) - 2, "truncated"
    if case == "truncated inside a line":
        return lines[:-2] + [lines[-2][:25]], len(lines) - 1, "not a complete JSON record"
    if case == "another format":
        return ['{"format": "mediawiki-xml", "version": 1}'] + lines[1:], 1, "not a Levain export"
    if case == "another version":
        header = json.loads(lines[0]) | {"version": 2}
        return [json.dumps(header)] + lines[1:], 1, "format version 2"
    if case == "unknown table":
        return edited(lines, users, lambda r: r.update(table="people")), users + 1, "unknown table 'people'"
    if case == "unknown column":
        return edited(lines, users, lambda r: r["row"].update(karma=3)), users + 1, "unknown column 'karma'"
    if case == "missing column":
        return (
            edited(lines, users, lambda r: r["row"].pop("role")),
            users + 1,
            "'role' of table 'users' is missing",
        )
    if case == "wrong type":
        spoiled = edited(lines, revision, lambda r: r["row"].update(size="big"))
        return spoiled, revision + 1, "revisions.size: expected a whole number"
    if case == "naive time":
        spoiled = edited(lines, revision, lambda r: r["row"].update(created_at="2024-01-02T03:04:05"))
        return spoiled, revision + 1, "UTC offset"
    if case == "broken reference":
        spoiled = edited(lines, revision, lambda r: r["row"].update(author_id=999))
        return spoiled, revision + 1, "revisions.author_id refers to users id=999"
    if case == "broken forward reference":
        recipe = line_of(lines, "recipes")
        spoiled = edited(lines, recipe, lambda r: r["row"].update(head_revision_id=9999))
        return spoiled, recipe + 1, "recipes.head_revision_id refers to revisions id=9999"
    if case == "duplicate id":
        return (
            lines[: users + 1] + [lines[users]] + lines[users + 1 :],
            users + 2,
            "a second 'users' row with the key id=1",
        )
    if case == "duplicate name":
        spoiled = edited(
            lines, users + 1, lambda r: r["row"].update(name=json.loads(lines[users])["row"]["name"])
        )
        return spoiled, users + 2, "the database refuses this 'users' row"
    if case == "text too long":
        spoiled = edited(lines, users, lambda r: r["row"].update(name="x" * 41))
        return spoiled, users + 1, "users.name: expected at most 40 characters"
    if case == "blob text changed":
        blob = line_of(lines, "blobs")
        spoiled = edited(lines, blob, lambda r: r["row"].update(text=r["row"]["text"] + "!"))
        return spoiled, blob + 1, "does not match its id"
    if case == "tables out of order":
        late_user = edited(lines, users, lambda r: r["row"].update(id=999, name="late"))[users]
        return lines + [late_user], len(lines) + 1, "records come table by table"
    if case == "integer past 64 bits":
        spoiled = edited(lines, revision, lambda r: r["row"].update(size=2**64))
        return spoiled, revision + 1, "revisions.size: expected a whole number from"
    if case == "time past the year 9999 in UTC":
        spoiled = edited(lines, revision, lambda r: r["row"].update(created_at="9999-12-31T23:59:59-12:00"))
        return spoiled, revision + 1, "revisions.created_at: expected a time between the years 1 and 9999"
    if case == "user name a form refuses":
        spoiled = edited(lines, users, lambda r: r["row"].update(name="<script>"))
        return spoiled, users + 1, "users: A user name has 2 to 40"
    if case == "picture that is not one":
        image = line_of(lines, "images")
        spoiled = edited(lines, image, lambda r: r["row"].update(data="PHN2Zz48L3N2Zz4="))  # <svg></svg>
        return spoiled, image + 1, "images: SVG pictures are not accepted"
    if case == "picture with another id":
        image = line_of(lines, "images")
        spoiled = edited(lines, image, lambda r: r["row"].update(id="0" * 64))
        return spoiled, image + 1, "images: the picture's id is"
    if case == "not a record":
        return lines[:users] + ["[1, 2, 3]"] + lines[users + 1 :], users + 1, "a record is"
    raise AssertionError(case)


CASES = [
    "truncated between lines",
    "truncated inside a line",
    "another format",
    "another version",
    "unknown table",
    "unknown column",
    "missing column",
    "wrong type",
    "naive time",
    "broken reference",
    "broken forward reference",
    "duplicate id",
    "duplicate name",
    "text too long",
    "blob text changed",
    "tables out of order",
    "not a record",
    "integer past 64 bits",
    "time past the year 9999 in UTC",
    "user name a form refuses",
    "picture that is not one",
    "picture with another id",
]


@pytest.fixture
def target(db_url, sqlite_template, tmp_path):
    databases = Databases(db_url, sqlite_template, tmp_path)
    yield databases.session(databases.empty())
    databases.close()


def assert_empty(session):
    for plan in export_plan(True):
        assert session.scalar(select(func.count()).select_from(plan.table)) == 0, plan.name


@pytest.mark.parametrize("case", CASES)
def test_a_spoiled_file_is_refused_with_its_line(case, exported, target, render):
    lines, line_number, reason = spoil(case, exported.splitlines())
    with pytest.raises(ImportRefused) as refusal:
        import_wiki(target, io.StringIO("\n".join(lines) + "\n"), render=render)
    assert refusal.value.line == line_number, refusal.value.message
    assert reason in refusal.value.message
    assert_empty(target)  # nothing half-imported


def test_an_empty_file_is_refused(target, render):
    with pytest.raises(ImportRefused, match="line 1: the file is empty"):
        import_wiki(target, io.StringIO(""), render=render)


def test_a_wiki_that_is_not_empty_is_left_alone(exported, target, render):
    accounts.create_user(target, "already", "a long enough password")
    with pytest.raises(Invalid, match="not empty"):
        import_wiki(target, io.StringIO(exported), render=render)
    assert [name for (name,) in target.execute(select(accounts.User.name))] == ["already"]
