"""Photos lose their metadata before they are stored (issue 14; issue 17's camera photos): a
report's photo from the public page, a team's attachment and a unit's evidence are written
again without EXIF (where a phone puts the place and time a photo was taken), XMP or PNG text,
turned upright first; a photo that is not a whole image is refused before anything is written."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, PngImagePlugin

from core.files import file_path
from onsite.attachments import attachment_create
from onsite.models import Attachment, Petition

GPS_IFD, ORIENTATION, MAKE = 0x8825, 0x0112, 0x010F


def _jpeg_with_location(orientation=6) -> bytes:
    """A 40×20 JPEG as a phone writes it: EXIF with the camera, the orientation and a GPS position."""
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[ORIENTATION] = orientation  # 6: to be turned 90° to stand upright
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (27.0, 48.0, 36.0), 3: "E", 4: (113.0, 8.0, 24.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=95)
    data = out.getvalue()
    assert b"Exif" in data and b"PhoneMaker" in data
    return data


def _png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "湖南省某县某村 27.81N 113.14E")
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 128, 0)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _stored(attachment: Attachment) -> bytes:
    data = file_path(attachment.path).read_bytes()
    assert attachment.sha256 == hashlib.sha256(data).hexdigest() and attachment.size == len(data)
    return data


def test_a_phone_photo_is_stored_upright_without_its_location(world):
    a = world["a"]
    photo = SimpleUploadedFile("现场.jpg", _jpeg_with_location())
    stored = _stored(attachment_create(actor=a.users["team_member"], inspection=a.inspection, upload=photo))
    assert b"Exif" not in stored and b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.size == (20, 40)  # turned upright
        assert not image.getexif() and "exif" not in image.info
        assert image.getpixel((10, 20))[0] > 150  # the same picture


def test_png_text_chunks_are_dropped(world):
    a = world["a"]
    upload = SimpleUploadedFile("截图.png", _png_with_text())
    stored = _stored(attachment_create(actor=a.users["team_member"], inspection=a.inspection, upload=upload))
    assert b"Location" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "PNG" and image.size == (8, 8) and not image.text


def test_a_reporters_photo_from_the_public_page_loses_its_location(world):
    a = world["a"]
    client = Client(enforce_csrf_checks=True)
    url = f"/p/{a.inspection.public_id}/"
    client.get(url)
    data = {"subject": "村道硬化工程质量差", "content": "照片为村道开裂处。", "anonymous": "1"}
    r = client.post(
        url,
        {"csrfmiddlewaretoken": client.cookies["csrftoken"].value, **data,
         "attachments": [SimpleUploadedFile("IMG_0001.jpg", _jpeg_with_location())]},
    )  # fmt: skip
    assert r.status_code == 200 and "查询码只显示这一次" in r.content.decode()
    (attachment,) = Petition.objects.get(inspection=a.inspection).attachments.all()
    stored = _stored(attachment)
    assert b"Exif" not in stored and b"PhoneMaker" not in stored


def test_a_broken_photo_is_refused_before_anything_is_written(world, settings):
    a = world["a"]
    whole = _jpeg_with_location()
    with pytest.raises(ValidationError) as refused:
        attachment_create(
            actor=a.users["team_member"], inspection=a.inspection, upload=SimpleUploadedFile("半张.jpg", whole[:200])
        )
    assert "不是完整的图片" in refused.value.error_dict["file"][0].message
    assert not Attachment.objects.exists() and not [p for p in settings.FILE_DIR.rglob("*") if p.is_file()]
