"""Pictures: uploading one (to a recipe, or for a recipe not created yet), listing a recipe's."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, InstanceOf, WithJsonSchema
from werkzeug.datastructures import FileStorage

from .common import Answer, Time

BINARY = {"type": "string", "contentMediaType": "application/octet-stream"}
UploadedFile = Annotated[InstanceOf[FileStorage], WithJsonSchema(BINARY)]


class ImageUpload(BaseModel):
    """A ``multipart/form-data`` body with the picture in the field ``file``."""

    file: UploadedFile


class Image(Answer):
    id: int | str
    url: str
    markdown: str
    content_type: str
    size: int
    width: int | None = None
    height: int | None = None
    created_at: Time | None = None


class Picture(Image):
    uploaded_by: str | None = None
    uploaded_at: Time | None = None


class PictureList(Answer):
    items: list[Picture]
