"""Attachments: only listed types, images stored as pixels only, every file served with
its stored type (never sniffed), non-images as downloads, drafts' files private."""

from __future__ import annotations

import io

import pytest
from learning_support import make_module
from PIL import Image

from lms.extensions import db
from lms.learning.attachments import AttachmentError, store_attachment


def jpeg_with_metadata() -> bytes:
    image = Image.new("RGB", (8, 8), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    exif[0x013B] = "Ola Nordmann"  # Artist
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"hidden comment")
    return out.getvalue()


def test_an_image_is_stored_without_its_metadata(app):
    module = make_module()
    original = jpeg_with_metadata()
    assert b"Ola Nordmann" in original and b"hidden comment" in original
    stored = store_attachment(module, "foto.jpg", original)
    assert stored.content_type == "image/jpeg"
    assert b"Ola Nordmann" not in stored.data and b"hidden comment" not in stored.data
    with Image.open(io.BytesIO(stored.data)) as image:
        assert image.size == (8, 8) and not image.getexif()


def test_storing_the_same_file_again_changes_nothing(app):
    module = make_module()
    first = store_attachment(module, "foto.jpg", jpeg_with_metadata())
    db.session.commit()
    digest = first.sha256
    again = store_attachment(module, "foto.jpg", jpeg_with_metadata())
    assert again.id == first.id and again.sha256 == digest
    assert not db.session.dirty


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("drawing.svg", b"<svg onload=alert(1)>", "bad_type"),
        ("page.html", b"<script>alert(1)</script>", "bad_type"),
        ("../escape.txt", b"x", "bad_name"),
        ("folder/inner.txt", b"x", "bad_name"),
        (".hidden.txt", b"x", "bad_name"),
        ("not-an-image.png", b"<html><script>alert(1)</script>", "bad_image"),
        ("noextension", b"x", "bad_type"),
    ],
)
def test_what_is_refused(app, name, data, code):
    module = make_module()
    with pytest.raises(AttachmentError) as refused:
        store_attachment(module, name, data)
    assert refused.value.code == code


def test_a_file_over_the_limit_is_refused(app):
    app.config["LMS_LEARNING_MAX_ATTACHMENT"] = 100
    module = make_module()
    with pytest.raises(AttachmentError) as refused:
        store_attachment(module, "big.txt", b"x" * 101)
    assert refused.value.code == "too_large"
    store_attachment(module, "small.txt", b"x" * 100)


def test_a_download_is_served_as_a_download_with_its_own_type(app, client):
    module = make_module()
    store_attachment(module, "kontraktsvilkår.txt", "Vilkår for æøå".encode())
    db.session.commit()
    response = client.get(f"/learning/{module.slug}/files/kontraktsvilkår.txt")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''kontraktsvilk%C3%A5r.txt" in disposition
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.get_data(as_text=True) == "Vilkår for æøå"
    again = client.get(
        f"/learning/{module.slug}/files/kontraktsvilkår.txt",
        headers={"If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304


def test_an_image_is_shown_inline(app, client):
    module = make_module()
    store_attachment(module, "foto.jpg", jpeg_with_metadata())
    db.session.commit()
    response = client.get(f"/learning/{module.slug}/files/foto.jpg")
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Content-Disposition"].startswith("inline;")


def test_a_draft_modules_files_are_only_for_its_editors(app, client, factory, login):
    teacher = factory.user(roles=("instructor",))
    module = make_module(published=False, instructor=teacher)
    store_attachment(module, "utkast.txt", b"draft")
    db.session.commit()
    path = f"/learning/{module.slug}/files/utkast.txt"
    assert client.get(path).status_code == 404
    assert client.get(f"/learning/{module.slug}/files/missing.txt").status_code == 404
    login(teacher)
    assert client.get(path).status_code == 200
