"""Pictures in a real browser: upload from the editor, see it in the preview and the saved recipe.

An SVG carrying a script and a text file named ``.png`` are refused with a sentence under the control,
the text of the recipe untouched; no dialog ever opens and no page logs an error other than the
refused uploads' own 400 answers.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image as PillowImage
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script><circle r='4'/></svg>"
)
MEDIA_MARKDOWN = re.compile(r"!\[affiche du quartier\]\(/media/[0-9a-f]{64}\.png\)")


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, (180, 90, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def choose_and_insert(page, name: str, mime_type: str, data: bytes) -> None:
    page.set_input_files("#picture-file", files=[{"name": name, "mimeType": mime_type, "buffer": data}])
    page.click("#picture-upload-button")


def unexpected(console_errors: list[str]) -> list[str]:
    """The console errors other than the refused uploads' 400 answers, which the browser logs."""
    return [e for e in console_errors if "status of 400" not in e]


def image_is_loaded(locator) -> bool:
    return locator.evaluate("img => img.complete && img.naturalWidth > 0")


def test_upload_a_picture_in_the_editor_and_see_it_in_the_recipe(page, dialogs, console_errors):
    sign_in(page, "amelie", register=True)
    page.goto("/recipes/new")
    page.fill("#title", "Fête de quartier")
    page.fill("#body", "## Affiche\n\n")
    page.locator("#body").evaluate("body => body.setSelectionRange(body.value.length, body.value.length)")

    choose_and_insert(page, "affiche du quartier.png", "image/png", png_bytes())
    expect(page.locator("#picture-upload-status")).to_have_attribute("data-state", "done")
    expect(page.locator("#body")).to_have_value(MEDIA_MARKDOWN)
    preview_picture = page.locator("#preview img")
    expect(preview_picture).to_have_attribute("alt", "affiche du quartier")
    expect(preview_picture).to_have_attribute("src", re.compile(r"^/media/[0-9a-f]{64}\.png$"))
    page.wait_for_function("() => document.querySelector('#preview img').naturalWidth === 40")

    page.click("text=Save")
    expect(page).to_have_url(re.compile(r"/recipes/fete-de-quartier$"))
    shown = page.locator(".prose img")
    expect(shown).to_have_count(1)
    page.wait_for_function("() => document.querySelector('.prose img').naturalWidth === 40")
    expect(page.locator(".pictures .pictures__item")).to_have_count(1)

    # A second picture, uploaded while editing the saved recipe, is listed as added by its uploader.
    page.click(".recipe-actions >> text=Edit")
    page.locator("#body").evaluate("body => body.setSelectionRange(body.value.length, body.value.length)")
    choose_and_insert(page, "salle.png", "image/png", png_bytes((20, 20)))
    expect(page.locator("#preview img")).to_have_count(2)
    page.click("text=Save")
    expect(page.locator(".pictures .pictures__item")).to_have_count(2)
    expect(page.locator(".pictures")).to_contain_text("amelie")
    assert all(image_is_loaded(img) for img in page.locator(".pictures img").all())

    source = page.locator(".prose img").first.get_attribute("src")
    response = page.goto(source)
    assert response.headers["content-type"] == "image/png"
    assert "immutable" in response.headers["cache-control"]
    assert dialogs == []
    assert unexpected(console_errors) == []


@pytest.mark.parametrize(
    ("name", "mime_type", "data", "reason"),
    [
        ("poster.svg", "image/svg+xml", SVG_WITH_SCRIPT, "SVG pictures are not accepted"),
        ("poster.png", "image/png", SVG_WITH_SCRIPT, "SVG pictures are not accepted"),
        ("photo.png", "image/png", b"<script>alert(1)</script> not a picture at all", "not a picture"),
    ],
)
def test_an_svg_with_a_script_and_a_fake_png_are_refused(
    page, dialogs, console_errors, name, mime_type, data, reason
):
    sign_in(page, "basile", register=True)
    page.goto("/recipes/new")
    page.fill("#title", "Repair café")
    page.fill("#body", "Des tournevis.")
    choose_and_insert(page, name, mime_type, data)

    status = page.locator("#picture-upload-status")
    expect(status).to_have_attribute("data-state", "error")
    expect(status).to_contain_text(reason)
    expect(page.locator("#body")).to_have_value("Des tournevis.")
    expect(page.locator("#preview")).to_have_attribute("data-state", "ready")
    expect(page.locator("#preview img")).to_have_count(0)
    assert page.evaluate("() => document.querySelectorAll('svg, script:not([src])').length") == 0
    assert dialogs == []
    assert unexpected(console_errors) == []
