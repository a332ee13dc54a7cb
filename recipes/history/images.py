"""Pictures in recipes: checked by their content, stored once, never deleted.

Glossary:
- *image*: the bytes of a picture stored once under the sha-256 of those bytes, with its type and size.
  It lives in the database (not on one server's disk) so that every app server can serve it.
- *upload*: who sent a picture to which recipe, and when. Sending the same bytes again stores nothing
  new; it only records the upload if this person had not sent it to this recipe yet.
- *media name*: ``<sha-256>.<extension>``, the address a picture is served under below ``/media/``
  and the only kind of picture the Markdown renderer shows.
- *pictures of a recipe*: those uploaded to it and those its published text shows.

Only PNG, JPEG, GIF and WebP are accepted, recognised by their first bytes (never by the file's name)
and then decoded whole by Pillow, so that a file that merely starts like a picture is refused too.
SVG is refused: it is a document that can carry scripts, not just a picture.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload, undefer

from recipes.community.policy import allowed, must_wait_for_review, require, role_rank
from recipes.database import write_transaction
from recipes.errors import Invalid, NotFound, TooLarge
from recipes.journal.changes import record_change
from recipes.models import IMAGE_EXTENSIONS, Image, ImageUpload, Recipe, User, utcnow
from recipes.queries import get_recipe, revision_content

MAX_IMAGE_BYTES = 5 * 1024 * 1024
# What one account below moderator may upload in a day: a few dozen photos, not a free file host.
DAILY_UPLOAD_QUOTA_BYTES = 50 * 1024 * 1024
# A picture is decoded whole to check it: a small file claiming a huge canvas (a "decompression bomb")
# would take gigabytes of memory. 40 megapixels is more than any phone camera's photo.
MAX_IMAGE_PIXELS = 40_000_000
MEDIA_PREFIX = "/media/"
MEDIA_NAME = re.compile(r"(?P<id>[0-9a-f]{64})\.(?P<extension>png|jpg|gif|webp)")
_MEDIA_NAME_IN_HTML = re.compile(re.escape(MEDIA_PREFIX) + MEDIA_NAME.pattern)

# The first bytes of each accepted type, and the name Pillow gives its decoder.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG"),
    (b"GIF87a", "image/gif", "GIF"),
    (b"GIF89a", "image/gif", "GIF"),
)
_WEBP_MARKERS = (b"RIFF", b"WEBP")  # "RIFF", four bytes of length, "WEBP"
# An <svg> root, perhaps after an XML declaration, comments and a doctype.
_SVG_START = re.compile(rb"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!doctype[^>]*>\s*)?<svg\b", re.I | re.S)
_ACCEPTED = "PNG, JPEG, GIF or WebP"


@dataclass(frozen=True)
class PictureFacts:
    """What checking a picture's bytes found out."""

    content_type: str
    width: int
    height: int


@dataclass(frozen=True)
class UploadOutcome:
    """The stored picture, and whether these bytes were new to the wiki."""

    image: Image
    created: bool


@dataclass(frozen=True)
class RecipePicture:
    """A picture of a recipe, with its first upload to that recipe (None if only the text shows it)."""

    image: Image
    upload: ImageUpload | None


def media_path(image: Image) -> str:
    """The address a picture is served under."""
    return MEDIA_PREFIX + image.filename


def is_media_path(url: str) -> bool:
    """Whether a URL is exactly the address of a picture of this wiki."""
    return url.startswith(MEDIA_PREFIX) and MEDIA_NAME.fullmatch(url[len(MEDIA_PREFIX) :]) is not None


def _sniff(data: bytes) -> tuple[str, str]:
    """The content type and Pillow format that the first bytes announce, or Invalid."""
    for signature, content_type, pillow_format in _SIGNATURES:
        if data.startswith(signature):
            return content_type, pillow_format
    if data[:4] == _WEBP_MARKERS[0] and data[8:12] == _WEBP_MARKERS[1]:
        return "image/webp", "WEBP"
    if _SVG_START.match(data[:1024]):
        raise Invalid(
            "SVG pictures are not accepted, as they can carry scripts: export it as {_accepted}.",
            values={"_accepted": _ACCEPTED},
        )
    raise Invalid(
        "This file is not a picture the wiki accepts ({_accepted}), whatever its name says.",
        values={"_accepted": _ACCEPTED},
    )


def check_picture(data: bytes) -> PictureFacts:
    """Check that bytes are a whole PNG, JPEG, GIF or WebP picture of a sensible size."""
    # Imported here: Pillow (some 2 MB) is for uploads, which a process serving pages rarely receives.
    from PIL import Image as PillowImage

    if not data:
        raise Invalid("The file is empty.")
    if len(data) > MAX_IMAGE_BYTES:
        raise TooLarge(
            "A picture may weigh {value} MB at most.", values={"value": MAX_IMAGE_BYTES // (1024 * 1024)}
        )
    content_type, pillow_format = _sniff(data)
    try:
        with warnings.catch_warnings():
            # Pillow only warns about a canvas somewhat larger than its own limit: refuse it as well.
            warnings.simplefilter("error", PillowImage.DecompressionBombWarning)
            with PillowImage.open(io.BytesIO(data), formats=[pillow_format]) as picture:
                width, height = picture.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise TooLarge(
                        "A picture may have {most:,} pixels at most.", values={"most": MAX_IMAGE_PIXELS}
                    )
                picture.load()
    except (PillowImage.DecompressionBombWarning, PillowImage.DecompressionBombError) as error:
        raise TooLarge(
            "A picture may have {most:,} pixels at most.", values={"most": MAX_IMAGE_PIXELS}
        ) from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:  # what Pillow raises on broken files
        raise Invalid(
            "This file starts like a picture but is damaged or incomplete ({_accepted}).",
            values={"_accepted": _ACCEPTED},
        ) from error
    return PictureFacts(content_type, width, height)


def _store_image(session: Session, image_id: str, data: bytes, facts: PictureFacts) -> bool:
    """Store the bytes under their sha-256 unless already there; True when they were new."""
    if session.get(Image, image_id) is not None:
        return False
    values = {
        "id": image_id,
        "content_type": facts.content_type,
        "size": len(data),
        "width": facts.width,
        "height": facts.height,
        "data": data,
    }
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # Two servers storing the same new picture at once: the second insert does nothing.
    table = Image.__table__
    inserted = session.execute(
        insert(table).values(**values).on_conflict_do_nothing(index_elements=["id"]).returning(table.c.id)
    )
    return inserted.first() is not None


def upload_image(
    session: Session, *, user: User | None, data: bytes, recipe_slug: str | None = None
) -> UploadOutcome:
    """Check and store a picture sent by ``user`` for a recipe (or for a recipe not created yet).

    Whoever may edit the recipe (or create one) may add pictures to it. The upload is recorded in
    recent changes when it is for an existing recipe.
    """
    recipe = get_recipe(session, recipe_slug) if recipe_slug is not None else None
    require(user, "edit" if recipe is not None else "create", recipe)
    facts = check_picture(data)
    image_id = hashlib.sha256(data).hexdigest()
    with write_transaction(session):
        _require_quota(session, user, len(data))
        created = _store_image(session, image_id, data, facts)
        image = session.get(Image, image_id)
        if _record_upload(session, image, recipe, user):
            record_change(session, type="upload", user=user, recipe=recipe, summary=media_path(image))
    return UploadOutcome(image, created)


def _require_quota(session: Session, user: User, size: int) -> None:
    """TooLarge when this upload would take an account below moderator past its daily quota."""
    if role_rank(user.role) >= role_rank("moderator"):
        return
    sent = session.scalar(
        select(func.coalesce(func.sum(Image.size), 0))
        .select_from(ImageUpload)
        .join(Image, Image.id == ImageUpload.image_id)
        .where(ImageUpload.user_id == user.id, ImageUpload.created_at > utcnow() - timedelta(days=1))
    )
    if sent + size > DAILY_UPLOAD_QUOTA_BYTES:
        raise TooLarge(
            "You sent {sent} MB of pictures in the last 24 hours; an account may send {quota} MB a day.",
            values={"sent": sent // (1024 * 1024), "quota": DAILY_UPLOAD_QUOTA_BYTES // (1024 * 1024)},
        )


def _record_upload(session: Session, image: Image, recipe: Recipe | None, user: User) -> bool:
    """Record who sent the picture to the recipe, unless they did already; True for an existing recipe's
    new upload (which recent changes show)."""
    recipe_id = recipe.id if recipe is not None else None
    same_recipe = ImageUpload.recipe_id.is_(None) if recipe_id is None else ImageUpload.recipe_id == recipe_id
    known = session.scalar(
        select(ImageUpload.id).where(
            ImageUpload.image_id == image.id, same_recipe, ImageUpload.user_id == user.id
        )
    )
    if known is not None:
        return False
    session.add(ImageUpload(image_id=image.id, recipe_id=recipe_id, user_id=user.id))
    session.flush()
    return recipe is not None


def get_image(session: Session, name: str) -> Image:
    """The picture served under a media name (``<sha-256>.<extension>``), with its bytes, or NotFound."""
    match = MEDIA_NAME.fullmatch(name)
    if match is None:
        raise NotFound("There is no picture at this address.")
    image = session.scalar(select(Image).where(Image.id == match["id"]).options(undefer(Image.data)))
    # A picture is served under the extension of its type only: one address per picture.
    if image is None or IMAGE_EXTENSIONS[image.content_type] != match["extension"]:
        raise NotFound("There is no picture at this address.")
    return image


def is_public(session: Session, image: Image, review_policy: str) -> bool:
    """Whether everyone may see the picture: as an upload must not get round the review of text, a picture
    sent only by accounts whose edits wait for review is public once the published text of a recipe it
    was sent to shows it. Pictures without uploads (imported ones) are public."""
    uploads = session.scalars(
        select(ImageUpload).where(ImageUpload.image_id == image.id).options(selectinload(ImageUpload.user))
    ).all()
    recipes = {u.recipe_id: session.get(Recipe, u.recipe_id) for u in uploads if u.recipe_id is not None}
    if not uploads or any(
        not must_wait_for_review(upload.user, "edit", recipes.get(upload.recipe_id), review_policy)
        for upload in uploads
    ):
        return True
    return any(
        recipe.published_revision is not None
        and image.id in referenced_image_ids(revision_content(session, recipe.published_revision).html)
        for recipe in recipes.values()
    )


def may_see_picture(session: Session, image: Image, viewer: User | None, review_policy: str) -> bool:
    """Whether ``viewer`` may see the picture: it is public, or they sent it, or they review edits."""
    if viewer is not None and allowed(viewer, "see_pending"):
        return True
    if viewer is not None:
        theirs = ImageUpload.image_id == image.id, ImageUpload.user_id == viewer.id
        if session.scalar(select(ImageUpload.id).where(*theirs).limit(1)) is not None:
            return True
    return is_public(session, image, review_policy)


def adopt_uploads(session: Session, recipe: Recipe, author: User, html: str) -> None:
    """Give a new recipe the pictures its author sent from its editor before it existed, that it shows."""
    shown = referenced_image_ids(html)
    if not shown:
        return
    for upload in session.scalars(
        select(ImageUpload).where(
            ImageUpload.recipe_id.is_(None), ImageUpload.user_id == author.id, ImageUpload.image_id.in_(shown)
        )
    ):
        upload.recipe_id = recipe.id
    session.flush()


def referenced_image_ids(html: str) -> list[str]:
    """The ids of the pictures of this wiki that rendered HTML shows, in order, each once."""
    return list(dict.fromkeys(m["id"] for m in _MEDIA_NAME_IN_HTML.finditer(html)))


def recipe_pictures(session: Session, recipe: Recipe, html: str, review_policy: str) -> list[RecipePicture]:
    """The pictures of a recipe: those uploaded to it (oldest first), then the others ``html`` shows.

    ``html`` is the text readers see. An upload by an account whose edits wait for review under
    ``review_policy`` is listed only once that text shows it: an upload must not get round the review.
    """
    shown = referenced_image_ids(html)
    uploads = session.scalars(
        select(ImageUpload)
        .where(ImageUpload.recipe_id == recipe.id)
        .order_by(ImageUpload.created_at, ImageUpload.id)
        .options(selectinload(ImageUpload.image), selectinload(ImageUpload.user))
    ).all()
    first_upload: dict[str, ImageUpload] = {}
    for upload in uploads:
        if upload.image_id in shown or not must_wait_for_review(upload.user, "edit", recipe, review_policy):
            first_upload.setdefault(upload.image_id, upload)
    shown_only = [i for i in shown if i not in first_upload]
    # Most pages show no picture beyond their uploads: no query for nothing.
    found = session.scalars(select(Image).where(Image.id.in_(shown_only))) if shown_only else ()
    images = {image.id: image for image in found}
    pictures = [RecipePicture(upload.image, upload) for upload in first_upload.values()]
    pictures += [RecipePicture(images[i], None) for i in shown_only if i in images]
    return pictures
