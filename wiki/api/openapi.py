"""The OpenAPI 3.1 description of the JSON API, as data, served at ``/api/v1/openapi.json``.

Every route under /api/v1 is described (a test checks it against the app's routes); the schemas and
the way operations are built are in ``openapi_schemas``.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from .openapi_schemas import (
    LIMIT,
    NAME_PATH,
    NUMBER,
    NUMBER_PATH,
    PROPOSAL_PATH,
    REASON,
    REVISION_NUMBER,
    SCHEMAS,
    SLUG,
    SLUG_PATH,
    TAGS,
    TEXT,
    TIME,
    Schema,
    answer,
    items_of,
    nullable,
    obj,
    operation,
    path_parameter,
    ref,
    write,
)

bp = Blueprint("api_openapi", __name__)


def recipe_paths() -> dict[str, Schema]:
    return {
        "/recipes": {
            "get": operation(
                "List recipes, newest change first",
                {"200": answer(items_of(ref("RecipeSummary"), True))},
                query={"region": SLUG, "tag": TEXT, "limit": LIMIT, "cursor": TEXT},
            ),
            "post": write(
                "Create a recipe; its slug is made from the title",
                {"201": answer(ref("Recipe"), "Created")},
                obj(
                    {"title": TEXT, "body": TEXT},
                    {
                        "region": nullable(SLUG),
                        "tags": TAGS,
                        "language": {"enum": ["fr", "en"]},
                        "summary": TEXT,
                    },
                ),
            ),
        },
        "/recipes/{slug}": {
            "parameters": [SLUG_PATH],
            "get": operation("Read a recipe as readers see it", {"200": answer(ref("Recipe"))}),
            "put": write(
                "Save a new revision on top of base_revision, merged when edits do not overlap",
                {
                    "200": answer(ref("SavedRecipe")),
                    "202": answer(ref("Pending"), "Saved, waiting for review"),
                },
                obj(
                    {"body": TEXT, "summary": TEXT, "base_revision": REVISION_NUMBER},
                    {"title": TEXT, "tags": TAGS, "upstream_revision": REVISION_NUMBER},
                ),
                extra=("409",),
            ),
        },
        "/recipes/{slug}/revisions": {
            "parameters": [SLUG_PATH],
            "get": operation(
                "List a recipe's revisions, newest first",
                {"200": answer(items_of(ref("Revision"), True))},
                query={"limit": LIMIT, "before": REVISION_NUMBER},
            ),
        },
        "/recipes/{slug}/revisions/{number}": {
            "parameters": [SLUG_PATH, NUMBER_PATH],
            "get": operation("Read one revision with its text", {"200": answer(ref("RevisionWithBody"))}),
        },
        "/recipes/{slug}/diff": {
            "parameters": [SLUG_PATH],
            "get": operation(
                "The differences between two revisions",
                {"200": answer(ref("Diff"))},
                query={"from": REVISION_NUMBER, "to": REVISION_NUMBER},
            ),
        },
        "/recipes/{slug}/revert": {
            "parameters": [SLUG_PATH],
            "post": write(
                "Save a new revision equal to an older one",
                {"200": answer(ref("SavedRecipe")), "202": answer(ref("Pending"), "Waiting for review")},
                obj({"revision": REVISION_NUMBER}, {"summary": TEXT}),
            ),
        },
        "/compare": {
            "get": operation(
                "The differences between any two recipes, slug[@n]",
                {"200": answer(ref("Comparison"))},
                query={"a": TEXT, "b": TEXT},
            ),
        },
    }


def lineage_paths() -> dict[str, Schema]:
    return {
        "/regions": {
            "get": operation("List the regions", {"200": answer(items_of(ref("Region")))}),
            "post": write(
                "Create a region",
                {"201": answer(ref("Region"), "Created")},
                obj({"name": TEXT}),
                extra=("409",),
            ),
        },
        "/recipes/{slug}/forks": {
            "parameters": [SLUG_PATH],
            "post": write(
                "Fork a recipe into a region",
                {"201": answer(ref("Recipe"), "Created")},
                obj({"region": SLUG}, {"title": TEXT, "slug": SLUG}),
            ),
        },
        "/recipes/{slug}/lineage": {
            "parameters": [SLUG_PATH],
            "get": operation("A recipe's ancestors and descendants", {"200": answer(ref("Lineage"))}),
        },
        "/recipes/{slug}/upstream": {
            "parameters": [SLUG_PATH],
            "get": operation("How a fork stands to its parent", {"200": answer(ref("Upstream"))}),
        },
        "/recipes/{slug}/sync": {
            "parameters": [SLUG_PATH],
            "post": write(
                "Merge the parent's changes into the fork (three-way)",
                {"200": answer(ref("Synced"))},
                obj({"base_revision": REVISION_NUMBER}, {"upstream_revision": REVISION_NUMBER}),
                extra=("409",),
            ),
        },
        "/recipes/{slug}/proposals": {
            "parameters": [SLUG_PATH],
            "post": write(
                "Propose the fork's changes to its parent",
                {"201": answer(ref("Proposal"), "Created")},
                obj({"summary": TEXT}),
                extra=("409",),
            ),
        },
        "/proposals": {
            "get": operation(
                "List proposals",
                {"200": answer(items_of(ref("Proposal")))},
                query={"target": SLUG, "status": {"enum": ["open", "accepted", "declined"]}},
            ),
        },
        "/proposals/{proposal_id}": {
            "parameters": [PROPOSAL_PATH],
            "get": operation("A proposal with its diff and comments", {"200": answer(ref("ProposalDetail"))}),
        },
        "/proposals/{proposal_id}/comments": {
            "parameters": [PROPOSAL_PATH],
            "post": write(
                "Comment on a proposal", {"201": answer(ref("Comment"), "Created")}, obj({"body": TEXT})
            ),
        },
        "/proposals/{proposal_id}/accept": {
            "parameters": [PROPOSAL_PATH],
            "post": write(
                "Merge a proposal into its parent",
                {"200": answer(ref("Proposal"))},
                obj({}, {"comment": TEXT, "head_revision": REVISION_NUMBER}),
                extra=("409",),
            ),
        },
        "/proposals/{proposal_id}/decline": {
            "parameters": [PROPOSAL_PATH],
            "post": write(
                "Decline a proposal, saying why",
                {"200": answer(ref("Proposal"))},
                obj({"comment": TEXT}),
                extra=("409",),
            ),
        },
        "/search": {
            "get": operation(
                "Search recipes in French and English",
                {"200": answer(ref("SearchResults"))},
                query={
                    "q": TEXT,
                    "region": SLUG,
                    "tag": TEXT,
                    "language": {"enum": ["fr", "en"]},
                    "limit": LIMIT,
                    "page": {"type": "integer", "minimum": 1},
                },
            ),
        },
    }


def moderation_paths() -> dict[str, Schema]:
    recipe_revision = [SLUG_PATH, NUMBER_PATH]
    return {
        "/review": {
            "get": operation(
                "Revisions waiting for review (moderators)",
                {"200": answer(items_of(ref("ReviewItem")))},
                errors=("400", "401", "403"),
            )
        },
        "/recipes/{slug}/revisions/{number}/approve": {
            "parameters": recipe_revision,
            "post": write("Publish a pending revision", {"200": answer(ref("Decision"))}, extra=("409",)),
        },
        "/recipes/{slug}/revisions/{number}/reject": {
            "parameters": recipe_revision,
            "post": write(
                "Reject a pending revision, saying why",
                {"200": answer(ref("Decision"))},
                obj({"reason": TEXT}),
                extra=("409",),
            ),
        },
        "/recipes/{slug}/protect": {
            "parameters": [SLUG_PATH],
            "post": write(
                "Limit who may edit a recipe",
                {"200": answer(ref("Protection"))},
                obj(
                    {"level": {"enum": ["editor", "moderator", "none"]}},
                    {"reason": TEXT, "expires": nullable(TIME)},
                ),
            ),
        },
        "/recipes/{slug}/rollback": {
            "parameters": [SLUG_PATH],
            "post": write(
                "Revert a user's latest consecutive edits",
                {"200": answer(ref("RolledBack"))},
                obj({"user": TEXT}, {"summary": TEXT}),
                extra=("409",),
            ),
        },
        "/users/{name}/block": {
            "parameters": [NAME_PATH],
            "post": write("Block an account", {"200": answer(ref("Block"))}, REASON),
        },
        "/users/{name}/unblock": {
            "parameters": [NAME_PATH],
            "post": write("Lift an account's block", {"200": answer(ref("Block"))}),
        },
        "/changes": {
            "get": operation(
                "Recent changes, newest first",
                {"200": answer(items_of(ref("Change"), True))},
                query={
                    "limit": LIMIT,
                    "before": REVISION_NUMBER,
                    "region": SLUG,
                    "user": TEXT,
                    "recipe": SLUG,
                    "type": TEXT,
                    "unpatrolled": {"enum": ["0", "1", "true", "false"]},
                },
            ),
        },
        "/changes/{change_id}/patrol": {
            "parameters": [path_parameter("change_id", {"type": "integer", "minimum": 1})],
            "post": write("Mark a change as patrolled", {"200": answer(ref("Patrolled"))}),
        },
    }


def more_paths() -> dict[str, Schema]:
    """Routes beyond the contract's list: preview, regions, renames and deletion, audit, roles, pictures."""
    moved = obj({"slug": SLUG}, {"title": TEXT, "renamed_from": SLUG, "deleted": {"type": "boolean"}})
    image = obj(
        {
            "id": {"type": ["integer", "string"]},
            "url": TEXT,
            "markdown": TEXT,
            "content_type": TEXT,
            "size": NUMBER,
        }
    )
    upload = {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": obj({"file": {"type": "string", "contentMediaType": "application/octet-stream"}})
            }
        },
    }
    return {
        "/preview": {
            "post": write(
                "Render Markdown as a save would", {"200": answer(obj({"html": TEXT}))}, obj({"body": TEXT})
            )
        },
        "/regions/{slug}": {
            "parameters": [SLUG_PATH],
            "get": operation(
                "A region with its recipes",
                {"200": answer({"allOf": [ref("Region"), obj({"recipes": {"type": "array"}})]})},
            ),
            "delete": write("Delete a region nothing uses (moderators)", {"204": {"description": "Deleted"}}),
        },
        "/audit": {
            "get": operation(
                "The audit log of moderation actions (moderators)",
                {"200": answer(items_of(obj({"id": NUMBER, "action": TEXT, "at": TIME}), True))},
                query={"limit": LIMIT, "before": REVISION_NUMBER},
                errors=("400", "401", "403"),
            )
        },
        "/recipes/{slug}/rename": {
            "parameters": [SLUG_PATH],
            "post": write(
                "Give a recipe a new title and slug",
                {"200": answer(moved)},
                obj({"title": TEXT}, {"slug": SLUG}),
                extra=("409",),
            ),
        },
        "/recipes/{slug}/delete": {
            "parameters": [SLUG_PATH],
            "post": write(
                "Delete a recipe (hidden, restorable)",
                {"200": answer(moved)},
                obj({}, {"reason": TEXT}),
                extra=("409",),
            ),
        },
        "/recipes/{slug}/restore": {
            "parameters": [SLUG_PATH],
            "post": write("Restore a deleted recipe", {"200": answer(moved)}, extra=("409",)),
        },
        "/users/{name}/rollback": {
            "parameters": [NAME_PATH],
            "post": write(
                "Revert a user's latest edits everywhere",
                {"200": answer(obj({"rolled_back": {"type": "array"}, "skipped": {"type": "array"}}))},
            ),
        },
        "/users/{name}/role": {
            "parameters": [NAME_PATH],
            "post": write(
                "Give an account another role (admins)",
                {"200": answer(obj({"user": TEXT, "role": TEXT}))},
                obj({"role": {"enum": ["contributor", "editor", "moderator", "admin"]}}),
            ),
        },
        "/images": {
            "post": {
                **write("Upload a picture", {"200": answer(image), "201": answer(image, "Created")}),
                "requestBody": upload,
            }
        },
        "/images/{name}": {
            "parameters": [{"name": "name", "in": "path", "required": True, "schema": TEXT}],
            "delete": write(
                "Delete a picture (its only uploader, or a moderator)", {"204": {"description": "Deleted"}}
            ),
        },
        "/recipes/{slug}/images": {
            "parameters": [SLUG_PATH],
            "get": operation("The pictures of a recipe", {"200": answer(items_of(image))}),
            "post": {
                **write(
                    "Upload a picture to a recipe", {"200": answer(image), "201": answer(image, "Created")}
                ),
                "requestBody": upload,
            },
        },
    }


def openapi_document() -> Schema:
    """The whole description: every path of the contract's JSON API, under /api/v1."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Levain JSON API",
            "version": "1",
            "description": "Recipes of local initiatives: revisions, forks, lineage, search and moderation. "
            "Reading is open to everyone; changes need a personal token (Authorization: Bearer) or the "
            "browser session with the CSRF token in X-CSRFToken.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            **recipe_paths(),
            **lineage_paths(),
            **moderation_paths(),
            **more_paths(),
            "/openapi.json": {
                "get": {
                    "summary": "This description",
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from `levain user token`",
                },
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    """Describe the JSON API in OpenAPI 3.1."""
    return jsonify(openapi_document())
