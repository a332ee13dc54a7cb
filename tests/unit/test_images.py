"""Pictures: recognised by their content, stored once, listed with their recipe, never deleted."""

from __future__ import annotations

import io

import pytest
from PIL import Image as PillowImage
from sqlalchemy import func, select

from recipes.community import accounts
from recipes.errors import Forbidden, Invalid, NotFound, TooLarge, Unauthorized
from recipes.history import editing
from recipes.history.images import (
    MAX_IMAGE_BYTES,
    check_picture,
    get_image,
    is_media_path,
    media_path,
    recipe_pictures,
    referenced_image_ids,
    upload_image,
)
from recipes.models import Change, Image, ImageUpload
from recipes.moderation.blocks import block_user
from wiki.markdown import render_markdown


def picture_bytes(pillow_format: str, size: tuple[int, int] = (3, 2), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    PillowImage.new(mode, size, (200, 120, 40) if mode == "RGB" else 0).save(buffer, pillow_format)
    return buffer.getvalue()


PNG = picture_bytes("PNG")
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)


@pytest.fixture
def author(session):
    return accounts.create_user(session, "camille", "password123", role="editor")


@pytest.fixture
def recipe(session, author, render):
    return editing.create_recipe(
        session, author=author, title="Copy party", body="Du café.", render=render
    ).recipe


@pytest.mark.parametrize(
    ("pillow_format", "content_type"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"), ("WEBP", "image/webp")],
)
def test_the_four_picture_types_are_recognised_by_their_bytes(pillow_format, content_type):
    facts = check_picture(picture_bytes(pillow_format, (7, 5)))
    assert (facts.content_type, facts.width, facts.height) == (content_type, 7, 5)


@pytest.mark.parametrize(
    "data",
    [
        b"This is a text file that someone named photo.png",
        b"GIF88a not quite a gif",
        b"RIFF\x00\x00\x00\x00WAVEfmt ",  # a sound, in the same envelope as WebP
        b"%PDF-1.7\n",
        b"<html><script>alert(1)</script></html>",
    ],
)
def test_files_that_are_not_pictures_are_refused(data):
    with pytest.raises(Invalid, match="not a picture"):
        check_picture(data)


@pytest.mark.parametrize(
    "data",
    [PNG[:40], PNG[:8] + b"\x00" * 100, picture_bytes("JPEG", (40, 30))[:200], b"GIF89a" + b"\xff" * 30],
)
def test_files_that_only_start_like_pictures_are_refused(data):
    with pytest.raises(Invalid, match="damaged or incomplete"):
        check_picture(data)


@pytest.mark.parametrize(
    "svg", [SVG_WITH_SCRIPT, b"<svg onload=alert(1)></svg>", b"  <!-- a poster -->\n<svg></svg>"]
)
def test_svg_is_refused_with_the_reason(svg):
    with pytest.raises(Invalid, match="SVG"):
        check_picture(svg)


def test_empty_and_oversized_files_are_refused():
    with pytest.raises(Invalid, match="empty"):
        check_picture(b"")
    with pytest.raises(TooLarge, match="5 MB"):
        check_picture(PNG + b"\x00" * MAX_IMAGE_BYTES)


@pytest.mark.parametrize("side", [7_000, 10_000])
def test_a_small_file_claiming_a_huge_canvas_is_refused_before_decoding(side):
    # 49 and 100 megapixels in a few kilobytes: over Levain's limit, and over Pillow's own warning.
    bomb = picture_bytes("PNG", (side, side), mode="1")
    assert len(bomb) < 50_000
    with pytest.raises(TooLarge, match="pixels"):
        check_picture(bomb)


def test_media_paths():
    sha = "ab" * 32
    assert is_media_path(f"/media/{sha}.png") and is_media_path(f"/media/{sha}.webp")
    for url in (
        f"/media/{sha}.svg",
        f"/media/{sha}.png?x=1",
        f"/media/{sha.upper()}.png",
        f"https://evil.example/media/{sha}.png",
        f"//evil.example/media/{sha}.png",
        "/media/four.png",
        f"/media/../{sha}.png",
    ):
        assert not is_media_path(url), url
    html = f'<img src="/media/{sha}.png"><img src="/media/{sha}.png"><a href="/media/{"cd" * 32}.gif">'
    assert referenced_image_ids(html) == [sha, "cd" * 32]


def test_a_picture_is_stored_once_whoever_sends_it_and_wherever(session, author, recipe, render):
    other = editing.create_recipe(session, author=author, title="Repair café", body="x", render=render).recipe
    first = upload_image(session, user=author, data=PNG, recipe_slug=recipe.slug)
    again = upload_image(session, user=author, data=PNG, recipe_slug=recipe.slug)
    elsewhere = upload_image(session, user=author, data=PNG, recipe_slug=other.slug)
    unsaved = upload_image(session, user=author, data=PNG)

    assert (first.created, again.created, elsewhere.created, unsaved.created) == (True, False, False, False)
    assert first.image.id == again.image.id == elsewhere.image.id
    assert session.scalar(select(func.count()).select_from(Image)) == 1
    uploads = session.execute(
        select(ImageUpload.recipe_id, ImageUpload.user_id).order_by(ImageUpload.id)
    ).all()
    assert uploads == [(recipe.id, author.id), (other.id, author.id), (None, author.id)]
    assert media_path(first.image) == f"/media/{first.image.id}.png"


def test_an_upload_to_a_recipe_is_a_recent_change(session, author, recipe):
    image = upload_image(session, user=author, data=PNG, recipe_slug=recipe.slug).image
    upload_image(session, user=author, data=PNG, recipe_slug=recipe.slug)
    changes = session.scalars(select(Change).where(Change.type == "upload")).all()
    assert [(c.recipe_id, c.user_id, c.summary) for c in changes] == [
        (recipe.id, author.id, media_path(image))
    ]


def test_who_may_upload(session, author, recipe):
    with pytest.raises(Unauthorized):
        upload_image(session, user=None, data=PNG, recipe_slug=recipe.slug)
    with pytest.raises(NotFound):
        upload_image(session, user=author, data=PNG, recipe_slug="no-such-recipe")
    moderator = accounts.create_user(session, "modo", "password123", role="moderator")
    block_user(session, "camille", moderator=moderator, reason="spam")
    with pytest.raises(Forbidden, match="blocked"):
        upload_image(session, user=author, data=PNG, recipe_slug=recipe.slug)
    with pytest.raises(Forbidden, match="blocked"):
        upload_image(session, user=author, data=PNG)
    assert session.scalar(select(func.count()).select_from(Image)) == 0


def test_get_image_by_its_media_name(session, author):
    image = upload_image(session, user=author, data=PNG).image
    assert get_image(session, image.filename).data == PNG
    for name in (f"{image.id}.jpg", f"{image.id}.PNG", f"{'0' * 64}.png", "x.png", f"{image.id}"):
        with pytest.raises(NotFound):
            get_image(session, name)


def test_pictures_of_a_recipe_stay_when_a_revision_drops_them(session, author, recipe, render):
    uploaded = upload_image(session, user=author, data=PNG, recipe_slug=recipe.slug).image
    gif = upload_image(session, user=author, data=picture_bytes("GIF")).image  # from another editor
    text = f"![affiche]({media_path(gif)})"
    editing.save_edit(session, recipe.slug, author=author, body=text, base_revision=1, render=render)
    shown = recipe_pictures(session, recipe, render(text), "none")
    assert [(p.image.id, p.upload is not None) for p in shown] == [(uploaded.id, True), (gif.id, False)]

    editing.save_edit(
        session, recipe.slug, author=author, body="Plus d'images.", base_revision=2, render=render
    )
    assert [p.image.id for p in recipe_pictures(session, recipe, "<p>Plus d'images.</p>", "none")] == [
        uploaded.id
    ]
    assert get_image(session, gif.filename).data == picture_bytes("GIF")


def test_uploads_of_accounts_under_review_are_listed_once_a_published_text_shows_them(session, recipe):
    newcomer = accounts.create_user(session, "nouveau", "password123", role="contributor")
    image = upload_image(session, user=newcomer, data=PNG, recipe_slug=recipe.slug).image
    assert recipe_pictures(session, recipe, "<p>Du café.</p>", "new-accounts") == []
    assert [p.image.id for p in recipe_pictures(session, recipe, "<p>Du café.</p>", "none")] == [image.id]
    shown = f'<img src="{media_path(image)}">'
    assert [p.upload.user.name for p in recipe_pictures(session, recipe, shown, "new-accounts")] == [
        "nouveau"
    ]


def test_only_the_wikis_own_pictures_are_shown_as_pictures():
    sha = "ab" * 32
    assert f'<img src="/media/{sha}.png" alt="Affiche">' in render_markdown(f"![Affiche](/media/{sha}.png)")
    external = render_markdown("![Affiche](https://example.org/a.png)")
    assert "<img" not in external
    assert '<a href="https://example.org/a.png" rel="noopener noreferrer nofollow">Affiche</a>' in external
    for url in (
        f"/media/{sha}.svg",
        "/media/x.png",
        f"//evil.example/media/{sha}.png",
        f"/media/{sha}.png?x=1",
    ):
        assert "<img" not in render_markdown(f"![a]({url})"), url


def test_an_account_below_moderator_has_a_daily_upload_quota(session, author, recipe, monkeypatch):
    from recipes.history import images

    pictures = [picture_bytes("PNG", (n, n)) for n in (10, 11, 12)]
    monkeypatch.setattr(images, "DAILY_UPLOAD_QUOTA_BYTES", len(pictures[0]) + len(pictures[1]))
    for data in pictures[:2]:
        upload_image(session, user=author, data=data, recipe_slug=recipe.slug)
    with pytest.raises(TooLarge, match="in the last 24 hours"):
        upload_image(session, user=author, data=pictures[2], recipe_slug=recipe.slug)
    assert session.scalar(select(func.count()).select_from(Image)) == 2
    moderator = accounts.create_user(session, "mo", "password123", role="moderator")
    upload_image(session, user=moderator, data=pictures[2], recipe_slug=recipe.slug)
