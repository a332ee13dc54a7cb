"""Pictures over HTTP: uploading (who may, what is accepted), serving /media/, the recipe's Pictures."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image as PillowImage
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from recipes.community import accounts
from recipes.history.images import MAX_IMAGE_BYTES
from recipes.moderation.blocks import block_user
from tests.conftest import csrf_token_of

SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def picture_bytes(pillow_format: str = "PNG", size: tuple[int, int] = (4, 3)) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, (30, 90, 160)).save(buffer, pillow_format)
    return buffer.getvalue()


def noise_png(size_bytes: int) -> bytes:
    """A valid PNG of random pixels (so it does not compress) of about ``size_bytes``."""
    side = int((size_bytes / 3) ** 0.5)
    buffer = io.BytesIO()
    PillowImage.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def send(client, data: bytes, filename: str = "photo.png", url: str = "/api/v1/images", headers=None):
    """POST a file as a browser does; encoded here, in memory (the test client's encoder leaves a
    temporary file open for large bodies)."""
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename)})
    return client.post(
        url, data=body, content_type=f"multipart/form-data; boundary={boundary}", headers=headers
    )


@pytest.fixture
def recipe(client, login):
    """A recipe created by the logged-in editor "alice"; returns (slug, csrf token)."""
    token = login("alice")
    response = client.post(
        "/api/v1/recipes", json={"title": "Copy party", "body": "Du café."}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201
    return response.get_json()["slug"], token


def test_upload_then_serve_the_picture(client, recipe):
    slug, token = recipe
    png = picture_bytes()
    response = send(client, png, url=f"/api/v1/recipes/{slug}/images", headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert answer["url"] == f"/media/{answer['id']}.png"
    assert answer["markdown"] == f"![]({answer['url']})"
    assert (answer["content_type"], answer["width"], answer["height"], answer["size"]) == (
        "image/png",
        4,
        3,
        len(png),
    )

    served = client.get(answer["url"])
    assert served.status_code == 200 and served.data == png
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    again = client.get(answer["url"], headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304


def test_the_same_bytes_are_stored_once_whatever_their_name(client, recipe):
    slug, token = recipe
    jpeg = picture_bytes("JPEG")
    first = send(
        client, jpeg, "affiche.png", url=f"/api/v1/recipes/{slug}/images", headers={"X-CSRFToken": token}
    )
    second = send(client, jpeg, "autre-nom.gif", headers={"X-CSRFToken": token})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["url"] == second.get_json()["url"]
    # The type comes from the bytes: a JPEG named .png is served as the JPEG it is.
    assert first.get_json()["url"].endswith(".jpg")
    assert client.get(first.get_json()["url"]).headers["Content-Type"] == "image/jpeg"


def test_a_picture_larger_than_the_texts_limit_is_accepted(client, recipe):
    _slug, token = recipe
    big = noise_png(3 * 1024 * 1024)
    assert 2 * 1024 * 1024 < len(big) < MAX_IMAGE_BYTES
    response = send(client, big, headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("size", [MAX_IMAGE_BYTES + 1, MAX_IMAGE_BYTES + 2 * 1024 * 1024])
def test_too_large_pictures_are_refused(client, recipe, size):
    _slug, token = recipe
    response = send(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * (size - 8), headers={"X-CSRFToken": token})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"I am text, not a picture", "photo.png", "not a picture"),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, "photo.png", "damaged"),
        (SVG_WITH_SCRIPT, "poster.svg", "SVG"),
        (SVG_WITH_SCRIPT, "poster.png", "SVG"),
        (b"", "empty.png", "empty"),
    ],
)
def test_what_is_not_a_picture_is_refused_with_a_reason(client, recipe, data, filename, message):
    _slug, token = recipe
    response = send(client, data, filename, headers={"X-CSRFToken": token})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and message in error["message"]


def test_an_upload_without_a_file_field_is_refused(client, recipe):
    _slug, token = recipe
    response = client.post("/api/v1/images", data={"other": "x"}, headers={"X-CSRFToken": token})
    assert response.status_code == 400
    assert "file" in response.get_json()["error"]["message"]
    response = client.post("/api/v1/images", json={"file": "x"}, headers={"X-CSRFToken": token})
    assert response.status_code == 400


def test_who_may_upload(client, app, recipe, api_token):
    slug, token = recipe
    url = f"/api/v1/recipes/{slug}/images"
    assert send(client, picture_bytes(), url=url).status_code == 400  # session without its CSRF token
    assert (
        send(
            client, picture_bytes(), url="/api/v1/recipes/nope/images", headers={"X-CSRFToken": token}
        ).status_code
        == 404
    )

    anonymous = app.test_client()
    response = send(anonymous, picture_bytes(), url=url, headers={"X-CSRFToken": csrf_token_of(anonymous)})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"

    bearer = api_token("robot", role="contributor")
    response = send(anonymous, picture_bytes("GIF"), url=url, headers={"Authorization": f"Bearer {bearer}"})
    assert response.status_code == 201


def test_a_blocked_account_may_not_upload(app, recipe, make_user, api_token):
    slug, _token = recipe
    bearer = api_token("intrus", role="contributor")
    make_user("modo", role="moderator")
    with app.extensions["levain.sessions"]() as session:
        block_user(session, "intrus", moderator=accounts.get_user(session, "modo"), reason="spam")
    response = send(
        app.test_client(),
        picture_bytes(),
        url=f"/api/v1/recipes/{slug}/images",
        headers={"Authorization": f"Bearer {bearer}"},
    )
    assert response.status_code == 403 and "blocked" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "name", ["nope.png", "0" * 64 + ".png", "A" * 64 + ".png", "0" * 64 + ".svg", "..%2F..%2Fetc%2Fpasswd"]
)
def test_unknown_media_are_not_found(client, name):
    assert client.get(f"/media/{name}").status_code == 404


def test_a_picture_under_another_extension_is_not_found(client, recipe):
    _slug, token = recipe
    url = send(client, picture_bytes(), headers={"X-CSRFToken": token}).get_json()["url"]
    assert client.get(url.replace(".png", ".jpg")).status_code == 404


def test_the_recipe_page_lists_its_pictures_and_keeps_them(client, recipe):
    slug, token = recipe
    uploaded = send(
        client, picture_bytes(), url=f"/api/v1/recipes/{slug}/images", headers={"X-CSRFToken": token}
    )
    elsewhere = send(client, picture_bytes("WEBP"), headers={"X-CSRFToken": token}).get_json()["url"]
    body = f"Du café.\n\n![Affiche]({elsewhere})"
    saved = client.put(
        f"/api/v1/recipes/{slug}", json={"body": body, "base_revision": 1}, headers={"X-CSRFToken": token}
    )
    assert f'<img src="{elsewhere}" alt="Affiche">' in saved.get_json()["html"]

    page = client.get(f"/recipes/{slug}").get_data(as_text=True)
    assert 'id="pictures-title"' in page
    assert page.count(uploaded.get_json()["url"]) == 2  # the link and the thumbnail
    assert "Added by alice" in page or "Ajoutée par alice" in page
    listed = client.get(f"/api/v1/recipes/{slug}/images").get_json()["items"]
    assert [(p["url"], p["uploaded_by"]) for p in listed] == [
        (uploaded.get_json()["url"], "alice"),
        (elsewhere, None),
    ]

    client.put(
        f"/api/v1/recipes/{slug}",
        json={"body": "Plus rien.", "base_revision": 2},
        headers={"X-CSRFToken": token},
    )
    assert client.get(elsewhere).status_code == 200  # revision 2 still shows it
    assert f'src="{elsewhere}"' in client.get(f"/recipes/{slug}/revisions/2").get_data(as_text=True)
    listed = client.get(f"/api/v1/recipes/{slug}/images").get_json()["items"]
    assert [p["url"] for p in listed] == [uploaded.get_json()["url"]]


def test_an_upload_shows_in_recent_changes(client, recipe):
    slug, token = recipe
    url = send(
        client, picture_bytes(), url=f"/api/v1/recipes/{slug}/images", headers={"X-CSRFToken": token}
    ).get_json()["url"]
    response = client.get("/api/v1/changes?type=upload")
    if response.status_code == 404:
        pytest.skip("the recent changes API is not available")
    items = response.get_json()["items"]
    assert [(c["type"], c["recipe"], c["user"], c["summary"]) for c in items] == [
        ("upload", slug, "alice", url)
    ]


def test_the_editor_offers_the_upload(client, recipe):
    slug, _token = recipe
    page = client.get(f"/recipes/{slug}/edit").get_data(as_text=True)
    assert f'data-upload-url="/api/v1/recipes/{slug}/images"' in page
    assert "js/upload.js" in page
    assert 'data-upload-url="/api/v1/images"' in client.get("/recipes/new").get_data(as_text=True)


def test_a_picture_is_deleted_by_its_only_uploader_or_a_moderator(client, recipe, api_token):
    slug, token = recipe
    mine = send(client, picture_bytes(size=(5, 5)), headers={"X-CSRFToken": token}).get_json()
    shared = send(client, picture_bytes(size=(6, 6)), headers={"X-CSRFToken": token}).get_json()
    other = {"Authorization": f"Bearer {api_token('bob')}"}
    assert send(client, picture_bytes(size=(6, 6)), headers=other).status_code == 200  # bob sends it too
    name_of = lambda answer: answer["url"].removeprefix("/media/")  # noqa: E731
    assert client.delete(f"/api/v1/images/{name_of(mine)}", headers=other).status_code == 403
    alice = {"X-CSRFToken": token}
    assert client.delete(f"/api/v1/images/{name_of(shared)}", headers=alice).status_code == 403
    assert client.delete(f"/api/v1/images/{name_of(mine)}", headers=alice).status_code == 204
    assert client.get(mine["url"]).status_code == 404
    moderator = {"Authorization": f"Bearer {api_token('mo', role='moderator')}"}
    assert client.delete(f"/api/v1/images/{name_of(shared)}", headers=moderator).status_code == 204
    assert client.get(shared["url"]).status_code == 404


def test_a_picture_sent_by_an_account_under_review_is_hidden_until_its_text_is_published(
    app, client, api_token
):
    app.config["REVIEW_POLICY"] = "new-accounts"
    newcomer = {"Authorization": f"Bearer {api_token('newcomer', role='contributor')}"}
    sent = send(client, picture_bytes(size=(7, 7)), headers=newcomer).get_json()
    assert client.get(sent["url"]).status_code == 404  # anonymous readers
    assert client.get(sent["url"], headers=newcomer).status_code == 200  # its sender
    created = client.post(
        "/api/v1/recipes", json={"title": "Atelier", "body": sent["markdown"]}, headers=newcomer
    )
    assert created.status_code == 202
    moderator = {"Authorization": f"Bearer {api_token('mo', role='moderator')}"}
    assert client.get(sent["url"], headers=moderator).status_code == 200  # reviewers
    assert client.post("/api/v1/recipes/atelier/revisions/1/approve", headers=moderator).status_code == 200
    shown = client.get(sent["url"])
    assert shown.status_code == 200 and "public" in shown.headers["Cache-Control"]
