"""The building blocks of the OpenAPI description (``openapi``): schemas, parameters, operations.

Schemas name the fields the contract promises (``required``) and allow more, so that an answer may
grow a field without breaking clients. Every error answer is the one ``Error`` schema.
"""

from __future__ import annotations

from typing import Any

from recipes.licences.rules import LICENCES

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: dict[str, Schema], optional: dict[str, Schema] | None = None) -> Schema:
    """An object with these fields (the first ones required); other fields are allowed."""
    return {"type": "object", "required": list(required), "properties": {**required, **(optional or {})}}


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def items_of(schema: Schema, paged: bool = False) -> Schema:
    fields = {"items": {"type": "array", "items": schema}}
    return obj({**fields, "next": nullable({"type": ["string", "integer"]})} if paged else fields)


TEXT, NUMBER = {"type": "string"}, {"type": "integer", "minimum": 0}
TIME = {"type": "string", "format": "date-time"}
SLUG = {"type": "string", "minLength": 1, "maxLength": 80}
# Each op is [-1 removed | 0 kept | 1 added, text].
OPS = {
    "type": "array",
    "items": {"type": "array", "items": {"type": ["integer", "string"]}, "minItems": 2, "maxItems": 2},
}
CONFLICT = obj({"base": TEXT, "ours": TEXT, "theirs": TEXT})
LICENCE = {"enum": list(LICENCES), "description": "SPDX identifier"}
AUTHORS = {"type": "array", "items": TEXT, "description": "everyone with an approved revision, by first"}
CREDIT = obj(
    {
        "slug": SLUG,
        "title": TEXT,
        "region": nullable(SLUG),
        "revision": nullable(NUMBER),
        "licence": LICENCE,
        "authors": AUTHORS,
    }
)

SCHEMAS: dict[str, Schema] = {
    "Error": obj(
        {"error": obj({"code": TEXT, "message": TEXT})},
        {
            "head_revision": NUMBER,
            "upstream_revision": NUMBER,
            "conflicts": {"type": "array", "items": CONFLICT},
        },
    ),
    "RecipeSummary": obj(
        {
            "slug": SLUG,
            "title": TEXT,
            "region": nullable(SLUG),
            "tags": {"type": "array", "items": TEXT},
            "language": {"enum": ["fr", "en"]},
            "licence": LICENCE,
            "revision": nullable(NUMBER),
            "parent": nullable(obj({"slug": SLUG, "revision": NUMBER})),
            "created_at": TIME,
            "updated_at": TIME,
        },
        {"head_revision": NUMBER},
    ),
    "Recipe": {
        "allOf": [
            ref("RecipeSummary"),
            obj(
                {
                    "body": TEXT,
                    "html": TEXT,
                    "authors": AUTHORS,
                    "attribution": {"type": "array", "items": CREDIT},
                }
            ),
        ]
    },
    "Attribution": obj({"text": TEXT, "html": TEXT}),
    "SavedRecipe": {
        "allOf": [ref("Recipe"), obj({}, {"changed": {"type": "boolean"}, "merged": {"type": "boolean"}})]
    },
    "Pending": obj({"status": {"const": "pending"}, "revision": NUMBER}),
    "Revision": obj(
        {
            "number": NUMBER,
            "author": TEXT,
            "summary": TEXT,
            "created_at": TIME,
            "status": {"enum": ["approved", "pending", "rejected"]},
            "size": NUMBER,
        },
        {"size_delta": {"type": "integer"}, "kind": TEXT, "title": TEXT},
    ),
    "RevisionWithBody": {"allOf": [ref("Revision"), obj({"body": TEXT}, {"html": TEXT})]},
    "Diff": obj({"from": nullable(NUMBER), "to": NUMBER, "ops": OPS}),
    "Comparison": obj(
        {
            "from": obj({"slug": SLUG, "revision": NUMBER}),
            "to": obj({"slug": SLUG, "revision": NUMBER}),
            "ops": OPS,
        }
    ),
    "Region": obj({"slug": SLUG, "name": TEXT}),
    "Lineage": obj(
        {
            "ancestors": {
                "type": "array",
                "items": obj({"slug": SLUG, "region": nullable(SLUG), "revision": NUMBER}),
            },
            "descendants": {
                "type": "array",
                "items": obj(
                    {
                        "slug": SLUG,
                        "region": nullable(SLUG),
                        "fork_revision": NUMBER,
                        "children": {"type": "array"},
                    }
                ),
            },
        }
    ),
    "Upstream": obj(
        {
            "parent": obj({"slug": SLUG, "revision": NUMBER}),
            "base": NUMBER,
            "upstream_head": NUMBER,
            "behind": NUMBER,
            "ahead": NUMBER,
        }
    ),
    "Synced": obj(
        {"changed": {"type": "boolean"}, "revision": NUMBER},
        {"merged": {"type": "boolean"}, "upstream_revision": NUMBER},
    ),
    "Proposal": obj(
        {
            "id": NUMBER,
            "source": SLUG,
            "target": SLUG,
            "status": {"enum": ["open", "accepted", "declined"]},
            "summary": TEXT,
            "author": TEXT,
            "created_at": TIME,
        },
        {
            "target_revision": nullable(NUMBER),
            "decided_by": nullable(TEXT),
            "decision_comment": nullable(TEXT),
        },
    ),
    "ProposalDetail": {"allOf": [ref("Proposal"), obj({"diff": ref("Diff"), "comments": {"type": "array"}})]},
    "Comment": obj({"author": TEXT, "body": TEXT, "created_at": TIME}),
    "SearchResults": obj(
        {
            "total": NUMBER,
            "hits": {
                "type": "array",
                "items": obj(
                    {
                        "slug": SLUG,
                        "title": TEXT,
                        "region": nullable(SLUG),
                        "snippet": TEXT,
                        "score": {"type": "number"},
                        "variants": {"type": "array"},
                    }
                ),
            },
            "facets": obj(
                {
                    "region": {"type": "object", "additionalProperties": NUMBER},
                    "tag": {"type": "object", "additionalProperties": NUMBER},
                },
                {
                    "language": {"type": "object", "additionalProperties": NUMBER},
                    "licence": {"type": "object", "additionalProperties": NUMBER},
                },
            ),
        }
    ),
    "ReviewItem": obj(
        {"recipe": SLUG, "revision": NUMBER, "author": TEXT, "summary": TEXT, "created_at": TIME}
    ),
    "Change": obj(
        {
            "id": NUMBER,
            "type": TEXT,
            "recipe": nullable(SLUG),
            "revision": nullable(NUMBER),
            "user": nullable(TEXT),
            "summary": TEXT,
            "at": TIME,
            "patrolled": {"type": "boolean"},
        }
    ),
    "Decision": obj({"status": {"enum": ["approved", "rejected"]}, "revision": NUMBER}),
    "Protection": obj({"recipe": SLUG, "level": {"enum": ["editor", "moderator", "none"]}}),
    "RolledBack": obj({"recipe": SLUG, "revision": NUMBER, "status": TEXT}),
    "Block": obj({"user": TEXT, "blocked": {"type": "boolean"}}),
    "Patrolled": obj({"id": NUMBER, "patrolled": {"const": True}}),
}

ERRORS = {  # status: (description, the error codes it carries)
    "400": "invalid: the request is malformed or breaks a rule",
    "401": "unauthorized: log in or send a personal token",
    "403": "forbidden: this account may not do that",
    "404": "not_found: no such recipe, revision, user or proposal",
    "409": "edit_conflict or merge_conflict, with the conflicts; nothing saved",
    "413": "too_large: the request body is too large",
    "429": "rate_limited: too many requests; try again later",
}
READ_ERRORS, WRITE_ERRORS = ("400", "404", "429"), ("400", "401", "403", "404", "413", "429")


def answer(schema: Schema, description: str = "OK") -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def operation(
    summary: str,
    responses: dict[str, Schema],
    *,
    body: Schema | None = None,
    query: dict[str, Schema] | None = None,
    errors: tuple[str, ...] = READ_ERRORS,
) -> Schema:
    """One operation: its answers, then the error answers it may give, all with the Error schema."""
    described = {
        "summary": summary,
        "responses": {**responses, **{status: answer(ref("Error"), ERRORS[status]) for status in errors}},
    }
    if query:
        described["parameters"] = [
            {"name": n, "in": "query", "required": False, "schema": s} for n, s in query.items()
        ]
    if body is not None:
        described["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if "401" in errors:
        described["security"] = [{"bearer": []}, {"session": []}]
    return described


def write(
    summary: str, responses: dict[str, Schema], body: Schema | None = None, extra: tuple[str, ...] = ()
):
    return operation(summary, responses, body=body, errors=tuple(sorted(WRITE_ERRORS + extra)))


def path_parameter(name: str, schema: Schema) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": schema}


LIMIT = {"type": "integer", "minimum": 1, "maximum": 500}
SLUG_PATH, NUMBER_PATH = (
    path_parameter("slug", SLUG),
    path_parameter("number", {"type": "integer", "minimum": 1}),
)
PROPOSAL_PATH = path_parameter("proposal_id", {"type": "integer", "minimum": 1})
NAME_PATH = path_parameter("name", {"type": "string", "minLength": 1, "maxLength": 40})
REVISION_NUMBER = {"type": "integer", "minimum": 1}
TAGS = {"type": "array", "items": TEXT, "maxItems": 20}
REASON = obj({"reason": TEXT}, {"expires": nullable(TIME)})
