"""Recording when and where a recipe was done, its account, series of events, and finding events."""

import json
from datetime import UTC, date, datetime

import icalendar
import pytest
from sqlalchemy import select

from recipes.community import accounts, regions
from recipes.errors import Forbidden, Invalid, NotFound
from recipes.events import finding, formats
from recipes.events.recording import (
    approve_event,
    change_event,
    delete_event,
    get_event,
    record_event,
    record_lesson,
)
from recipes.events.series import create_series, place_region
from recipes.history import editing
from recipes.journal.changes import change_rows, changes_query
from recipes.lineage import forks
from recipes.lineage.tree import lineage
from recipes.models import AuditEntry, Change
from recipes.moderation import protection

TEXT = "# Copy party\n\nOn copie des logiciels libres.\n"


@pytest.fixture
def lea(session):
    regions.create_region(session, "Brest")
    regions.create_region(session, "Genève")
    return accounts.create_user(session, "lea", "password123", role="editor")


@pytest.fixture
def recipe(session, lea, render):
    return editing.create_recipe(session, author=lea, title="Copy party", body=TEXT, render=render).recipe


def record(session, lea, render, slug="copy-party", **fields):
    return record_event(
        session, slug, {"starts_at": "2026-05-14", "place": "Brest", **fields}, author=lea, render=render
    )


def record_awaiting_review(session, render, **fields):
    """An event on the recipe by a new account whose contributions wait for review; and that account."""
    newcomer = accounts.create_user(session, "nina", "password123", role="contributor")
    event = record_event(
        session,
        "copy-party",
        {"starts_at": "2026-05-14", "place": "Brest", **fields},
        author=newcomer,
        render=render,
        review_policy="new-accounts",
    )
    return event, newcomer


def test_an_event_records_the_day_the_place_and_the_head_revision_followed(session, lea, recipe, render):
    event = record(session, lea, render, latitude=48.39, longitude=-4.49, region="brest", participants=30)

    assert (event.starts_at, event.all_day, event.place) == (datetime(2026, 5, 14, tzinfo=UTC), True, "Brest")
    assert (event.latitude, event.longitude, event.region.slug) == (48.39, -4.49, "brest")
    assert event.revision.number == 1 and event.participants == 30
    assert event.title == "Copy party, Brest"
    assert event.status == "approved"


def test_a_time_span_keeps_its_timezone_as_utc(session, lea, recipe, render):
    event = record(
        session, lea, render, starts_at="2026-05-14T18:00:00+02:00", ends_at="2026-05-14T22:00+02:00"
    )

    assert event.starts_at == datetime(2026, 5, 14, 16, tzinfo=UTC)
    assert event.ends_at == datetime(2026, 5, 14, 20, tzinfo=UTC)
    assert not event.all_day


@pytest.mark.parametrize(
    "fields, words",
    [
        ({"latitude": 91, "longitude": 0}, "latitude"),
        ({"latitude": 0, "longitude": -180.5}, "longitude"),
        ({"latitude": 48.0}, "both"),
        ({"starts_at": "2026-05-14", "ends_at": "2026-05-13"}, "after its start"),
        ({"starts_at": "14/05/2026"}, "not a date"),
        ({"starts_at": "2026-05-14T18:00"}, "timezone"),
        ({"region": "atlantis"}, "no region"),
        ({"series": "nope"}, "no series"),
        ({"revision": 7}, "no revision"),
        ({"place": "  "}, "place"),
        ({"participants": -3}, "participants"),
        ({"url": "javascript:alert(1)"}, "web address"),
    ],
)
def test_bad_input_is_refused_with_a_sentence_and_nothing_is_saved(
    session, lea, recipe, render, fields, words
):
    with pytest.raises(Invalid, match=words):
        record(session, lea, render, **fields)

    assert finding.find_events(session, finding.EventFilters(), lea).items == []


def test_the_account_is_written_later_rendered_and_recorded_in_changes_and_the_audit_log(
    session, lea, recipe, render
):
    event = record(session, lea, render)
    change_event(
        session, event.id, {"report": "Ça a <b>marché</b>", "participants": 12}, user=lea, render=render
    )

    again = get_event(session, event.id)
    assert again.report == "Ça a <b>marché</b>" and again.report_html == render("Ça a <b>marché</b>")
    assert again.participants == 12
    types = session.scalars(select(Change.type).order_by(Change.id)).all()
    assert types[-2:] == ["event", "event_edit"]
    assert session.scalars(select(AuditEntry.action)).all() == ["event", "event_edit"]


def test_only_the_author_editors_and_moderators_change_or_delete_an_event(session, lea, recipe, render):
    event = record(session, lea, render)
    other = accounts.create_user(session, "tom", "password123", role="contributor")

    with pytest.raises(Forbidden):
        change_event(session, event.id, {"place": "Quimper"}, user=other, render=render)
    with pytest.raises(Forbidden):
        delete_event(session, event.id, user=other)
    delete_event(session, event.id, user=lea)
    with pytest.raises(NotFound):
        get_event(session, event.id)


def test_an_event_by_an_account_whose_edits_wait_for_review_waits_too(session, lea, recipe, render):
    event, newcomer = record_awaiting_review(session, render)

    assert event.status == "pending"
    assert finding.find_events(session, finding.EventFilters(), None).items == []
    assert [e.id for e in finding.find_events(session, finding.EventFilters(), newcomer).items] == [event.id]


def test_events_are_found_by_lineage_region_dates_and_box(session, lea, recipe, render):
    forks.fork_recipe(session, "copy-party", author=lea, region="geneve", render=render)
    brest = record(session, lea, render, latitude=48.39, longitude=-4.49, region="brest")
    geneva = record(
        session,
        lea,
        render,
        slug="copy-party-geneve",
        starts_at="2026-06-01",
        place="Genève",
        latitude=46.2,
        longitude=6.14,
        region="geneve",
    )

    def found(**args):
        return [e.id for e in finding.find_events(session, finding.clean_filters(args), None).items]

    assert found(recipe="copy-party") == [brest.id]
    assert found(recipe="copy-party", lineage="true") == [brest.id, geneva.id]
    assert found(recipe="copy-party-geneve", lineage="true") == [brest.id, geneva.id]
    assert found(region="geneve") == [geneva.id]
    assert found(**{"from": "2026-05-15"}) == [geneva.id]
    assert found(to="2026-05-14") == [brest.id]
    assert found(bbox="-5,47,-1,49") == [brest.id]
    assert found(bbox="170,-90,7,90") == [brest.id, geneva.id]  # across the antimeridian
    assert found(recipe="nothing-here") == []


def test_each_recipe_of_a_lineage_counts_the_times_it_was_done(session, lea, recipe, render):
    variant = forks.fork_recipe(session, "copy-party", author=lea, region="geneve", render=render).recipe
    record(session, lea, render, slug="copy-party-geneve")
    record(session, lea, render, slug="copy-party-geneve", starts_at="2026-06-01")
    record_awaiting_review(session, render)

    family = lineage(session, "copy-party")
    assert sorted(family.recipe_ids()) == sorted([recipe.id, variant.id])
    assert finding.events_done_by_recipe(session, family.recipe_ids()) == {variant.id: 2}


@pytest.mark.parametrize(
    "args",
    [
        {"bbox": "1,2,3"},
        {"bbox": "0,95,1,96"},
        {"from": "yesterday"},
        {"lineage": "true"},
        {"lineage": "maybe", "recipe": "x"},
    ],
)
def test_malformed_filters_are_invalid(args):
    with pytest.raises(Invalid):
        finding.clean_filters(args)


def test_an_event_links_to_the_revision_its_account_led_to(session, lea, recipe, render):
    event = record(session, lea, render, report="Prévoir des rallonges.")
    edit = editing.save_edit(
        session, "copy-party", author=lea, body=TEXT + "\nDes rallonges.\n", base_revision=1, render=render
    )

    record_lesson(session, event.id, edit.revision.number, user=lea)
    assert get_event(session, event.id).led_to_revision.number == 2
    assert finding.lessons_by_revision(session, [edit.revision.id], None) == {edit.revision.id: [event]}
    assert session.scalars(select(Change.type).order_by(Change.id.desc())).first() == "event_edit"
    with pytest.raises(Invalid, match="has no revision 7"):
        record_lesson(session, event.id, 7, user=lea)
    moderator = accounts.create_user(session, "mo", "password123", role="moderator")
    protection.protect_recipe(session, "copy-party", moderator=moderator, level="moderator", reason="calme")
    with pytest.raises(Forbidden):  # only those who may edit the recipe say what an edit came from
        record_lesson(session, event.id, 1, user=lea)
    change_event(session, event.id, {"led_to_revision": None}, user=lea, render=render)
    assert get_event(session, event.id).led_to_revision is None


def test_watched_events_are_those_of_watched_recipes_and_regions(session, lea, recipe, render):
    brest = regions.get_region(session, "brest")
    editing.create_recipe(session, author=lea, title="Atelier vélo", body=TEXT, render=render)
    on_recipe = record(session, lea, render)
    in_region = record(session, lea, render, slug="atelier-velo", region="brest", starts_at="2026-06-01")
    record(session, lea, render, slug="atelier-velo", title="Ailleurs")

    def watched(recipe_ids, region_ids):
        return [event.id for event in finding.watched_events(session, recipe_ids, region_ids, None)]

    assert watched([recipe.id], []) == [on_recipe.id]
    assert watched([recipe.id], [brest.id]) == [in_region.id, on_recipe.id]
    assert watched([], []) == []


def test_a_recipes_latest_events_are_its_approved_ones_that_started_last(session, lea, recipe, render):
    for day in range(1, 8):
        record(session, lea, render, starts_at=f"2026-05-0{day}", title=f"Mai {day}")
    record_awaiting_review(session, render, starts_at="2026-09-01", place="Quimper")

    latest = finding.latest_events(session, recipe.id)
    assert [event.title for event in latest] == ["Mai 7", "Mai 6", "Mai 5", "Mai 4", "Mai 3"]
    assert [event.title for event in finding.latest_events(session, recipe.id, limit=2)] == ["Mai 7", "Mai 6"]


def test_events_page_by_start_with_a_cursor(session, lea, recipe, render):
    ids = [record(session, lea, render, starts_at=f"2026-05-{day:02}").id for day in (3, 1, 2)]

    first = finding.find_events(session, finding.EventFilters(), None, limit=2)
    second = finding.find_events(session, finding.EventFilters(), None, limit=2, cursor=first.next)

    assert [e.id for e in first.items + second.items] == [ids[1], ids[2], ids[0]]
    assert second.next is None


def test_a_series_groups_events_across_towns(session, lea, recipe, render):
    series = create_series(
        session,
        {"name": "Festival des communs", "starts_on": "2026-10-01", "ends_on": "2026-10-15"},
        author=lea,
    )
    record(session, lea, render, series=series.slug, starts_at="2026-10-02")

    assert (series.slug, series.starts_on) == ("festival-des-communs", date(2026, 10, 1))
    assert len(finding.find_events(session, finding.EventFilters(series=series.slug), None).items) == 1
    with pytest.raises(Invalid, match="after its first day"):
        create_series(
            session, {"name": "Later", "starts_on": "2026-10-02", "ends_on": "2026-10-01"}, author=lea
        )


def test_a_region_is_placed_on_the_map(session, lea):
    region = place_region(session, "brest", {"latitude": "48.39", "longitude": -4.49}, user=lea)

    assert (region.latitude, region.longitude) == (48.39, -4.49)
    with pytest.raises(Invalid):
        place_region(session, "brest", {"latitude": 100}, user=lea)


def test_geojson_puts_longitude_first_and_icalendar_parses_back(session, lea, recipe, render):
    event = record(session, lea, render, latitude=48.39, longitude=-4.49, ends_at="2026-05-15")
    record(session, lea, render, place="Nowhere in particular")

    rows = finding.mapped_rows(session, finding.EventFilters(), None)
    collection = json.loads(formats.feature_collection(rows, "https://wiki.example/events/"))
    (feature,) = collection["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [-4.49, 48.39]}
    assert feature["properties"]["url"] == f"https://wiki.example/events/{event.id}"
    assert feature["properties"]["starts_at"] == "2026-05-14"

    events = finding.all_events(session, finding.EventFilters(), None)
    ics = formats.calendar(
        events, page_prefix="https://wiki.example/events/", domain="wiki.example", name="Levain"
    )
    vevents = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert [str(v["uid"]) for v in vevents][0] == f"event-{event.id}@wiki.example"
    assert vevents[0].decoded("dtstart") == date(2026, 5, 14)
    assert vevents[0].decoded("dtend") == date(2026, 5, 16)


def test_the_demo_has_events_with_accounts_in_several_regions_and_a_series(session, render):
    from recipes import demo

    demo.load_demo(session, render=render)

    events = finding.all_events(session, finding.EventFilters(), None)
    assert len({event.region.slug for event in events if event.region}) >= 4
    assert sum(bool(event.report_html) for event in events) >= 3
    assert finding.all_events(session, finding.EventFilters(series="fete-des-communs-2026"), None)
    assert finding.mapped_rows(
        session, finding.clean_filters({"recipe": "copy-party", "lineage": "true"}), None
    )


def test_events_and_series_travel_with_an_export(session, render, db_url, sqlite_template, tmp_path):
    import io

    from recipes import demo
    from recipes.exchange import import_wiki
    from tests.unit.exchange_wiki import Databases, export_text

    demo.load_demo(session, render=render)
    exported = export_text(session)
    assert '"events"' in exported.splitlines()[0] and '"event_series"' in exported.splitlines()[0]

    databases = Databases(db_url, sqlite_template, tmp_path)
    try:
        target = databases.session(databases.empty())
        import_wiki(target, io.StringIO(exported), render=render)
        assert export_text(target) == exported
        events = finding.all_events(target, finding.EventFilters(), None)
        assert len(events) == len(finding.all_events(session, finding.EventFilters(), None))
        target.close()
    finally:
        databases.close()


def test_an_event_awaiting_review_reaches_recent_changes_only_once_approved(session, lea, recipe, render):
    def public_changes():
        rows = change_rows(session, changes_query(None))
        return [row.change.type for row in rows if "Quimper" in (row.change.summary or "")]

    event, newcomer = record_awaiting_review(session, render, place="Quimper")
    change_event(session, event.id, {"participants": 12}, user=newcomer, render=render)
    assert public_changes() == [], "its title and place wait with it"
    audited = session.scalars(select(AuditEntry.action).where(AuditEntry.summary.contains("Quimper"))).all()
    assert sorted(audited) == ["event", "event_edit"]

    moderator = accounts.create_user(session, "morgane", "password123", role="moderator")
    approve_event(session, event.id, user=moderator)
    assert public_changes() == ["event_approve"]
