"""JSON API for pictures: upload one (to a recipe, or for a recipe not created yet), list a recipe's.

An upload is a ``multipart/form-data`` POST with the picture in the field ``file``; the answer gives
its address and the Markdown that shows it. What the picture is comes from its bytes, never from its
name or the type the browser announced. The same bytes sent again are stored once (200, not 201).
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from recipes import queries
from recipes.history import images
from recipes.history.images import MAX_IMAGE_BYTES, RecipePicture, UploadOutcome, media_path
from recipes.models import Image
from recipes.moderation import pictures as picture_moderation

from ..db import get_session
from ..security import limiter
from .common import acting_user, checked_slug
from .schemas.images import Image as ImageAnswer
from .schemas.images import ImageUpload, PictureList
from .serializers import iso_time
from .spec import endpoint

bp = Blueprint("api_images", __name__)

UPLOAD_RATE_LIMIT = "30 per minute"
# Room for the multipart envelope around a picture of the largest size accepted.
MULTIPART_ALLOWANCE = 64 * 1024
UPLOAD_ENDPOINTS = {"api_images.upload", "api_images.upload_to_recipe"}


@bp.url_value_preprocessor
def allow_picture_sized_bodies(endpoint: str | None, _values: dict | None) -> None:
    """Raise the request size limit for a file sent to an upload route, above the site's limit for texts.

    It must be set before anything reads the body, and the CSRF check (a ``before_request`` of the
    app) reads the form: URL value preprocessors are the only hooks Flask runs before those.
    """
    if endpoint in UPLOAD_ENDPOINTS and request.mimetype == "multipart/form-data":
        request.max_content_length = MAX_IMAGE_BYTES + MULTIPART_ALLOWANCE


def image_dict(image: Image) -> dict:
    url = media_path(image)
    return {
        "id": image.id,
        "url": url,
        "markdown": f"![]({url})",
        "content_type": image.content_type,
        "size": image.size,
        "width": image.width,
        "height": image.height,
        "created_at": iso_time(image.created_at),
    }


def picture_dict(picture: RecipePicture) -> dict:
    upload = picture.upload
    return {
        **image_dict(picture.image),
        "uploaded_by": upload.user.name if upload is not None else None,
        "uploaded_at": iso_time(upload.created_at) if upload is not None else None,
    }


def _uploaded_answer(outcome: UploadOutcome):
    return jsonify(image_dict(outcome.image)), 201 if outcome.created else 200


@bp.post("/images")
@limiter.limit(UPLOAD_RATE_LIMIT)
@endpoint("images", {200: ImageAnswer, 201: ImageAnswer}, form=ImageUpload, writes=True)
def upload(form: ImageUpload):
    """Store a picture for a recipe that is being written and does not exist yet."""
    data = form.file.read(MAX_IMAGE_BYTES + 1)
    return _uploaded_answer(images.upload_image(get_session(), user=acting_user(), data=data))


@bp.delete("/images/<name>")
@endpoint("images", {204: None}, writes=True)
def delete_picture(name: str):
    """Delete a picture (its only uploader, or a moderator); ``name`` is its media name."""
    picture_moderation.delete_picture(get_session(), name, user=acting_user())
    return "", 204


@bp.post("/recipes/<slug>/images")
@limiter.limit(UPLOAD_RATE_LIMIT)
@endpoint("images", {200: ImageAnswer, 201: ImageAnswer}, form=ImageUpload, writes=True)
def upload_to_recipe(slug: str, form: ImageUpload):
    """Store a picture for a recipe."""
    data = form.file.read(MAX_IMAGE_BYTES + 1)
    slug = checked_slug(slug)
    outcome = images.upload_image(get_session(), user=acting_user(), data=data, recipe_slug=slug)
    return _uploaded_answer(outcome)


@bp.get("/recipes/<slug>/images")
@endpoint("images", {200: PictureList})
def list_pictures(slug: str):
    """List the pictures of a recipe: uploaded to it, or shown by its published text."""
    session = get_session()
    recipe = queries.get_recipe(session, checked_slug(slug))
    published = recipe.published_revision
    html = queries.revision_content(session, published).html if published is not None else ""
    pictures = images.recipe_pictures(session, recipe, html, current_app.config["REVIEW_POLICY"])
    return jsonify({"items": [picture_dict(picture) for picture in pictures]})
