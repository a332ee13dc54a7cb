"""Deleting a picture: its only uploader, or a moderator (a picture that should never have been sent).

Pictures are otherwise kept for ever, so that old revisions keep showing theirs; a deleted picture is
gone for them too, which is the point when it is abusive. Only a moderator deletes a picture that
someone else sent as well. The deletion is recorded in the audit log.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from recipes.community.policy import allowed, require
from recipes.database import write_transaction
from recipes.errors import Forbidden
from recipes.history.images import get_image, media_path
from recipes.journal.audit import record_audit
from recipes.models import ImageUpload, User

AUDIT_ACTION = "delete_picture"


def delete_picture(session: Session, name: str, *, user: User | None) -> None:
    """Delete the picture served under media name ``name``, with the record of its uploads."""
    require(user, "create")
    with write_transaction(session):
        image = get_image(session, name)
        uploaders = set(session.scalars(select(ImageUpload.user_id).where(ImageUpload.image_id == image.id)))
        if uploaders != {user.id} and not allowed(user, "delete"):
            raise Forbidden("Only a moderator may delete a picture that someone else sent.")
        record_audit(session, action=AUDIT_ACTION, actor=user, summary=media_path(image))
        session.execute(delete(ImageUpload).where(ImageUpload.image_id == image.id))
        session.delete(image)
